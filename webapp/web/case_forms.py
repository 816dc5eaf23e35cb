"""The close-a-case and reopen forms, read in one place for the tile page and the admin
page (both post the same fields: ``closed_as``, ``views``, ``scaling``, ``reason``,
``review``, ``stage`` and the effective ``date``)."""

from __future__ import annotations

from webapp.web.form_values import field, field_list


def close_fields(closed_as: str = "") -> dict:
    """What :func:`webapp.cases.lifecycle.close_case` takes from the form, as sent;
    ``closed_as`` when the form does not say (the library refuses "")."""
    return {
        "closed_as": field("closed_as", closed_as, as_typed=True),
        "views": field_list("views"),
        "scaling": field("scaling", as_typed=True),
        "reason": field("reason", None, as_typed=True),
        "on": field("date", as_typed=True) or None,
    }


def reopen_fields() -> dict:
    """What :func:`webapp.cases.lifecycle.reopen_case` takes from the form."""
    return {
        "review": field("review", as_typed=True) or None,
        "stage": field("stage", as_typed=True) or None,
        "on": field("date", as_typed=True) or None,
    }
