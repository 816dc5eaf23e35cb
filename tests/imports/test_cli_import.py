"""`caseboard family import` of a case-system export (docs/contract.md §10)."""

from __future__ import annotations

import json
import logging
import sqlite3
import tempfile

import pytest

from tests.helpers.import_sheets import (
    CHILDREN,
    COLUMNS,
    HEADERS,
    names_found,
    store_files,
    write_csv,
    write_xlsx,
)


def families(db_path) -> list[dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("select * from families order by id")]
    conn.close()
    return rows


def store_dump(db_path) -> list[tuple]:
    """Every row of every table that an import could touch, to compare before and after."""
    conn = sqlite3.connect(db_path)
    dump = []
    for table in ("families", "flags", "events", "import_mappings"):
        dump += [(table, *r) for r in conn.execute(f"select * from {table} order by id")]
    conn.close()
    return dump


@pytest.fixture
def no_temp_files(monkeypatch):
    """Any attempt to make a temporary file fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("an import made a temporary file")

    for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile",
                 "SpooledTemporaryFile"):  # fmt: skip
        monkeypatch.setattr(tempfile, name, refuse)


def test_xlsx_export_gives_one_tile_per_family_and_no_name_anywhere(
    runner, tmp_path, db_path, caplog, no_temp_files
):
    export = write_xlsx(tmp_path / "open-cases.xlsx", CHILDREN)
    caplog.set_level(logging.DEBUG)
    reader = sqlite3.connect(db_path)  # another user of the store keeps the -wal file alive
    reader.execute("select count(*) from families").fetchone()
    result = runner("family", "import", str(export), "--columns", COLUMNS)
    assert result.exit_code == 0, result.output
    assert "imported 2 families" in result.output
    assert "print tiles --unprinted" in result.output

    rows = {r["ref"]: r for r in families(db_path)}
    assert set(rows) == {"LCS-1001", "LCS-2002"}
    wright = rows["LCS-1001"]
    assert wright["initials"] == "TWr JWr OPe"  # one tile, three children's codes
    assert (wright["stage"], wright["next_review"], wright["opened"]) == (
        2,
        "2027-12-04",
        "2026-03-09",
    )
    assert wright["worker"] == "Sam Okafor"
    other = rows["LCS-2002"]
    assert (other["initials"], other["next_review"], other["opened"]) == (
        "EBa",
        "2028-02-01",  # 1/2/28 is 1 February 2028
        "2026-05-20",
    )
    listed = {r["ref"]: r for r in runner.json("family", "list")}
    assert listed["LCS-1001"]["initials"] == "TWr JWr OPe"

    logged = "\n".join(r.getMessage() for r in caplog.records)
    wal = store_files(db_path)[1]
    assert wal.stat().st_size > 0  # the import's pages are still in the write-ahead log
    assert names_found(store_files(db_path)) == []
    reader.close()
    assert names_found(store_files(db_path)) == []  # and after the checkpoint
    control = write_csv(tmp_path / "control.csv", CHILDREN, encoding="utf-16-le")
    found = {hit.split(" in ")[0] for hit in names_found([control])}
    assert {row[1] for row in CHILDREN} | {"Wrightson", "Bañezová"} <= found  # it does find
    for name in ("Thomasina", "Jessamy", "Octavius", "Wrightson", "Pemberley", "Élodie"):
        assert name not in result.output
        assert name not in logged


def test_the_same_import_twice_changes_nothing(runner, tmp_path, db_path):
    export = write_xlsx(tmp_path / "open-cases.xlsx", CHILDREN)
    assert runner("family", "import", str(export), "--columns", COLUMNS).exit_code == 0
    before = store_dump(db_path)
    again = runner.json("family", "import", str(export), "--columns", COLUMNS)
    assert {k: again[k] for k in ("new", "changed", "not_in_export", "errors")} == {
        "new": [], "changed": [], "not_in_export": [], "errors": []
    }  # fmt: skip
    assert store_dump(db_path) == before


def test_a_changed_export_updates_the_family_by_reference(runner, tmp_path, db_path):
    export = write_xlsx(tmp_path / "open-cases.xlsx", CHILDREN)
    runner("family", "import", str(export), "--columns", COLUMNS)
    token = families(db_path)[0]["token"]
    later = [row[:] for row in CHILDREN[:3]]
    for row in later:
        row[4], row[5] = 3, "18/12/2027"
    later[2][1:3] = ["Octavius", "Wrightson"]  # a surname corrected in the case system
    plan = runner.json(
        "family", "import", str(write_xlsx(tmp_path / "next.xlsx", later)), "--columns", COLUMNS,
        "--dry-run", "--reconcile",
    )  # fmt: skip
    assert plan["new"] == [] and plan["errors"] == []
    (changed,) = plan["changed"]
    assert (changed["token"], changed["ref"]) == (token, "LCS-1001")
    assert changed["changes"] == {
        "initials": {"from": "TWr JWr OPe", "to": "TWr JWr OWr"},
        "stage": {"from": 2, "to": 3},
        "next_review": {"from": "2027-12-04", "to": "2027-12-18"},
    }
    assert [f["ref"] for f in plan["not_in_export"]] == ["LCS-2002"]
    assert families(db_path)[0]["stage"] == 2  # a dry run writes nothing

    result = runner("family", "import", str(tmp_path / "next.xlsx"), "--columns", COLUMNS)
    assert result.exit_code == 0, result.output
    row = families(db_path)[0]
    assert (row["token"], row["initials"], row["stage"], row["next_review"]) == (
        token,
        "TWr JWr OWr",
        3,
        "2027-12-18",
    )
    assert len(families(db_path)) == 2
    conn = sqlite3.connect(db_path)
    kinds = [k for (k,) in conn.execute("select kind from events where family_id = 1 order by id")]
    assert kinds == ["created", "stage_moved", "review_set", "imported"]
    conn.close()


def test_reconcile_lists_a_family_that_left_the_export_without_closing_it(
    runner, tmp_path, db_path
):
    runner("family", "import", str(write_xlsx(tmp_path / "a.xlsx", CHILDREN)), "--columns", COLUMNS)
    left = next(r for r in families(db_path) if r["ref"] == "LCS-2002")
    shorter = write_xlsx(tmp_path / "b.xlsx", CHILDREN[:3])
    result = runner("family", "import", str(shorter), "--columns", COLUMNS, "--reconcile")
    assert result.exit_code == 0, result.output
    assert "not in the export" in result.output and left["token"] in result.output
    report = runner.json("family", "import", str(shorter), "--columns", COLUMNS, "--reconcile")
    assert report["not_in_export"] == [
        {
            "token": left["token"],
            "ref": "LCS-2002",
            "team": "Team",
            "initials": "EBa",
            "stage": 4,
            "next_review": "2028-02-01",
        }
    ]
    still = next(r for r in families(db_path) if r["ref"] == "LCS-2002")
    assert still["closed"] is None


@pytest.mark.parametrize(
    ("change", "columns", "row", "column"),
    [
        ((0, 5, "12/31/2026"), COLUMNS, "row 4", "Next Review Date"),  # the whole column
        (None, COLUMNS.replace("surname=Surname", "surname=Family Name"), "row 3", "Family Name"),
        ((1, 2, ""), COLUMNS, "row 5 (ref LCS-1001)", "Surname"),
    ],
    ids=["us-date", "unknown-header", "empty-surname"],
)
def test_a_bad_cell_or_header_names_row_and_column_exits_2_and_writes_nothing(
    runner, tmp_path, db_path, change, columns, row, column
):
    rows = [r[:] for r in CHILDREN]
    if change:
        index, cell, value = change
        rows[index][cell] = value
    export = write_xlsx(tmp_path / "bad.xlsx", rows)
    before = store_dump(db_path)
    result = runner("family", "import", str(export), "--columns", columns)
    assert result.exit_code == 2, result.output
    assert f"{row}, column {column!r}" in result.output
    assert store_dump(db_path) == before
    for name in ("Thomasina", "Jessamy", "Wrightson"):
        assert name not in result.output
    as_json = runner("family", "import", str(export), "--columns", columns, "--json")
    assert as_json.exit_code == 2
    (error, *_) = json.loads(as_json.stdout)["errors"]
    assert error["column"] == column and error["text"].startswith(row)
    assert store_dump(db_path) == before


def test_every_bad_row_is_reported_at_once(runner, tmp_path, db_path):
    rows = [r[:] for r in CHILDREN]
    rows[0][5] = "12/31/2026"
    rows[2][4] = 9
    rows[3][1] = ""
    result = runner("family", "import", str(write_xlsx(tmp_path / "bad.xlsx", rows)))
    assert result.exit_code == 2
    assert "3 problem(s)" in result.output
    for where in ("row 4, column 'Next Review Date'",
                  "row 6 (ref LCS-1001), column 'CP Stage'",
                  "row 7 (ref LCS-2002), column 'Child first name'"):  # fmt: skip
        assert where in result.output
    assert families(db_path) == []


def test_common_headers_need_no_mapping_and_a_saved_mapping_is_one_option(
    runner, tmp_path, db_path
):
    # "Progression board" is not a common name: map it once, save it for next month.
    headers = [h.replace("CP Stage", "Progression board") for h in HEADERS]
    export = write_csv(tmp_path / "export.csv", CHILDREN, headers)
    assert "stage" in runner("family", "import", str(export)).output  # no stage for new ones
    result = runner("family", "import", str(export), "--columns", "stage=progression board",
                    "--save-mapping", "lcs")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert {r["initials"] for r in families(db_path)} == {"TWr JWr OPe", "EBa"}
    conn = sqlite3.connect(db_path)
    saved = conn.execute("select name, columns from import_mappings").fetchall()
    conn.close()
    assert saved[0][0] == "lcs"
    assert json.loads(saved[0][1])["stage"] == "Progression board"
    again = runner.json("family", "import", str(export), "--mapping", "lcs", "--dry-run")
    assert again["new"] == [] and again["changed"] == []
    missing = runner("family", "import", str(export), "--mapping", "nope")
    assert missing.exit_code == 2 and "no saved mapping called 'nope'" in missing.output


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_in_each_encoding_excel_writes(runner, tmp_path, db_path, encoding):
    export = write_csv(tmp_path / "export.csv", CHILDREN, encoding=encoding)
    result = runner("family", "import", str(export), "--columns", COLUMNS, "--dry-run")
    assert result.exit_code == 0, result.output
    plan = runner.json("family", "import", str(export), "--columns", COLUMNS, "--dry-run")
    assert [n["codes"] for n in plan["new"]] == [["TWr", "JWr", "OPe"], ["EBa"]]
    assert families(db_path) == []


def test_dry_run_json_has_the_contract_keys(runner, tmp_path):
    export = write_xlsx(tmp_path / "export.xlsx", CHILDREN)
    plan = runner.json("family", "import", str(export), "--columns", COLUMNS, "--dry-run")
    assert list(plan)[:4] == ["new", "changed", "not_in_export", "errors"]
    assert {"skipped", "columns"} <= set(plan)
    first = plan["new"][0]
    assert (first["ref"], first["rows"], first["next_review"]) == (
        "LCS-1001",
        [4, 5, 6],
        "2027-12-04",
    )


def test_old_csv_headers_still_import(runner, tmp_path):
    path = tmp_path / "families.csv"
    path.write_text("initials,stage,review,ref\nTWr JWr,2,2027-01-10,A1\nABc,1,10/01/2027,A2\n")
    assert runner("family", "import", str(path)).exit_code == 0
    assert {(r["initials"], r["next_review"]) for r in runner.json("family", "list")} == {
        ("TWr JWr", "2027-01-10"),
        ("ABc", "2027-01-10"),
    }
    unknown = runner("family", "import", str(path), "--columns", "child=Name")
    assert unknown.exit_code == 2 and "--columns" in unknown.output


def test_headers_not_recognised_say_what_is_missing(runner, tmp_path, db_path):
    export = write_xlsx(tmp_path / "x.xlsx", CHILDREN, [h + " (x)" for h in HEADERS])
    result = runner("family", "import", str(export))
    assert result.exit_code == 2
    assert "row 3, review: no column for the review date" in result.output
    assert "no column for board codes" in result.output


def test_a_closed_familys_reference_comes_back_as_a_new_tile_naming_the_old_one(
    runner, tmp_path, db_path
):
    export = write_xlsx(tmp_path / "a.xlsx", CHILDREN)
    runner("family", "import", str(export), "--columns", COLUMNS)
    old = next(r for r in families(db_path) if r["ref"] == "LCS-2002")
    conn = sqlite3.connect(db_path)  # closed, however the case's life closes it
    with conn:
        conn.execute("update families set closed = '2026-11-02' where id = ?", [old["id"]])
    conn.close()
    plan = runner.json("family", "import", str(export), "--columns", COLUMNS, "--dry-run")
    (new,) = plan["new"]
    assert new["ref"] == "LCS-2002"
    assert new["closed_before"] == {"token": old["token"], "closed": "2026-11-02"}
