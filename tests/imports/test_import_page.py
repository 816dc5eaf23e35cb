"""The admin page's import: upload -> columns and preview -> confirm -> tiles to print."""

from __future__ import annotations

import html
import io
import logging
import re

import pytest
import werkzeug.formparser
from itsdangerous import URLSafeTimedSerializer

from tests.helpers.import_sheets import (
    CHILDREN,
    HEADERS,
    NAMES,
    names_found,
    store_files,
    write_csv,
    write_xlsx,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, path, **columns):
    data = {"file": (io.BytesIO(path.read_bytes()), path.name, XLSX), **columns}
    return client.post("/admin/import/preview", data=data, content_type="multipart/form-data")


def carried(page: str) -> str:
    return html.unescape(re.search(r'name="carry" value="([^"]+)"', page).group(1))


def confirm(client, page: str):
    return client.post("/admin/import/confirm", data={"carry": carried(page)})


def selected(page: str) -> dict[str, str]:
    """Header -> the field chosen in the drop-down above it."""
    found = {}
    for header, select in re.findall(r'<label for="column-\d+">([^<]*)</label>\s*<select[^>]*>(.*?)</select>', page, re.S):  # fmt: skip  # noqa: E501
        choice = re.search(r'<option value="([^"]*)" selected>', select)
        found[html.unescape(header)] = choice.group(1) if choice else ""
    return found


def test_upload_preview_confirm_and_print(client_for, store, db_path, tmp_path, caplog, app):
    caplog.set_level(logging.DEBUG)
    client = client_for("admin")
    answer = upload(client, write_xlsx(tmp_path / "open cases.xlsx", CHILDREN))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    assert answer.headers["Cache-Control"] == "no-store"
    assert selected(page) == {
        "Case Ref": "ref",
        "Child first name": "first_name",
        "Surname": "surname",
        "Allocated Worker": "worker",
        "CP Stage": "stage",
        "Next Review Date": "review",
        "Date Opened": "opened",
        "Ethnicity": "",
    }
    assert "Thomasina" in page  # the first rows, shown to the admin, not kept
    assert "TWr JWr OPe" in page and "2 new, 0 changed" in page
    assert store["families"].count == 0  # nothing written before the confirm

    carry = URLSafeTimedSerializer(app.secret_key, salt="caseboard.import-preview").loads(
        carried(page)
    )
    assert not [n for n in NAMES if n.lower() in repr(carry).lower()]

    done = confirm(client, page)
    text = done.get_data(as_text=True)
    assert done.status_code == 200, text
    assert "Imported 2 new and 0 changed" in text
    assert "/printing/tiles.pdf?which=unprinted" in text
    rows = {r["ref"]: r for r in store["families"].rows}
    assert rows["LCS-1001"]["initials"] == "TWr JWr OPe"
    assert rows["LCS-1001"]["next_review"] == "2027-12-04"
    assert store["import_mappings"].count == 1  # the columns are saved with the team

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not [n for n in NAMES if n in logged]
    assert names_found(store_files(db_path)) == []

    again = upload(client, tmp_path / "open cases.xlsx").get_data(as_text=True)
    assert "0 new, 0 changed, 2 unchanged" in again
    assert "Nothing to import" in again and 'name="carry"' not in again


def test_choosing_columns_reads_the_file_with_them(client_for, store, tmp_path):
    client = client_for("admin")
    headers = [h.replace("CP Stage", "Board position") for h in HEADERS]
    export = write_xlsx(tmp_path / "export.xlsx", CHILDREN, headers)
    first = upload(client, export)
    assert first.status_code == 400
    assert "a new family needs a stage" in first.get_data(as_text=True)
    columns = {f"column-{i}": f for i, f in enumerate(
        ["ref", "first_name", "surname", "worker", "stage", "review", "opened", ""])}  # fmt: skip
    second = upload(client, export, **columns)
    page = second.get_data(as_text=True)
    assert second.status_code == 200, page
    assert selected(page)["Board position"] == "stage"
    assert confirm(client, page).status_code == 200
    assert store["families"].count == 2
    # next month the saved columns are used without choosing them again
    assert selected(upload(client, export).get_data(as_text=True))["Board position"] == "stage"


