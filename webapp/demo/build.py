"""`caseboard demo`: a sample team with a realistic wall, its printables, and a
photographed wall that is scanned and synced, so every page has something to show.

The sample is fictional and generated: board codes only, no names. Its year of
history ends today, so the demo shows red, amber and green tiles whenever it is run.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlite_utils import Database

from webapp.accounts.passwords import DEMO_PASSWORD
from webapp.accounts.teams import create_team, get_setting, set_setting, team_today
from webapp.accounts.users import add_user
from webapp.cases.families import list_families
from webapp.errors import BadInput
from webapp.store.connection import open_store
from webapp.values.actor import Actor

DEMO_TEAM = "Riverside CIN team"
DEMO_USERS = (("admin", "admin"), ("manager", "manager"), ("practitioner", "practitioner"))
HISTORY_FAMILIES = 40
HISTORY_SEED = 7
STICKERS_PRINTED_DAYS_AGO = 21


@dataclass
class Demo:
    """What the demo built, for the CLI to report."""

    db_path: Path
    folder: Path
    team: dict
    base_url: str
    files: list[Path]
    summary: dict
    photo_jobs: dict = field(default_factory=dict)  # future -> board stage, while rendering


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
    """The sample team, its users, and a year of its weekly meetings (families
    opened, moved, discussed, closed and reopened), so every report has data."""
    from webapp.demo.history import generate_history

    set_setting(db, "base_url", base_url)
    team = create_team(db, DEMO_TEAM)
    for username, role in DEMO_USERS:
        add_user(db, username, role, DEMO_PASSWORD, DEMO_TEAM, judge_password=False)
    generate_history(db, team, days=365, families=HISTORY_FAMILIES, seed=HISTORY_SEED)
    return team


def out_of_place(families: list[dict]) -> dict[str, tuple[int, str]]:
    """The discrepancies the photographed wall shows, token -> (board, zone): the first
    overdue and the first due-soon tile still hang in main, and the first on-track tile
    was moved one board on at the meeting without anyone updating the store."""
    wrong: dict[str, tuple[int, str]] = {}
    for status in ("red", "amber"):
        first = next((f for f in families if f["status"] == status), None)
        if first:
            wrong[first["token"]] = (first["stage"], "main")
    moved = next((f for f in families if f["status"] == "green" and f["stage"] < 6), None)
    if moved:
        wrong[moved["token"]] = (moved["stage"] + 1, "main")
    return wrong


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
    """The admin's printing: tiles (confirmed long ago), stickers confirmed three weeks
    ago, so the sticker queue now holds the families that turned amber or red since,
    and the board kit."""
    from printables.sheets import write_tile_sheets
    from printables.sticker_sheets import write_sticker_sheets
    from webapp.printing.address import tile_base_url
    from webapp.printing.queues import mark_stickers_printed, mark_tiles_printed, pending_stickers
    from webapp.printing.team_kit import write_team_board_kit

    families = list_families(db, demo.team)
    tokens = [f["token"] for f in families]
    tiles = demo.folder / "tiles.pdf"
    base_url = tile_base_url(db, demo.team)  # never this machine's address (see the module)
    pages = write_tile_sheets(families, tiles, base_url=base_url, team_name=demo.team["name"])
    mark_tiles_printed(db, demo.team, tokens, actor=Actor.demo())
    say(f"  printed {len(families)} tiles on {pages} A4 label sheets")
    earlier = team_today(demo.team) - timedelta(days=STICKERS_PRINTED_DAYS_AGO)
    mark_stickers_printed(db, demo.team, tokens, actor=Actor.demo(), today=earlier)
    pending = pending_stickers(db, demo.team)
    stickers = demo.folder / "stickers.pdf"
    write_sticker_sheets(pending, stickers)
    say(
        f"  {len(pending)} date stickers need reprinting since they were printed "
        f"{STICKERS_PRINTED_DAYS_AGO} days ago (left in the queue until someone confirms)"
    )
    kit = demo.folder / "board-kit.pdf"
    pages = write_team_board_kit(db, demo.team, kit)
    say(f"  printed the board kit ({pages} pages: markers, headers, zone labels, fitting guide)")
    demo.files += [tiles, stickers, kit]
    demo.summary["stickers_pending"] = len(pending)


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
    wrong = out_of_place(families)
    for family in families:
        stage, zone = wrong.get(family["token"], (family["stage"], family["expected_zone"]))
        slot = used.get((stage, zone), 0)
        used[(stage, zone)] = slot + 1
        x, y = ZONE_SLOTS[zone][slot]
        boards.setdefault(stage, []).append(
            TileSpec(family["token"], family["initials"], stage, x, y, angle_deg=(slot % 3 - 1) * 2)
        )
    return boards


def board_photo_jpeg(tiles: list, stage: int, base_url: str) -> bytes:
    """One board's synthetic phone photo (a fixed seed per board), as JPEG bytes."""
    from scanner.synth import make_board_photo

    shot = make_board_photo(tiles, (stage,), base_url=base_url, yaw=CAMERA_YAW[stage], seed=stage)
    return shot.jpeg_bytes()


def start_photographs(db: Database, demo: Demo, say) -> None:
    """Start rendering one synthetic phone photo of each board, in the background.

    Each photo is rendered from scratch at phone resolution from the real tile and
    marker artwork, and that is most of the demo's time: the boards are rendered side by
    side, one process a core, while the admin's printing goes on.
    """
    boards = wall_tiles(list_families(db, demo.team))
    workers = max(1, min(len(boards), os.cpu_count() or 1))
    context = multiprocessing.get_context("fork") if workers > 1 else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    for stage, tiles in sorted(boards.items()):
        demo.photo_jobs[pool.submit(board_photo_jpeg, tiles, stage, demo.base_url)] = stage
    pool.shutdown(wait=False)
    say(f"  photographing the six boards ({workers} at a time)")


def photograph_wall(db: Database, demo: Demo, say) -> None:
    """Wait for the board photos and keep them in the demo folder."""
    if not demo.photo_jobs:
        start_photographs(db, demo, say)
    photos = demo.folder / "photos"
    photos.mkdir()
    for done, job in enumerate(as_completed(demo.photo_jobs), start=1):
        stage = demo.photo_jobs[job]
        (photos / f"board-{stage}.jpg").write_bytes(job.result())
        say(f"  photographed board {stage}, {done} of {len(demo.photo_jobs)}")
    demo.files.extend(photos / f"board-{stage}.jpg" for stage in sorted(demo.photo_jobs.values()))
    demo.summary["photos"] = len(demo.photo_jobs)
    demo.photo_jobs.clear()


def scan_and_sync(db: Database, demo: Demo, say) -> None:
    """Scan the photos as a manager would upload them, keep the preview, and apply it."""
    from webapp.scans.applying import apply_scan
    from webapp.scans.previews import preview_scan
    from webapp.scans.uploads import photos_meta, scan_uploads

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
        actor=Actor.demo(manager["id"]),
        photos_meta=photos_meta(photos),
        images=images,
    )
    applied = apply_scan(db, demo.team, scan["id"], actor=Actor.demo(manager["id"]))
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
    return [start_photographs, print_kit, photograph_wall, scan_and_sync]
