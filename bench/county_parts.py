"""The parts of the county benchmark that run inside one revision of the code.

    PYTHONPATH=<tree> python bench/county_parts.py build FOLDER TEAMS[,TEAMS...] FAMILIES DAYS
    PYTHONPATH=<tree> python bench/county_parts.py pages STORE REPEATS TILE_TOKEN

``build`` makes one store per size with the demo's history builder
(:func:`webapp.demo.history.generate_history`), each a copy of the one before with more
teams added (so team 1 is the same family for family in every size), plus a user of
each role per team, a service manager of every team, an API token for team 1's manager
and a board photo of team 1's first board. It only calls library functions the starting
revision already has, so the before and after code measure the same stores.

``pages`` times every per-team page in this process through Flask's test client (the
server's own work, no HTTP), as team 1's admin and as the service manager, and prints
JSON: page -> list of seconds.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from functools import partial
from pathlib import Path

PASSWORD = "county-bench-password"
DOMAIN = "county.example"
ROLES = ("admin", "manager", "practitioner")
PAGES = ["/", "/agenda", "/agenda/print", "/alerts", "/reports/drift", "/supervision",
         "/clinic", "/printing/", "/admin/", "/rules", "/audit", "/scans/new"]  # fmt: skip


def team_name(n: int) -> str:
    return f"County team {n:03d}"


def add_teams(db, first: int, last: int, families: int, days: int) -> None:
    from moved import module
    from werkzeug.security import generate_password_hash

    from webapp.demo.history import generate_history

    users = module("webapp.accounts.users")
    create_team = module("webapp.accounts.teams").create_team

    users.generate_password_hash = partial(generate_password_hash, method="pbkdf2:sha256:1000")
    for n in range(first, last + 1):
        team = create_team(db, team_name(n))
        for role in ROLES:
            name = f"{role}-{n}"
            users.add_user(db, name, role, PASSWORD, team["name"], email=f"{name}@{DOMAIN}")
        generate_history(db, team, days=days, families=families, seed=n)


def finish(db, teams: int, folder: Path) -> dict:
    """The service manager of every team, an API token, a board photo; what the bench needs."""
    from moved import module

    from scanner.synth import TileSpec, make_board_photo

    users = module("webapp.accounts.users")
    add_memberships = module("webapp.accounts.people").add_memberships
    get_team = module("webapp.accounts.teams").get_team
    create_api_token = users.create_api_token

    sm = users.add_user(db, "county-sm", "service-manager", PASSWORD, team_name(1),
                        email=f"county-sm@{DOMAIN}")  # fmt: skip
    add_memberships(db, sm["id"], [get_team(db, team_name(n)) for n in range(2, teams + 1)])
    team = get_team(db, team_name(1))
    rows = list(db.query(
        "select token, initials from families where team_id = ? and closed is null "
        "and stage = 1 order by id limit 12", [team["id"]]))  # fmt: skip
    tiles = [TileSpec(r["token"], r["initials"], 1, 150 + 200 * (i % 4), 150 + 180 * (i // 4))
             for i, r in enumerate(rows)]  # fmt: skip
    photo = folder / "board-1.jpg"
    photo.write_bytes(make_board_photo(tiles, (1,), size=(2600, 2000), seed=5).jpeg_bytes())
    other = get_team(db, team_name(min(2, teams)))
    return {
        "token": create_api_token(db, "manager-1"),
        "tile": rows[0]["token"],
        "photo": str(photo),
        "other_team_id": other["id"],
    }


def build(folder: Path, sizes: list[int], families: int, days: int) -> None:
    from webapp.store.connection import open_store

    made, done = {}, 0
    work = folder / "work.db"
    db = open_store(work, create=True)
    for size in sizes:
        started = time.perf_counter()
        add_teams(db, done + 1, size, families, days)
        done = size
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        target = folder / f"county-{size}.db"
        shutil.copy(work, target)
        extra = open_store(target)
        info = finish(extra, size, folder)
        extra.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        extra.close()
        made[size] = {"path": str(target), "seconds": time.perf_counter() - started,
                      "mb": target.stat().st_size / 1e6, **info}  # fmt: skip
    db.close()
    print(json.dumps(made))


def pages(store: str, repeats: int, tile: str) -> None:
    from webapp import create_app

    app = create_app({"DB": store, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench"})
    timings: dict[str, list[float]] = {}
    for username, urls in (("admin-1", [*PAGES, f"/t/{tile}"]), ("county-sm", ["/"])):
        client = app.test_client()
        client.post("/login", data={"username": username, "password": PASSWORD})
        for url in urls:
            label = url if username == "admin-1" else f"{url} (service manager)"
            label = "/t/<token>" if url.startswith("/t/") else label
            for _ in range(2):  # warm: a team's first visit seeds what it lacks
                client.get(url)
            took = []
            for _ in range(repeats):
                started = time.perf_counter()
                answer = client.get(url)
                answer.get_data()
                took.append(time.perf_counter() - started)
                if answer.status_code != 200:
                    raise SystemExit(f"{url} as {username}: {answer.status_code}")
            timings[label] = took
    print(json.dumps(timings))


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "build":
        build(Path(sys.argv[2]), [int(s) for s in sys.argv[3].split(",")],
              int(sys.argv[4]), int(sys.argv[5]))  # fmt: skip
    elif kind == "pages":
        pages(sys.argv[2], int(sys.argv[3]), sys.argv[4])
