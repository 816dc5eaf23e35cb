"""A bad row or column, named by its row number, reference and column, never by a name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    row: int
    ref: str | None
    column: str | None  # the export's header
    field: str | None  # caseboard's field
    message: str

    def text(self) -> str:
        where = f"row {self.row}"
        if self.ref:
            where += f" (ref {self.ref})"
        if self.column:
            where += f", column {self.column!r}"
        elif self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "ref": self.ref,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "text": self.text(),
        }
