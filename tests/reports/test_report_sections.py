"""The drift report's listed sections come from one table: the dashboard, the PDF and the
CSV show the same sections, the page and the PDF in the table's order."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

from printables.drift_sections import SECTIONS
from tests.helpers.printed_pages import pdf_lines
from webapp.accounts.teams import ensure_team
from webapp.demo.history import generate_history
from webapp.reports.drift import drift_report
from webapp.reports.drift_csv import CSV_ORDER, report_rows

ON = date(2025, 9, 10)  # a day the generated history has stuck cases on


def fill_every_section(runner, store, team, other_team) -> None:
    """A year of generated history, and what it lacks: a late core assessment, changes of
    worker, re-referrals to this team and to another, meetings and weeks without one."""
    generate_history(store, team, days=365, families=40, seed=7, today=ON)
    store["teams"].update(team["id"], {"created_at": "2024-06-01T09:00:00+00:00"})

    def run(*args):
        done = runner(*args)
        assert done.exit_code == 0, (args, done.output)
        return done.output.strip()

    def add(team_name, initials, opened, *extra):
        return run("family", "add", "--team", team_name, "--initials", initials, "--stage",
                   "1", "--review", "2025-07-01", "--opened", opened, *extra)  # fmt: skip

    late = add("Team", "CAa", "2025-01-06", "--worker", "Ann")
    run("family", "set", late, "--date", "2025-01-13", "--s47", "2025-01-13")
    run("family", "set", late, "--date", "2025-04-07", "--worker", "Ben")
    for ref, to_team in (("CS-1", "Team"), ("CS-2", other_team["name"])):
        earlier = add("Team", "REf", "2025-01-06", "--ref", ref)
        run("family", "close", earlier, "--date", "2025-02-03", "--as", "closed", "--views",
            "child,family,network", "--scaling", "8")  # fmt: skip
        add(to_team, "REf", "2025-04-07", "--ref", ref)
    run("meeting", "record", "--team", "Team", "--date", "2025-05-08", "--attended", "Ann,Ben")


#: The listed sections as the page and the paper head them (up to the count), in order.
TITLES = [
    ("Stuck longer than the team's limit", "Stuck cases"),
    ("Missed reviews", "Missed reviews"),
    ("Unanswered at closure", "Unanswered at closure"),
    ("Weeks with no meeting recorded", "Weeks with no meeting recorded"),
    ("Starting again: reopened", "Starting again: reopened"),
    ("Re-referrals", "Re-referrals"),
    ("Core assessments late or overdue", "Core assessments late or overdue"),
    ("Supervision records", "Supervision records"),
    ("Changes of allocated worker", "Changes of allocated worker"),
    ("Re-referred to another team", "Re-referred to another team"),
    ("Meetings: attendance and authorisation", "Meetings: attendance and authorisation"),
    ("Dip sample: closed or stepped down", "Dip sample of closed and stepped-down cases"),
]


def test_the_page_the_pdf_and_the_csv_list_the_same_sections(
    runner, store, team, other_team, client_for
):
    fill_every_section(runner, store, team, other_team)
    team = ensure_team(store, team["name"])  # as it is now: made a year ago
    report = drift_report(store, team, ON)
    assert len(SECTIONS) == len(TITLES)
    assert [s.key for s in SECTIONS if not s.items(report)] == []  # every section has rows
    manager = client_for("manager")
    query = {"date": ON.isoformat()}

    page = manager.get("/reports/drift", query_string=query).get_data(as_text=True)
    headings = [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", page)]
    assert headings[0] == "Meeting audit"
    assert len(headings) == 1 + len(TITLES)
    for heading, (title, _) in zip(headings[1:], TITLES, strict=True):
        assert heading.startswith(title), (heading, title)
    assert f"Stuck longer than the team's limit ({len(report['stuck'])})" in headings

    lines = pdf_lines(manager.get("/reports/drift.pdf", query_string=query).data)
    on_paper = [
        next(i for i, line in enumerate(lines) if line.startswith(title)) for _, title in TITLES
    ]
    assert on_paper == sorted(on_paper)  # each found, in the page's order
    assert f"Stuck cases ({len(report['stuck'])})" in lines

    data = manager.get("/reports/drift.csv", query_string=query).get_data(as_text=True)
    in_csv = list(dict.fromkeys(r["section"] for r in csv.DictReader(io.StringIO(data))))
    listed = [section.csv_name or section.key for section in SECTIONS]
    assert sorted(name for name in in_csv if name in listed) == sorted(listed)
    by_key = {section.key: section.csv_name or section.key for section in SECTIONS}
    assert [name for name in in_csv if name in listed] == [
        by_key[key] for key in CSV_ORDER if key in by_key
    ]  # the file's own order, kept (see CSV_ORDER)
    assert [name for name in in_csv if name not in listed] == [
        "summary",
        "overdue",
        "stage_time",
        "moves",
        "audit",
    ]


def test_the_csv_order_names_every_listed_section_once():
    """A section added to the table and left out of the CSV's order would be missing from
    the file; listed sections without rows write none."""
    keys = [section.key for section in SECTIONS]
    assert sorted(k for k in CSV_ORDER if k in keys) == sorted(keys)
    assert len(CSV_ORDER) == len(set(CSV_ORDER))
    empty = {
        "on": ON.isoformat(),
        "summary": {},
        "overdue": [],
        "stage_time": [],
        "moves": [],
        "audit": {"last_audit": None, "next_due": None, "prompt": True},
        "dip_sample": {"cases": []},
    }
    assert [r["section"] for r in report_rows(empty)] == ["audit"] * 3
