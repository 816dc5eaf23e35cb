"""Helpers for the printing tests: PDF rendering (only the part a test needs, at the
dpi it needs) and two independent QR decoders."""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image
from pyzbar import pyzbar

from tilegen.units import mm_to_pt

BASE_URL = "https://caseboard.example.org"


def render(path, page: int = 0, dpi: float = 600, crop_mm=None) -> Image.Image:
    """A greyscale rendering of one PDF page; ``crop_mm`` = (x0, y0, x1, y1) from the
    page's top-left keeps only that part (rendering a whole A4 page at 600 dpi is slow)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        sheet = pdf[page]
        width, height = sheet.get_size()
        crop = (0, 0, 0, 0)
        if crop_mm:
            x0, y0, x1, y1 = (mm_to_pt(v) for v in crop_mm)
            crop = (x0, height - y1, width - x1, y0)
        bitmap = sheet.render(scale=dpi / 72, crop=crop, grayscale=True)
        return bitmap.to_pil().convert("L")
    finally:
        pdf.close()


def page_sizes(path) -> list[tuple[float, float]]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_size() for i in range(len(pdf))]
    finally:
        pdf.close()


def decode_zxing(image: Image.Image) -> list:
    return [r for r in zxingcpp.read_barcodes(np.asarray(image)) if r.valid]


def decode_zbar(image: Image.Image) -> list[str]:
    return [r.data.decode() for r in pyzbar.decode(image) if r.type == "QRCODE"]


def pdf_lines(pdf_file) -> list[str]:
    """A PDF's text, line by line, from a path or the file's bytes."""
    source = pdf_file if isinstance(pdf_file, bytes) else str(pdf_file)
    pdf = pdfium.PdfDocument(source)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    pdf.close()
    return [line.strip() for line in text.replace("\r", "").split("\n")]
