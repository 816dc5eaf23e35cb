"""Export files as a case system writes them, and a search of every byte for names."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

#: Headers as a Liquidlogic-style report names them.
HEADERS = [
    "Case Ref",
    "Child first name",
    "Surname",
    "Allocated Worker",
    "CP Stage",
    "Next Review Date",
    "Date Opened",
    "Ethnicity",
]
COLUMNS = (
    "ref=Case Ref,first_name=Child first name,surname=Surname,worker=Allocated Worker,"
    "stage=CP Stage,review=Next Review Date,opened=Date Opened"
)
#: Three children of one family under one reference, and one child of another family.
CHILDREN = [
    ["LCS-1001", "Thomasina", "Wrightson", "Sam Okafor", 2, "04/12/2027", datetime(2026, 3, 9)],
    ["LCS-1001", "Jessamy", "Wrightson", "Sam Okafor", 2, "04/12/2027", datetime(2026, 3, 9)],
    ["LCS-1001", "Octavius", "Pemberley-Quist", "Sam Okafor", 2, "04/12/2027", "09/03/2026"],
    ["LCS-2002", "Élodie", "Bañezová", "Ray Mensah", 4, "1/2/28", "2026-05-20"],
]
NAMES = ["Thomasina", "Jessamy", "Octavius", "Élodie", "Wrightson", "Pemberley", "Quist",
         "Bañezová", "Banezova", "Elodie"]  # fmt: skip


def write_xlsx(path: Path, rows: list[list], headers: list[str] = HEADERS) -> Path:
    """A workbook like an export: a title line, a blank line, the headers, the rows."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Open cases report (run 01/12/2026)"])
    sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append([*row, "White British"][: len(headers)])
    for cells in sheet.iter_rows(min_row=4):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY"
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list], headers=HEADERS, encoding="utf-8-sig") -> Path:
    lines = [",".join(headers)]
    lines += [",".join(_csv_cell(c) for c in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _csv_cell(cell) -> str:
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y")
    return str(cell)


def names_found(paths, names=NAMES) -> list[str]:
    """Each name (in any case, UTF-8, UTF-16 or Windows-1252) found in any byte of these
    files."""
    found = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            continue
        data = path.read_bytes()
        folded = data.lower()
        for name in names:
            variants = {name, name.lower(), name.upper(), name.capitalize()}
            for encoding in ("utf-8", "utf-16-le", "utf-16-be", "cp1252"):
                needles = {v.encode(encoding, "ignore") for v in variants}
                if any(n in data or n.lower() in folded for n in needles):
                    found.append(f"{name} in {path.name} ({encoding})")
                    break
    return found


def store_files(db_path) -> list[Path]:
    """The store and its write-ahead log and shared-memory files."""
    return [Path(f"{db_path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
