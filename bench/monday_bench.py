"""The manager's Monday in Chromium: from the board photos to the printed date stickers.

    python bench/monday_bench.py [--before REV] [--sizes phone,desktop] [--photo-size 4000x3000]

Builds a store (one team, 24 families on six boards, no sticker printed yet), renders
six 12 MP board photos of its wall in which two tiles moved board and one was taken off
the wall, serves it with ``caseboard serve``, and drives Debian's Chromium (Playwright)
through the loop a manager does every Monday:

    log in -> Scan photos -> choose the six photos -> Scan -> read the preview -> Apply
    -> to the stickers -> Download the sticker PDF -> "The sheet printed correctly"

It counts what a person does from the scan page on: screens (pages loaded), taps,
fields filled, and swipes (a screen's height scrolled to reach the next thing to tap),
and times every wait (from a tap to the next page being loaded). With ``--before REV``
the same loop runs on the code of git revision REV (``git archive`` into a temporary
folder, its own store built by its own code), and the table shows both side by side.
The driver looks for the same words on both; where the older page has no link to the
stickers it taps the navigation's "Printing", as a manager would.

Targets (issue 25): at most 6 screens and 6 taps from the photos to the printed
stickers, and no wait over 10 s on this machine for six 12 MP photos.
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "monday-bench-1"
BASE_URL = "https://caseboard.example.org"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
FAMILIES_PER_BOARD = 4
#: (board code, from board, to board): tiles moved at the meeting; and one taken off.
MOVED = (("MVa", 2, 3), ("MVb", 4, 5))
REMOVED = "GNe"

SETUP = """
import sys
sys.path.insert(0, sys.argv[3])
import monday_bench
monday_bench.build_store(sys.argv[1], sys.argv[2])
"""


def families() -> list[tuple[str, int, int]]:
    """(board code, board, review in days): four a board, some due soon or overdue."""
    out = []
    for stage in range(1, 7):
        for i in range(FAMILIES_PER_BOARD):
            code = f"{'ABCDEFGHJK'[stage]}{'abcd'[i]}{'wxyz'[i]}"
            out.append((code, stage, (-3, 5, 30, 60)[i]))
    out[4] = ("MVa", 2, 45)
    out[12] = ("MVb", 4, 50)
    out[23] = (REMOVED, 6, 70)
    return out


def fixed_token(code: str) -> str:
    """A well-formed tile token that depends only on the board code."""
    import random

    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    rng = random.Random(code)
    return "".join(rng.choice(alphabet) for _ in range(10))


def build_store(db_path: str, tokens_file: str) -> None:
    """The bench's store, made by the code on the path (old or new): its tokens written
    as ``code token`` lines, so the photos carry them."""
    from datetime import date, timedelta

    from moved import module

    from webapp.cases.families import add_family
    from webapp.store.connection import open_store

    teams = module("webapp.accounts.teams")
    ensure_team, set_setting = teams.ensure_team, teams.set_setting
    add_user = module("webapp.accounts.users").add_user

    try:
        from webapp.values.actor import Actor

        who = {"actor": Actor.cli()}
    except ImportError:  # code from before the Actor: its add_family took no actor
        who = {}
    db = open_store(db_path, create=True)
    team = ensure_team(db, "Team")
    set_setting(db, "base_url", BASE_URL)
    add_user(db, "mia", "manager", PASSWORD, "Team")
    lines = []
    for code, stage, days in families():
        review = (date.today() + timedelta(days=days)).isoformat()
        view = add_family(db, team, initials=code, stage=stage, review=review, **who)
        token = fixed_token(code)  # the same photos serve both revisions
        db.execute("update families set token = ? where id = ?", [token, view["id"]])
        lines.append(f"{code} {token}")
    Path(tokens_file).write_text("\n".join(lines) + "\n")
    db.close()


def render_photos(folder: Path, size: tuple[int, int]) -> list[Path]:
    """Six photos, one per board, of the wall after the meeting (two processes)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        return list(pool.map(_render_board, range(1, 7), [folder] * 6, [size] * 6))


