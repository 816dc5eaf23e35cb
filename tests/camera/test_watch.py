"""`caseboard watch DIR`: finished photos only, one preview per batch, done/ and failed/,
never the same photo twice, old photos deleted, and applying only what is clean."""

from __future__ import annotations

import json
import os
import time

import pytest

from webapp.cases.families import get_family_row
from webapp.notify.due import messages_due
from webapp.scans import watching
from webapp.values.actor import Actor


def drop(folder, board_jpeg, *stages, broken=True):
    folder.mkdir(exist_ok=True)
    for stage in stages:
        (folder / f"board-{stage}.jpg").write_bytes(board_jpeg(stage))
    if broken:
        (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo" * 40)
    return folder


def test_one_preview_for_two_boards_broken_file_failed_and_no_second_scan(
    runner, store, wall, tmp_path, board_jpeg, places
):
    folder = drop(tmp_path / "inbox", board_jpeg, 1, 2)
    result = runner("watch", str(folder), "--once", "--settle", "0", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert result.stderr.startswith("failed: broken.jpg: ")  # said on stderr as well
    assert {"id", "moves", "wrong_zone", "missing", "unknown", "applied"} <= out.keys()
    assert out["boards"] == [1, 2] and out["missing"] == [] and out["applied"] is False
    assert store["scans"].count == 1  # one preview covering both boards
    scan = store["scans"].get(out["id"])
    assert scan["source"] == "watch" and scan["status"] == "preview"
    tiles = json.loads(scan["result"])["tiles"]
    assert {t["token"]: (t["stage"], t["zone"]) for t in tiles} == {**places(1), **places(2)}
    assert sorted(p.name for p in (folder / "done").iterdir()) == ["board-1.jpg", "board-2.jpg"]
    assert sorted(p.name for p in (folder / "failed").iterdir()) == [
        "broken.jpg",
        "broken.jpg.reason.txt",
    ]
    reason = (folder / "failed" / "broken.jpg.reason.txt").read_text()
    assert reason.startswith("broken.jpg: ") and "damaged or truncated" in reason
    assert [f["name"] for f in out["photos"]["failed"]] == ["broken.jpg"]
    assert [p.name for p in folder.iterdir() if p.is_file()] == []

    again = runner("watch", str(folder), "--once", "--settle", "0", "--json")
    assert again.exit_code == 0 and again.output.strip() == "null"  # nothing on stderr either
    assert store["scans"].count == 1


def test_the_same_photo_arriving_again_is_not_scanned_twice(
    runner, store, wall, tmp_path, board_jpeg
):
    folder = drop(tmp_path / "inbox", board_jpeg, 1, broken=False)
    first = runner.json("watch", str(folder), "--once", "--settle", "0")
    (folder / "IMG_0002.jpg").write_bytes(board_jpeg(1))  # the camera uploads it again
    second = runner("watch", str(folder), "--once", "--settle", "0", "--json")
    assert second.stdout.strip() == "null" and store["scans"].count == 1
    reason = (folder / "failed" / "IMG_0002.jpg.reason.txt").read_text()
    assert reason == f"IMG_0002.jpg: already scanned in scan {first['id']}\n"


def test_a_photo_still_arriving_waits_for_the_next_pass(store, team, tmp_path, board_jpeg):
    folder = drop(tmp_path / "inbox", board_jpeg, 1, broken=False)
    growing = folder / "board-2.jpg"
    data = board_jpeg(2)
    growing.write_bytes(data[: len(data) // 3])

    def upload_goes_on(seconds):
        with growing.open("ab") as f:
            f.write(data[len(data) // 3 :])

    assert [p.name for p in watching.settled(folder, 0.5, sleep=upload_goes_on)] == ["board-1.jpg"]
    (folder / "board-3.jpg.part").write_bytes(b"partial")
    assert [p.name for p in watching.settled(folder, 0)] == ["board-1.jpg", "board-2.jpg"]


def test_done_and_failed_photos_are_deleted_after_the_retention(store, team, tmp_path):
    folder = tmp_path / "inbox"
    for sub in ("done", "failed"):
        (folder / sub).mkdir(parents=True)
    old, new = folder / "done" / "old.jpg", folder / "failed" / "new.jpg"
    old.write_bytes(b"x")
    new.write_bytes(b"x")
    now = time.time()  # the test sets both times itself: the clock may be moved
    os.utime(old, (now - 8 * 86400, now - 8 * 86400))
    os.utime(new, (now - 86400, now - 86400))
    assert not watching.watch_once(store, team, folder, settle=0, keep_days=7, actor=Actor.watch())
    assert not old.exists() and new.exists()


def test_apply_if_clean_applies_a_clean_scan(runner, store, team, wall, tmp_path, board_jpeg):
    folder = drop(tmp_path / "inbox", board_jpeg, 1, 2, broken=False)
    out = runner.json("watch", str(folder), "--once", "--settle", "0", "--apply-if-clean")
    assert out["applied"] is True and out["not_clean"] == []
    assert store["scans"].get(out["id"])["status"] == "applied"
    amber = get_family_row(store, wall["MOl"]["token"], team)
    assert (amber["last_stage"], amber["last_zone"]) == (1, "amber")


def test_apply_if_clean_leaves_a_missing_tile_as_a_preview_and_says_so(
    runner, store, team, wall, family, tmp_path, board_jpeg, client_for
):
    family("OLd", stage=1, due=30)  # registered on board 1, not in the photo
    folder = drop(tmp_path / "inbox", board_jpeg, 1, broken=False)
    out = runner.json(
        "watch", str(folder), "--once", "--settle", "0", "--apply-if-clean", "--team", "Team"
    )
    assert out["applied"] is False
    assert [m["initials"] for m in out["missing"]] == ["OLd"]
    assert out["not_clean"] == ["1 expected tile not found on board 1"]
    assert store["scans"].get(out["id"])["status"] == "preview"
    assert get_family_row(store, wall["TWr"]["token"], team)["last_seen_at"] is None
    page = client_for("manager").get("/").get_data(as_text=True)
    assert "was not applied by itself" in page and "1 expected tile not found on board 1" in page
    assert f"/scans/{out['id']}" in page


def test_watch_looks_again_after_each_interval(store, team, wall, tmp_path, board_jpeg):
    folder = drop(tmp_path / "inbox", board_jpeg, 1, broken=False)
    batches, naps = [], []

    def nap(seconds):
        naps.append(seconds)
        if len(naps) == 1:
            (folder / "board-2.jpg").write_bytes(board_jpeg(2))  # arrives in the meantime
        elif len(naps) == 3:
            raise KeyboardInterrupt  # the person stops the watcher

    with pytest.raises(KeyboardInterrupt):
        watching.watch(
            store,
            team,
            folder,
            on_batch=batches.append,
            interval=5,
            sleep=nap,
            settle=0,
            actor=Actor.watch(),
        )
    assert [b.preview["boards"] for b in batches] == [[1], [2]] and naps == [5, 5, 5]


def test_when_no_photo_can_be_read_each_fails_with_its_own_reason(runner, store, wall, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"junk")
    (folder / "notes.txt").write_text("minutes of the meeting\n")
    result = runner("watch", str(folder), "--once", "--settle", "0", "--json")
    assert result.exit_code == 0 and result.stdout.strip() == "null"
    assert store["scans"].count == 0
    reason = (folder / "failed" / "a.jpg.reason.txt").read_text()
    assert reason == "a.jpg: not an image (expected JPEG, PNG or HEIC)\n"
    assert (folder / "notes.txt").exists()  # not named as a photo: left where it was put


def test_a_scan_left_as_a_preview_is_mailed_to_the_team_manager_once(
    runner, store, team, users, wall, family, tmp_path, board_jpeg, today
):
    family("OLd", stage=1, due=30)  # registered on board 1, not in the photo
    assert runner("user", "email", "manager", "mia@council.example").exit_code == 0
    folder = drop(tmp_path / "inbox", board_jpeg, 1, broken=False)
    out = runner.json(
        "watch", str(folder), "--once", "--settle", "0", "--apply-if-clean", "--team", "Team"
    )
    listed = runner.json("notify", "--date", today.isoformat(), "--dry-run")
    [note] = [m for m in listed if m["kind"] == "scans" and "wall camera" in m["subject"]]
    assert note["to"] == "mia@council.example"
    assert f"scan {out['id']}" in note["subject"]
    [message] = [m for m in messages_due(store, today) if m.key == note["key"]]
    assert "1 expected tile not found on board 1" in message.intro
    assert f"/scans/{out['id']}" in message.intro
    assert message.lines == [] and "OLd" not in message.intro  # counts and boards, no case


def oversized_png() -> bytes:
    """A 10000 x 6000 px (60 MP) PNG that packs into a few kB: past the upload limit."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (10000, 6000)).save(out, "PNG")
    return out.getvalue()


def test_each_photo_the_scan_could_not_read_is_filed_with_its_own_reason(
    store, team, wall, tmp_path, board_jpeg
):
    """The reasons come from the intake's per-photo errors, whether or not a preview was
    kept: an oversized photo is refused as the upload page refuses it."""
    folder = drop(tmp_path / "inbox", board_jpeg, 1)  # board 1 and broken.jpg
    (folder / "huge.png").write_bytes(oversized_png())
    done = watching.watch_once(store, team, folder, settle=0, actor=Actor.watch())
    assert done.preview is not None and done.done == ["board-1.jpg"]
    why = {f["name"]: f["reason"] for f in done.failed}
    assert sorted(why) == ["broken.jpg", "huge.png"]
    assert why["huge.png"].startswith("huge.png: the image is 10000 x 6000 (60 MP)")
    assert (
        why["broken.jpg"].startswith("broken.jpg: ") and "damaged or truncated" in why["broken.jpg"]
    )
    recorded = {
        r["name"]: r["reason"] for r in store["watched_photos"].rows_where("outcome = 'failed'")
    }
    assert recorded == why

    (folder / "huge.png").write_bytes(oversized_png())  # and with nothing readable at all
    (folder / "a.jpg").write_bytes(b"junk")
    nothing = watching.watch_once(store, team, folder, settle=0, actor=Actor.watch())
    assert nothing.preview is None and nothing.done == []
    why = {f["name"]: f["reason"] for f in nothing.failed}
    assert why["a.jpg"] == "a.jpg: not an image (expected JPEG, PNG or HEIC)"
    assert why["huge.png"].startswith("huge.png: the image is 10000 x 6000 (60 MP)")
    [run] = store["camera_runs"].rows_where("scan_id is null")
    assert "a.jpg: not an image" in run["error"] and "huge.png: the image is" in run["error"]
