"""The weekly meeting agenda as an A4 PDF: one table per reason, with room to write.

Takes the plain item dicts that ``webapp.meeting.agenda.build_agenda`` returns (token,
initials, stage, stage_name, reason, next_review, status, due, worker, summary)
and knows nothing of the store.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tilegen.fonts import font_path
from tilegen.units import mm_to_pt

from .output import atomic_output, long_date

MARGIN_MM = 15.0
REGULAR, BOLD = "CaseboardAgenda", "CaseboardAgenda-Bold"
#: (heading, width in mm) of the table columns; the last one is left blank to write in.
COLUMNS = (
    ("Code", 24),
    ("Stage", 29),
    ("Review", 30),
    ("Worker", 20),
    ("Why", 37),
    ("Decision", 40),
)
STATUS_COLOURS = {"red": "#b71c1c", "amber": "#8a5100", "green": "#1b5e20"}
SECTION_TITLES = {
    "red": "Red: overdue",
    "amber": "Amber: due soon",
    "stuck": "Stuck: over the stage limit",
    "alert": "Open alerts",
    "moved": "Moved stage since the last meeting",
    "new": "New tiles",
    "requested": "Asked to discuss",
}
SECTIONS = ("red", "amber", "stuck", "alert", "moved", "new", "requested")


def _fonts() -> None:
    """The same Vera TrueType fonts the tiles use, so any note prints (not just Latin-1)."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, font in ((REGULAR, "regular"), (BOLD, "bold")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, font_path(font)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    # splitLongWords=0: a token, a code or a date is never broken across lines; the
    # columns are wide enough for each, and words wrap only at spaces.
    base = ParagraphStyle("cell", fontName=REGULAR, fontSize=8.5, leading=10.5, splitLongWords=0)
    return {
        "cell": base,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=15, leading=19),
        "sub": ParagraphStyle("sub", base, fontSize=9.5, leading=12, textColor="#5f6368"),
        "section": ParagraphStyle(
            "section", base, fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=3
        ),
        "head": ParagraphStyle("head", base, fontName=BOLD),
    }


def _row(item: dict, styles: dict) -> list:
    cell = styles["cell"]
    colour = STATUS_COLOURS.get(item.get("status"), "#1a1a1a")
    review = escape(long_date(item.get("next_review")) or "none").replace(" ", "&nbsp;")
    due = escape(item.get("due") or "")
    return [
        Paragraph(
            f"<b>{escape(item['initials'])}</b><br/>"
            f'<font size="6.5">{escape(item["token"])}</font>',
            cell,
        ),
        Paragraph(f"{item['stage']} {escape(item.get('stage_name') or '')}", cell),
        Paragraph(f'<font color="{colour}">{review}<br/>{due}</font>', cell),
        Paragraph(escape(item.get("worker") or ""), cell),
        Paragraph(escape(item.get("summary") or ""), cell),
        Paragraph(escape(_outcome_text(item)), cell),
    ]


def _outcome_text(item: dict) -> str:
    outcome = item.get("outcome")
    if not outcome:
        return ""
    parts = [outcome.get("note") or ""]
    if outcome.get("review"):
        parts.append(f"review {long_date(outcome['review']['to'])}")
    if outcome.get("stage"):
        parts.append(f"stage {outcome['stage']['to']}")
    return "; ".join(p for p in parts if p)


def _table(items: Sequence[dict], styles: dict) -> Table:
    header = [Paragraph(h, styles["head"]) for h, _ in COLUMNS]
    table = Table(
        [header, *(_row(i, styles) for i in items)],
        colWidths=[mm_to_pt(w) for _, w in COLUMNS],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa0a6")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")),
                ("TOPPADDING", (0, 1), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 9),
            ]
        )
    )
    return table


def write_agenda_pdf(
    items: Sequence[dict],
    dest: str | os.PathLike | BinaryIO,
    *,
    team_name: str,
    on: date,
    since: date | None = None,
) -> int:
    """Write the agenda for the meeting of ``on``; returns the number of items.

    A path is written to a temporary file and renamed, so a failure leaves nothing.
    """
    _fonts()
    styles = _styles()
    story = [Paragraph(f"Case Progression meeting · {escape(team_name)}", styles["title"])]
    sub = f"{long_date(on)} · {len(items)} famil{'y' if len(items) == 1 else 'ies'} to discuss"
    if since:
        sub += f" · changes since {long_date(since)}"
    story += [Paragraph(sub, styles["sub"]), Spacer(1, mm_to_pt(3))]
    groups = [(r, [i for i in items if i["reason"] == r]) for r in SECTIONS]
    for number, (reason, group) in enumerate([g for g in groups if g[1]], start=1):
        title = f"{number}. {SECTION_TITLES[reason]} ({len(group)})"
        story += [Paragraph(title, styles["section"]), _table(group, styles)]
    if not items:
        story.append(Paragraph("Nothing on the agenda this week.", styles["cell"]))
    story += [
        Spacer(1, mm_to_pt(5)),
        Paragraph(
            "Record decisions on the child's file in the case system; keep notes here short and "
            "free of personal details.",
            styles["sub"],
        ),
    ]
    _build(story, dest, f"Case Progression agenda {on.isoformat()}")
    return len(items)


def _build(story: list, dest, title: str) -> None:
    margin = mm_to_pt(MARGIN_MM)
    options = dict(
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author="caseboard",
    )
    with atomic_output(dest) as fh:
        SimpleDocTemplate(fh, **options).build(story)
