"""`caseboard scan` without a store: default geometry, base 0, JSON per docs/contract.md §3."""

import json

from click.testing import CliRunner

from webapp.cli.scan import scan


def test_scan_json_and_bad_photo(tmp_path, plain_photo, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CASEBOARD_DB", raising=False)
    (tmp_path / "board.jpg").write_bytes(plain_photo.jpeg_bytes())
    (tmp_path / "notes.txt").write_text("not a photo")
    runner = CliRunner()
    res = runner.invoke(scan, ["notes.txt", "board.jpg", "--json", "--annotate", "out"])
    assert res.exit_code == 2
    data = json.loads(res.stdout)
    assert set(data) >= {"tiles", "boards", "unknown"}
    truth = {t.token: t for t in plain_photo.visible}
    assert {t["token"] for t in data["tiles"]} == set(truth)
    for tile in data["tiles"]:
        assert set(tile) >= {"payload", "token", "stage", "zone", "x_mm", "y_mm", "photo"}
        assert (tile["stage"], tile["zone"]) == (
            truth[tile["token"]].stage,
            truth[tile["token"]].zone,
        )
    assert data["boards"][0] == {
        **data["boards"][0],
        "stage": 4,
        "photo": "board.jpg",
        "markers": 4,
    }
    assert "notes.txt" in res.stderr and "Traceback" not in res.stderr
    assert (tmp_path / "out" / "board.annotated.jpg").exists()
