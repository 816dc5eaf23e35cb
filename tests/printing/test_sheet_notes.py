"""Every printed sheet names its label product and how to feed it (CONTRACT §14), and the
calibration page names the labels its grey boxes stand for."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from printables.calibration import calibration_layout
from printables.sheets import write_tile_sheets
from printables.sticker_sheets import write_sticker_sheets
from tilegen.layout import Text


def pdf_text(path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    pdf.close()
    return " ".join(text.replace("\r", "").split())


STICKERS = [{"initials": "TWr", "next_review": "2026-12-04", "status": "amber"}] * 3
TILES = [{"token": "K7M2Q9XH3A", "initials": "AIl"}]


@pytest.mark.parametrize(
    ("template", "words"),
    [
        (
            "L7651",
            ["Avery L7651 (65 per sheet), paper labels: date stickers", "labels on the side"],
        ),
        ("STICKER-A4", ["A4 sticker paper", "cut them out"]),
        ("5160", ["Avery 5160 (30 per sheet)"]),
    ],
)
def test_the_sticker_sheet_names_its_product_and_feed(tmp_path, template, words):
    out = tmp_path / "stickers.pdf"
    paper = "Letter" if template == "5160" else "A4"
    write_sticker_sheets(STICKERS, out, template=template, paper=paper)
    text = pdf_text(out)
    for w in [*words, "Feed one sheet at a time by the manual (bypass) tray", "this edge first"]:
        assert w in text, (w, text)


@pytest.mark.parametrize(
    ("template", "words"),
    [
        (
            "L7163",
            "Avery L7163 (14 per sheet), paper labels: stick each tile onto a blank magnetic",
        ),
        ("MAGNET-A4", "A4 printable magnetic sheet (14 per sheet), a printable magnet"),
    ],
)
def test_the_tile_sheet_says_paper_label_or_printable_magnet(tmp_path, base_url, template, words):
    out = tmp_path / "tiles.pdf"
    write_tile_sheets(TILES, out, base_url=base_url, template=template)
    text = pdf_text(out)
    assert words in text
    magnet = "never double-sided" in text
    assert magnet is template.startswith("MAGNET")


def test_the_note_stays_in_the_top_margin(tmp_path):
    """Above the first row of labels (and above the cut marks), on every template."""
    from printables.sheets import CUT_GAP_MM, CUT_MARK_MM, note_lines
    from printables.templates import TEMPLATES

    for t in TEMPLATES.values():
        lines = note_lines(t)
        assert len(lines) == 2
        limit = t.top - (CUT_MARK_MM + CUT_GAP_MM if t.cut_marks else 0)
        assert all(3.0 < line.y < limit for line in lines), t.name


def test_the_calibration_page_names_its_grey_boxes():
    page = calibration_layout("A4")
    texts = " ".join(i.text for i in page.items if isinstance(i, Text))
    boxes = [i.text for i in page.items if isinstance(i, Text) and i.text.startswith("L7163 label")]
    assert boxes == ["L7163 label 11", "L7163 label 12"]
    assert "sit on labels 11 and 12 of the L7163 tile sheet" in texts
    assert "first labels" not in texts
