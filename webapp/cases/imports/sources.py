"""The sheets of an export file, read from bytes in memory (never a temporary file).

A source is a list of :class:`Sheet`: each workbook sheet of an ``.xlsx``, or, for a
text file, one reading per separator (comma, semicolon, tab) for the header finder to
choose from. Each yields ``(row number, cells, hidden)``, the row numbers being the
spreadsheet's own, as the admin sees them.

An ``.xlsx`` is read with openpyxl in read-only mode, with defusedxml installed, after
its zip directory shows no part past :mod:`.limits`; rows are read with openpyxl's own
sheet parser so that rows hidden in Excel (filtered out, or hidden by hand) are known,
and so that nothing is padded to the size a sheet declares. Text may be UTF-8 (with
or without a BOM), UTF-16 (Excel's "Unicode Text") or Windows-1252.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from webapp.cases.imports import limits
from webapp.errors import BadInput

Row = tuple[int, list, bool]

SEPARATORS = {",": "comma-separated", ";": "semicolon-separated", "\t": "tab-separated"}


@dataclass
class Sheet:
    name: str
    rows: Callable[[], Iterator[Row]]
    visible: bool = True


# -- text ----------------------------------------------------------------------------


def decode(data: bytes, filename: str) -> str:
    """The text of a CSV or tab-separated file in any encoding Excel writes."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif data[1:200:2].count(0) > 40:
        encodings = ["utf-16-le"]
    elif data[0:200:2].count(0) > 40:
        encodings = ["utf-16-be"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadInput(f"{filename} is not UTF-8, UTF-16 or Windows-1252 text")


def _csv_rows(text: str, separator: str, filename: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            limits.check_row(number, cells, filename)
            yield number, cells, False
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise limits.TooLarge(
                f"{filename}: row {number + 1} has a cell of more than "
                f"{limits.MAX_CELL_CHARS:,} characters"
            ) from None
        raise BadInput(f"{filename}: row {number + 1} is not CSV ({exc})") from None


def text_sheets(data: bytes, filename: str) -> list[Sheet]:
    text = decode(data, filename).replace("\x00", "")
    head = text[:20_000]
    found = [s for s in SEPARATORS if s in head] or [","]
    return [
        Sheet(SEPARATORS[s], lambda s=s: _csv_rows(text, s, filename))
        for s in sorted(found, key=lambda s: -head.count(s))
    ]


# -- xlsx ----------------------------------------------------------------------------

_UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, ParseError,
               EOFError, TypeError)  # fmt: skip


def _check_parts(data: bytes, filename: str) -> None:
    """Refuse a workbook whose parts, once unzipped, would be past the limits (a 310 KB
    file can unzip to a 300 MB string). Sizes come from the zip's directory, and Python's
    zipfile never returns more than a part's declared size."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except _UNREADABLE:
        raise BadInput(f"{filename} is not a readable Excel workbook (.xlsx)") from None
    total = 0
    for part in parts:
        total += part.file_size
        limit = limits.MAX_PART_BYTES
        if part.filename.lower().endswith("sharedstrings.xml"):
            limit = limits.MAX_SHARED_STRINGS_BYTES
        if part.file_size > limit or total > limits.MAX_UNZIPPED_BYTES:
            raise limits.TooLarge(
                f"{filename} unzips to more than {max(part.file_size, total) / 1e6:,.0f} MB "
                f"(the most an import reads is {limit / 1e6:,.0f} MB a part): "
                "save it again from Excel, or export fewer columns"
            )


def _check_dimension(sheet, filename: str) -> None:
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if columns > limits.MAX_COLUMNS or rows * columns > limits.MAX_CELLS:
        raise limits.TooLarge(
            f"{filename}: sheet {sheet.title!r} declares {rows:,} rows by {columns:,} columns "
            f"(at most {limits.MAX_COLUMNS} columns and {limits.MAX_CELLS:,} cells are read)"
        )


def _sheet_rows(book, sheet, filename: str) -> Iterator[Row]:
    from openpyxl.worksheet._reader import WorkSheetParser

    _check_dimension(sheet, filename)
    try:
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, parsed in parser.parse():
                if number > limits.MAX_ROW_NUMBER:
                    raise limits.TooLarge(f"{filename}: row {number:,} is past Excel's last row")
                width = max((c["column"] for c in parsed), default=0)
                if width > limits.MAX_COLUMNS:
                    limits.check_row(number, range(width), filename)
                cells = [None] * width
                for cell in parsed:
                    cells[cell["column"] - 1] = cell["value"]
                limits.check_row(number, cells, filename)
                attrs = parser.row_dimensions.pop(str(number), {})
                yield number, cells, attrs.get("hidden") in ("1", "true")
    except _UNREADABLE:
        raise BadInput(f"{filename} has a worksheet that cannot be read") from None


def workbook_sheets(data: bytes, filename: str) -> list[Sheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_parts(data, filename)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (*_UNREADABLE, InvalidFileException):
        raise BadInput(f"{filename} is not a readable Excel workbook (.xlsx)") from None
    return [
        Sheet(s.title, lambda s=s: _sheet_rows(book, s, filename), s.sheet_state == "visible")
        for s in book.worksheets
    ]
