"""The drift report as CSV: one row a measure, for a spreadsheet or a data request.

The listed sections' rows come from the table of sections
(:data:`printables.drift_sections.SECTIONS`); the summary, the weekly series and the
meeting audit, which the PDF and the page show as figures and charts, are written here.
"""

from __future__ import annotations

import csv
import io

from printables.drift_sections import SECTIONS

CSV_COLUMNS = ["section", "date", "stage", "token", "initials", "measure", "value"]

#: The file's row order, by part: older than the table of sections (which follows the
#: page), and kept so that a day's CSV stays the same file.
CSV_ORDER = (
    "summary",
    "overdue",
    "stage_time",
    "stuck",
    "moves",
    "reopened",
    "rereferrals",
    "dip_sample",
    "missed_reviews",
    "unanswered_at_closure",
    "no_meeting_weeks",
    "audit",
    "core_assessments",
    "supervision_records",
    "worker_changes",
    "rereferrals_elsewhere",
    "meetings",
)


def _row(section, measure, value, day=None, stage=None, token=None, initials=None) -> dict:
    return {"section": section, "date": day, "stage": stage, "token": token,
            "initials": initials, "measure": measure, "value": value}  # fmt: skip


def _summary(report: dict) -> list[dict]:
    return [_row("summary", k, v, report["on"]) for k, v in report["summary"].items()]


def _overdue(report: dict) -> list[dict]:
    measures = ("open", "overdue", "days_overdue", "mean_days_overdue")
    return [_row("overdue", m, w[m], w["week_ending"]) for w in report["overdue"] for m in measures]


def _stage_time(report: dict) -> list[dict]:
    rows = []
    for s in report["stage_time"]:
        counts = [("cases", s["cases"]), ("median_days", s["median_days"]), *s["buckets"].items()]
        rows += [_row("stage_time", m, v, report["on"], s["stage"]) for m, v in counts]
    return rows


def _moves(report: dict) -> list[dict]:
    return [_row("moves", "moves", m["moves"], m["week_starting"]) for m in report["moves"]]


def _audit(report: dict) -> list[dict]:
    audit = report["audit"]
    return [
        _row("audit", "last_audit", audit["last_audit"], report["on"]),
        _row("audit", "next_due", audit["next_due"], report["on"]),
        _row("audit", "prompt", int(audit["prompt"]), report["on"]),
    ]


#: The parts of the file that are not listed sections.
_FIGURES = {
    "summary": _summary,
    "overdue": _overdue,
    "stage_time": _stage_time,
    "moves": _moves,
    "audit": _audit,
}


def report_rows(report: dict) -> list[dict]:
    """The report as long-format rows (one measure per row), for a spreadsheet."""
    parts = {**_FIGURES, **{s.key: s.csv_rows for s in SECTIONS}}
    return [row for name in CSV_ORDER for row in parts[name](report)]


def report_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report_rows(report))
    return out.getvalue()
