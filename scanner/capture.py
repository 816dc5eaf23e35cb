"""One still photo from a camera: read a few frames, line them up, average them.

A fixed wall camera (USB, or a network camera's RTSP/HTTP stream) gives frames with
sensor noise that changes from frame to frame while the wall stays still, so the mean
of N aligned frames has about 1/sqrt(N) of the noise. When the camera was knocked
or shook while the frames came in, frames are aligned to the sharpest one by phase
correlation; a frame that will not line up, or is much blurrier than the sharpest
(motion blur), is left out. With fewer than two frames left, the sharpest is used alone.

Frames live only in memory and are dropped as soon as the photo is made: nothing here
writes video or frames to disk. :func:`camera_check` says, from the physical standard,
how many pixels per QR module a camera of a given width gives across N boards.

Never imports Flask or the web app; the scanner reads the result like any photo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from tilegen.standard import DEFAULT_BOARD_WIDTH_MM

from .quality import MIN_PX_PER_MODULE

#: px per module at which codes read reliably in real light (the scanner benchmark reads
#: everything down to about 2.2 on generated photos; real ones are harsher).
GOOD_PX_PER_MODULE = 3.0
#: A frame whose sharpness is below this share of the sharpest frame's is motion-blurred.
MIN_SHARPNESS_SHARE = 0.6
#: Phase-correlation response below this: the frame does not line up with the sharpest.
MIN_ALIGN_RESPONSE = 0.05
#: Frames moved further than this (px) are not the same view any more.
MAX_SHIFT_PX = 80.0
#: Frames thrown away at the start of a live stream (auto exposure settles).
WARMUP_FRAMES = 2
MAX_FRAMES = 60
OPEN_TIMEOUT_MS = 10_000
READ_TIMEOUT_MS = 5_000


class CaptureError(ValueError):
    """The camera could not be opened or gave no frames; the message says which."""


@dataclass
class Capture:
    """The photo made from a camera's frames, and how it was made."""

    image: np.ndarray  # H x W uint8 grey
    source: str
    frames_read: int
    frames_used: int
    method: str  # "average", "aligned average" or "sharpest frame"
    sharpness: list[float] = field(default_factory=list)
    left_out: list[dict] = field(default_factory=list)  # {"frame", "reason"}

    def image_pil(self):
        from PIL import Image

        return Image.fromarray(self.image)

    def report(self) -> dict:
        return {
            "source": self.source,
            "width": int(self.image.shape[1]),
            "height": int(self.image.shape[0]),
            "frames_read": self.frames_read,
            "frames_used": self.frames_used,
            "method": self.method,
            "left_out": self.left_out,
        }


def parse_source(source: str | int) -> str | int:
    """A device index ("0", "1") as an int; a stream URL or a file path as it is."""
    text = str(source).strip()
    if not text:
        raise CaptureError("the camera source is empty: give a device index, a URL or a file")
    return int(text) if text.isdigit() else text


def read_frames(source: str | int, count: int) -> list[np.ndarray]:
    """``count`` grey frames from an OpenCV ``VideoCapture`` source, then release it.

    A live camera's first frames are skipped while its exposure settles; a video file
    is read from its start.
    """
    if not 1 <= count <= MAX_FRAMES:
        raise CaptureError(f"frames must be between 1 and {MAX_FRAMES}, not {count}")
    where = parse_source(source)
    live = isinstance(where, int) or "://" in str(where)
    # a stream that does not answer must not hang a page or a timer for minutes
    timeouts = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
        OPEN_TIMEOUT_MS,
        cv2.CAP_PROP_READ_TIMEOUT_MSEC,
        READ_TIMEOUT_MS,
    ]
    camera = cv2.VideoCapture(where, cv2.CAP_ANY, timeouts if live else [])
    try:
        if not camera.isOpened():
            raise CaptureError(f"camera {source}: cannot be opened (no such device, URL or file)")
        for _ in range(WARMUP_FRAMES if live else 0):
            camera.grab()
        frames = []
        while len(frames) < count:
            ok, picture = camera.read()
            if not ok or picture is None:
                break
            frames.append(_gray(picture))
    finally:
        camera.release()
    if not frames:
        raise CaptureError(f"camera {source}: opened, but gave no frames")
    return frames


