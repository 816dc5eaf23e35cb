"""The drift report's listed sections, defined once: what each is called, its columns and
how a row's cells are read, what it says when empty, and its rows in the CSV.

The PDF (:mod:`printables.report`), the CSV (:mod:`webapp.reports.drift_csv`) and the
dashboard (``reports/drift.html``) all iterate :data:`SECTIONS`, in this order. Where
paper and page differ (a token column on paper, a link to the case's tile on the page, a
longer heading, a line of explanation) both are written here, side by side.
"""

from __future__ import annotations

from .output import long_date
from .report_sections import (
    CASE,
    CASE_TILE,
    Column,
    CsvRow,
    Section,
    code,
    date_of,
    key,
    token,
    with_case,
)


def _interim(row: dict) -> str:
    if not row["interim"]:
        return "none"
    return long_date(row["interim"]) + (" (late)" if row["interim_late"] else "")


def _attended(row: dict) -> str:
    if row["recorded"] and not row["held"]:
        return f"{row['attended']} (not a meeting held)"
    return f"{row['attended']}" + ("" if row["recorded"] else " (not recorded)")


def _statuses(report: dict) -> dict:
    records = report.get("supervision_records") or {}
    counts = "; ".join(f"{k}: {v}" for k, v in records.get("by_status", {}).items())
    return {"n": records.get("discussions"), "statuses": counts, "by_status": counts or "none"}


def _dip(report: dict) -> dict:
    dip = report["dip_sample"]
    return {
        "n": len(dip["cases"]),
        "eligible": dip["eligible"],
        "seed": dip["seed"],
        "from": long_date(dip["closed_from"]),
        "to": long_date(dip["closed_to"]),
    }


def _dip_csv(row: dict, report: dict) -> list[CsvRow]:
    where = (row["closed"], row["stage"])
    found = [
        ("closed", row["closed"]),
        ("closed_as", row["closed_as"]),
        ("scaling_at_closure", row["scaling"]),
    ]
    if row.get("reason"):
        found.append(("reason", row["reason"]))
    return with_case(row, *((measure, value, *where) for measure, value in found))


def _meeting_csv(row: dict, report: dict) -> list[CsvRow]:
    return [
        ("attended", row["attended"], row["date"]),
        ("held", int(row["held"]), row["date"]),
        ("unaccounted", len(row["unaccounted"]), row["date"]),
        ("authorised", int(row["authorised"]), row["date"]),
    ]


STUCK = Section(
    key="stuck",
    heading="Stuck cases ({n})",
    page_heading="Stuck longer than the team's limit ({n})",
    paper=(
        token(28),
        code(22),
        Column("Stage", key("stage"), 13),
        Column("Worker", key("worker", ""), 28),
        Column("Days in stage", key("days_in_stage"), 25),
        Column("Limit", key("limit_days"), 20),
    ),
    page=(
        CASE_TILE,
        Column("Stage", key("stage")),
        Column("Worker", key("worker", "")),
        Column("Days in stage", key("days_in_stage")),
        Column("Limit", key("limit_days")),
    ),
    csv=lambda f, report: with_case(
        f, ("days_in_stage", f["days_in_stage"], report["on"], f["stage"])
    ),
)

MISSED_REVIEWS = Section(
    key="missed_reviews",
    heading="Missed reviews ({n})",
    counted=lambda report: {"n": sum(m["missed"] for m in report.get("missed_reviews", []))},
    note="Alerts still open when their rule fired again, per rule and month of the firing.",
    paper=(
        Column("Month", key("month"), 25),
        Column("Rule", key("rule"), 40),
        Column("Missed", key("missed"), 20),
    ),
    page=(
        Column("Month", key("month")),
        Column("Rule", key("rule"), look="code"),
        Column("Missed", key("missed")),
    ),
    empty="None: every alert was answered before its rule fired again.",
    csv=lambda m, report: [(m["rule"], m["missed"], m["month"])],
)

_CLOSED_OR_LEFT = Column(
    "Closed or left", lambda u: f"{long_date(u['ended_on'])} ({u['ended_by']})", 45
)
UNANSWERED_AT_CLOSURE = Section(
    key="unanswered_at_closure",
    heading="Unanswered at closure ({n})",
    note="Alerts still open on the day their case closed or went to another team: they "
    "stay on the record.",
    paper=(
        token(28),
        code(22, grouped=False),
        Column("Rule", key("rule"), 30),
        Column("Fired", date_of("due"), 25),
        _CLOSED_OR_LEFT,
    ),
    page=(
        Column("Code", key("initials")),
        Column("Rule", key("rule"), look="code"),
        Column("Fired", date_of("due")),
        _CLOSED_OR_LEFT,
    ),
    empty="None: no case closed or left the team with an alert open.",
    csv=lambda u, report: with_case(u, (u["rule"], u["due"], u["ended_on"], None)),
)

