"""Limits on scanning that hold under attack (docs/contract.md §17).

* photos per request (:data:`MAX_PHOTOS`) and pixels per request
  (:data:`MAX_REQUEST_MEGAPIXELS`, from each photo's header, before any is decoded);
  pixels per photo are checked by :func:`uploads.check_photo_size`. Past them:
  :class:`TooLarge` (413), at once.
* scans running at once per user (:data:`MAX_SCANS_PER_USER`), counted in the store, so
  the count holds across the server's worker processes: past it, :class:`TooMany` (429).
* one photo decoded and scanned at a time per store, whatever the number of requests,
  threads and worker processes (:func:`decoding`, a lock file beside the store): a
  52 MP PNG takes a few hundred MB while it is scanned, so eight at once took 2.8 GB;
  the others wait their turn (up to :data:`WAIT_S`, then 503 "busy"). After each photo
  the C allocator is asked to hand freed memory back (``malloc_trim``): otherwise each
  server thread keeps the few hundred MB its last photo took, and eight threads keep
  eight times that.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import functools
import io
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from PIL import Image
from sqlite_utils import Database

from webapp.errors import StoreBusy, TooLarge, TooMany

MAX_PHOTOS = 12  # six boards, two photos each
MAX_REQUEST_MEGAPIXELS = 320  # six 52 MP photos and a little more
MAX_SCANS_PER_USER = 2  # a phone and a laptop
#: A scan slot older than this belonged to a process that died; it is taken back.
SLOT_STALE_S = 600
WAIT_S = 600.0  # eight 52 MP photos, one after another, on a busy two-core machine


def check_request(photos: Sequence[tuple[str, bytes]]) -> None:
    """:class:`TooLarge` for too many photos, or too many pixels in all (read from the
    headers only)."""
    if len(photos) > MAX_PHOTOS:
        raise TooLarge(f"{len(photos)} photos in one scan; send at most {MAX_PHOTOS}")
    pixels = sum(_header_pixels(data) for _, data in photos)
    if pixels > MAX_REQUEST_MEGAPIXELS * 1e6:
        raise TooLarge(
            f"the photos hold {pixels / 1e6:.0f} MP in all; one scan takes at most "
            f"{MAX_REQUEST_MEGAPIXELS} MP: send fewer or smaller photos"
        )


def _header_pixels(data: bytes) -> int:
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
    except Image.DecompressionBombError:
        return 10**12  # far too large: the sum says so
    except (OSError, SyntaxError, ValueError):
        return 0  # not an image: the scanner names what is wrong with it
    return width * height


@contextlib.contextmanager
def scan_slot(db: Database, user_id: int | None) -> Iterator[None]:
    """Hold one of the user's :data:`MAX_SCANS_PER_USER` slots while scanning
    (:class:`TooMany` when all are taken); nobody's when ``user_id`` is None."""
    if user_id is None:
        yield
        return
    now = time.time()
    with db.atomic():
        db.execute("delete from scan_slots where started < ?", [now - SLOT_STALE_S])
        running = db.execute(
            "select count(*) from scan_slots where user_id = ?", [user_id]
        ).fetchone()[0]
        if running >= MAX_SCANS_PER_USER:
            raise TooMany(
                f"you already have {running} scans running: wait for them to finish, "
                "then send this one again"
            )
        slot = db["scan_slots"].insert({"user_id": user_id, "started": now}).last_pk
    try:
        yield
    finally:
        db.execute("delete from scan_slots where id = ?", [slot])


@contextlib.contextmanager
def decoding(db: Database, wait: float = WAIT_S) -> Iterator[None]:
    """Hold the store's one decoding turn (a lock file beside the store) while a photo is
    decoded and scanned; :class:`StoreBusy` when it does not come within ``wait``."""
    path = _lock_path(db)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreBusy("the server is busy scanning other photos") from None
                time.sleep(0.05)
        yield
    finally:
        _give_back_memory()
        os.close(fd)  # closing releases the lock


def _give_back_memory() -> None:
    """glibc's ``malloc_trim(0)``: return freed heap memory to the system (a no-op where
    the C library has no such call)."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


@functools.cache
def _libc():
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def _lock_path(db: Database) -> str:
    file = db.execute("PRAGMA database_list").fetchone()[2]
    if not file:  # an in-memory store (tests): a lock per process
        return str(Path("/tmp") / f"caseboard-scanning-{os.getpid()}.lock")
    return f"{file}.scanning"
