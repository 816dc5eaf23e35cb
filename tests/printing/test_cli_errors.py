"""Bad choices exit 2 with one clear line and write nothing."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tiles", "--all", "--template", "NOPE"], "unknown template 'NOPE'"),
        (["tiles", "--all", "--template", "L7651"], "too small"),
        (["tiles", "--all", "--start", "15"], "start label must be 1-14"),
        (["tiles", "--all", "--paper", "A3"], "unknown paper"),
        (["tiles"], "choose tiles"),
        (["tiles", "NOSUCHTOKEN"], "no family with token"),
        (["stickers", "--pending", "--template", "L7163", "--start", "0"], "start label"),
        (["stickers"], "choose stickers"),
    ],
)
def test_bad_choices_exit_2_and_write_nothing(runner, family, tmp_path, args, message):
    family()
    out = tmp_path / "out.pdf"
    result = runner("print", *args, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    # No temporary file left behind either.
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("caseboard.db")] == []


def test_empty_selection_exits_2(runner, tmp_path):
    result = runner("print", "tiles", "--all", "--out", str(tmp_path / "t.pdf"))
    assert result.exit_code == 2 and "no tiles to print" in result.output