def _render_board(stage: int, folder: Path, size: tuple[int, int]) -> Path:
    from scanner.synth import TileSpec, make_board_photo

    moved = {code: to for code, _, to in MOVED}
    places = [(200, 220), (520, 320), (820, 240), (640, 500), (330, 520)]
    by_board: dict[int, list] = {s: [] for s in range(1, 7)}
    for code, home, _ in families():
        if code != REMOVED:
            by_board[moved.get(code, home)].append(code)
    codes = by_board[stage]
    tiles = [TileSpec(fixed_token(c), c, stage, *places[i]) for i, c in enumerate(codes)]
    shot = make_board_photo(tiles, (stage,), base_url=BASE_URL, size=size, seed=stage)
    path = folder / f"board-{stage}.jpg"
    path.write_bytes(shot.jpeg_bytes())
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(code: Path, db_path: str, port: int, instance: Path) -> subprocess.Popen:
    import requests

    env = {**os.environ, "PYTHONPATH": str(code), "CASEBOARD_INSTANCE_PATH": str(instance)}
    cmd = [sys.executable, "-c", "from webapp.cli import main; main()"]
    cmd += ["serve", "--db", db_path, "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=code, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server of {code} did not start")


class Person:
    """Drives a page the way a person would, counting what they do."""

    def __init__(self, page):
        self.page = page
        self.screens = self.taps = self.fields = self.swipes = 0
        self.waits: list[tuple[str, float]] = []
        page.on("load", lambda _: self._screen())

    def _screen(self) -> None:
        self.screens += 1

    def _reach(self, target) -> None:
        """Swipes needed to bring ``target`` into view from where the page is scrolled."""
        box = target.bounding_box()
        height = self.page.viewport_size["height"]
        if box and box["y"] + box["height"] > height:
            self.swipes += math.ceil((box["y"] + box["height"] - height) / (0.8 * height))

    def tap(self, target, wait_for: str | None = None, what: str = "") -> None:
        self._reach(target)
        self.taps += 1
        started = time.perf_counter()
        if wait_for:
            with self.page.expect_navigation(url=wait_for, timeout=300_000):
                target.click()
            self.page.wait_for_load_state("load")
            self.waits.append((what, time.perf_counter() - started))
        else:
            target.click()

    def fill(self, target, value) -> None:
        self._reach(target)
        self.fields += 1
        target.fill(value)

    def choose_files(self, target, files) -> None:
        self._reach(target)
        self.fields += 1
        target.set_input_files(files)


def monday(browser, server: str, size: str, photos: list[Path]) -> dict:
    """One manager's loop; the counts from the scan page to the printed stickers."""
    width, height = SIZES[size]
    phone = size == "phone"
    context = browser.new_context(viewport={"width": width, "height": height},
                                  is_mobile=phone, has_touch=phone)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server}/login")
    page.fill("#username", "mia")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/scans/new")
    me = Person(page)
    me.screens = 1  # the scan page, open
    chooser = page.locator("input[type=file][multiple]").first
    me.choose_files(chooser, [str(p) for p in photos])
    me.tap(page.locator("form.upload button[type=submit]").first, "**/scans/*", "scan")
    advice = page.locator(".advice li").all_inner_texts()
    wrong = [a for a in advice if "not found" in a]
    shown = page.locator("main").inner_text()
    right = all(code in shown for code in ("MVa", "MVb", REMOVED))
    apply = page.locator("button#apply")
    me.tap(apply, f"{server}/", "apply")
    link = page.locator("a[href*='printing'][href*='stickers']")
    if link.count():
        me.tap(link.first, "**/printing/**", "to the stickers")
    else:
        menu = page.get_by_role("button", name="Menu")
        if menu.count() and menu.is_visible():
            me.tap(menu)
        me.tap(page.locator("nav a", has_text="Printing").first, "**/printing/**", "printing")
    download = page.get_by_role("button", name="Download the sticker PDF")
    me._reach(download)
    me.taps += 1
    started = time.perf_counter()
    with page.expect_download() as got:
        download.click()
    got.value.path()
    me.waits.append(("download", time.perf_counter() - started))
    page.evaluate("window.scrollTo(0, 0)")
    confirm = page.get_by_role("button", name="The sheet printed correctly")
    me.tap(confirm, "**/printing/**", "printed")
    done = page.locator("main").inner_text()
    context.close()
    return {
        "screens": me.screens,
        "taps": me.taps,
        "fields": me.fields,
        "swipes": me.swipes,
        "waits": me.waits,
        "longest": max(w for _, w in me.waits),
        "advice_not_found": len(wrong),
        "preview_right": right,
        "marked": "marked printed" in done,
    }


