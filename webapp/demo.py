"""`caseboard demo`: a sample team with a realistic wall, its printables, and a
photographed wall that is scanned and synced, so every page has something to show.

The sample is fictional: board codes only, no names. Dates are relative to
today, so the demo shows red, amber and green tiles whenever it is run.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlite_utils import Database

from .db import open_store
from .errors import BadInput
from .families import add_family, list_families
from .teams import create_team, get_setting, set_setting, team_today
from .users import add_user

DEMO_TEAM = "Riverside CIN team"
DEMO_PASSWORD = "caseboard"
DEMO_USERS = (("admin", "admin"), ("manager", "manager"), ("practitioner", "practitioner"))
WORKERS = ("Sam Okafor", "Priya Shah", "Jo Evans", "Alex Murray", "Kim Lee")

#: (board code, stage, review in days from today, case type, flags)
SAMPLE = [
    ("TWr", 1, 10, "CIN", ()), ("AKh", 1, 25, "CP", ("CSE",)), ("MOl", 1, -4, "CIN", ()),
    ("JBa", 1, 40, "16.4", ()), ("RSm", 1, 3, "CIN", ()),
    ("LJo", 2, 18, "CP", ()), ("DPa", 2, -12, "s.31", ("MARAC",)), ("ENg", 2, 33, "CIN", ()),
    ("SWi", 2, 7, "CP", ()), ("CHu", 2, 55, "CIN", ()),
    ("BAl", 3, 21, "CIN", ()), ("KMa", 3, 0, "CP", ("gangs",)), ("FTa", 3, 46, "CIN", ()),
    ("GRo", 3, -2, "s.31", ()), ("NDa", 3, 29, "CIN", ()),
    ("PCl", 4, 60, "CP", ()), ("HYo", 4, 12, "CIN", ()), ("ZAh", 4, -20, "s.25", ()),
    ("OWa", 4, 38, "CIN", ()), ("VKi", 4, 17, "CP", ("MAPPA",)),
    ("IGr", 5, 45, "CIN", ()), ("WHa", 5, 5, "CIN", ()), ("YBe", 5, 70, "CIN", ()),
    ("AMo", 5, 26, "CP", ()), ("TCo", 5, -7, "CIN", ()),
    ("EFo", 6, 14, "CIN", ()), ("RPh", 6, 30, "CIN", ()), ("SNo", 6, 1, "CP", ()),
    ("LMu", 6, 50, "CIN", ()), ("BDi", 6, 22, "CIN", ()),
]  # fmt: skip
#: Deliberate discrepancies the photographed wall shows: (board code, where it really sits).
#: GRo is overdue but still in main; SWi is due soon but still in main; ENg's tile
#: was moved to board 3 at the meeting and nobody updated the store yet.
OUT_OF_PLACE = {"GRo": (3, "main"), "SWi": (2, "main"), "ENg": (3, "main")}


@dataclass
class Demo:
    """What the demo built, for the CLI to report."""

    db_path: Path
    folder: Path
    team: dict
    base_url: str
    files: list[Path]
    summary: dict


def prepare_store(db_path: Path) -> Database:
    """A fresh demo store; refuse to overwrite a store that is not a demo's."""
    if db_path.exists():
        existing = open_store(db_path)
        is_demo = get_setting(existing, "demo") == "1"
        existing.close()
        if not is_demo:
            raise BadInput(f"{db_path} holds a real store; pass --db to build the demo elsewhere")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db = open_store(db_path, create=True)
    set_setting(db, "demo", "1")
    return db


def add_sample(db: Database, base_url: str) -> dict:
    """The sample team, its users and thirty families spread over the six boards."""
    set_setting(db, "base_url", base_url)
    team = create_team(db, DEMO_TEAM)
    for username, role in DEMO_USERS:
        add_user(db, username, role, DEMO_PASSWORD, DEMO_TEAM)
    today = team_today(team)
    for i, (code, stage, days, case_type, flags) in enumerate(SAMPLE):
        add_family(
            db,
            team,
            initials=code,
            stage=stage,
            review=(today + timedelta(days=days)).isoformat(),
            worker=WORKERS[i % len(WORKERS)],
            opened=(today - timedelta(days=20 + 9 * i)).isoformat(),
            case_type=case_type,
            flags=list(flags),
            source="demo",
        )
    return team


def wall_positions(families: list[dict]) -> dict[str, tuple[int, str]]:
    """Where each tile sits on the photographed wall: its expected place, but for
    the deliberate discrepancies in :data:`OUT_OF_PLACE`."""
    placed = {}
    for f in families:
        placed[f["token"]] = OUT_OF_PLACE.get(f["initials"], (f["stage"], f["expected_zone"]))
    return placed


def build_demo(
    db_path: str | Path,
    base_url: str,
    say: Callable[[str], None] = print,
    steps: list[Callable] | None = None,
) -> Demo:
    """Build the demo store and run ``steps`` (printing, photo, scan, history) on it."""
    db_path = Path(db_path).resolve()
    folder = db_path.parent / "caseboard-demo"
    say(f"building the demo store at {db_path}")
    db = prepare_store(db_path)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    team = add_sample(db, base_url)
    families = list_families(db, team)
    say(f"  team {team['name']!r}: {len(families)} families on six boards")
    demo = Demo(db_path, folder, team, base_url, [], {"families": len(families)})
    for step in steps or []:
        step(db, demo, say)
    db.close()
    return demo

