"""The fonts every backend uses, and text measurement in millimetres.

Both the PDF and the PNG writer draw with the same TrueType files, so a text fitted here
fits in both: the Bitstream Vera fonts shipped inside reportlab, and for board codes
("code") DejaVu Sans Mono Bold, whose capital I has bars and small l a tail, so "AIl"
never reads "All" (Debian's fonts-dejavu-core; without it, Vera Bold). The web app serves
the same file for board codes on screen. This module is the one place that names them.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from PIL import ImageFont

FONTS: dict[str, str] = {"regular": "Vera.ttf", "bold": "VeraBd.ttf", "code": "VeraBd.ttf"}
#: Where a font may be found before reportlab's own copy: (font name, full path).
SYSTEM_FONTS: dict[str, tuple[str, ...]] = {
    "code": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
        "/usr/share/fonts/dejavu/DejaVuSansMono-Bold.ttf",
    ),
}
_MEASURE_PX = 1000


@cache
def font_path(font: str) -> str:
    """Path of the TrueType file for a font name in :data:`FONTS`."""
    try:
        name = FONTS[font]
    except KeyError:
        raise ValueError(f"unknown font {font!r}; choose from {', '.join(FONTS)}") from None
    for path in SYSTEM_FONTS.get(font, ()):
        if Path(path).is_file():
            return path
    return str(files("reportlab") / "fonts" / name)


@cache
def pil_font(font: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(font), px)


def text_width(text: str, size: float, font: str = "regular") -> float:
    """Advance width of ``text`` at em size ``size`` (any unit; the result is in that unit)."""
    return pil_font(font, _MEASURE_PX).getlength(text) * size / _MEASURE_PX


def fit_size(text: str, max_width: float, max_size: float, font: str = "regular") -> float:
    """The largest em size up to ``max_size`` at which ``text`` fits ``max_width``."""
    width = text_width(text, max_size, font)
    return max_size if width <= max_width or width == 0 else max_size * max_width / width


def wrap(text: str, max_width: float, size: float, font: str = "regular") -> list[str]:
    """Greedy word wrap; a word longer than the line is cut to fit."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if text_width(trial, size, font) <= max_width:
            current = trial
            continue
        if current:
            lines.append(current)
        while text_width(word, size, font) > max_width and len(word) > 1:
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size, font) > max_width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines
