"""Reading exports: dates in UK order, common headers, files and family groups."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from tests.helpers.import_sheets import CHILDREN, COLUMNS, write_xlsx
from webapp.cases.imports.columns import COMMON_HEADERS, header_key, parse_columns, resolve
from webapp.cases.imports.dates import DateError, parse_export_date
from webapp.cases.imports.refs import ref_key
from webapp.cases.imports.tables import read_table
from webapp.cases.imports.words import (
    case_type,
    flag_name,
    parse_synonyms,
    split_flags,
    stage_number,
)
from webapp.errors import BadInput


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2026-12-04", date(2026, 12, 4)),
        ("04/12/2026", date(2026, 12, 4)),  # ambiguous: read day first
        ("4/12/26", date(2026, 12, 4)),
        ("31.12.2026", date(2026, 12, 31)),
        ("31-12-2026", date(2026, 12, 31)),
        ("04/12/2026 00:00", date(2026, 12, 4)),
        ("2026-12-04 00:00:00", date(2026, 12, 4)),
        (datetime(2026, 12, 4, 0, 0), date(2026, 12, 4)),  # an Excel date cell
        (date(2026, 12, 4), date(2026, 12, 4)),
        ("", None),
        (None, None),
    ],
)
def test_dates_exports_write(cell, day):
    assert parse_export_date(cell) == day


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "12/31/2026",
            "'12/31/2026' reads only month first (US order); write it day first, as 31/12/2026",
        ),  # fmt: skip
        ("31/02/2026", "'31/02/2026' is not a real date"),
        ("Wrightson", "the cell is not a date"),  # never quoted: it could be a name
        (12345, "is a number, not a date"),  # not a date number of 1990-2100
    ],
)
def test_dates_refused_with_a_reason(cell, message):
    with pytest.raises(DateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_export_date(cell)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Child first name", "first_name"),
        ("Child's First-Name", "first_name"),
        ("SURNAME", "surname"),
        ("Case Ref", "ref"),
        ("Family ID", "ref"),
        ("Allocated Worker", "worker"),
        ("Next Review Date", "review"),
        ("Case Type", "type"),
        ("Risk Flags", "flags"),
        ("Date Opened", "opened"),
        ("Initials", "initials"),
    ],
)
def test_common_headers(header, field):
    assert COMMON_HEADERS[header_key(header)] == field


def test_columns_option():
    assert parse_columns(COLUMNS)["review"] == "Next Review Date"
    assert parse_columns("worker=") == {"worker": ""}
    with pytest.raises(BadInput, match="--columns"):
        parse_columns("child=Name")


def test_xlsx_title_lines_are_skipped_and_rows_keep_their_numbers(tmp_path):
    table = read_table(write_xlsx(tmp_path / "e.xlsx", CHILDREN).read_bytes(), "e.xlsx")
    assert table.header_row == 3
    assert [n for n, _ in table.rows] == [4, 5, 6, 7]
    assert table.rows[0][1][6] == datetime(2026, 3, 9)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04 not really", "e.xlsx", "not a readable Excel workbook"),
        (b"\xd0\xcf\x11\xe0", "e.xls", "save it as an Excel workbook"),
        (b"a,b\n", "e.csv", "has a header in row 1 but no rows"),
        (b"title only\n\n", "e.csv", "has no header"),
        (b"x", "e.pdf", "reads .xlsx, .csv"),
    ],
)
def test_unreadable_files(data, name, message):
    with pytest.raises(BadInput, match=message):
        read_table(data, name)


def test_more_than_six_children_under_one_reference(runner, tmp_path):
    rows = [["R1", f"Child{i}", "Wrightson", "Sam", 1, "04/12/2027", "01/01/2026"]
            for i in range(7)]  # fmt: skip
    result = runner(
        "family", "import", str(write_xlsx(tmp_path / "e.xlsx", rows)), "--columns", COLUMNS
    )
    assert result.exit_code == 2
    assert "row 4 (ref R1), initials: 7 children share this reference" in result.output


def test_rows_of_one_family_that_disagree(runner, tmp_path):
    rows = [r[:] for r in CHILDREN[:3]]
    rows[1][5] = "01/11/2027"  # an earlier review for one child: the tile takes it
    plan = runner.json(
        "family", "import", str(write_xlsx(tmp_path / "e.xlsx", rows)), "--columns", COLUMNS,
        "--dry-run",
    )  # fmt: skip
    assert plan["new"][0]["next_review"] == "2027-11-01"
    rows[2][4] = 5
    result = runner(
        "family", "import", str(write_xlsx(tmp_path / "f.xlsx", rows)), "--columns", COLUMNS
    )
    assert result.exit_code == 2
    assert "row 6 (ref LCS-1001), column 'CP Stage': stage 5 differs from stage 2" in (
        result.output
    )


TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("04-Dec-2026", date(2026, 12, 4)),
        ("4 December 2026", date(2026, 12, 4)),
        ("4 Dec 26", date(2026, 12, 4)),
        ("Friday 4 December 2026", date(2026, 12, 4)),
        ("4th December 2026", date(2026, 12, 4)),
        (46360, date(2026, 12, 4)),  # Excel's date number in a General cell
        ("46360", date(2026, 12, 4)),
        ("01/06/99", date(1999, 6, 1)),  # never 2099
        ("01/06/36", date(2036, 6, 1)),  # 10 years ahead at most
        ("01/06/37", date(1937, 6, 1)),
    ],
)
def test_worded_dates_date_numbers_and_two_digit_years(cell, day):
    """Contract §13: "Dates may also be 04-Dec-2026 and 4 December 2026 ... A two-digit
    year is never more than 10 years ahead." """
    assert parse_export_date(cell, TODAY) == day


