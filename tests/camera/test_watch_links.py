"""`caseboard watch DIR` against an upload account that can make symbolic links
(SFTP, rsync, a sync tool): nothing is moved through a link, nothing deleted through
one, and only photos are taken (docs/contract.md §17)."""

from __future__ import annotations

import os
import time

import pytest

from webapp.errors import BadInput
from webapp.scans import watching
from webapp.values.actor import Actor


def inbox(tmp_path, board_jpeg):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "board-1.jpg").write_bytes(board_jpeg(1))
    return folder


def listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("sub", ["failed", "done"])
def test_a_linked_done_or_failed_folder_is_refused_and_nothing_moves(
    runner, store, wall, tmp_path, board_jpeg, sub
):
    """The attack: failed/ (or done/) a link to the app's instance folder, and a
    caseboard.cfg dropped beside the photos, to be moved there and run at the next start."""
    instance = tmp_path / "instance"
    instance.mkdir()
    folder = inbox(tmp_path, board_jpeg)
    (folder / "caseboard.cfg").write_text("import os; os.system('touch /tmp/owned')\n")
    (folder / "broken.jpg").write_bytes(b"not a photo")
    os.symlink(instance, folder / sub)
    before = listing(folder)
    result = runner("watch", str(folder), "--once", "--settle", "0")
    assert result.exit_code == 2, result.output
    assert "symbolic link" in result.stderr and "Traceback" not in result.output
    assert listing(folder) == before and list(instance.iterdir()) == []
    assert store["scans"].count == 0


def test_a_photo_that_is_a_link_is_refused_and_nothing_moves(
    runner, store, wall, tmp_path, board_jpeg
):
    secret = tmp_path / "other-team" / "their-board.jpg"
    secret.parent.mkdir()
    secret.write_bytes(board_jpeg(2))
    folder = inbox(tmp_path, board_jpeg)
    os.symlink(secret, folder / "zz.jpg")
    result = runner("watch", str(folder), "--once", "--settle", "0")
    assert result.exit_code == 2 and "zz.jpg is a symbolic link" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["board-1.jpg", "done", "failed", "zz.jpg"]
    assert list((folder / "done").iterdir()) == [] and secret.exists()
    assert store["scans"].count == 0


def test_only_photo_files_are_taken_from_the_folder(runner, store, wall, tmp_path, board_jpeg):
    folder = inbox(tmp_path, board_jpeg)
    (folder / "caseboard.cfg").write_text("SECRET_KEY = 'chosen by the attacker'\n")
    (folder / "run.sh").write_text("#!/bin/sh\n")
    out = runner.json("watch", str(folder), "--once", "--settle", "0")
    assert out["photos"]["done"] == ["board-1.jpg"] and out["photos"]["failed"] == []
    assert (folder / "caseboard.cfg").exists() and (folder / "run.sh").exists()
    assert listing(folder / "failed") == []


def test_the_purge_never_deletes_through_a_linked_done_folder(store, team, tmp_path):
    """The attack: done/ a link to another folder whose old files the purge would delete."""
    victim = tmp_path / "keep"
    victim.mkdir()
    old = victim / "old.jpg"
    old.write_bytes(b"x")
    long_ago = time.time() - 30 * 86400
    os.utime(old, (long_ago, long_ago))
    folder = tmp_path / "inbox"
    folder.mkdir()
    os.symlink(victim, folder / "done")
    with pytest.raises(BadInput, match="symbolic link"):
        watching.watch_once(store, team, folder, settle=0, keep_days=7, actor=Actor.watch())
    with pytest.raises(BadInput, match="symbolic link"):
        watching.purge(folder, keep_days=7)
    assert old.exists()


def test_a_link_inside_done_is_deleted_itself_not_its_target(store, team, tmp_path):
    target = tmp_path / "precious.jpg"
    target.write_bytes(b"x")
    folder = tmp_path / "inbox"
    (folder / "done").mkdir(parents=True)
    os.symlink(target, folder / "done" / "old.jpg")
    long_ago = time.time() - 30 * 86400
    os.utime(folder / "done" / "old.jpg", (long_ago, long_ago), follow_symlinks=False)
    watching.purge(folder, keep_days=7)
    assert target.exists()


def test_a_hard_link_to_another_file_is_refused(runner, store, wall, tmp_path, board_jpeg):
    secret = tmp_path / "elsewhere.jpg"
    secret.write_bytes(board_jpeg(2))
    folder = inbox(tmp_path, board_jpeg)
    os.link(secret, folder / "copy.jpg")
    result = runner("watch", str(folder), "--once", "--settle", "0")
    assert result.exit_code == 2 and "hard link" in result.stderr
    assert (folder / "copy.jpg").exists() and store["scans"].count == 0


def test_a_reason_file_planted_as_a_link_is_never_written_through(
    runner, store, wall, tmp_path, board_jpeg
):
    target = tmp_path / "instance-caseboard.cfg"
    folder = inbox(tmp_path, board_jpeg)
    (folder / "failed").mkdir()
    os.symlink(target, folder / "failed" / "broken.jpg.reason.txt")
    (folder / "broken.jpg").write_bytes(b"not a photo")
    result = runner("watch", str(folder), "--once", "--settle", "0", "--json")
    assert result.exit_code == 0, result.output
    assert not target.exists()
    assert (folder / "failed" / "broken-2.jpg.reason.txt").read_text().startswith("broken.jpg")
