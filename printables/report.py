"""The drift and quality report as an A4 PDF: summary, charts and lists.

Takes the plain report dict from ``webapp.reports.drift.drift_report`` (this package never
imports webapp). The charts come from :func:`drift_charts`, which the dashboard
draws as SVG, so paper and screen show the same pictures.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from tilegen.units import mm_to_pt

from .charts import LINE, LINE2, Chart, bar_chart, line_chart, stacked_bar_chart, to_drawing
from .output import atomic_output, long_date
from .report_policy import policy_story

CHART_WIDTH = 480.0


def _short(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}"


def _stage_label(stage: int, name: str) -> str:
    """``2. Agreeing a plan and outcomes``: whole, the chart wraps it between words."""
    return f"{stage}. {name}"


def drift_charts(report: dict) -> dict[str, Chart]:
    """The report's charts by name: overdue, days_overdue, stage_time, moves."""
    weeks = [_short(w["week_ending"]) for w in report["overdue"]]
    every = max(1, len(weeks) // 10)
    return {
        "overdue": line_chart(
            "Overdue cases (red) each week",
            weeks,
            [
                ("overdue", [w["overdue"] for w in report["overdue"]], LINE),
                ("open", [w["open"] for w in report["overdue"]], LINE2),
            ],
            width=CHART_WIDTH,
            label_every=every,
        ),
        "days_overdue": line_chart(
            "Days overdue: mean and longest among overdue cases",
            weeks,
            [
                ("mean", [w["mean_days_overdue"] for w in report["overdue"]], LINE),
                ("longest", [w["max_days_overdue"] for w in report["overdue"]], LINE2),
            ],
            width=CHART_WIDTH,
            label_every=every,
        ),
        "stage_time": stacked_bar_chart(
            "Time in current stage (open cases per stage)",
            [_stage_label(s["stage"], s["name"]) for s in report["stage_time"]],
            [list(s["buckets"].values()) for s in report["stage_time"]],
            report["stage_buckets"],
            width=CHART_WIDTH,
        ),
        "moves": bar_chart(
            "Stage moves per week",
            [_short(m["week_starting"]) for m in report["moves"]],
            [m["moves"] for m in report["moves"]],
            width=CHART_WIDTH,
            label_every=max(1, len(report["moves"]) // 10),
        ),
    }


def _e(value) -> str:
    """A stored value as text inside reportlab's paragraph markup: names and notes come
    from users, and ``<img src=...>`` or an unknown attribute must print as typed."""
    return escape("" if value is None else str(value))


def _codes(initials: str) -> str:
    """A family group's board codes, three to a line, so six still fit a narrow column."""
    codes = initials.split()
    return "\n".join(" ".join(codes[i : i + 3]) for i in range(0, len(codes), 3))


def _table(header: list[str], rows: list[list], widths: list[float]) -> Table:
    table = Table([header] + rows, colWidths=[mm_to_pt(w) for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _section(title: str, header: list[str], rows: list[list], widths: list[float],
             empty: str, styles) -> list:  # fmt: skip
    """A section of the report: its heading, then its table, or ``empty`` when it has no
    rows."""
    h2, body = styles["Heading2"], styles["BodyText"]
    return [Paragraph(title, h2), _table(header, rows, widths) if rows else Paragraph(empty, body)]


def _story(report: dict) -> list:
    styles = getSampleStyleSheet()
    h1, h2, body = styles["Title"], styles["Heading2"], styles["BodyText"]

    def _listed(title, header, rows, widths, empty="None."):
        return _section(title, header, rows, widths, empty, styles)

    s = report["summary"]
    audit = report["audit"]
    story = [
        Paragraph(f"Drift and quality report: {_e(report['team'])}", h1),
        Paragraph(
            f"On {long_date(report['on'])}, covering {long_date(report['from'])} to "
            f"{long_date(report['on'])}. "
            f"{s['open']} open cases: {s['red']} overdue (red), {s['amber']} due within the "
            f"amber window, {s['stuck']} stuck beyond the team's limit, "
            f"{s['open_alerts']} open alerts; {s['moves_last_4_weeks']} stage moves in the "
            f"last four weeks; {s['supervision_percent']}% of open cases had a formal "
            "one-to-one this month.",
            body,
        ),
    ]
    if audit["prompt"]:
        last = long_date(audit["last_audit"]) or "never"
        story.append(
            Paragraph(
                f"<b>Meeting audit due:</b> last audited {_e(last)}; each meeting is audited at "
                f"least every {audit['interval_months']} months.",
                body,
            )
        )
    else:
        story.append(
            Paragraph(
                f"Meeting last audited {_e(long_date(audit['last_audit']))} "
                f"({_e(audit['auditor'])}); next audit due {_e(long_date(audit['next_due']))}.",
                body,
            )
        )
    charts = drift_charts(report)
    for name in ("overdue", "days_overdue", "stage_time", "moves"):
        story += [Spacer(1, mm_to_pt(4)), to_drawing(charts[name])]

    rows = [
        [
            f["token"],
            _codes(f["initials"]),
            f["stage"],
            f["worker"] or "",
            f["days_in_stage"],
            f["limit_days"],
        ]
        for f in report["stuck"]
    ]
    story += _listed(
        f"Stuck cases ({len(report['stuck'])})",
        ["Token", "Code", "Stage", "Worker", "Days in stage", "Limit"],
        rows,
        [28, 22, 13, 28, 25, 20],
    )
    missed = report.get("missed_reviews", [])
    story += _listed(
        f"Missed reviews ({sum(m['missed'] for m in missed)})",
        ["Month", "Rule", "Missed"],
        [[m["month"], m["rule"], m["missed"]] for m in missed],
        [25, 40, 20],
        "None: every alert was answered before its rule fired again.",
    )
    ended = report.get("unanswered_at_closure", [])
    story += _listed(
        f"Unanswered at closure ({len(ended)})",
        ["Token", "Code", "Rule", "Fired", "Closed or left"],
        [
            [
                u["token"],
                u["initials"],
                u["rule"],
                long_date(u["due"]),
                f"{long_date(u['ended_on'])} ({u['ended_by']})",
            ]
            for u in ended
        ],  # fmt: skip
        [28, 22, 30, 25, 45],
        "None: no case closed or left the team with an alert open.",
    )
    gaps = report.get("no_meeting_weeks", [])
    story.append(Paragraph(f"Weeks with no meeting recorded ({len(gaps)})", h2))
    story.append(Paragraph("Weeks of " + ", ".join(gaps) + "." if gaps else "None.", body))
    months = report["reopen_window_months"]
    rows = [
        [
            r["token"],
            _codes(r["initials"]),
            long_date(r["closed_on"]),
            long_date(r["reopened_on"]),
            r["days_closed"],
            "yes" if r.get("within_window", True) else "no",
        ]
        for r in report["reopened"]
    ]
    story += _listed(
        f"Starting again: reopened ({len(report['reopened'])})",
        ["Token", "Code", "Closed", "Reopened", "Days closed", f"Within {months} months"],
        rows,
        [26, 22, 27, 27, 20, 28],
    )
    rereferrals = report.get("rereferrals", [])
    rows = [
        [
            r["token"],
            _codes(r["initials"]),
            long_date(r["opened"]),
            r["earlier"],
            long_date(r["closed_on"]),
            r["days_closed"],
        ]
        for r in rereferrals
    ]
    story += _listed(
        f"Re-referrals ({len(rereferrals)})",
        ["Token", "Code", "Opened", "Earlier case", "Closed", "Days between"],
        rows,
        [26, 22, 27, 26, 27, 22],
    )
    story += policy_story(report, _listed, h2, body, _e)
    dip = report["dip_sample"]
    sample = [
        Paragraph("Dip sample of closed and stepped-down cases", h2),
        Paragraph(
            f"{len(dip['cases'])} of {dip['eligible']} cases closed between "
            f"{long_date(dip['closed_from'])} and {long_date(dip['closed_to'])}, "
            f"chosen at random with seed {dip['seed']} "
            "(the same store, size and seed give the same sample).",
            body,
        ),
    ]
    rows = [
        [
            c["token"],
            _codes(c["initials"]),
            long_date(c["closed"]),
            c.get("closed_as") or "closed",
            "" if c.get("scaling") is None else c["scaling"],
            c["case_type"] or "",
            c["worker"] or "",
            c.get("reason") or "",
        ]
        for c in dip["cases"]
    ]
    if rows:
        sample.append(
            _table(
                ["Token", "Code", "Closed", "As", "Scaling", "Type", "Worker", "Reason"],
                rows,
                [22, 18, 24, 20, 14, 14, 26, 36],
            )
        )
    story.append(KeepTogether(sample))
    return story


def write_drift_pdf(report: dict, path: str | os.PathLike) -> Path:
    """Write the report to ``path`` atomically (temp file, then rename)."""
    path = Path(path)
    with atomic_output(path) as fh:
        doc = SimpleDocTemplate(
            fh,
            pagesize=A4,
            leftMargin=mm_to_pt(18),
            rightMargin=mm_to_pt(18),
            topMargin=mm_to_pt(15),
            bottomMargin=mm_to_pt(15),
            title=f"Drift and quality report: {report['team']}",
            # No creation time or random id: the report of a day is the same file whenever
            # it is made (docs/contract.md §12).
            invariant=1,
        )
        doc.build(_story(report))
    return path
