"""Writing a file so that nothing is ever half-written: a temp file beside the
destination, renamed over it only when complete. Writers take a path or an open file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_output(dest: str | os.PathLike | IO, text: bool = False) -> Iterator[IO]:
    """An open file for ``dest``; a path is written to a temp file, then renamed.

    So a failure half-way leaves nothing (or the previous file) at ``dest``.
    ``text`` opens it for UTF-8 text instead of bytes.
    """
    if hasattr(dest, "write"):
        yield dest  # type: ignore[misc]
        return
    path = Path(dest)
    folder = path.parent.resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"there is no folder {path.parent} to write {path.name} into")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        mode = {"mode": "w", "encoding": "utf-8", "newline": ""} if text else {"mode": "wb"}
        with os.fdopen(fd, **mode) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def long_date(value) -> str:
    """``2026-12-15`` (or a date) -> ``Tue 15 Dec 2026``, the one date format people read
    on caseboard's pages and papers; "" for none, anything else as it is."""
    from datetime import date

    if not value:
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return day.strftime("%a %-d %b %Y")
