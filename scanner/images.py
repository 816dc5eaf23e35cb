"""Loading photos: format check, EXIF orientation, Pillow's bomb guard, clear errors.

Photos are decoded straight to 8-bit grey (JPEG's draft mode skips colour
conversion), which halves decode time and keeps a 48 MP photo at 48 MB.

HEIC needs pillow-heif, the optional ``heic`` extra (``pip install 'caseboard[heic]'``);
it is the one optional import in the scanner, and :data:`HEIC` says whether it is there.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # optional: the `heic` extra (pillow-heif) teaches Pillow to open iPhones' HEIC photos
    from pillow_heif import register_heif_opener
except ImportError:  # not installed: a HEIC photo is reported as not an image; others scan
    register_heif_opener = None

#: True when HEIC photos can be read, i.e. the optional ``heic`` extra is installed.
HEIC = register_heif_opener is not None
if HEIC:
    register_heif_opener()

FORMATS = {"JPEG", "PNG", "MPO", "HEIF", "WEBP"}


class PhotoError(ValueError):
    """A photo that cannot be scanned; the message names the file in one line."""


@dataclass
class Photo:
    name: str
    gray: np.ndarray  # H x W uint8, upright

    @property
    def size(self) -> tuple[int, int]:
        return self.gray.shape[1], self.gray.shape[0]


PhotoSource = str | os.PathLike | bytes | Image.Image | tuple[str, bytes | Image.Image]


def photo_name(source: PhotoSource, index: int = 0) -> str:
    if isinstance(source, tuple):
        return source[0]
    if isinstance(source, str | os.PathLike):
        return str(source)
    return f"photo-{index + 1}"


def load_photo(source: PhotoSource, name: str | None = None) -> Photo:
    """Open one photo as upright grey pixels, or raise :class:`PhotoError`."""
    name = name or photo_name(source)
    data = source[1] if isinstance(source, tuple) else source
    if isinstance(data, Image.Image):
        return Photo(name, _to_gray(ImageOps.exif_transpose(data)))
    try:
        fp = io.BytesIO(data) if isinstance(data, bytes) else open(Path(data), "rb")  # noqa: SIM115
    except OSError as exc:
        raise PhotoError(f"{name}: cannot read the file ({exc.strerror or exc})") from exc
    with fp:
        return Photo(name, _decode(fp, name))


def _decode(fp, name: str) -> np.ndarray:
    try:
        img = Image.open(fp)  # the decompression-bomb guard stays on
        if img.format not in FORMATS:
            raise PhotoError(
                f"{name}: {img.format} is not a photo format caseboard reads (JPEG, PNG or HEIC)"
            )
        if img.format in ("JPEG", "MPO"):
            img.draft("L", img.size)
        img = ImageOps.exif_transpose(img)  # loads the pixels
        return _to_gray(img)
    except PhotoError:
        raise
    except Image.DecompressionBombError as exc:
        raise PhotoError(f"{name}: image is too large to scan safely ({exc})") from exc
    except UnidentifiedImageError as exc:
        empty = fp.seek(0, io.SEEK_END) == 0
        what = "the file is empty" if empty else "not an image (expected JPEG, PNG or HEIC)"
        raise PhotoError(f"{name}: {what}") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(f"{name}: the image is damaged or truncated ({exc})") from exc


def _to_gray(img: Image.Image) -> np.ndarray:
    if img.mode not in ("L", "RGB"):
        img = img.convert("RGBA").convert("RGB") if "A" in img.mode or img.mode == "P" else img
    return np.ascontiguousarray(np.asarray(img.convert("L")))
