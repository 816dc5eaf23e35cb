"""The drift report PDF's sections read against the Kent audit and policies
(docs/contract.md §16): core assessments, supervision records, changes of worker,
re-referrals to another team and the meeting record. Plain data in, flowables out."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Paragraph

from .output import long_date


def policy_story(report: dict, listed: Callable, h2, body, escape: Callable) -> list:
    """Flowables for the policy sections of ``report`` (those it has); ``listed(title,
    header, rows, widths[, empty])`` gives a section's heading and table."""
    story: list = []
    late = report.get("core_assessments", [])
    rows = [
        [
            c["token"],
            c["initials"],
            long_date(c["deadline"]),
            long_date(c["done"]) if c["done"] else "not yet",
            c["days_late"],
            long_date(c["interim"]) + (" (late)" if c["interim_late"] else "")
            if c["interim"]
            else "none",
        ]
        for c in late
    ]
    story += listed(
        f"Core assessments late or overdue ({len(late)})",
        ["Token", "Code", "Deadline", "Done", "Days late", "Interim"],
        rows,
        [26, 22, 30, 30, 18, 40],
    )
    records = report.get("supervision_records")
    if records:
        counts = "; ".join(f"{k}: {v}" for k, v in records["by_status"].items()) or "none"
        story.append(Paragraph(f"Supervision records ({records['discussions']})", h2))
        story.append(Paragraph(escape(f"By status: {counts}."), body))
    changes = report.get("worker_changes", [])
    story += listed(
        f"Changes of allocated worker ({len(changes)})",
        ["Token", "Code", "Date", "From", "To"],
        [
            [c["token"], c["initials"], long_date(c["on"]), c["from"] or "", c["to"] or ""]
            for c in changes
        ],  # fmt: skip
        [26, 22, 30, 44, 44],
    )
    elsewhere = report.get("rereferrals_elsewhere", [])
    story += listed(
        f"Re-referred to another team ({len(elsewhere)})",
        ["Token", "Code", "Closed", "Team", "Referred", "Days closed"],
        [
            [
                r["token"],
                r["initials"],
                long_date(r["closed"]),
                r["to_team"],
                long_date(r["referred_on"]),
                r["days_closed"],
            ]
            for r in elsewhere
        ],  # fmt: skip
        [26, 22, 30, 36, 30, 20],
    )
    meetings = report.get("meetings", [])
    story += listed(
        f"Meetings: attendance and authorisation ({len(meetings)})",
        ["Meeting", "Attended", "Absences agreed", "Not accounted for", "Authorised"],
        [
            [
                long_date(m["date"]),
                m["attended"],
                m["agreed_absences"],
                ", ".join(m["unaccounted"]),
                m["authorised_by"] or "no",
            ]
            for m in meetings
        ],  # fmt: skip
        [30, 20, 26, 60, 30],
    )
    return story
