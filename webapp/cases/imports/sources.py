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
import re
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


_TAGS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s>/]")


def _count_cells(archive: zipfile.ZipFile, filename: str) -> None:
    """Count the cells of every worksheet part, at the speed of a regular expression,
    before openpyxl reads any: a sheet that declares no size is otherwise scanned whole
    by openpyxl to find one (200,000 columns took minutes)."""
    for part in archive.infolist():
        if not part.filename.lower().startswith("xl/worksheets/"):
            continue
        in_row = total = rows = 0
        tail = b""
        with archive.open(part) as stream:
            while True:
                chunk = stream.read(1024 * 1024)
                data = tail + chunk
                cut = data.rfind(b"<") if chunk else len(data)  # no tag is cut in two
                cut = len(data) if cut < 0 else cut
                for match in _TAGS.finditer(data, 0, cut):
                    if match.group(1) == b"row":
                        in_row, rows = 0, rows + 1
                        continue
                    in_row += 1
                    total += 1
                    if in_row > limits.MAX_COLUMNS:
                        limits.check_row(rows, range(in_row), filename)
                    if total > limits.MAX_CELLS:
                        raise limits.TooLarge(
                            f"{filename} has more than {limits.MAX_CELLS:,} cells in a sheet; "
                            "an import reads at most that many: split it"
                        )
                if not chunk:
                    break
                tail = data[cut:]


def _check_dimension(sheet, filename: str) -> None:
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if columns > limits.MAX_COLUMNS or rows * columns > limits.MAX_CELLS:
        raise limits.TooLarge(
            f"{filename}: sheet {sheet.title!r} declares {rows:,} rows by {columns:,} columns "
            f"(at most {limits.MAX_COLUMNS} columns and {limits.MAX_CELLS:,} cells are read)"
        )


def _sheet_rows(book, sheet, filename: str) -> Iterator[Row]:
    from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.functions import iterparse

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
            count = 0
            for event, element in iterparse(source, events=("start", "end")):
                if event == "start":
                    if element.tag == CELL_TAG:
                        count += 1
                        if count > limits.MAX_COLUMNS:  # before the row is parsed whole
                            limits.check_row(parser.row_counter + 1, range(count), filename)
                    elif element.tag == ROW_TAG:
                        count = 0
                    continue
                if element.tag == ROW_TAG:
                    yield _row(parser, element, filename)
                    element.clear()
    except _UNREADABLE:
        raise BadInput(f"{filename} has a worksheet that cannot be read") from None


def _row(parser, element, filename: str) -> Row:
    """One ``<row>`` as (number, cells, hidden), with openpyxl's own reading of cells."""
    number, parsed = parser.parse_row(element)
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
    return number, cells, attrs.get("hidden") in ("1", "true")


def workbook_sheets(data: bytes, filename: str) -> list[Sheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_parts(data, filename)
    try:
        _count_cells(zipfile.ZipFile(io.BytesIO(data)), filename)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise BadInput(f"{filename} is not a readable Excel workbook (.xlsx)") from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (*_UNREADABLE, InvalidFileException):
        raise BadInput(f"{filename} is not a readable Excel workbook (.xlsx)") from None
    return [
        Sheet(s.title, lambda s=s: _sheet_rows(book, s, filename), s.sheet_state == "visible")
        for s in book.worksheets
    ]
