"""Every file of the export folder (:mod:`tests.helpers.export_folder`) imported end to
end, as an admin would: the right families, columns and skipped rows, or a refusal that
writes nothing; and no name in any byte of the store (db, -wal, -shm) or of the temporary folder.

Contract §13: "A name in any column never reaches the store or the disk"; "Rows without
a reference never become duplicate tiles when the same export is imported again".
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile

import pytest

from tests.helpers.export_expectations import EXPORTS
from tests.helpers.export_folder import NAMES, build_all
from tests.helpers.import_sheets import names_found, store_files
from webapp.accounts.teams import ensure_team


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return build_all(tmp_path_factory.mktemp("exports"))


@pytest.fixture
def watched_temp(tmp_path, monkeypatch):
    """The temporary folder Python and SQLite use during the import, to search after."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setenv("SQLITE_TMPDIR", str(temp))
    return temp


def open_families(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "select t.name, f.ref, f.initials, f.stage, f.next_review from families f "
        "join teams t on t.id = f.team_id where f.closed is null order by f.id"
    ).fetchall()
    conn.close()
    return sorted(((ref or "", " ".join(sorted(codes.split())), stage, review)
                   for _team, ref, codes, stage, review in rows))  # fmt: skip


def expected(families: dict) -> list[tuple]:
    return sorted(
        ("" if ref in (None, "-") else ref, " ".join(sorted(codes.split())), stage, review)
        for ref, (codes, stage, review) in families.items()
    )


def test_the_folder_holds_at_least_twenty_exports(folder):
    assert len(folder) >= 20
    assert {p.suffix for p in folder.values()} == {".xlsx", ".csv", ".txt"}


@pytest.mark.parametrize("export", EXPORTS, ids=[e.name for e in EXPORTS])
def test_each_export_end_to_end(export, folder, runner, store, db_path, watched_temp):
    ensure_team(store, "Elsewhere")
    path = folder[export.name]
    result = runner("family", "import", str(path), *export.args, "--json")
    searched = [*store_files(db_path), *sorted(watched_temp.rglob("*"))]
    assert names_found(searched, NAMES) == []
    for name in NAMES:
        assert name not in result.output
    if export.families is None:
        assert result.exit_code == 2, result.output
        for words in export.refused:
            assert words in result.output
        assert open_families(db_path) == []
        return
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert open_families(db_path) == expected(export.families)
    for field, header in export.columns.items():
        assert plan["columns"][field] == header, plan["columns"]
    skipped = {s["row"]: s["reason"] for s in plan["skipped"]}
    assert set(skipped) == set(export.skipped), skipped
    for row, words in export.skipped.items():
        assert words in skipped[row]
    for words in export.notes:
        assert any(words in note for note in plan["notes"]), plan["notes"]
    conn = sqlite3.connect(db_path)
    for ref, flags in export.flags.items():
        found = conn.execute(
            "select name from flags join families f on f.id = family_id where f.ref = ? "
            "and removed_on is null order by name",
            [ref],
        ).fetchall()
        assert [f for (f,) in found] == flags, ref
    for ref, case_type in export.types.items():
        assert conn.execute("select case_type from families where ref = ?", [ref]).fetchone() == (
            case_type,
        )
    conn.close()
    if export.sheet:
        assert plan["sheet"] == export.sheet
    if export.header_row:
        assert plan["header_row"] == export.header_row
    again = runner.json("family", "import", str(path), *export.args)
    assert (again["new"], again["changed"]) == ([], [])  # never a duplicate, refs or none
    assert open_families(db_path) == expected(export.families)
    assert names_found([*store_files(db_path), *watched_temp.rglob("*")], NAMES) == []
    assert os.listdir(watched_temp) == []
