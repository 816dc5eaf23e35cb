"""QR module matrices for tile payloads: error correction M, the lowest version.

The text is encoded exactly as given, split into the cheapest sequence of
numeric, alphanumeric and byte segments (a small dynamic programme over the
bit costs of ISO/IEC 18004). An upper-case base URL such as
``HTTPS://CASEBOARD.EXAMPLE.GOV.UK`` (scheme and host are case-insensitive)
therefore lands almost entirely in alphanumeric mode and a lower version,
while the decoded text stays exactly ``<base-url>/t/<token>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import BIT_LIMIT_TABLE, MODE_8BIT_BYTE, MODE_ALPHA_NUM, MODE_NUMBER, QRData

_ALNUM = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
_DIGITS = set("0123456789")
#: Character-count field widths per version class (1-9, 10-26, 27-40).
_COUNT_BITS = {
    MODE_NUMBER: (10, 12, 14),
    MODE_ALPHA_NUM: (9, 11, 13),
    MODE_8BIT_BYTE: (8, 16, 16),
}
_CLASS_VERSIONS = (range(1, 10), range(10, 27), range(27, 41))


@dataclass(frozen=True)
class QRSymbol:
    text: str
    version: int
    rows: tuple[tuple[bool, ...], ...]
    segments: tuple[tuple[int, str], ...]

    @property
    def modules(self) -> int:
        return len(self.rows)


def _payload_bits(mode: int, chunk: str) -> int:
    n = len(chunk.encode()) if mode == MODE_8BIT_BYTE else len(chunk)
    if mode == MODE_NUMBER:
        return 10 * (n // 3) + (0, 4, 7)[n % 3]
    if mode == MODE_ALPHA_NUM:
        return 11 * (n // 2) + 6 * (n % 2)
    return 8 * n


def _allowed(mode: int, ch: str) -> bool:
    if mode == MODE_NUMBER:
        return ch in _DIGITS
    if mode == MODE_ALPHA_NUM:
        return ch in _ALNUM
    return True


def segment(text: str, version_class: int = 0) -> list[tuple[int, str]]:
    """The cheapest split of ``text`` into (mode, chunk) segments for a version class."""
    n = len(text)
    best: list[tuple[int, list]] = [(0, [])] + [(1 << 30, [])] * n
    for end in range(1, n + 1):
        for mode in (MODE_NUMBER, MODE_ALPHA_NUM, MODE_8BIT_BYTE):
            start = end
            while start > 0 and _allowed(mode, text[start - 1]):
                start -= 1
                chunk = text[start:end]
                cost = (
                    best[start][0]
                    + 4
                    + _COUNT_BITS[mode][version_class]
                    + _payload_bits(mode, chunk)
                )
                if cost < best[end][0]:
                    best[end] = (cost, best[start][1] + [(mode, chunk)])
    return best[n][1]


def _bits(segments: list[tuple[int, str]], version_class: int) -> int:
    """Data bits of ``segments`` (mode indicators, counts and payload) in a version class."""
    return sum(
        4 + _COUNT_BITS[mode][version_class] + _payload_bits(mode, chunk)
        for mode, chunk in segments
    )


def smallest_version(text: str) -> tuple[int, list[tuple[int, str]]]:
    """The lowest version at level M that holds ``text``, with the segments it uses there.

    Counted from ISO/IEC 18004's capacities, so the symbol is built once, at that version;
    its mask scoring is most of the cost of a tile.
    """
    for version_class, versions in enumerate(_CLASS_VERSIONS):
        segments = segment(text, version_class)
        bits = _bits(segments, version_class)
        for version in versions:
            if BIT_LIMIT_TABLE[ERROR_CORRECT_M][version] >= bits:
                return version, segments
    raise ValueError(f"{len(text)} characters are too many for one QR code")


@lru_cache(maxsize=2048)
def qr_symbol(text: str) -> QRSymbol:
    """Encode ``text`` at error correction M in the lowest version; no quiet zone included.

    Cached by text: a tile's symbol is drawn again for its PNG, its sheet and the page.
    """
    if not text:
        raise ValueError("nothing to encode")
    version, segments = smallest_version(text)
    qr = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0)
    for mode, chunk in segments:
        qr.add_data(QRData(chunk, mode=mode))
    qr.make(fit=False)
    rows = tuple(tuple(bool(v) for v in row) for row in qr.get_matrix())
    return QRSymbol(text=text, version=version, rows=rows, segments=tuple(segments))
