"""The app's request class: uploads that may hold children's names stay in memory.

Werkzeug spools a multipart upload larger than 500 KB to a temporary file on disk. A
case-system export holds children's names, which must never reach a disk, so the
endpoints in :data:`MEMORY_ONLY` parse their uploads into memory instead, with a
smaller size limit of their own. :data:`LARGE_FORMS` lets an import's confirm form
carry a whole caseload's codes (more than the default 500 KB of form fields).
"""

from __future__ import annotations

import io

from flask import Request

from webapp.web.json_guard import RefusesBadJson

#: Endpoints whose uploads never touch the disk, and the largest body each accepts.
MEMORY_ONLY = {"imports.preview": 16 * 1024 * 1024}
#: Endpoints whose plain form fields may be larger than the default, and their limit.
LARGE_FORMS = {"imports.confirm": 16 * 1024 * 1024}


class CaseboardRequest(RefusesBadJson, Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None,
                         content_length=None):  # fmt: skip
        if self.endpoint in MEMORY_ONLY:
            return io.BytesIO()
        return super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )

    @property
    def max_content_length(self) -> int | None:
        limit = Request.max_content_length.fget(self)
        own = MEMORY_ONLY.get(self.endpoint)
        if own is None:
            return limit
        return own if limit is None else min(limit, own)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)

    @property
    def max_form_memory_size(self) -> int | None:
        return LARGE_FORMS.get(self.endpoint) or Request.max_form_memory_size.fget(self)

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        Request.max_form_memory_size.fset(self, value)
