"""An export file as one table: the sheet holding the data, its header row, and the rows
to import, with the rows left out and why (docs/contract.md §13).

Case systems put a report's title, parameters, run date, page numbers and grouped
headings above the header, sometimes a parameters sheet before the data, and totals or
"End of report" below it. The header is the row, among the first rows of each sheet,
naming the most caseboard fields (:func:`.columns.header_score`); the sheet is the one
whose header names the most. ``sheet`` and ``header_row`` override both choices.

Rows hidden in the workbook (filtered out or hidden by hand), totals and footer rows,
the header repeated at a page break, and one-cell headings between groups are skipped
and listed, each with its reason; they are never quoted, since they may hold a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from webapp.cases.imports import limits
from webapp.cases.imports.columns import header_key, header_score
from webapp.cases.imports.sources import Sheet, text_sheets, workbook_sheets
from webapp.errors import BadInput

_FOOTER = re.compile(
    r"^(?:grand\s+|sub-?\s*)?totals?(?:\s*[:(=]|\s|$)"
    r"|^end\s+of\s+(?:the\s+)?report"
    r"|^page\s+\d+\s+(?:of|/)\s+\d+"
    r"|^(?:number|count|no\.?)\s+of\s+(?:records|rows|cases|children|families)"
    r"|^count\s*:"
    r"|^\d+\s+(?:records?|rows?)\s+(?:returned|selected|found)"
    r"|^(?:report\s+)?(?:run|printed|generated)\s+(?:on|by|date)",
    re.IGNORECASE,
)
_END = re.compile(r"^end\s+of\s+(?:the\s+)?report", re.IGNORECASE)

HIDDEN = "hidden in the workbook"
FOOTER = "a totals or footer row"
END = "the end of the report"
AFTER_END = "after the end of the report"
HEADER_AGAIN = "the header repeated"
HEADING = "a heading with one filled cell"


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: list[tuple[int, list]]  # (spreadsheet row number, one cell per header)
    sheet: str = ""
    skipped: list[dict] = field(default_factory=list)  # {"row", "reason"}


def _filled(cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _clean(cell):
    return cell.strip() if isinstance(cell, str) else cell


def _first_text(cells) -> str:
    return next((str(c).strip() for c in cells if _filled(c)), "")


def _sheets(data: bytes, filename: str, sheet: str | None) -> list[Sheet]:
    limits.check_size(data, filename)
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheets = workbook_sheets(data, filename)
    elif suffix in (".csv", ".txt", ".tsv", ".tab"):
        if sheet:
            raise BadInput(f"--sheet {sheet!r}: {filename} is a text file with no sheets")
        return text_sheets(data, filename)
    elif suffix in (".xls", ".ods"):
        raise BadInput(f"{filename}: save it as an Excel workbook (.xlsx) or a CSV first")
    else:
        raise BadInput(f"{filename}: caseboard reads .xlsx, .csv and tab-separated .txt files")
    if sheet:
        chosen = [s for s in sheets if s.name.strip().lower() == sheet.strip().lower()]
        if not chosen:
            names = ", ".join(repr(s.name) for s in sheets)
            raise BadInput(f"{filename} has no sheet {sheet!r}; its sheets are {names}")
        return chosen
    return sheets


def _find_header(sheet: Sheet, header_row: int | None, chosen) -> tuple[int, int, list]:
    """(score, row number, cells) of the sheet's header row; (-1, 0, []) if none."""
    best = (-1, 0, [])
    for number, cells, _hidden in sheet.rows():
        if header_row is not None:
            if number == header_row:
                return (header_score(cells, chosen), number, cells)
            if number > header_row:
                break
            continue
        if number > limits.HEADER_SCAN_ROWS:
            break
        if sum(_filled(c) for c in cells) < 2:
            continue
        score = header_score(cells, chosen)
        if score > best[0] or best[0] < 0:
            best = (score, number, cells)
    return best


def read_table(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    chosen: tuple[dict, ...] = (),
) -> Table:
    """The table in an uploaded or local export; raises :class:`BadInput`. ``chosen``
    are the mappings the admin gave, whose headers count when finding the header."""
    best = None
    for candidate in _sheets(data, filename, sheet):
        score, number, cells = _find_header(candidate, header_row, chosen)
        key = (score, candidate.visible)
        if number and (best is None or key > best[0]):
            best = (key, candidate, number, cells)
    if best is None:
        where = f"row {header_row}" if header_row else "a row naming its columns"
        raise BadInput(f"{filename} has no header ({where}) in {sheet or 'any sheet'}")
    _key, chosen_sheet, number, cells = best
    headers = [str(c).strip() if _filled(c) else "" for c in cells]
    table = Table(headers, number, [], chosen_sheet.name)
    _read_rows(table, chosen_sheet, filename)
    if not table.rows:
        raise BadInput(
            f"{filename}: sheet {chosen_sheet.name!r} has a header in row {number} "
            "but no rows to import under it"
        )
    return table


def _read_rows(table: Table, sheet: Sheet, filename: str) -> None:
    width, ended = len(table.headers), False
    header_keys = [header_key(h) for h in table.headers]
    read = 0
    for number, cells, hidden in sheet.rows():
        if number <= table.header_row or not any(_filled(c) for c in cells):
            continue
        read += 1
        if read > limits.MAX_ROWS or read * width > limits.MAX_CELLS:
            raise limits.TooLarge(
                f"{filename} has more than {min(limits.MAX_ROWS, read - 1):,} rows of "
                f"{width} columns under its header; an import reads at most "
                f"{limits.MAX_ROWS:,} rows and {limits.MAX_CELLS:,} cells: split it"
            )
        reason = _skip_reason(cells, hidden, ended, header_keys)
        if reason:
            ended = ended or reason in (END, AFTER_END)
            table.skipped.append({"row": number, "reason": reason})
            continue
        cells = [_clean(c) for c in cells[:width]]
        table.rows.append((number, cells + [None] * (width - len(cells))))


def _skip_reason(cells, hidden: bool, ended: bool, header_keys: list[str]) -> str | None:
    if ended:
        return AFTER_END
    if hidden:
        return HIDDEN
    first = _first_text(cells)
    if _END.match(first):
        return END
    if _FOOTER.match(first):
        return FOOTER
    if (
        header_key(first) == next((k for k in header_keys if k), None)
        and [header_key(str(c)) if _filled(c) else "" for c in cells[: len(header_keys)]]
        == header_keys
    ):
        return HEADER_AGAIN
    if sum(_filled(c) for c in cells) == 1:
        return HEADING
    return None
