"""The drift report as CSV: one row a measure, for a spreadsheet or a data request."""

from __future__ import annotations

import csv
import io

CSV_COLUMNS = ["section", "date", "stage", "token", "initials", "measure", "value"]


def report_rows(report: dict) -> list[dict]:
    """The report as long-format rows (one measure per row), for a spreadsheet."""
    rows = []

    def add(section, measure, value, day=None, stage=None, token=None, initials=None):
        rows.append(
            {
                "section": section,
                "date": day,
                "stage": stage,
                "token": token,
                "initials": initials,
                "measure": measure,
                "value": value,
            }
        )

    for key, value in report["summary"].items():
        add("summary", key, value, report["on"])
    for w in report["overdue"]:
        for measure in ("open", "overdue", "days_overdue", "mean_days_overdue"):
            add("overdue", measure, w[measure], w["week_ending"])
    for s in report["stage_time"]:
        add("stage_time", "cases", s["cases"], report["on"], s["stage"])
        add("stage_time", "median_days", s["median_days"], report["on"], s["stage"])
        for label, count in s["buckets"].items():
            add("stage_time", label, count, report["on"], s["stage"])
    for f in report["stuck"]:
        add(
            "stuck",
            "days_in_stage",
            f["days_in_stage"],
            report["on"],
            f["stage"],
            f["token"],
            f["initials"],
        )
    for m in report["moves"]:
        add("moves", "moves", m["moves"], m["week_starting"])
    for r in report["reopened"]:
        add(
            "reopened",
            "days_closed",
            r["days_closed"],
            r["reopened_on"],
            None,
            r["token"],
            r["initials"],
        )
    for r in report.get("rereferrals", []):
        add(
            "rereferral",
            "days_closed",
            r["days_closed"],
            r["opened"],
            None,
            r["token"],
            r["initials"],
        )
    for c in report["dip_sample"]["cases"]:
        where = (c["closed"], c["stage"], c["token"], c["initials"])
        add("dip_sample", "closed", c["closed"], *where)
        add("dip_sample", "closed_as", c["closed_as"], *where)
        add("dip_sample", "scaling_at_closure", c["scaling"], *where)
        if c.get("reason"):
            add("dip_sample", "reason", c["reason"], *where)
    for m in report.get("missed_reviews", []):
        add("missed_reviews", m["rule"], m["missed"], m["month"])
    for u in report.get("unanswered_at_closure", []):
        add("unanswered_at_closure", u["rule"], u["due"], u["ended_on"], None, u["token"],
            u["initials"])  # fmt: skip
    for monday in report.get("no_meeting_weeks", []):
        add("no_meeting", "week_starting", 1, monday)
    audit = report["audit"]
    add("audit", "last_audit", audit["last_audit"], report["on"])
    add("audit", "next_due", audit["next_due"], report["on"])
    add("audit", "prompt", int(audit["prompt"]), report["on"])
    _policy_rows(report, add)
    return rows


def _policy_rows(report: dict, add) -> None:
    """The sections read against the Kent audit and policies (docs/contract.md §16)."""
    for c in report.get("core_assessments", []):
        where = (c["deadline"], None, c["token"], c["initials"])
        add("core_assessments", c["status"].replace(" ", "_"), c["days_late"], *where)
        add("core_assessments", "working_days_late", c["working_days_late"], *where)
    records = report.get("supervision_records")
    if records:
        for status, count in records["by_status"].items():
            add("supervision_records", status, count, report["on"])
    for c in report.get("worker_changes", []):
        add("worker_changes", "changes_in_period", c["changes_in_period"], c["on"], None,
            c["token"], c["initials"])  # fmt: skip
    for r in report.get("rereferrals_elsewhere", []):
        add("rereferrals_elsewhere", "days_closed", r["days_closed"], r["referred_on"], None,
            r["token"], r["initials"])  # fmt: skip
    for m in report.get("meetings", []):
        add("meetings", "attended", m["attended"], m["date"])
        add("meetings", "held", int(m["held"]), m["date"])
        add("meetings", "unaccounted", len(m["unaccounted"]), m["date"])
        add("meetings", "authorised", int(m["authorised"]), m["date"])


def report_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report_rows(report))
    return out.getvalue()
