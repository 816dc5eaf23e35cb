"""The access log: every read of case data and every change, whichever page, API call or
command made it; admins filter it by user, family and date and export it as CSV."""

from __future__ import annotations

import csv
import io
import json
import re

from webapp.rules.team_rules import team_rules
from webapp.store import access_log
from webapp.values.actor import Actor


def entries(store, **where) -> list[dict]:
    rows = store.query(
        "select a.*, u.username from audit a left join users u on u.id = a.user_id order by a.id"
    )
    found = [{**r, "detail": json.loads(r["detail"] or "{}")} for r in rows]
    return [r for r in found if all(r.get(k) == v for k, v in where.items())]


def test_reads_of_case_data_are_recorded_with_who(client_for, family, store):
    token = family(worker="Sam")["token"]
    practitioner, manager = client_for("practitioner"), client_for("manager")
    for url in ("/", "/agenda", "/alerts", f"/t/{token}"):
        assert practitioner.get(url).status_code == 200
    for url in ("/agenda.pdf", "/reports/drift", "/reports/drift.csv", "/printing/"):
        assert manager.get(url).status_code == 200, url
    reads = [(r["username"], r["detail"].get("path") or r["target"])
             for r in entries(store) if r["action"] in ("read", "tile.view")]  # fmt: skip
    assert ("practitioner", "/") in reads and ("practitioner", "/agenda") in reads
    assert ("practitioner", token) in reads  # the tile page's own entry
    for url in ("/agenda.pdf", "/reports/drift", "/reports/drift.csv", "/printing/"):
        assert ("manager", url) in reads, url
    assert not any(r["detail"].get("path", "").startswith("/static") for r in entries(store))


def test_changes_from_any_page_are_recorded_and_refusals_are_not(client_for, family, store):
    token = family()["token"]
    admin = client_for("admin")
    admin.post(f"/agenda/outcome/{token}", data={"note": "Plan agreed.", "review": "2030-02-01"})
    admin.post("/admin/users", data={"username": "sam", "role": "manager",
                                     "password": "a long enough passphrase"})  # fmt: skip
    admin.post("/rules/s31-sm", data={"param_first_weeks": "30", "active": "1"})
    admin.post("/admin/boards/2", data={"name": "Plans", "width_mm": "1200", "height_mm": "900",
                                        "marker_mm": "60", "default_zones": "1"})  # fmt: skip
    csv_text = "initials,stage,review\nABc,1,2030-01-01\n"
    upload = {"file": (io.BytesIO(csv_text.encode()), "f.csv")}
    preview = admin.post("/admin/import/preview", data=upload, content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    carry = re.search(r'name="carry" value="([^"]+)"', page)[1]
    assert admin.post("/admin/import/confirm", data={"carry": carry}).status_code == 200
    changes = [r["detail"]["endpoint"] for r in entries(store, action="change")]
    for endpoint in ("meeting.outcome", "admin.user_add", "team_rules.update"):
        assert endpoint in changes, (endpoint, changes)
    assert any(e.startswith("admin.") and "board" in e for e in changes), changes
    assert any("import" in e for e in changes), changes
    refused = admin.post(f"/agenda/outcome/{token}", data={"note": "", "review": ""})
    assert refused.status_code == 302  # back to the form with the reason
    assert [r["detail"]["endpoint"] for r in entries(store, action="change")] == changes


def test_commands_are_recorded_with_what_ran(runner, family, store, team, users):
    token = family()["token"]
    team_rules(store, team)  # seeded on first use: that first read writes them
    added = runner("discussion", "add", token, "--kind", "one-to-one", "--team", "Team")
    assert added.exit_code == 0, added.output
    assert runner("agenda", "--json", "--team", "Team").exit_code == 0
    cli = [r for r in entries(store) if r["source"] == "cli"]
    assert cli[-1]["action"] == "read" and cli[-1]["detail"]["command"] == "agenda"
    closes = [r for r in cli if r["detail"]["command"] == "discussion add"]
    assert closes and closes[0]["target"] == token and closes[0]["action"] == "change"
    assert closes[0]["team_id"] is not None and closes[0]["detail"]["os_user"]


def test_admins_filter_by_user_family_and_date_and_export_csv(client_for, family, store, today):
    one, two = family("ABc")["token"], family("DEf")["token"]
    client_for("practitioner").get(f"/t/{one}")
    client_for("manager").get(f"/t/{two}")
    client_for("outsider").get("/")  # another team's admin
    admin = client_for("admin")
    page = admin.get("/audit", query_string={"family": one}).get_data(as_text=True)
    listed = page.split("<tbody>")[1]  # the family picker above lists every family
    assert one in listed and two not in listed
    page = admin.get("/audit", query_string={"user": "manager", "action": "tile.view"})
    listed = page.get_data(as_text=True).split("<tbody>")[1]
    assert two in listed and one not in listed
    day = today.isoformat()
    got = admin.get("/audit.csv", query_string={"family": one, "since": day, "until": day})
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert "attachment" in got.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    assert rows and {r["target"] for r in rows} == {one}
    assert {r["username"] for r in rows} == {"practitioner"}
    yesterday = "2000-01-01"
    old = admin.get("/audit.csv", query_string={"until": yesterday}).get_data(as_text=True)
    assert old.strip() == ",".join(access_log.CSV_COLUMNS)
    assert "outsider" not in admin.get("/audit.csv").get_data(as_text=True)
    assert client_for("manager").get("/audit.csv").status_code == 403
    assert entries(store, action="export")  # the export itself is logged


def test_a_csv_cell_never_starts_a_formula(client_for, store, team, users):
    access_log.record(
        store, team["id"], "read", "=HYPERLINK(1)", actor=Actor.web(users["admin"]["id"])
    )
    text = client_for("admin").get("/audit.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text