def _gray(picture: np.ndarray) -> np.ndarray:
    if picture.ndim == 2:
        return picture
    return cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY)


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian on a half-size copy: higher is sharper (noise adds a little,
    so frames are compared with each other, never with a fixed number)."""
    small = cv2.pyrDown(gray)
    return float(cv2.Laplacian(small, cv2.CV_32F).var())


def combine(frames: list[np.ndarray], source: str = "") -> Capture:
    """The mean of the frames that line up with the sharpest one (see the module notes)."""
    scores = [sharpness(f) for f in frames]
    best = int(np.argmax(scores))
    reference = frames[best].astype(np.float32)
    window = cv2.createHanningWindow(reference.shape[::-1], cv2.CV_32F)
    kept, left_out, moved = [reference], [], False
    for i, frame in enumerate(frames):
        if i == best:
            continue
        if frame.shape != reference.shape:
            left_out.append({"frame": i, "reason": "a different size"})
            continue
        if scores[i] < MIN_SHARPNESS_SHARE * scores[best]:
            left_out.append({"frame": i, "reason": "blurred"})
            continue
        pixels = frame.astype(np.float32)
        # copies: OpenCV's phaseCorrelate may overwrite its inputs with the windowed ones
        (dx, dy), response = cv2.phaseCorrelate(reference.copy(), pixels.copy(), window)
        if response < MIN_ALIGN_RESPONSE or math.hypot(dx, dy) > MAX_SHIFT_PX:
            left_out.append({"frame": i, "reason": "does not line up"})
            continue
        if math.hypot(dx, dy) > 0.25:
            moved = True
            shift = np.float32([[1, 0, -dx], [0, 1, -dy]])
            pixels = cv2.warpAffine(
                pixels,
                shift,
                pixels.shape[::-1],
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE,
            )
        kept.append(pixels)
    if len(kept) < 2:
        method, image = "sharpest frame", frames[best]
    else:
        method = "aligned average" if moved else "average"
        image = np.clip(np.mean(kept, axis=0) + 0.5, 0, 255).astype(np.uint8)
    return Capture(image, source, len(frames), len(kept), method, scores, left_out)


def capture(source: str | int, frames: int = 8) -> Capture:
    """One photo from ``source``: ``frames`` frames read, lined up and averaged."""
    read = read_frames(source, frames)
    try:
        return combine(read, str(source))
    finally:
        del read  # the frames go as soon as the photo is made


def encode_png(image: np.ndarray) -> bytes:
    """The photo as a lossless PNG (fast compression): what the scanner is given."""
    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise CaptureError("the captured photo could not be encoded")
    return data.tobytes()


# -- will this camera do? ---------------------------------------------------------------


def camera_check(
    width_px: int,
    boards: int = 1,
    *,
    board_width_mm: float = DEFAULT_BOARD_WIDTH_MM,
    module_mm: float,
) -> dict:
    """Pixels per QR module when ``boards`` boards, side by side, fill ``width_px`` pixels.

    ``module_mm`` is the printed module size (``tilegen.tile.qr_module_mm`` for the
    deployment's base URL). The verdict uses the scanner's own thresholds.
    """
    if width_px <= 0:
        raise ValueError(f"width must be a positive number of pixels, not {width_px}")
    if boards <= 0:
        raise ValueError(f"boards must be 1 or more, not {boards}")
    covered_mm = boards * board_width_mm
    ppm = width_px / covered_mm * module_mm
    return {
        "width_px": int(width_px),
        "boards": int(boards),
        "covered_mm": round(covered_mm, 1),
        "module_mm": round(module_mm, 3),
        "px_per_module": round(ppm, 2),
        "verdict": verdict(ppm),
        "width_for_good_px": math.ceil(GOOD_PX_PER_MODULE * covered_mm / module_mm),
    }


def verdict(ppm: float) -> str:
    """ "too low", "marginal" or "fine", by the scanner's thresholds."""
    if ppm < MIN_PX_PER_MODULE:
        return "too low"
    if ppm < GOOD_PX_PER_MODULE:
        return "marginal"
    return "fine"
