"""All unit conversion in one place: millimetres, PostScript points, pixels at a dpi.

Everything physical in caseboard is laid out in millimetres; only the
writers (PDF in points, PNG in pixels) convert, and they convert here.
"""

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0
PT_PER_MM = PT_PER_INCH / MM_PER_INCH


def mm_to_pt(mm: float) -> float:
    """Millimetres to PostScript points (1/72 inch)."""
    return mm * PT_PER_MM


def mm_to_px(mm: float, dpi: float) -> float:
    """Millimetres to (fractional) pixels at ``dpi``."""
    return mm * dpi / MM_PER_INCH


def px_to_mm(px: float, dpi: float) -> float:
    """Pixels at ``dpi`` to millimetres."""
    return px * MM_PER_INCH / dpi


def mm_to_px_int(mm: float, dpi: float) -> int:
    """Millimetres to whole pixels, rounded to nearest."""
    return int(round(mm_to_px(mm, dpi)))


def dpmm(dpi: float) -> float:
    """Pixels per millimetre at ``dpi``."""
    return dpi / MM_PER_INCH
