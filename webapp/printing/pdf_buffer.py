"""A printed sheet made in memory, for a page to send as a download."""

from __future__ import annotations

import io

from webapp.errors import BadInput


def written_pdf(write) -> io.BytesIO:
    """Run a printables writer (``write(buffer)``) into memory, ready to send.

    A writer's ValueError is a choice that cannot be printed (nothing to print, a start
    label past the sheet, a piece too big for the paper): a :class:`BadInput` with its
    message, as the command line reports it."""
    buffer = io.BytesIO()
    try:
        write(buffer)
    except ValueError as exc:
        raise BadInput(str(exc)) from exc
    buffer.seek(0)
    return buffer
