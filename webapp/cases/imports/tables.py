"""An export file as a table of cells, read from bytes in memory (never a temporary file).

``.xlsx`` is read with openpyxl in read-only mode; ``.csv`` may be UTF-8 (with or without
the byte-order mark Excel adds) or Windows-1252, which Excel's plain "CSV" still writes.
The header is the first row with at least two filled cells, so a report's title lines
above it are skipped. Row numbers are the spreadsheet's own, as the admin sees them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

from webapp.errors import BadInput

#: The most data rows one import reads: a team's whole caseload, with room to spare.
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Table:
    headers: list[str]
    header_row: int
    rows: list[tuple[int, list]]  # (spreadsheet row number, one cell per header)


def read_table(data: bytes, filename: str) -> Table:
    """The table in an uploaded or local export; raises :class:`BadInput`."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        lines = _xlsx_rows(data, filename)
    elif suffix in (".csv", ".txt"):
        lines = enumerate(csv.reader(io.StringIO(_decode(data, filename), newline="")), start=1)
    elif suffix in (".xls", ".xlsm", ".ods"):
        raise BadInput(f"{filename}: save it as an Excel workbook (.xlsx) or a CSV first")
    else:
        raise BadInput(f"{filename}: caseboard reads .xlsx and .csv files")
    return _table(lines, filename)


def _decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise BadInput(f"{filename} is neither UTF-8 nor Windows-1252 text") from None


def _xlsx_rows(data: bytes, filename: str):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError,
                  IndexError, ParseError)  # fmt: skip
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except unreadable:
        raise BadInput(f"{filename} is not a readable Excel workbook (.xlsx)") from None
    try:
        yield from enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)
    except unreadable:
        raise BadInput(f"{filename} has a worksheet that cannot be read") from None
    finally:
        book.close()


def _filled(cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _clean(cell):
    return cell.strip() if isinstance(cell, str) else cell


def _table(lines, filename: str) -> Table:
    headers, header_row, rows = None, 0, []
    for number, cells in lines:
        cells = list(cells)
        if headers is None:
            if sum(_filled(c) for c in cells) >= 2:
                headers = [str(c).strip() if _filled(c) else "" for c in cells]
                header_row = number
            continue
        if not any(_filled(c) for c in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise BadInput(f"{filename} has more than {MAX_ROWS} rows; split it")
        cells = [_clean(c) for c in cells[: len(headers)]]
        rows.append((number, cells + [None] * (len(headers) - len(cells))))
    if headers is None:
        raise BadInput(f"{filename} has no header row (a row naming its columns)")
    if not rows:
        raise BadInput(f"{filename} has a header but no rows")
    return Table(headers, header_row, rows)
