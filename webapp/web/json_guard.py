"""Every JSON body is read once, before any view, within limits (docs/contract.md §17):
at most :data:`MAX_JSON_BYTES` and :data:`MAX_JSON_DEPTH` levels of arrays and objects.
A body that is too large, too deep or not JSON at all is a 400 with ``{"error": ...}``
(Python's parser answers a deeply nested body with a RecursionError, which the views'
``get_json(silent=True)`` does not catch: it was a 500, so the depth is counted first)."""

from __future__ import annotations

from flask import Flask, request

from webapp.errors import BadInput

MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 20


def init_app(app: Flask) -> None:
    app.before_request(check_json_body)


def check_json_body() -> None:
    if not request.is_json or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise BadInput(f"the JSON body is larger than {MAX_JSON_BYTES // 1024} KB")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:  # a chunked body has no Content-Length
        raise BadInput(f"the JSON body is larger than {MAX_JSON_BYTES // 1024} KB")
    if _depth(raw) > MAX_JSON_DEPTH:
        raise BadInput(f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep")
    request.get_json(cache=True)  # parsed once (the views' get_json reuses it), or refused


class RefusesBadJson:
    """Mixed into the app's request class: a body that does not parse as JSON is a
    :class:`BadInput` (Flask's own answer is a bare 400). It cannot nest deep enough for
    the parser to recurse out of stack: :func:`check_json_body` counted its depth first."""

    def on_json_loading_failed(self, e: ValueError | None):
        if e is None:  # not sent as JSON at all: Flask's 415
            return super().on_json_loading_failed(e)
        raise BadInput("the body is not valid JSON") from e


def _depth(raw: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings, counted before parsing (the
    parser itself would recurse that deep)."""
    deepest = depth = 0
    in_string = escaped = False
    for byte in raw.translate(_KEEP):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


#: Bytes that matter for nesting; every other byte becomes a space (kept cheap to loop).
_KEEP = bytes(b if b in b'[]{}"\\' else 0x20 for b in range(256))
