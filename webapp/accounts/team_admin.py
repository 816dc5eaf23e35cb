"""What a team's admin changes: team settings, boards, printer and users.

Plain functions taking form-like values (strings); each checks everything first and
raises :class:`BadInput` with a message naming the field, so a page can show it.
"""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlite_utils import Database

from tilegen.payload import normalise_base_url
from tilegen.standard import (
    DEFAULT_ZONES,
    MIN_MARKER_MARGIN_MM,
    check_marker_base,
    zones_from_dicts,
)
from webapp.accounts.people import user_team_ids
from webapp.accounts.teams import team_by_id, team_settings, update_team_settings
from webapp.accounts.users import end_sessions, set_password
from webapp.errors import BadInput, NotFound
from webapp.values.workdays import WEEKDAYS

MAX_AMBER_DAYS = 90
BOARD_MM = (200.0, 5000.0)
MARKER_MM = (20.0, 200.0)
MAX_PRINTER_OFFSET_MM = 10.0
ZONE_KEYS = ("x0", "y0", "x1", "y1")


def _number(value, name: str, low: float, high: float, *, whole: bool = False) -> float:
    text = str(value if value is not None else "").strip()
    try:
        number = int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise BadInput(f"{name} must be {kind}, not {text!r}") from None
    if not low <= number <= high:
        raise BadInput(f"{name} must be between {low:g} and {high:g}, not {number:g}")
    return number


# -- the team ------------------------------------------------------------------------


def update_team(
    db: Database,
    team: dict,
    *,
    amber_days: str | None = None,
    base_url: str | None = None,
    timezone: str | None = None,
    marker_base: str | None = None,
    meeting_day: str | None = None,
    rereferral_months: str | None = None,
) -> dict:
    """Amber window, public base URL, time zone, marker base and meeting day."""
    amber_days = int(_number(amber_days, "amber window", 0, MAX_AMBER_DAYS, whole=True))
    base_url = (base_url or "").strip()
    if base_url:
        try:
            base_url = normalise_base_url(base_url)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
    timezone = (timezone or "").strip()
    try:
        if timezone not in available_timezones():
            raise ZoneInfoNotFoundError(timezone)
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"time zone must be a name like Europe/London, not {timezone!r}") from None
    marker_base = int(_number(marker_base, "marker base", 0, 10**6, whole=True))
    try:
        check_marker_base(marker_base)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    meeting_day = (meeting_day or "").strip()
    if meeting_day and meeting_day not in WEEKDAYS:
        raise BadInput(f"meeting day must be a day of the week, not {meeting_day!r}")
    months = rereferral_months
    rereferral = int(_number(months, "re-referral window", 1, 60, whole=True)) if months else None
    with db.atomic():
        db["teams"].update(
            team["id"],
            {
                "amber_days": amber_days,
                "base_url": base_url or None,
                "timezone": timezone,
                "marker_base": marker_base,
            },
        )
        team = db["teams"].get(team["id"])
        update_team_settings(db, team, meeting_day=meeting_day or None)
        if rereferral:
            update_team_settings(db, db["teams"].get(team["id"]), rereferral_months=rereferral)
    return db["teams"].get(team["id"])


def update_printer(
    db: Database,
    team: dict,
    *,
    x_offset_mm: str | None = None,
    y_offset_mm: str | None = None,
    paper: str | None = None,
) -> dict:
    """Printer calibration: how far to shift everything right/down, and the paper size."""
    from printables.templates import PAPERS

    printer = {
        "x_offset_mm": _number(
            x_offset_mm, "right shift", -MAX_PRINTER_OFFSET_MM, MAX_PRINTER_OFFSET_MM
        ),
        "y_offset_mm": _number(
            y_offset_mm, "down shift", -MAX_PRINTER_OFFSET_MM, MAX_PRINTER_OFFSET_MM
        ),
        "paper": (paper or "").strip(),
    }
    if printer["paper"] not in PAPERS:
        raise BadInput(f"paper must be one of {', '.join(PAPERS)}, not {printer['paper']!r}")
    return update_team_settings(db, team, printer={**team_settings(team)["printer"], **printer})


# -- boards ------------------------------------------------------------------------------


def zone_fields(board: dict) -> dict[str, float]:
    """The board's amber and red zones as form fields (``amber_x0`` ...)."""
    zones = (
        json.loads(board["zones"]) if board.get("zones") else [z.as_dict() for z in DEFAULT_ZONES]
    )
    return {f"{z['name']}_{k}": z[k] for z in zones for k in ZONE_KEYS}


#: A zone edge as the admin page names it (the form gives it in percent).
EDGE_WORDS = {"x0": "left edge", "y0": "top edge", "x1": "right edge", "y1": "bottom edge"}
#: The fields that give the zones' edges: ``amber_x0_pct`` (percent) or ``amber_x0``.
EDGE_FIELDS = tuple(
    f"{name}_{key}{unit}" for name in ("amber", "red") for key in ZONE_KEYS for unit in ("_pct", "")
)


