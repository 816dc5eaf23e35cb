"""The admin page's import as case-system reports come: what was read from where and what
was left out, the saved columns chosen or forgotten, a default stage, the team's own
words for types and flags, and refused values quoted.

Contract §13: "--json (and --dry-run text) says which header each field was read from";
"case types and flags as case systems word them ..., with per-team synonyms for the rest".
"""

from __future__ import annotations

import html
import re

from itsdangerous import URLSafeTimedSerializer
from test_import_page import carried, confirm, upload


def unescaped_text(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


def csv_file(tmp_path, name, lines) -> object:
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


REPORT = [
    "Open cases,,,,Page 1 of 1",
    "Run date:,01/12/2026",
    "",
    "Case Ref,Initials,Stage,Review Date,Next Review Date,Team",
    "R1,TWr,Assessment,01/06/2026,04-Dec-2027,Team",
    "R2,JWr,Stage 3,02/06/2026,4 January 2028,Elsewhere",
    "Total,2",
]


def test_the_preview_says_where_each_field_came_from_and_what_was_left_out(
    client_for, store, tmp_path, other_team
):
    page = unescaped_text(upload(client_for("admin"), csv_file(tmp_path, "report.csv", REPORT)))
    assert "header in row <strong>4</strong>" in page
    fields = re.search(r'<table class="report" id="fields">.*?</table>', page, re.S).group(0)
    assert "<td>review</td><td>Next Review Date</td><td>Review Date</td>" in fields
    skipped = re.search(r'<table class="report" id="skipped">.*?</table>', page, re.S).group(0)
    assert "<td>6</td><td>another team ('Elsewhere', not 'Team')</td>" in skipped
    assert "<td>7</td><td>a totals or footer row</td>" in skipped
    assert "1 new, 0 changed" in page
    assert store["families"].count == 0


def test_saved_columns_are_used_where_the_file_has_them_and_can_be_forgotten(
    client_for, store, tmp_path
):
    client = client_for("admin")
    first = csv_file(tmp_path, "a.csv", ["Ref,Code,Board,Due", "R1,TWr,2,04/12/2027"])
    columns = {"column-0": "ref", "column-1": "initials", "column-2": "stage", "column-3": "review"}
    page = unescaped_text(upload(client, first, **columns))
    assert confirm(client, page).status_code == 200  # the columns are saved for the team
    other = csv_file(tmp_path, "b.csv", ["Case Ref,Initials,Stage,Next Review Date",
                                         "R2,JWr,3,04/12/2027"])  # fmt: skip
    page = unescaped_text(upload(client, other))
    assert "1 new" in page  # not refused for the saved headers it lacks
    assert "the saved mapping's 'Board' (stage (1-6)) is not in this file" in page
    admin = unescaped_text(client.get("/admin/families"))
    assert "Saved columns:" in admin and "stage = Board" in admin
    client.post("/admin/import/mapping/forget")
    assert "Saved columns:" not in unescaped_text(client.get("/admin/families"))
    assert store["import_mappings"].count == 0


def test_reading_by_headers_only_ignores_the_saved_columns(client_for, store, tmp_path):
    client = client_for("admin")
    lines = ["Ref,Code,Board,Due,Stage", "R1,TWr,2,04/12/2027,5"]
    path = csv_file(tmp_path, "a.csv", lines)
    columns = {"column-0": "ref", "column-1": "initials", "column-2": "stage", "column-3": "review"}
    confirm(client, unescaped_text(upload(client, path, **columns)))
    path = csv_file(tmp_path, "b.csv", ["Ref,Code,Board,Due,Stage", "R2,JWr,2,04/12/2027,5"])
    by_saved = unescaped_text(upload(client, path))
    assert "<td>stage</td><td>Board</td>" in by_saved
    by_headers = unescaped_text(upload(client, path, columns="common"))
    assert "<td>stage</td><td>Stage</td>" in by_headers


def test_a_default_stage_for_a_file_without_one(client_for, store, tmp_path):
    client = client_for("admin")
    path = csv_file(tmp_path, "a.csv", ["Case Ref,Initials,Next Review Date", "R1,TWr,04/12/2027"])
    refused = unescaped_text(upload(client, path))
    assert "a new family needs a stage" in refused
    page = unescaped_text(upload(client, path, default_stage="3"))
    assert "1 new" in page
    confirm(client, page)
    assert [r["stage"] for r in store["families"].rows] == [3]


def test_the_teams_own_words_for_flags_and_types(client_for, store, tmp_path):
    client = client_for("admin")
    lines = ["Case Ref,Initials,Stage,Next Review Date,Category,Alerts",
             "R1,TWr,2,04/12/2027,Child Protection Plan,CSE / Domestic Abuse"]  # fmt: skip
    path = csv_file(tmp_path, "a.csv", lines)
    first = unescaped_text(upload(client, path))
    assert "the flag 'Domestic Abuse' is not one this team uses, so it is left off" in first
    bad = client.post("/admin/import/words", data={"words": "Domestic Abuse = DA"},
                      follow_redirects=True)  # fmt: skip
    assert "'DA' is not one of this team's case types or flags" in unescaped_text(bad)
    client.post("/admin/import/words", data={"words": "Domestic Abuse = MARAC\nRespite = -"})
    assert "domestic abuse = MARAC" in unescaped_text(client.get("/admin/families"))
    page = unescaped_text(upload(client, path))
    assert "1 new" in page
    confirm(client, page)
    family = next(store["families"].rows)
    flags = sorted(r["name"] for r in store["flags"].rows_where("family_id = ?", [family["id"]]))
    assert (family["case_type"], flags) == ("CP", ["CSE", "MARAC"])


def test_refused_values_are_quoted_but_never_a_name(client_for, store, tmp_path):
    lines = ["Case Ref,Child first name,Surname,Stage,Next Review Date",
             "R1,Hyacinth,Gormley,Assesment,04/12/2027",
             "R2,Ambrose,Ravensworth,Gormley,04/12/2027"]  # fmt: skip
    page = unescaped_text(upload(client_for("admin"), csv_file(tmp_path, "a.csv", lines)))
    assert "'Assesment' is not a stage" in page
    assert (
        "the cell (it holds a word from the name columns, so is not shown) is not a stage" in page
    )
    tables = re.findall(r'<table class="report">.*?</table>', page, re.S)
    assert "Gormley" not in tables[-1]  # the problems table
    assert 'name="carry"' not in page


def test_the_carried_preview_holds_no_name(client_for, store, tmp_path):
    lines = ["Family ID,Case Ref,Forename,Surname,Stage,Next Review Date",
             "F1,C1,Hyacinth,Gormley,2,04/12/2027",
             "F1,C2,Ambrose,Gormley,2,04/12/2027"]  # fmt: skip
    page = unescaped_text(upload(client_for("admin"), csv_file(tmp_path, "a.csv", lines)))
    carry = URLSafeTimedSerializer("x").loads_unsafe(carried(page))[1]
    assert "Gormley" not in str(carry) and "Hyacinth" not in str(carry)
    assert carry["groups"][0]["codes"] == ["HGo", "AGo"]
