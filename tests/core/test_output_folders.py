"""Writing commands refuse a destination folder that is not there: one line, exit 2."""

import pytest


@pytest.mark.parametrize(
    "args",
    [
        ["print", "stickers", "--pending"],
        ["print", "tiles", "--all"],
        ["print", "board-kit"],
        ["agenda"],
        ["report", "drift"],
    ],
)
def test_missing_output_folder_is_one_line(runner, tmp_path, args):
    runner("family", "add", "--initials", "TWr", "--stage", "1", "--review", "2026-01-05")
    out = tmp_path / "no-such-folder" / "out.pdf"
    result = runner(*args, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "no-such-folder" in result.output
    assert not out.parent.exists()