@pytest.mark.parametrize(
    ("text", "stage"),
    [("3", 3), ("Stage 2", 2), ("Assessment", 1), ("agreeing a plan and outcomes", 2),
     ("3 - Building the desire to change", 3), ("Closing / transferring", 6),
     ("Stage 7", None), ("Assesment", None), ("2 - Assessment", None)],
)  # fmt: skip
def test_stages_as_the_framework_names_them(text, stage):
    """Kent Case Progression Policy: the six stages, as on the board headers."""
    assert stage_number(text) == stage


def test_case_system_words_for_types_and_flags():
    allowed_types, allowed_flags = ["CIN", "CP", "CLA"], ["CSE", "MARAC", "FGM"]
    assert case_type("Child in Need", allowed_types, {}) == "CIN"
    assert case_type("Child Protection Plan", allowed_types, {}) == "CP"
    assert case_type("Looked After", allowed_types, {}) == "CLA"
    assert [flag_name(w, allowed_flags, {}) for w in split_flags("CSE / MARAC")] == ["CSE", "MARAC"]
    assert flag_name("Domestic Abuse", allowed_flags, {}) is None
    own = parse_synonyms("Domestic Abuse = MARAC\nRespite = -", allowed_flags)
    assert flag_name("DOMESTIC ABUSE", allowed_flags, own) == "MARAC"
    assert flag_name("Respite", allowed_flags, own) == ""  # left out on purpose
    with pytest.raises(BadInput, match="'DA' is not one of this team's"):
        parse_synonyms("Domestic Abuse = DA", allowed_flags)


def test_next_review_and_the_family_reference_win_and_the_choice_is_kept():
    headers = ["Case Ref", "Family ID", "Forename", "Surname", "Review Date", "Next Review Date"]
    columns = resolve(headers, 1)
    assert columns.problems == []
    assert (columns.found["review"], columns.found["ref"], columns.found["child_ref"]) == (5, 1, 0)
    assert columns.passed_over == {"review": ["Review Date"], "ref": ["Case Ref"]}
    alone = resolve(["Case Ref", "Initials", "Last Review Date", "Review Date"], 1)
    assert (alone.found["ref"], alone.found["review"]) == (0, 3)  # a last review is never read


def test_refs_compare_without_leading_zeros_or_case():
    assert ref_key("000123") == ref_key("123") == "123"
    assert ref_key(" lcs-1001 ") == "LCS-1001"
    assert ref_key("0") == "0" and ref_key("LCS-000123") != ref_key("LCS-123")


def test_the_family_reference_index_serves_the_re_referral_lookup(store, team):
    """Contract §15: importing N rows costs time in proportion to N."""
    plan = store.execute(
        "explain query plan select * from families where team_id = ? and ref = ? "
        "and closed is not null",
        [team["id"], "R1"],
    ).fetchall()
    assert "idx_families_team_id_ref" in " ".join(str(row) for row in plan)


def test_a_name_column_must_say_which_part_is_the_surname(runner, tmp_path):
    """Kent policy §10: the code is the first initial and the first two letters of the
    surname; "Thomas James Wright" cannot say which is the surname, so it is refused."""
    path = tmp_path / "names.csv"
    path.write_text(
        "Case Ref,Child Name,Stage,Next Review Date\n"
        'R1,"WRIGHT, Thomas James",1,04/12/2027\nR2,Thomas James Wright,1,04/12/2027\n'
    )
    result = runner("family", "import", str(path), "--json", "--dry-run")
    errors = json.loads(result.stdout)["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "Child Name")]
    assert "Surname, Forename" in errors[0]["message"] and "Wright" not in result.output
    fixed = path.read_text().replace("Thomas James Wright", '"WRIGHT, Tom"')
    path.write_text(fixed)
    plan = runner.json("family", "import", str(path), "--dry-run")
    assert [n["codes"] for n in plan["new"]] == [["TWr"], ["TWr"]]