def test_bad_rows_are_all_listed_and_nothing_can_be_confirmed(client_for, store, tmp_path):
    rows = [r[:] for r in CHILDREN]
    rows[0][5] = "12/31/2026"
    rows[1][2] = ""
    rows[3] = [*rows[3][:7]]
    rows[3][4] = 9
    answer = upload(client_for("admin"), write_xlsx(tmp_path / "bad.xlsx", rows))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    bad = re.findall(r'<tr class="bad"><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>', page)
    assert bad == [
        ("4", "", "Next Review Date"),  # the column is refused whole
        ("5", "LCS-1001", "Surname"),
        ("7", "LCS-2002", "CP Stage"),
    ]
    assert "reads only month first" in page
    assert 'name="carry"' not in page
    assert store["families"].count == 0


def test_a_row_of_another_team_is_skipped_and_listed(client_for, store, tmp_path, other_team):
    path = tmp_path / "teams.csv"
    path.write_text("initials,stage,review,team\nTWr,2,10/01/2030,\nXYz,1,01/02/2030,Elsewhere\n")
    page = upload(client_for("admin"), path).get_data(as_text=True)
    assert "1 new, 0 changed" in page
    assert re.search(r"<td>3</td><td>another team \(&#39;Elsewhere&#39;", page)
    assert store["families"].count == 0


def test_a_large_upload_never_touches_the_disk(client_for, store, tmp_path, monkeypatch):
    rows = [[f"REF{i}", "Ann", f"Xyzzy{i}", "Sam", 1 + i % 6, "04/12/2027", "01/01/2026"]
            for i in range(12000)]  # fmt: skip
    export = write_csv(tmp_path / "big.csv", rows)
    assert export.stat().st_size > 600_000  # werkzeug would spool this to a temporary file

    def refuse(*args, **kwargs):
        raise AssertionError("the upload went to a temporary file")

    monkeypatch.setattr(werkzeug.formparser, "SpooledTemporaryFile", refuse)
    page = upload(client_for("admin"), export).get_data(as_text=True)
    assert "12000 new" in page


@pytest.mark.parametrize("carry", ["", "forged.payload"])
def test_a_forged_or_missing_preview_is_refused(client_for, store, carry):
    answer = client_for("admin").post(
        "/admin/import/confirm", data={"carry": carry}, follow_redirects=True
    )
    assert "upload the file again" in answer.get_data(as_text=True)
    assert store["families"].count == 0


def test_only_admins_import(client_for, tmp_path):
    export = write_xlsx(tmp_path / "e.xlsx", CHILDREN)
    assert upload(client_for("manager"), export).status_code == 403


def test_with_csrf_on_as_in_production(csrf_client, csrf_auth, users, store, tmp_path):
    assert csrf_auth.login("admin").status_code == 302
    export = write_xlsx(tmp_path / "e.xlsx", CHILDREN)
    refused = csrf_client.post(
        "/admin/import/preview",
        data={"file": (io.BytesIO(export.read_bytes()), "e.xlsx")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400  # no CSRF token
    answer = csrf_client.form(
        "/admin/import/preview", {"file": (io.BytesIO(export.read_bytes()), "e.xlsx")}
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    done = csrf_client.form("/admin/import/confirm", {"carry": carried(page)})
    assert done.status_code == 200
    assert store["families"].count == 2


def test_preview_of_changes_and_families_not_in_the_export(client_for, store, tmp_path):
    client = client_for("admin")
    page = upload(client, write_xlsx(tmp_path / "a.xlsx", CHILDREN)).get_data(as_text=True)
    confirm(client, page)
    later = [r[:] for r in CHILDREN[:3]]
    later[0][5] = "01/11/2027"
    answer = upload(client, write_xlsx(tmp_path / "b.xlsx", later))
    page = answer.get_data(as_text=True)
    assert "0 new, 1 changed, 0 unchanged" in page
    changed = re.search(r'<table class="report" id="changed">.*?</table>', page, re.S).group(0)
    assert "LCS-1001" in changed and "Next review: Sat 4 Dec 2027 → Mon 1 Nov 2027" in changed
    gone = re.search(r'<table class="report" id="not-in-export">.*?</table>', page, re.S)
    assert "LCS-2002" in gone.group(0) and "EBa" in gone.group(0)
    done = confirm(client, page).get_data(as_text=True)
    assert "close or keep them" in done
    rows = {r["ref"]: r for r in store["families"].rows}
    assert rows["LCS-1001"]["next_review"] == "2027-11-01"
    assert rows["LCS-2002"]["closed"] is None


def test_an_upload_over_16_mb_is_refused_with_the_page_limit(client_for, store):
    data = {"file": (io.BytesIO(b"a,b\n" + b"1,2\n" * 4_300_000), "big.csv")}
    answer = client_for("admin").post(
        "/admin/import/preview", data=data, content_type="multipart/form-data"
    )
    assert answer.status_code == 413
    assert "16 MB" in answer.get_data(as_text=True)
