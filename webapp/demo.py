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


# -- printing ----------------------------------------------------------------


def print_kit(db: Database, demo: Demo, say) -> None:
    """The admin's first morning: a tile sheet, the date stickers and the board kit."""
    from printables.sheets import write_tile_sheets
    from printables.stickers import write_sticker_sheets

    families = list_families(db, demo.team)
    tiles = demo.folder / "tiles.pdf"
    pages = write_tile_sheets(families, tiles, base_url=demo.base_url, team_name=demo.team["name"])
    say(f"  printed {len(families)} tiles on {pages} A4 label sheets")
    stickers = demo.folder / "stickers.pdf"
    write_sticker_sheets(families, stickers)
    say(f"  printed {len(families)} date stickers")
    demo.files += [tiles, stickers]


# -- the photographed wall ---------------------------------------------------

#: QR-centre slots in board mm, per zone, on the default 1200 x 900 board.
ZONE_SLOTS = {
    "main": [(x, y) for y in (150, 240, 330, 420, 510) for x in (110, 250, 390, 530, 670, 810)],
    "amber": [(x, y) for y in (730, 790) for x in (90, 220, 350)],
    "red": [(x, y) for y in (730, 790) for x in (660, 790, 920)],
}
#: A manager's phone is never square on: each board is shot from a different angle.
CAMERA_YAW = {1: 0.0, 2: 12.0, 3: -18.0, 4: 8.0, 5: 22.0, 6: -10.0}


def wall_tiles(families: list[dict]) -> dict[int, list]:
    """Stage -> the tiles (scanner.synth.TileSpec) hanging on that board."""
    from scanner.synth import TileSpec

    used: dict[tuple[int, str], int] = {}
    boards: dict[int, list] = {}
    for family in families:
        stage, zone = OUT_OF_PLACE.get(
            family["initials"], (family["stage"], family["expected_zone"])
        )
        slot = used.get((stage, zone), 0)
        used[(stage, zone)] = slot + 1
        x, y = ZONE_SLOTS[zone][slot]
        boards.setdefault(stage, []).append(
            TileSpec(family["token"], family["initials"], stage, x, y, angle_deg=(slot % 3 - 1) * 2)
        )
    return boards


def photograph_wall(db: Database, demo: Demo, say) -> None:
    """One synthetic phone photo of each board, from the real tile and marker artwork."""
    from scanner.synth import make_board_photo

    photos = demo.folder / "photos"
    photos.mkdir()
    boards = wall_tiles(list_families(db, demo.team))
    for stage, tiles in sorted(boards.items()):
        say(f"  photographing board {stage} of 6 ({len(tiles)} tiles)")
        shot = make_board_photo(
            tiles, (stage,), base_url=demo.base_url, yaw=CAMERA_YAW[stage], seed=stage
        )
        path = photos / f"board-{stage}.jpg"
        path.write_bytes(shot.jpeg_bytes())
        demo.files.append(path)
    demo.summary["photos"] = len(boards)


def scan_and_sync(db: Database, demo: Demo, say) -> None:
    """Scan the photos as a manager would upload them, keep the preview, and apply it."""
    from .sync import apply_scan, photos_meta, preview_scan, scan_uploads

    manager = next(db["users"].rows_where("username = ?", ["manager"]))
    photos = [(p.name, p.read_bytes()) for p in demo.files if p.parent.name == "photos"]
    say(f"  scanning {len(photos)} photos")
    scan_json, images = scan_uploads(db, demo.team, photos)
    annotated = demo.folder / "annotated"
    annotated.mkdir()
    for name, jpeg in images:
        path = annotated / name
        path.write_bytes(jpeg)
        demo.files.append(path)
    scan = preview_scan(
        db,
        demo.team,
        scan_json,
        manager["id"],
        photos_meta=photos_meta(photos),
        images=images,
        source="demo",
    )
    applied = apply_scan(db, demo.team, scan["id"], manager["id"], "demo")
    demo.summary.update(
        seen=len(scan_json["tiles"]), moved=len(applied["moved"]), wrong=len(scan["wrong_zone"])
    )
    say(
        f"  scan {scan['id']}: {len(scan_json['tiles'])} tiles seen, "
        f"{len(applied['moved'])} moved board, {len(scan['wrong_zone'])} in the wrong section"
    )
    codes = {f["token"]: f["initials"] for f in list_families(db, demo.team)}
    for wrong in scan["wrong_zone"]:
        say(
            f"    {codes.get(wrong['token'], wrong['token'])} sits in {wrong['zone']} "
            f"on board {wrong['stage']}, belongs in {wrong['expected_zone']}"
        )


def demo_steps() -> list[Callable]:
    """What the demo does after adding the sample, in order."""
    return [print_kit, photograph_wall, scan_and_sync]
