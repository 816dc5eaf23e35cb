"""`caseboard demo --no-serve` builds the whole experience, end to end."""

import pytest


@pytest.mark.slow
def test_demo_builds_prints_scans_and_syncs(runner, tmp_path):
    demo = runner.on(tmp_path / "demo" / "caseboard.db")
    result = demo("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert "password 'heron-marble-tulip-canal'" in result.output
    folder = tmp_path / "demo" / "caseboard-demo"
    for name in ("tiles.pdf", "stickers.pdf", "photos/board-1.jpg", "annotated/board-6.jpg"):
        assert (folder / name).stat().st_size > 1000, name

    families = demo.json("family", "list")
    assert len(families) >= 20
    assert all(f["zone"] is not None for f in families), "every tile was seen"
    moved = [line for line in result.output.splitlines() if "1 moved board" in line]
    assert moved, result.output
    # The first overdue and the first due-soon tile still hang in main: they should move.
    should_move = [f for f in families if f["should_move"]]
    assert sorted(f["status"] for f in should_move) == ["amber", "red"]
    assert all(f["zone"] == "main" for f in should_move)
    # A year of history stands behind the wall: the drift report has something to say.
    report = demo.json("report", "drift")
    assert report["summary"]["open"] == len(families)
    assert sum(week["moves"] for week in report["moves"]) > 10
    assert report["dip_sample"]["cases"]
    # Stickers were confirmed three weeks ago: those that turned amber or red since wait.
    pending = [line for line in result.output.splitlines() if "need reprinting" in line]
    assert pending and int(pending[0].split()[0]) > 0


def test_demo_refuses_to_overwrite_a_real_store(runner, db_path):
    result = runner("demo", "--no-serve")
    assert result.exit_code == 2
    assert "real store" in result.output
