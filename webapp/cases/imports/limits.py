"""How much of a file one import reads, so a hostile or broken file is refused within a
second instead of filling the memory or pinning a processor (docs/contract.md §17).

A team's whole caseload, with every column a case system's report carries, fits well
inside these; a file past any of them is refused with one line and nothing is written.
"""

from __future__ import annotations

from webapp.errors import BadInput

#: The largest file read, in bytes (the web page's own upload limit is the same).
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Rows read after the header (data, hidden, totals), and the last row number looked at.
MAX_ROWS = 50_000
MAX_ROW_NUMBER = 1_048_576
#: Columns a row may have.
MAX_COLUMNS = 250
#: Cells read in all (rows times columns).
MAX_CELLS = 2_000_000
#: Characters in one cell.
MAX_CELL_CHARS = 10_000
#: Bytes of one part of an .xlsx once unzipped (a worksheet, the shared strings), and of
#: all its parts together: checked from the zip's directory before anything is unzipped.
MAX_PART_BYTES = 128 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 48 * 1024 * 1024
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
#: Rows looked at for the header, in each sheet.
HEADER_SCAN_ROWS = 40


class TooLarge(BadInput):
    """A file past one of the limits above."""


def check_size(data: bytes, filename: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge(
            f"{filename} is {len(data) / 1e6:.1f} MB; an import reads at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB: export fewer columns or split it"
        )


def check_row(number: int, cells, filename: str) -> None:
    """Columns and characters of one row; a cell is never quoted (it could be a name)."""
    if len(cells) > MAX_COLUMNS:
        raise TooLarge(
            f"{filename}: row {number} has {len(cells):,} columns; "
            f"an import reads at most {MAX_COLUMNS}"
        )
    for column, cell in enumerate(cells, start=1):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise TooLarge(
                f"{filename}: row {number}, column {column} holds {len(cell):,} characters; "
                f"a cell may hold at most {MAX_CELL_CHARS:,}"
            )


def read_file(path) -> bytes:
    """A local export's bytes, refusing one past :data:`MAX_FILE_BYTES` before reading it."""
    from pathlib import Path

    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TooLarge(
            f"{path.name} is {size / 1e6:.1f} MB; an import reads at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB: export fewer columns or split it"
        )
    with path.open("rb") as handle:
        return handle.read(MAX_FILE_BYTES + 1)