def checkout(rev: str, folder: Path) -> Path:
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev],
                             capture_output=True, check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def run_revision(code: Path, work: Path, photos, sizes, browser, label) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    for size in sizes:
        db, tokens_file = work / f"{size}.db", work / f"{size}-tokens.txt"
        subprocess.run([sys.executable, "-c", SETUP, str(db), str(tokens_file),
                        str(ROOT / "bench")], env={**os.environ, "PYTHONPATH": str(code)},
                       check=True, cwd=code)  # fmt: skip
        port = free_port()
        proc = serve(code, str(db), port, work / "instance")
        try:
            results[size] = monday(browser, f"http://127.0.0.1:{port}", size, photos)
        finally:
            proc.terminate()
            proc.wait(10)
        print(f"  {label} {size}: done", file=sys.stderr)
    return results


def report(now: dict, before: dict | None, rev: str | None) -> None:
    rows = ("screens", "taps", "fields", "swipes", "longest", "advice_not_found")
    for size, mine in now.items():
        old = (before or {}).get(size)
        print(f"\n{size} ({'x'.join(map(str, SIZES[size]))})")
        head = f"{'from the photos to the printed stickers':<42}{'now':>8}"
        print(head + (f"{'before ' + rev[:7]:>16}{'ratio':>8}" if old else ""))
        for key in rows:
            value = mine[key]
            line = f"{key.replace('_', ' '):<42}{_fmt(value):>8}"
            if old:
                ratio = f"{value / old[key]:.2f}" if old[key] else "-"
                line += f"{_fmt(old[key]):>16}{ratio:>8}"
            print(line)
        print("waits (s): " + ", ".join(f"{what} {s:.1f}" for what, s in mine["waits"]))
        if old:
            print("before:    " + ", ".join(f"{what} {s:.1f}" for what, s in old["waits"]))
        ok = mine["screens"] <= 6 and mine["taps"] <= 6 and mine["longest"] <= 10
        print(
            f"preview shows both moves and the tile taken off: {mine['preview_right']}"
            + (f" (before: {old['preview_right']})" if old else "")
        )
        print(f"target (<= 6 screens, <= 6 taps, no wait over 10 s): {'met' if ok else 'NOT met'}")


def _fmt(value) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", metavar="REV", help="also drive the code of revision REV")
    parser.add_argument("--sizes", default="phone,desktop")
    parser.add_argument("--photo-size", default="4000x3000", help="photo pixels, WxH")
    args = parser.parse_args()
    size_px = tuple(int(v) for v in args.photo_size.split("x"))
    sizes = [s for s in args.sizes.split(",") if s]
    load_before = os.getloadavg()[0]
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        photos = render_photos(Path(tmp), size_px)
        now = run_revision(ROOT, Path(tmp) / "now", photos, sizes, browser, "now")
        before = None
        if args.before:
            code = checkout(args.before, Path(tmp) / "before-code")
            before = run_revision(code, Path(tmp) / "before", photos, sizes, browser, "before")
        browser.close()
    print(f"six {size_px[0]}x{size_px[1]} board photos; two tiles moved board, one taken off")
    print(
        f"load average (1 min) before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores; the scan wait grows with it"
    )
    report(now, before, args.before)


if __name__ == "__main__":
    main()