NO_MEETING_WEEKS = Section(
    key="no_meeting_weeks",
    heading="Weeks with no meeting recorded ({n})",
    sentence="Weeks of {}.",
    paper=(Column("Week", lambda monday: monday),),
    page=(Column("Week", lambda monday: f"week of {long_date(monday)}"),),
    csv_name="no_meeting",
    csv=lambda monday, report: [("week_starting", 1, monday)],
)

REOPENED = Section(
    key="reopened",
    heading="Starting again: reopened ({n})",
    counted=lambda report: {"months": report.get("reopen_window_months")},
    note='Every case reopened in the period, with the days it was closed; "within window" '
    "marks those reopened within {months} months of closing.",
    paper=(
        token(26),
        code(22),
        Column("Closed", date_of("closed_on"), 27),
        Column("Reopened", date_of("reopened_on"), 27),
        Column("Days closed", key("days_closed"), 20),
        Column(
            "Within {months} months", lambda r: "yes" if r.get("within_window", True) else "no", 28
        ),
    ),
    page=(
        CASE,
        Column("Closed", date_of("closed_on")),
        Column("Reopened", date_of("reopened_on")),
        Column("Days closed", key("days_closed")),
        Column("Within window", lambda r: "yes" if r["within_window"] else "no"),
    ),
    csv=lambda r, report: with_case(r, ("days_closed", r["days_closed"], r["reopened_on"], None)),
)

REREFERRALS = Section(
    key="rereferrals",
    heading="Re-referrals ({n})",
    counted=lambda report: {"months": report.get("rereferral_months")},
    note="New families registered with the case reference of a case closed in the {months} "
    "months before (the team's setting; twelve is caseboard's default, not a policy figure).",
    paper=(
        token(26),
        code(22),
        Column("Opened", date_of("opened"), 27),
        Column("Earlier case", key("earlier"), 26),
        Column("Closed", date_of("closed_on"), 27),
        Column("Days between", key("days_closed"), 22),
    ),
    page=(
        CASE,
        Column("Opened", date_of("opened")),
        Column("Earlier case", key("earlier"), look="code"),
        Column("Closed", lambda r: f"{long_date(r['closed_on'])} ({r['closed_as'] or 'closed'})"),
        Column("Days between", key("days_closed")),
    ),
    csv_name="rereferral",
    csv=lambda r, report: with_case(r, ("days_closed", r["days_closed"], r["opened"], None)),
)

_DONE = Column("Done", lambda c: long_date(c["done"]) if c["done"] else "not yet", 30)
CORE_ASSESSMENTS = Section(
    key="core_assessments",
    heading="Core assessments late or overdue ({n})",
    note="Each completed after, or still open past, its deadline of 42 working days from the "
    "s.47 referral (Kent audit §4.1, §10.1).",
    paper=(
        token(26),
        code(22, grouped=False),
        Column("Deadline", date_of("deadline"), 30),
        _DONE,
        Column("Days late", key("days_late"), 18),
        Column("Interim", _interim, 40),
    ),
    page=(
        CASE_TILE,
        Column("s.47", date_of("s47")),
        Column("Deadline", date_of("deadline")),
        _DONE,
        Column("Days late", key("days_late")),
        Column("Working days late", key("working_days_late")),
        Column("Interim", _interim),
    ),
    csv=lambda c, report: with_case(
        c,
        (c["status"].replace(" ", "_"), c["days_late"], c["deadline"], None),
        ("working_days_late", c["working_days_late"], c["deadline"], None),
    ),
)

SUPERVISION_RECORDS = Section(
    key="supervision_records",
    heading="Supervision records ({n})",
    page_heading="Supervision records ({n} discussions)",
    counted=_statuses,
    rows=lambda report: (report.get("supervision_records") or {}).get("flagged", []),
    only_if_reported=True,
    paper_note="By status: {by_status}.",
    note="Records due within 5 working days, or 24 hours for a significant decision "
    "(Islington policy). {statuses}",
    paper=(),
    page=(
        CASE,
        Column("Discussed", date_of("on")),
        Column("Kind", lambda d: d["kind"] + (" (significant)" if d["significant"] else "")),
        Column("Record due", date_of("record_due")),
        Column(
            "Recorded", lambda d: long_date(d["recorded_on"]) if d["recorded_on"] else "not yet"
        ),
        Column("Status", key("record_status")),
    ),
    empty=None,
    page_empty=None,
    csv_items=lambda report: (report.get("supervision_records") or {}).get("by_status", {}).items(),
    csv=lambda status_count, report: [(*status_count, report["on"])],
)

