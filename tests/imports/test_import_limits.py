"""Files built to exhaust the server, each refused within a second with one clean line
(exit 2 on the command line, 400 on the page), never a traceback, a 500 or a pinned
processor, and nothing written.

Contract §17: "Uploads and imports have limits that hold under attack: ... cells and
characters per import; past them the answer is 413 or 400 within a second, and the
server's memory stays bounded."
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from webapp.cases.imports.limits import TooLarge
from webapp.cases.imports.tables import read_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def small_book(rows=(("Case Ref", "Initials", "Stage", "Next Review Date"),
                     ("R1", "TWr", 2, "04/12/2027"))) -> bytes:  # fmt: skip
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, changes: dict) -> bytes:
    """The workbook with some parts replaced: ``{name: callable(old bytes) -> new}``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            change = changes.get(item.filename)
            if change is None:
                target.writestr(item, source.read(item))
            else:
                target.writestr(item.filename, change(source.read(item)))
    return out.getvalue()


def declares_whole_sheet() -> bytes:
    """The 5 KB workbook that declares every cell Excel has, A1:XFD1048576."""
    return rewrite(
        small_book(),
        {"xl/worksheets/sheet1.xml": lambda xml: xml.replace(b"A1:D2", b"A1:XFD1048576")},
    )


def huge_shared_string(megabytes=300) -> bytes:
    """A few hundred KB that unzip to one string of ``megabytes`` MB."""
    data = small_book()

    def stream(target, name):
        with target.open(name, "w") as part:
            part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                       b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')  # fmt: skip
            chunk = b"A" * (1024 * 1024)
            for _ in range(megabytes):
                part.write(chunk)
            part.write(b"</t></si></sst>")

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            xml = source.read(item)
            if item.filename == "[Content_Types].xml":
                xml = xml.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                  b'ContentType="application/vnd.openxmlformats-officedocument.'
                                  b'spreadsheetml.sharedStrings+xml"/></Types>')  # fmt: skip
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = xml.replace(b'<c r="A2" t="inlineStr"><is><t>R1</t></is></c>',
                                  b'<c r="A2" t="s"><v>0</v></c>')  # fmt: skip
            target.writestr(item, xml)
        stream(target, "xl/sharedStrings.xml")
    return out.getvalue()


def wide_sheet(columns=200_000) -> bytes:
    """A sheet of one row of ``columns`` cells, declaring no dimension."""
    cells = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(columns))

    def sheet(xml):
        xml = xml.replace(b'<dimension ref="A1:D2" />', b"")
        start, end = xml.index(b"<sheetData>"), xml.index(b"</sheetData>")
        return xml[:start] + b'<sheetData><row r="1">' + cells.encode() + b"</row>" + xml[end:]

    return rewrite(small_book(), {"xl/worksheets/sheet1.xml": sheet})


def long_csv_cell(chars=200_000) -> bytes:
    return b"Case Ref,Initials,Stage,Next Review Date\nR1,TWr,2," + b"9" * chars + b"\n"


ATTACKS = {
    "declares-A1:XFD1048576.xlsx": (declares_whole_sheet, "1,048,576 rows by 16,384 columns"),
    "a-300-MB-string.xlsx": (huge_shared_string, "unzips to more than"),
    "200000-columns.xlsx": (wide_sheet, "columns; an import reads at most"),
    "200000-columns.csv": (lambda: b"a," * 200_000 + b"\n", "columns; an import reads at most"),
    "200000-character-cell.csv": (long_csv_cell, "more than 10,000 characters"),
}  # fmt: skip


@pytest.fixture(scope="module")
def attacks():
    return {name: (build(), words) for name, (build, words) in ATTACKS.items()}


def test_the_attack_files_are_as_small_as_reported(attacks):
    assert len(attacks["declares-A1:XFD1048576.xlsx"][0]) < 6_000
    assert len(attacks["a-300-MB-string.xlsx"][0]) < 400_000


@pytest.mark.parametrize("name", list(ATTACKS))
def test_refused_within_a_second_in_bounded_memory(name, attacks):
    data, words = attacks[name]
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(TooLarge, match=words.replace("(", r"\(")):
        read_table(data, name)
    took = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert took < 1.0, took
    assert peak < 100 * 1024 * 1024, peak


@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_command_line_answers_one_line_and_exit_2(name, attacks, runner, tmp_path, store):
    path = tmp_path / name
    path.write_bytes(attacks[name][0])
    start = time.perf_counter()
    result = runner("family", "import", str(path))
    assert time.perf_counter() - start < 1.5
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: ") and attacks[name][1] in result.output
    assert store["families"].count == 0


@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_page_answers_400(name, attacks, client_for, store):
    data = {"file": (io.BytesIO(attacks[name][0]), name, XLSX)}
    start = time.perf_counter()
    answer = client_for("admin").post(
        "/admin/import/preview", data=data, content_type="multipart/form-data"
    )
    assert time.perf_counter() - start < 1.5
    assert answer.status_code == 400
    assert attacks[name][1] in answer.get_data(as_text=True).replace("&#39;", "'")
    assert store["families"].count == 0
