"""A QR symbol's modules back to its text, with erasures: ISO/IEC 18004 by hand.

zxing-cpp and pyzbar will not decode a code whose finder pattern they cannot see.
:mod:`scanner.grid_sampler` samples such a code's modules from its known geometry; this
module takes those modules (dark or light, and which ones are unknown because glare
clipped them), reads the format information, unmasks the data modules, de-interleaves
the codewords into their Reed-Solomon blocks and corrects errors and erasures with
``reedsolo``, then parses the numeric, alphanumeric and byte segments.

Nothing is guessed: a decode is returned only when every block corrects with check
symbols to spare (:data:`SPARE_CHECK_SYMBOLS`) and the bits after the text are exactly
the terminator and padding the standard prescribes.

A tile's text is mostly known before it is read: the deployment's base URL, ``/t/``, and
a token of fixed length and alphabet, then the standard's padding. :func:`known_codewords`
gives the data codewords every such text shares; :func:`decode_modules` can put them in
place of what was sampled, so that the check symbols go to the token and to what glare
hid. Reed-Solomon still judges the whole word, and a decode that would change one of those
codewords is refused: the code is then not such a text, and is decoded without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from qrcode.base import rs_blocks
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from qrcode.util import BCH_type_info, QRData, create_data, mask_func, pattern_position
from reedsolo import ReedSolomonError, RSCodec

from tilegen.qr import segment  # the tile standard's own segmentation

#: Every block must correct with this many check symbols unused (2 errors + 1 erasure
#: each cost one less), so a word damaged past its code is refused, not miscorrected.
SPARE_CHECK_SYMBOLS = 2
#: With a text's known part in place the padding no longer checks the decode, so the
#: modules glare left of each erased codeword must agree with it: no more than this share
#: (and two) may differ. A wrong decode differs in about half of them.
PARTIAL_DISAGREE = 0.3
#: Generalised minimum-distance decoding erases this many more of a block's least sure
#: codewords at each try.
GMD_STEP = 2
#: A format-information copy this far (in bits) from a valid word is not trusted.
FORMAT_MAX_DISTANCE = 3
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_COUNT_BITS = {1: (10, 12, 14), 2: (9, 11, 13), 4: (8, 16, 16)}  # by version class
PAD = (0xEC, 0x11)


@dataclass(frozen=True)
class Decoded:
    """A decoded symbol: its text, the mask and level used, and what Reed-Solomon fixed."""

    text: str
    mask: int
    level: int
    errors: int
    erasures: int
    known: int = 0  # codewords put in place from the text's known part


@dataclass(frozen=True)
class Structure:
    """Where everything sits in a symbol of one version."""

    version: int
    size: int
    function: np.ndarray  # bool N x N: finder, separator, timing, alignment, format, version
    expected: np.ndarray  # float N x N: 1 dark, 0 light, nan where data or format lies
    data: tuple[tuple[int, int], ...]  # data modules (row, col) in placement order
    format_a: tuple[tuple[int, int], ...]  # format bit i (LSB first) of the copy by the TL finder
    format_b: tuple[tuple[int, int], ...]  # ... and of the copy split by the TR and BL finders


def size_of(version: int) -> int:
    return 17 + 4 * version


def version_of(size: int) -> int:
    return (size - 17) // 4


@lru_cache(maxsize=8)
def structure(version: int) -> Structure:
    """The function patterns and the data modules' order, as :mod:`qrcode` lays them."""
    n = size_of(version)
    expected = np.full((n, n), np.nan)
    for r0, c0 in ((0, 0), (0, n - 7), (n - 7, 0)):
        for r in range(-1, 8):
            for c in range(-1, 8):
                if 0 <= r0 + r < n and 0 <= c0 + c < n:
                    ring = max(abs(r - 3), abs(c - 3))
                    expected[r0 + r, c0 + c] = ring != 2 and ring != 4
    centres = pattern_position(version)
    for r in centres:
        for c in centres:
            if not np.isnan(expected[r, c]):
                continue  # under a finder pattern
            for dr in range(-2, 3):
                for dc in range(-2, 3):
                    expected[r + dr, c + dc] = max(abs(dr), abs(dc)) != 1
    for i in range(8, n - 8):  # timing patterns, after the alignment patterns as qrcode does
        expected[6, i] = expected[i, 6] = i % 2 == 0
    expected[n - 8, 8] = 1.0  # the dark module
    format_a = tuple([(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)])
    format_a += tuple((8, 14 - i) for i in range(9, 15))
    format_b = tuple((8, n - 1 - i) for i in range(8)) + tuple(
        (n - 15 + i, 8) for i in range(8, 15)
    )
    function = ~np.isnan(expected)
    for r, c in format_a + format_b:
        function[r, c] = True
    if version >= 7:
        for i in range(18):
            function[i // 3, i % 3 + n - 11] = function[i % 3 + n - 11, i // 3] = True
    return Structure(version, n, function, expected, _data_order(function), format_a, format_b)


def _data_order(function: np.ndarray) -> tuple[tuple[int, int], ...]:
    """The zigzag from the bottom-right corner, two columns at a time, skipping column 6."""
    n = function.shape[0]
    order = []
    upward = True
    col = n - 1
    while col > 0:
        if col == 6:
            col -= 1
        rows = range(n - 1, -1, -1) if upward else range(n)
        for r in rows:
            for c in (col, col - 1):
                if not function[r, c]:
                    order.append((r, c))
        upward = not upward
        col -= 2
    return tuple(order)


@lru_cache(maxsize=1)
def _format_words() -> dict[int, tuple[int, int]]:
    """The 32 valid format words -> (error-correction level bits, mask)."""
    return {BCH_type_info((lvl << 3) | m): (lvl, m) for lvl in range(4) for m in range(8)}


def read_format(dark: np.ndarray, erased: np.ndarray, st: Structure) -> list[tuple[int, int]]:
    """(level, mask) pairs the surviving format copies allow, best first; [] if neither
    copy is readable. Erased bits count half a bit of distance."""
    best: dict[tuple[int, int], float] = {}
    for cells in (st.format_a, st.format_b):
        if sum(bool(erased[r, c]) for r, c in cells) > 4:
            continue
        for word, pair in _format_words().items():
            dist = sum(
                0.5 if erased[r, c] else float(bool(dark[r, c]) != bool((word >> i) & 1))
                for i, (r, c) in enumerate(cells)
            )
            if dist <= FORMAT_MAX_DISTANCE:
                best[pair] = min(best.get(pair, 99.0), dist)
    return sorted(best, key=best.get)


def decode_modules(
    dark: np.ndarray,
    erased: np.ndarray,
    levels: tuple[int, ...] = (ERROR_CORRECT_M,),
    known: dict[int, int] | None = None,
    sureness: np.ndarray | None = None,
) -> Decoded | None:
    """The text of a sampled symbol (``dark``, ``erased``: bool N x N), or None.

    The level and mask come from a readable format-information copy; when neither copy
    reads (glare over a corner takes one, sampling noise the other), all eight masks of
    each level in ``levels`` are tried and only a clean Reed-Solomon decode is accepted.
    ``known`` (codeword position in the symbol's stream -> value, from
    :func:`known_codewords`, for the first level in ``levels``) replaces those codewords.
    ``sureness`` (float N x N, higher is surer: how far a module read from the threshold)
    lets a block that does not correct erase its least sure codewords too, under the
    level and mask the format information gave (not under the ones merely tried).
    """
    st = structure(version_of(dark.shape[0]))
    read = [p for p in read_format(dark, erased, st) if p[0] in levels]
    pairs = read + [(lvl, m) for lvl in levels for m in range(8) if (lvl, m) not in read]
    rows = np.array([p[0] for p in st.data])
    cols = np.array([p[1] for p in st.data])
    bits, lost = dark[rows, cols].astype(bool), erased[rows, cols].astype(bool)
    sure = None if sureness is None else sureness[rows, cols]
    for level, mask in pairs:
        flip = np.array([mask_func(mask)(r, c) for r, c in st.data], bool)
        fill = known if known and level == levels[0] else {}
        gmd = sure if (level, mask) in read else None
        got = _correct(bits ^ flip, lost, st.version, level, fill, gmd)
        if got is not None:
            text, errors, erasures = got
            return Decoded(text, mask, level, errors, erasures, len(fill))
    return None


def _correct(bits, lost, version: int, level: int, known=None, sureness=None):
    """Codewords from unmasked bits, de-interleaved, corrected and parsed; or None.
    ``known`` codewords (stream position -> value) replace what was read and must come
    through Reed-Solomon unchanged. With ``sureness`` (per bit, higher is surer), a
    block that does not correct is tried again with its least sure codewords erased too,
    :data:`GMD_STEP` more at a time while the check symbols allow (generalised
    minimum-distance decoding): a wrong codeword erased costs one check symbol, not two."""
    blocks = rs_blocks(version, level)
    total = sum(b.total_count for b in blocks)
    words = np.packbits(bits[: total * 8]).tolist()
    lost_bits = lost[: total * 8].reshape(total, 8)
    lost_words = lost_bits.any(axis=1)
    for i, value in (known or {}).items():
        words[i], lost_words[i] = value, False
    sure = None
    if sureness is not None:
        sure = np.where(lost_bits, np.inf, sureness[: total * 8].reshape(total, 8)).min(axis=1)
    data, errors, erasures = [], 0, 0
    seen = differ = 0
    for block, index in zip(blocks, _interleaving(blocks), strict=True):
        nsym = block.total_count - block.data_count
        message = bytearray(words[i] for i in index)
        clipped = [k for k, i in enumerate(index) if lost_words[i]]
        budget = nsym - SPARE_CHECK_SYMBOLS - len(clipped)
        if budget < 0:
            return None
        doubtful = []
        if sure is not None:
            free = [k for k, i in enumerate(index) if not lost_words[i] and i not in (known or {})]
            doubtful = sorted(free, key=lambda k: sure[index[k]])
        for extra in range(0, budget + 1, GMD_STEP) if doubtful else (0,):
            got = _block(message, clipped + doubtful[:extra], nsym, index, known)
            if got is not None:
                break
        else:
            return None
        fixed, full, wrong, erased = got
        for k in clipped:  # an erased codeword's modules that glare left must agree
            keep = ~lost_bits[index[k]]
            pair = np.unpackbits(np.array([full[k], message[k]], np.uint8)).reshape(2, 8)
            seen += int(keep.sum())
            differ += int((pair[0] != pair[1])[keep].sum())
        data += list(fixed)
        errors += wrong
        erasures += erased
    if known and differ > PARTIAL_DISAGREE * seen + 2:
        return None  # what glare left of the erased codewords says otherwise
    text = parse_segments(data, version)
    return None if text is None else (text, errors, erasures)


def _block(message: bytearray, erase: list[int], nsym: int, index: list[int], known):
    """One block corrected with ``erase`` erased: (data, codeword, errors, erasures), or
    None when it does not correct with check symbols to spare, or changes a known word."""
    try:
        fixed, full, errata = _codec(nsym).decode(message, erase_pos=erase or None)
    except ReedSolomonError:
        return None
    wrong = len(set(errata) - set(erase))
    if 2 * wrong + len(erase) > nsym - SPARE_CHECK_SYMBOLS:
        return None
    if known and any(index[k] in known for k in set(errata)):
        return None  # the code disagrees with the text's known part
    return fixed, full, wrong, len(erase)


@lru_cache(maxsize=32)
def known_codewords(
    texts: tuple[str, ...], version: int, level: int = ERROR_CORRECT_M
) -> dict[int, int]:
    """Codeword positions (in the symbol's stream) -> values shared by every text in
    ``texts`` encoded at ``version`` and ``level``, data codewords only: for texts that
    differ only in an unknown part (a tile's token), what is known before reading.
    A text that does not fit, or has another number of data bits, is left out."""
    streams = []
    for text in texts:
        segments = segment(text, 0 if version < 10 else 1 if version < 27 else 2)
        try:
            streams.append(create_data(version, level, [QRData(c, mode=m) for m, c in segments]))
        except DataOverflowError:
            continue
    if not streams:
        return {}
    data_positions = _data_positions(version, level)
    first = streams[0]
    return {i: first[i] for i in data_positions if all(s[i] == first[i] for s in streams)}


def _data_positions(version: int, level: int) -> list[int]:
    blocks = rs_blocks(version, level)
    return [
        i
        for block, index in zip(blocks, _interleaving(blocks), strict=True)
        for i in index[: block.data_count]
    ]


@lru_cache(maxsize=16)
def _codec(nsym: int) -> RSCodec:
    return RSCodec(nsym)


def _interleaving(blocks) -> list[list[int]]:
    """For each block, the positions of its codewords in the symbol's codeword stream."""
    index: list[list[int]] = [[] for _ in blocks]
    pos = 0
    for i in range(max(b.data_count for b in blocks)):
        for k, b in enumerate(blocks):
            if i < b.data_count:
                index[k].append(pos)
                pos += 1
    for i in range(max(b.total_count - b.data_count for b in blocks)):
        for k, b in enumerate(blocks):
            if i < b.total_count - b.data_count:
                index[k].append(pos)
                pos += 1
    return index


def parse_segments(data: list[int], version: int) -> str | None:
    """Numeric, alphanumeric and byte segments to text; None unless the terminator and the
    padding that follow are exactly as the standard writes them."""
    bits = "".join(f"{b:08b}" for b in data)
    cls = 0 if version < 10 else 1 if version < 27 else 2
    pos, out = 0, []
    while len(bits) - pos >= 4:
        mode = int(bits[pos : pos + 4], 2)
        pos += 4
        if mode == 0:
            break
        if mode not in _COUNT_BITS:
            return None
        width = _COUNT_BITS[mode][cls]
        if pos + width > len(bits):
            return None
        count = int(bits[pos : pos + width], 2)
        pos += width
        chunk = _segment(bits, pos, mode, count)
        if chunk is None:
            return None
        text, pos = chunk
        out.append(text)
    if not out or not _padding_ok(bits, pos):
        return None
    return "".join(out)


def _segment(bits: str, pos: int, mode: int, count: int) -> tuple[str, int] | None:
    if mode == 4:
        end = pos + 8 * count
        if end > len(bits):
            return None
        raw = bytes(int(bits[i : i + 8], 2) for i in range(pos, end, 8))
        return _byte_text(raw), end
    group, width, base = (3, 10, 10) if mode == 1 else (2, 11, 45)
    symbols = "0123456789" if mode == 1 else ALNUM
    chars = []
    left = count
    while left > 0:
        take = min(group, left)
        w = width if take == group else (4, 7)[take - 1] if mode == 1 else 6
        if pos + w > len(bits):
            return None
        value = int(bits[pos : pos + w], 2)
        pos += w
        if value >= base**take:
            return None
        digits = [(value // base**k) % base for k in range(take - 1, -1, -1)]
        chars += [symbols[d] for d in digits]
        left -= take
    return "".join(chars), pos


def _byte_text(raw: bytes) -> str:
    """A byte segment's text: UTF-8 when it is valid; else Shift_JIS when bytes 0x80-0x9F
    (control codes in ISO-8859-1, lead bytes in Shift_JIS) show and it decodes as such,
    as Japanese codes often are; else ISO-8859-1, the standard's default."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if any(0x80 <= b <= 0x9F for b in raw):
        try:
            return raw.decode("shift_jis")
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")


def _padding_ok(bits: str, pos: int) -> bool:
    """After the text: at most four zero bits of terminator, zeros to the byte, then
    0xEC 0x11 alternating to the end of the data codewords."""
    byte_end = min(-(-pos // 8) * 8, len(bits))
    if "1" in bits[pos:byte_end]:
        return False
    tail = [int(bits[i : i + 8], 2) for i in range(byte_end, len(bits) - 7, 8)]
    return all(b == PAD[i % 2] for i, b in enumerate(tail))
