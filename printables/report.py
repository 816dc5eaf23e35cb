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
from .drift_sections import SECTIONS
from .output import atomic_output, long_date
from .report_sections import Section

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


def _opening(report: dict, styles) -> list:
    """The title, the summary and when the meeting was last audited."""
    h1, body = styles["Title"], styles["BodyText"]
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
    return story


def _section(section: Section, report: dict, styles) -> list:
    """A listed section on paper: its heading, its note, then its table (or its rows in
    one sentence), or what it says when it has none."""
    h2, body = styles["Heading2"], styles["BodyText"]
    values = {name: _e(value) for name, value in section.values(report).items()}
    items = section.items(report)
    flow = [Paragraph(section.heading.format(**values), h2)]
    if section.paper_note:
        flow.append(Paragraph(section.paper_note.format(**values), body))
    if items and section.sentence:
        cells = [_e(section.paper[0].cell(item)) for item in items]
        flow.append(Paragraph(section.sentence.format(", ".join(cells)), body))
    elif items and section.paper:
        header = [c.heading.format(**values) for c in section.paper]
        rows = [[c.cell(item) for c in section.paper] for item in items]
        flow.append(_table(header, rows, [c.width for c in section.paper]))
    elif section.empty is not None:
        flow.append(Paragraph(section.empty, body))
    return [KeepTogether(flow)] if section.keep_together else flow


def _story(report: dict) -> list:
    styles = getSampleStyleSheet()
    story = _opening(report, styles)
    charts = drift_charts(report)
    for name in ("overdue", "days_overdue", "stage_time", "moves"):
        story += [Spacer(1, mm_to_pt(4)), to_drawing(charts[name])]
    for section in SECTIONS:
        if section.on_paper(report):
            story += _section(section, report, styles)
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
