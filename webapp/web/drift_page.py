"""The drift dashboard's listed sections, from the table the PDF and the CSV also use
(:data:`printables.drift_sections.SECTIONS`), filled from one report for the template.

Headings and notes are the table's own text, so they are markup; the figures filled into
them are escaped (``Markup.format``), as every cell is by the template."""

from __future__ import annotations

from markupsafe import Markup

from printables.drift_sections import SECTIONS


def page_sections(report: dict) -> list[dict]:
    """Each section as the page shows it: ``heading``, ``note`` (``muted`` or not),
    ``headings`` of its columns, ``rows`` (the case's ``token`` and ``(look, cell)`` pairs),
    ``list`` when its rows are shown as a list, and ``empty``, what it says without rows."""
    shown = []
    for section in SECTIONS:
        values = section.values(report)

        def fill(text: str, values: dict = values) -> Markup:
            return Markup(text).format(**values)

        shown.append(
            {
                "heading": fill(section.page_heading or section.heading),
                "note": fill(section.note) if section.note else "",
                "muted": section.note_muted,
                "headings": [fill(c.heading) for c in section.page],
                "rows": [
                    {
                        "token": item.get("token") if isinstance(item, dict) else None,
                        "cells": [(c.look, c.cell(item)) for c in section.page],
                    }
                    for item in section.items(report)
                ],
                "list": bool(section.sentence),
                "empty": section.page_empty,
            }
        )
    return shown
