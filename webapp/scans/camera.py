"""A team's wall camera: its settings, and which sources a page may set.

The camera is read only when asked (``caseboard capture``, "Capture now" on the scan
page, :mod:`.capturing`) or at the team's scheduled time (:mod:`.capture_job`).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

from sqlite_utils import Database

from webapp.accounts.teams import team_settings, update_team_settings
from webapp.errors import BadInput
from webapp.values.workdays import WEEKDAYS

DEFAULT_FRAMES = 8
MEETING_DAY = "meeting day"
DEFAULT_CAMERA = {"source": "", "frames": DEFAULT_FRAMES, "day": "", "time": "", "apply": False,
                  "set_on": ""}  # fmt: skip
#: ``set_on`` of a source set by `caseboard camera set`: a file or a local stream may be read.
COMMAND_LINE = "command line"


def camera_settings(team: dict) -> dict:
    """The team's camera: ``source`` (empty: none), ``frames``, schedule ``day`` (a weekday,
    ``"meeting day"``, or empty) and ``time`` (HH:MM, team-local), and ``apply`` (apply by
    itself when clean)."""
    return {**DEFAULT_CAMERA, **(team_settings(team).get("camera") or {})}


#: The fields of the camera form, as :func:`update_camera` reads them.
CAMERA_FIELDS = ("source", "frames", "day", "time", "apply")


def update_camera(db: Database, team: dict, form: dict, *, paths_allowed: bool = False) -> dict:
    """Set the team's camera from form-like values; checks everything first.

    From a page (``paths_allowed`` false) the source must be a device index or a stream
    URL (:func:`check_page_source`); a local file is for the command line only. A source
    the command line set may be kept unchanged when the page saves the schedule.
    """
    source = (form.get("source") or "").strip()
    if len(source) > 500:
        raise BadInput("the camera source must be at most 500 characters")
    before = camera_settings(team)
    from_command_line = paths_allowed or (source == before["source"] and before["set_on"])
    if not from_command_line and source:
        check_page_source(source)
    try:
        frames = int(str(form.get("frames") or DEFAULT_FRAMES).strip())
    except ValueError:
        raise BadInput(f"frames must be a whole number, not {form.get('frames')!r}") from None
    if not 1 <= frames <= 60:
        raise BadInput(f"frames must be between 1 and 60, not {frames}")
    day = (form.get("day") or "").strip()
    if day and day not in (*WEEKDAYS, MEETING_DAY):
        raise BadInput(f"the capture day must be a day of the week or {MEETING_DAY!r}")
    at = (form.get("time") or "").strip()
    if at and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at):
        raise BadInput(f"the capture time must be HH:MM (24-hour), not {at!r}")
    if bool(day) != bool(at):
        raise BadInput("a scheduled capture needs both a day and a time (or neither)")
    if day and not source:
        raise BadInput("set the camera source before a schedule")
    camera = {
        "source": source,
        "frames": frames,
        "day": day,
        "time": at,
        "apply": str(form.get("apply") or "").lower() in ("1", "on", "true", "yes"),
        "set_on": COMMAND_LINE if from_command_line and source else "",
    }
    return update_team_settings(db, team, camera=camera)


def check_page_source(source: str) -> str:
    """A camera source set on a page: a device index, or an ``rtsp``, ``rtsps``, ``http``
    or ``https`` stream URL on another machine. Refused (:class:`BadInput`): a local path,
    a ``file:`` or other URL (OpenCV would read any file the server can), an image-sequence
    pattern (``%d``), and a URL naming this machine (the server would fetch its own
    pages or services every minute with the scheduler)."""
    if source.isdigit() and len(source) <= 3:
        return source
    refusal = (
        "the camera source must be a device number (0, 1, ...) or an rtsp, rtsps, http or "
        "https stream address of the camera; a file on the server is set with "
        "`caseboard camera set` on the command line"
    )
    if any(c.isspace() or ord(c) < 32 or c in "%|" for c in source):
        raise BadInput(refusal)
    try:
        parts = urlsplit(source)
        host = parts.hostname
        parts.port  # noqa: B018 (a bad port raises ValueError)
    except ValueError:
        raise BadInput(refusal) from None
    if parts.scheme.lower() not in STREAM_SCHEMES or not host:
        raise BadInput(refusal)
    if _this_machine(host):
        raise BadInput(f"the camera source must be a camera, not this server ({host})")
    return source


STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")


def _this_machine(host: str) -> bool:
    """True when ``host`` resolves to a loopback, unspecified or link-local address, or
    to one of this machine's own names."""
    if host.lower() in {"localhost", socket.gethostname().lower(), socket.getfqdn().lower()}:
        return True
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # not resolvable now: the capture itself will say it cannot connect
    for *_, address in infos:
        ip = ipaddress.ip_address(address[0].split("%")[0])
        if getattr(ip, "ipv4_mapped", None):
            ip = ip.ipv4_mapped
        if ip.is_loopback or ip.is_unspecified or ip.is_link_local:
            return True
    return False
