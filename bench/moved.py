"""Where the web app's modules were before the packages were named for what they hold, so
that a bench can run the same code against an older tree (``--baseline``/``--before``)."""

from __future__ import annotations

import importlib
from types import ModuleType

#: New dotted name -> the name in trees from before the move.
MOVED = {
    "webapp.accounts.people": "webapp.cases.people",
    "webapp.accounts.teams": "webapp.cases.teams",
    "webapp.accounts.users": "webapp.cases.users",
    "webapp.meeting.agenda": "webapp.cases.agenda",
    "webapp.reports.drift": "webapp.rules.drift",
}

#: The same, as source for the code a bench runs with ``python -c`` in another tree.
SOURCE = f"""
import importlib
def module(name, _moved={MOVED!r}):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return importlib.import_module(_moved[name])
"""


def module(name: str) -> ModuleType:
    """The module ``name``, or where it was in an older tree."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return importlib.import_module(MOVED[name])