WORKER_CHANGES = Section(
    key="worker_changes",
    heading="Changes of allocated worker ({n})",
    paper=(
        token(26),
        code(22, grouped=False),
        Column("Date", date_of("on"), 30),
        Column("From", key("from", ""), 44),
        Column("To", key("to", ""), 44),
    ),
    page=(
        CASE,
        Column("Date", date_of("on")),
        Column("From", key("from", "")),
        Column("To", key("to", "")),
        Column("Changes in the period", key("changes_in_period")),
    ),
    csv=lambda c, report: with_case(
        c, ("changes_in_period", c["changes_in_period"], c["on"], None)
    ),
)

REREFERRALS_ELSEWHERE = Section(
    key="rereferrals_elsewhere",
    heading="Re-referred to another team ({n})",
    paper=(
        token(26),
        code(22, grouped=False),
        Column("Closed", date_of("closed"), 30),
        Column("Team", key("to_team"), 36),
        Column("Referred", date_of("referred_on"), 30),
        Column("Days closed", key("days_closed"), 20),
    ),
    page=(
        CASE,
        Column("Closed", date_of("closed")),
        Column("Referred to", key("to_team")),
        Column("On", date_of("referred_on")),
        Column("Days closed", key("days_closed")),
    ),
    csv=lambda r, report: with_case(r, ("days_closed", r["days_closed"], r["referred_on"], None)),
)


def _unaccounted(row: dict) -> str:
    return ", ".join(row["unaccounted"])


MEETINGS = Section(
    key="meetings",
    heading="Meetings: attendance and authorisation ({n})",
    note='"The whole team should attend the meeting every week unless their absence is '
    'agreed"; the team manager authorises the record (Kent policy §6, §9).',
    paper=(
        Column("Meeting", date_of("date"), 30),
        Column("Attended", key("attended"), 20),
        Column("Absences agreed", key("agreed_absences"), 26),
        Column("Not accounted for", _unaccounted, 60),
        Column("Authorised", key("authorised_by", "no"), 30),
    ),
    page=(
        Column("Meeting", date_of("date")),
        Column("Attended", _attended),
        Column("Agreed absences", key("agreed_absences")),
        Column("Neither present nor excused", _unaccounted),
        Column("Record authorised", key("authorised_by", "no")),
    ),
    csv=_meeting_csv,
)

DIP_SAMPLE = Section(
    key="dip_sample",
    heading="Dip sample of closed and stepped-down cases",
    page_heading="Dip sample: closed or stepped down {from} to {to}",
    rows=lambda report: report["dip_sample"]["cases"],
    counted=_dip,
    paper_note="{n} of {eligible} cases closed between {from} and {to}, chosen at random with "
    "seed {seed} (the same store, size and seed give the same sample).",
    note="{n} of {eligible} cases, seed {seed}: the same seed always picks the same cases.",
    note_muted=False,
    paper=(
        token(22),
        code(18),
        Column("Closed", date_of("closed"), 24),
        Column("As", lambda c: c.get("closed_as") or "closed", 20),
        Column("Scaling", lambda c: "" if c.get("scaling") is None else c["scaling"], 14),
        Column("Type", key("case_type", ""), 14),
        Column("Worker", key("worker", ""), 26),
        Column("Reason", lambda c: c.get("reason") or "", 36),
    ),
    page=(
        CASE,
        Column("Closed", date_of("closed")),
        Column("As", key("closed_as")),
        Column(
            "Scaling at closure", lambda c: "not recorded" if c["scaling"] is None else c["scaling"]
        ),
        Column("Views considered", lambda c: (c["views"] or "not recorded").replace(",", ", ")),
        Column("Reason", key("reason", "")),
        Column("Type", key("case_type", "")),
        Column("Worker", key("worker", "")),
    ),
    empty=None,
    page_empty=None,
    keep_together=True,
    csv=_dip_csv,
)

#: The listed sections, in the order the PDF and the page show them.
SECTIONS: tuple[Section, ...] = (
    STUCK,
    MISSED_REVIEWS,
    UNANSWERED_AT_CLOSURE,
    NO_MEETING_WEEKS,
    REOPENED,
    REREFERRALS,
    CORE_ASSESSMENTS,
    SUPERVISION_RECORDS,
    WORKER_CHANGES,
    REREFERRALS_ELSEWHERE,
    MEETINGS,
    DIP_SAMPLE,
)