def _edge(form: dict, name: str, key: str) -> float:
    """One zone edge as a fraction of the board: from ``amber_x0_pct`` (percent, as the
    admin page sends it) or ``amber_x0`` (a fraction, as scripts send it)."""
    percent = form.get(f"{name}_{key}_pct")
    if percent not in (None, ""):
        return _number(percent, f"the {name} zone's {EDGE_WORDS[key]} (%)", 0, 100) / 100
    return _number(form.get(f"{name}_{key}"), f"{name} {key}", 0, 1)


def _zones(form: dict) -> list[dict] | None:
    """Zones from the form; None when they are the defaults (so defaults can change later)."""
    zones = [
        {"name": name, **{k: _edge(form, name, k) for k in ZONE_KEYS}} for name in ("amber", "red")
    ]
    try:
        checked = zones_from_dicts(zones)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    amber, red = checked
    if amber.x0 < red.x1 and red.x0 < amber.x1 and amber.y0 < red.y1 and red.y0 < amber.y1:
        raise BadInput("the amber and red zones must not overlap")
    if set(checked) == set(DEFAULT_ZONES):
        return None
    return zones


def update_board(
    db: Database,
    team: dict,
    stage: int,
    *,
    name: str | None = None,
    width_mm: str | None = None,
    height_mm: str | None = None,
    marker_mm: str | None = None,
    default_zones: str | None = None,
    edges: dict[str, str | None] | None = None,
) -> dict:
    """A board's name, size between the markers' outer corners, marker size and zones
    (``edges``: the :data:`EDGE_FIELDS` given, unless ``default_zones``)."""
    rows = list(db["boards"].rows_where("team_id = ? and stage = ?", [team["id"], stage]))
    if not rows:
        raise NotFound(f"no board {stage}")
    name = " ".join((name or "").split())
    if not name or len(name) > 60:
        raise BadInput(f"board {stage} needs a name of 1 to 60 characters")
    width = _number(width_mm, f"board {stage} width (mm)", *BOARD_MM)
    height = _number(height_mm, f"board {stage} height (mm)", *BOARD_MM)
    marker = _number(marker_mm, f"board {stage} marker size (mm)", *MARKER_MM)
    if 2 * (marker + MIN_MARKER_MARGIN_MM) > min(width, height):
        raise BadInput(f"board {stage} is too small for {marker:g} mm markers")
    zones = None if default_zones else _zones(edges or {})
    changes = {
        "name": name,
        "width_mm": width,
        "height_mm": height,
        "marker_mm": marker,
        "zones": json.dumps(zones) if zones else None,
    }
    db["boards"].update(rows[0]["id"], changes)
    return db["boards"].get(rows[0]["id"])


# -- users ---------------------------------------------------------------------------------


def team_user(db: Database, team: dict, user_id: int) -> dict:
    rows = list(db["users"].rows_where("id = ? and team_id = ?", [user_id, team["id"]]))
    if not rows:
        raise NotFound(f"no user {user_id} in this team")
    return rows[0]


def managed_user(db: Database, team: dict, user_id: int, acting_id: int) -> dict:
    """One of the team's users whose password or access the acting admin may change: only
    an admin of every team the user belongs to may (a service manager whose home team is
    this one also reads other teams, whose admins must not lose them to this one)."""
    user = team_user(db, team, user_id)
    acting = db["users"].get(acting_id)
    theirs, mine = user_team_ids(db, user), set(user_team_ids(db, acting))
    others = [team_by_id(db, t)["name"] for t in theirs if t not in mine]
    if others:
        raise BadInput(
            f"{user['username']} also belongs to {', '.join(others)}: only an admin of every "
            "team they belong to can reset their password or deactivate them (on the server: "
            "`caseboard user password`)"
        )
    return user


def set_active(db: Database, team: dict, user_id: int, active: bool, *, acting_id: int) -> dict:
    """Deactivate (or reactivate) a user; nobody may lock themselves out. Deactivating
    ends the user's sessions and API tokens; reactivating revives neither."""
    user = managed_user(db, team, user_id, acting_id)
    if user["id"] == acting_id and not active:
        raise BadInput("you cannot deactivate yourself")
    with db.atomic():
        db["users"].update(user["id"], {"active": 1 if active else 0})
        if not active:
            end_sessions(db, user["id"], api_tokens=True)  # nothing may outlive the account
    return db["users"].get(user["id"])


def sign_out_everywhere(db: Database, team: dict, user_id: int) -> dict:
    """End every session, remember cookie and API token of one of the team's users (any
    admin of one of their teams may: it takes nothing over, it only locks out a thief)."""
    user = team_user(db, team, user_id)
    with db.atomic():
        end_sessions(db, user["id"], api_tokens=True)
    return user


def reset_password(
    db: Database, team: dict, user_id: int, password: str, *, acting_id: int
) -> dict:
    user = managed_user(db, team, user_id, acting_id)
    set_password(db, user, password or "")
    return user
