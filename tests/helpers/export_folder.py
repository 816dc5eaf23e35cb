# ruff: noqa: E501  (rows of a report read best one to a line)
"""A folder of export files as case systems write them, built by code (openpyxl, csv).

Each :class:`Export` is one file in the style of a Liquidlogic, Mosaic or Eclipse report,
with what an admin importing it into team "Team" should get: the families (reference ->
board codes, stage, next review), the header each field is read from, the rows left
out and why; or, for a file that must be refused, the words of the refusal. The
children's names are invented and rare, so that a search of every byte of the store and
of the temporary folder for them means something (:data:`NAMES`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

#: Every name in these files: none may reach the store or the disk.
NAMES = ["Thomasina", "Jessamy", "Wrightson", "Peregrine", "Ottilie", "Quillfeather",
         "Octavius", "Pemberley", "Clementine", "Brannigan", "Barnaby", "Achterberg",
         "Perpetua", "Gormley", "Ignatius", "Featherstonehaugh", "Marigold", "Lindqvist",
         "Florian", "Bañezová", "Banezova", "Leopold", "Marchetti"]  # fmt: skip

# One child a row: family ref, child ref, first name, surname, stage, last review, next
# review, type, flags, worker, team.
# fmt: off
CHILDREN = [
    ("000123", "C-11", "Thomasina", "Wrightson", 2, "01/06/2026", "04/12/2027", "Child Protection", "CSE / MARAC", "Sam Okafor", "Team"),
    ("000123", "C-12", "Jessamy", "Wrightson", 2, "01/06/2026", "04/12/2027", "Child Protection", "CSE / MARAC", "Sam Okafor", "Team"),
    ("F-2002", "C-21", "Octavius", "Pemberley", 4, "02/02/2026", "15/01/2028", "Child in Need", "", "Ray Mensah", "TEAM"),
    ("F-3003", "C-31", "Peregrine", "Quillfeather", 1, "03/03/2026", "20/02/2028", "Looked After", "", "Ray Mensah", "team"),
    ("F-3003", "C-32", "Ottilie", "Quillfeather", 1, "03/03/2026", "20/02/2028", "Looked After", "", "Ray Mensah", "Team"),
    ("F-3003", "C-31", "Peregrine", "Quillfeather", 1, "03/03/2026", "20/02/2028", "Looked After", "", "Ray Mensah", "Team"),
]
#: Another team's child and a closed case the admin hid: never imported.
OTHER_TEAM = ("F-4004", "C-41", "Barnaby", "Achterberg", 3, "04/04/2026", "10/03/2028", "Child in Need", "", "Jo Park", "Elsewhere")
HIDDEN = ("F-5005", "C-51", "Clementine", "Brannigan", 6, "05/05/2026", "11/03/2028", "Child in Need", "", "Jo Park", "Team")
# fmt: on
#: What the children above become (the same child listed twice is one code).
FAMILIES = {
    "000123": ("JWr TWr", 2, "2027-12-04"),
    "F-2002": ("OPe", 4, "2028-01-15"),
    "F-3003": ("OQu PQu", 1, "2028-02-20"),
}


@dataclass
class Export:
    name: str
    build: object  # (path) -> None
    args: list[str] = field(default_factory=list)
    families: dict | None = None  # ref -> (codes, stage, review); None when refused
    columns: dict = field(default_factory=dict)  # field -> header it must be read from
    skipped: dict = field(default_factory=dict)  # row -> words of the reason
    refused: list[str] = field(default_factory=list)  # words of the refusal
    sheet: str | None = None
    header_row: int | None = None
    flags: dict = field(default_factory=dict)  # ref -> the family's flags
    types: dict = field(default_factory=dict)  # ref -> the family's case type
    notes: list[str] = field(default_factory=list)  # words of notes in the output


def _iso_to(day: str, style: str) -> str | datetime:
    d = datetime.strptime(day, "%d/%m/%Y")
    return {
        "uk": day,
        "dmy2": d.strftime("%d/%m/%y"),
        "worded": f"{d.day} {d.strftime('%B %Y')}",
        "dash": d.strftime("%d-%b-%Y"),
        "us": d.strftime("%m/%d/%Y"),
        "cell": d,
        "serial": (d - datetime(1899, 12, 30)).days,
    }[style]


def _rows(columns, children, dates="uk"):
    """Rows of ``children`` under the headers ``columns`` (header -> child field)."""
    index = {"family": 0, "child": 1, "first": 2, "surname": 3, "stage": 4, "last": 5,
             "next": 6, "type": 7, "flags": 8, "worker": 9, "team": 10}  # fmt: skip
    out = []
    for child in children:
        row = []
        for _header, key in columns:
            if key is None:
                row.append("White British")
                continue
            value = child[index[key]]
            if key in ("last", "next"):
                value = _iso_to(value, dates)
            if key == "stage" and isinstance(value, int):
                value = STAGE_WORDS.get(dates, {}).get(value, value)
            row.append(value)
        out.append(row)
    return out


STAGE_WORDS: dict = {}


def _book(sheets: list[tuple[str, list[list], set[int]]], path: Path, date_format="DD/MM/YYYY"):
    """A workbook of (title, rows, hidden row numbers) sheets."""
    book = Workbook()
    book.remove(book.active)
    for title, rows, hidden in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for number in hidden:
            sheet.row_dimensions[number].hidden = True
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, datetime):
                    cell.number_format = date_format
    book.save(path)


def _text(path: Path, rows: list[list], *, separator=",", encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


LCS = [("Family ID", "family"), ("Case Ref", "child"), ("Forename", "first"),
       ("Surname", "surname"), ("Ethnicity", None), ("Team", "team"),
       ("Allocated Worker", "worker"), ("CP Stage", "stage"), ("Category", "type"),
       ("Risk Flags", "flags"), ("Review Date", "last"), ("Next Review Date", "next")]  # fmt: skip
MOSAIC = [("Person ID", "child"), ("Family Group ID", "family"), ("Child Forename", "first"),
          ("Child Surname", "surname"), ("Current Step", "stage"), ("Lead Worker", "worker"),
          ("Service Team", "team"), ("Legal Status", "type"), ("Alerts", "flags"),
          ("Date of Last Review", "last"), ("Date of Next Review", "next")]  # fmt: skip
ECLIPSE = [("Child ID", "child"), ("Family Ref", "family"), ("First Name", "first"),
           ("Last Name", "surname"), ("Stage", "stage"), ("Social Worker", "worker"),
           ("Team Name", "team"), ("Case Type", "type"), ("Flags", "flags"),
           ("Last Review", "last"), ("Next Review", "next")]  # fmt: skip


def _headers(columns):
    return [h for h, _ in columns]


def _title(*lines):
    return [list(line) for line in lines]


RUN = _title(["Open Cases Report", None, None, "Page 1 of 1"], ["Run date:", datetime(2026, 12, 1)],
             ["Run by:", "Data team"], [])  # fmt: skip
GROUPS = ["Child", None, None, None, None, "Case", None, None, None, None, "Reviews", None]


def lcs_workbook(path):
    params = [
        ["Report parameters"],
        ["Team:", "Team"],
        ["Status:", "Open"],
        ["Run date:", "01/12/2026"],
    ]
    children = _rows(LCS, [*CHILDREN[:3], HIDDEN, OTHER_TEAM, *CHILDREN[3:]])
    rows = RUN + [GROUPS, _headers(LCS)] + _stage_names(children, LCS, "names")
    rows += [["Total", None, None, None, None, None, None, None, None, None, None, 6], ["End of report"],
             ["Printed by the data team"]]  # fmt: skip
    _book([("Parameters", params, set()), ("Open cases", rows, {10})], path)


def lcs_csv(path):
    rows = RUN[:2] + [[]] + [_headers(LCS)] + _rows(LCS, [*CHILDREN, OTHER_TEAM])
    _text(path, [[c.strftime("%d/%m/%Y") if isinstance(c, datetime) else c for c in r] for r in rows]
          + [["Total: 7 children"]])  # fmt: skip


def _stage_names(rows, columns, style):
    at = [k for _, k in columns].index("stage")
    names = {
        1: "Assessment",
        2: "Agreeing a plan and outcomes",
        3: "Building the desire to change",
        4: "Making change",
        5: "Sustaining the change",
        6: "Closing / transferring",
    }
    for row in rows:
        row[at] = names[row[at]] if style == "names" else f"Stage {row[at]}"
    return rows


def mosaic_semicolon(path):
    rows = _stage_names(_rows(MOSAIC, [*CHILDREN, OTHER_TEAM], "worded"), MOSAIC, "names")
    _text(path, [["Mosaic: children open to the team"], [], _headers(MOSAIC), *rows],
          separator=";", encoding="cp1252")  # fmt: skip


def mosaic_unicode_text(path):
    rows = _stage_names(_rows(MOSAIC, [*CHILDREN, OTHER_TEAM], "dash"), MOSAIC, "stage")
    _text(path, [_headers(MOSAIC), *rows], separator="\t", encoding="utf-16")


def eclipse_cells(path):
    rows = _stage_names(_rows(ECLIPSE, CHILDREN, "cell"), ECLIPSE, "stage")
    _book([("Eclipse export", [["Caseload"], _headers(ECLIPSE), *rows], set())], path)


def eclipse_serials(path):
    rows = _rows(ECLIPSE, CHILDREN, "serial")
    _book([("Sheet1", [_headers(ECLIPSE), *rows], set())], path)


def us_dates(path):
    rows = _rows(ECLIPSE, CHILDREN, "us")
    _text(path, [_headers(ECLIPSE), *rows])


def two_digit_years(path):
    _text(path, [_headers(ECLIPSE), *_rows(ECLIPSE, CHILDREN, "dmy2")])


def year_99(path):
    rows = [[*_headers(ECLIPSE), "Date Opened"]]
    rows += [[*r, "01/06/99"] for r in _rows(ECLIPSE, CHILDREN[:1])]
    _text(path, rows)


NO_REF = [(h, k) for h, k in ECLIPSE if k not in ("family", "child")]


def no_refs(path):
    _text(path, [_headers(NO_REF), *_rows(NO_REF, [CHILDREN[0], CHILDREN[2]])])


def unborn_blank_ref(path):
    unborn = (
        "",
        "",
        "Unborn",
        "Gormley",
        1,
        "01/11/2026",
        "01/01/2028",
        "Child Protection",
        "",
        "Sam Okafor",
        "Team",
    )
    _text(path, [_headers(LCS), *_rows(LCS, [*CHILDREN, unborn])])


def family_group_names(path):
    columns = [
        ("Family Group", "family"),
        *[(h, k) for h, k in ECLIPSE if k not in ("family", "child")],
    ]
    rows = _rows(columns, CHILDREN[:1])
    rows[0][0] = "Wrightson family"
    _text(path, [_headers(columns), *rows])


def page_breaks(path):
    header = _headers(LCS)
    rows = [["Open cases", None, "Page 1 of 2"], header, *_rows(LCS, CHILDREN[:3]),
            ["Page 1 of 2"], header, *_rows(LCS, CHILDREN[3:]), ["Page 2 of 2"]]  # fmt: skip
    _book([("Report", rows, set())], path)


def grouped_by_worker(path):
    rows = [["Caseload by worker"], [], _headers(ECLIPSE), ["Worker: Sam Okafor"],
            *_rows(ECLIPSE, CHILDREN[:2]), ["Worker: Ray Mensah"], *_rows(ECLIPSE, CHILDREN[2:]),
            ["Count of children", 6]]  # fmt: skip
    _book(
        [("Caseload", rows, set())],
        path,
    )


def two_teams(path):
    _text(path, [_headers(LCS), *_rows(LCS, [*CHILDREN, OTHER_TEAM])])


def domestic_abuse(path):
    rows = _rows(LCS, CHILDREN[:1])
    rows[0][9] = "Domestic Abuse; CSE"
    _text(path, [_headers(LCS), *rows])


def stage_typo(path):
    rows = _rows(LCS, CHILDREN[:1])
    rows[0][7] = "Assesment"
    _text(path, [_headers(LCS), *rows])


NO_STAGE = [(h, k) for h, k in LCS if k != "stage"]


def no_stage(path):
    _text(path, [_headers(NO_STAGE), *_rows(NO_STAGE, CHILDREN)], encoding="utf-8")


DUE = [("Case Ref", "family"), ("Forename", "first"), ("Surname", "surname"), ("Stage", "stage"),
       ("Last Review Date", "last"), ("Next Review Due", "next"), ("Worker", "worker")]  # fmt: skip


def review_due(path):
    _text(path, [_headers(DUE), *_rows(DUE, CHILDREN)], encoding="utf-8")


def second_sheet(path):
    rows = [["Notes: the data is below"], [], [], _headers(ECLIPSE), *_rows(ECLIPSE, CHILDREN)]
    _book([("Cover", [["Cover sheet"], ["Stage", "Review"]], set()), ("Data", rows, set())], path)


def filtered_mosaic(path):
    rows = [
        _headers(MOSAIC),
        *_rows(MOSAIC, [*CHILDREN[:2], HIDDEN, OTHER_TEAM, *CHILDREN[2:]], "cell"),
    ]
    _stage_names(rows[1:], MOSAIC, "stage")
    _book([("Open cases", rows, {4, 5})], path)


def accented_cp1252(path):
    child = (
        "F-6006",
        "C-61",
        "Élodie",
        "Bañezová",
        5,
        "01/01/2026",
        "09/09/2027",
        "CP",
        "FGM",
        "Ray Mensah",
        "Team",
    )
    _text(path, [_headers(ECLIPSE), *_rows(ECLIPSE, [child])], encoding="cp1252")


def full_names(path):
    """One name column, as Mosaic lists people: SURNAME, Forename."""
    rows = [["Person ID", "Family Group ID", "Person Name", "Current Step", "Date of Next Review"]]
    rows += [[c[1], c[0], f"{c[3].upper()}, {c[2]} Middlename", f"Stage {c[4]}", c[6]]
             for c in CHILDREN]  # fmt: skip
    _text(path, rows, encoding="utf-8")


def build_all(folder: Path) -> dict[str, Path]:
    """Write every export into ``folder``; their paths by name."""
    from tests.helpers.export_expectations import EXPORTS

    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for export in EXPORTS:
        export.build(folder / export.name)
        paths[export.name] = folder / export.name
    return paths
