"""What a listed section of a report is made of: its columns (heading, how a row's cell is
read, width on paper, look on the page), its headings and empty wording, and its CSV rows,
with the cell readers the tables use. The drift report's table is
:mod:`printables.drift_sections`. Plain data: no reportlab, no Flask, no store.

Headings and notes are format strings filled from :meth:`Section.values`; each medium
escapes the values it fills in (the literal text is trusted markup, written in the table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .output import long_date

#: One CSV row of a section: ``(measure, value, date, stage, token, initials)``.
CsvRow = tuple


@dataclass(frozen=True)
class Column:
    """A column of a section's table: its heading (a format string, see
    :meth:`Section.values`), how a row's cell is read, its width on paper in mm, and on
    the page how the cell is shown: ``text``, ``code`` or ``tile`` (linked to the case's
    tile page)."""

    heading: str
    cell: Callable[[dict], object]
    width: float = 0
    look: str = "text"


@dataclass(frozen=True)
class Section:
    """One listed section of the drift report.

    ``paper`` and ``page`` are its columns in the PDF and on the dashboard; ``empty`` and
    ``page_empty`` what each says when there are no rows (``None``: nothing). A section
    with ``sentence`` lists its rows in one paragraph on paper (``"Weeks of {}."``) and as a
    list on the page, from its first column. ``csv`` gives the CSV rows of one item of
    ``csv_items`` (by default the section's rows), under ``csv_name``.
    """

    key: str
    heading: str
    paper: tuple[Column, ...]
    page: tuple[Column, ...]
    csv: Callable[[dict, dict], Iterable[CsvRow]]
    page_heading: str = ""
    note: str = ""
    note_muted: bool = True
    paper_note: str = ""
    empty: str | None = "None."
    page_empty: str | None = "None."
    sentence: str = ""
    csv_name: str = ""
    rows: Callable[[dict], list] | None = None
    csv_items: Callable[[dict], Iterable] | None = None
    counted: Callable[[dict], dict] | None = None
    only_if_reported: bool = False
    keep_together: bool = False

    def items(self, report: dict) -> list:
        """The section's rows in ``report`` (none when the report does not have it)."""
        return self.rows(report) if self.rows else report.get(self.key, [])

    def values(self, report: dict) -> dict:
        """What the headings and notes are filled with: ``n``, the count in the heading
        (by default the number of rows), and the section's own figures."""
        return {"n": len(self.items(report)), **(self.counted(report) if self.counted else {})}

    def on_paper(self, report: dict) -> bool:
        return not self.only_if_reported or bool(report.get(self.key))

    def csv_rows(self, report: dict) -> list[dict]:
        """The section's rows in the CSV (one measure a row)."""
        items = self.csv_items(report) if self.csv_items else self.items(report)
        found = []
        for item in items:
            for row in self.csv(item, report):
                measure, value, day, stage, token, initials = (*row, None, None, None)[:6]
                found.append(
                    {
                        "section": self.csv_name or self.key,
                        "date": day,
                        "stage": stage,
                        "token": token,
                        "initials": initials,
                        "measure": measure,
                        "value": value,
                    }
                )
        return found


def codes(initials: str) -> str:
    """A family group's board codes, three to a line, so six still fit a narrow column."""
    found = initials.split()
    return "\n".join(" ".join(found[i : i + 3]) for i in range(0, len(found), 3))


def key(name: str, default=None) -> Callable[[dict], object]:
    """The row's ``name``, or ``default`` when it is empty (``None`` keeps it as it is)."""
    if default is None:
        return lambda row: row[name]
    return lambda row: row[name] or default


def date_of(name: str) -> Callable[[dict], str]:
    return lambda row: long_date(row[name])


def token(width: float) -> Column:
    return Column("Token", key("token"), width)


def code(width: float, grouped: bool = True) -> Column:
    read = (lambda row: codes(row["initials"])) if grouped else key("initials")
    return Column("Code", read, width)


CASE = Column("Case", key("initials"))
CASE_TILE = Column("Case", key("initials"), look="tile")


def with_case(row: dict, *rows: CsvRow) -> list[CsvRow]:
    """CSV rows of a case: each ``(measure, value, date, stage)`` with its token and codes."""
    return [(*r, row["token"], row["initials"]) for r in rows]
