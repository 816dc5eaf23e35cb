"""A team's wall camera: its settings, one capture scanned into a preview, the schedule.

The camera is read only when asked (``caseboard capture``, "Capture now" on the scan
page) or at the team's scheduled time (:func:`run_due_captures`, run by a timer or by
the server's scheduler). Frames stay in memory and are dropped once the photo is
scanned; no video is kept (see :mod:`scanner.capture`).
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from webapp.accounts.teams import (
    boards,
    public_base_url,
    team_settings,
    update_team_settings,
)
from webapp.cases.meetings import meeting_weekday
from webapp.errors import BadInput
from webapp.scans import unattended
from webapp.scans.intake import Intake, take_in
from webapp.values.workdays import WEEKDAYS

DEFAULT_FRAMES = 8
MEETING_DAY = "meeting day"
#: A scheduled capture missed by more than this (server down, timer late) is skipped:
#: the camera is read only at the scheduled times.
CATCH_UP = timedelta(hours=1)
DEFAULT_CAMERA = {"source": "", "frames": DEFAULT_FRAMES, "day": "", "time": "", "apply": False,
                  "set_on": ""}  # fmt: skip
#: ``set_on`` of a source set by `caseboard camera set`: a file or a local stream may be read.
COMMAND_LINE = "command line"


# -- settings ----------------------------------------------------------------------------


def camera_settings(team: dict) -> dict:
    """The team's camera: ``source`` (empty: none), ``frames``, schedule ``day`` (a weekday,
    ``"meeting day"``, or empty) and ``time`` (HH:MM, team-local), and ``apply`` (apply by
    itself when clean)."""
    return {**DEFAULT_CAMERA, **(team_settings(team).get("camera") or {})}


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


# -- one capture -------------------------------------------------------------------------


def take_photo(
    db: Database,
    team: dict,
    source: str | None = None,
    *,
    frames: int | None = None,
    apply_if_clean: bool | None = None,
    trigger: str = "request",
    user_id: int | None = None,
    slot: str | None = None,
) -> tuple[Intake, dict | None]:
    """Read the camera (``source``, else the team's), take the photo in as an upload
    would be (:func:`.intake.take_in`), and apply it when asked and clean.

    Returns the :class:`.intake.Intake` (its ``refusal`` says why nothing was kept: no
    camera set, the camera could not be read, nothing could be scanned) and the preview
    object of docs/contract.md §11 (``applied``, ``not_clean``, ``capture``), None when
    nothing was kept. Every run is recorded (:func:`.unattended.record_run`).
    """
    from scanner.capture import CaptureError, capture, encode_png

    settings = camera_settings(team)
    try:
        if source is None and settings["source"] and settings["set_on"] != COMMAND_LINE:
            check_page_source(settings["source"])  # e.g. a file set on the page by an older version
    except BadInput as exc:
        return Intake(refusal=exc), None
    source = (source if source is not None else settings["source"]).strip()
    if not source:
        refusal = BadInput("no camera is set for this team: set its source on the admin page")
        return Intake(refusal=refusal), None
    frames = frames or settings["frames"]
    apply_if_clean = settings["apply"] if apply_if_clean is None else apply_if_clean
    try:
        shot = capture(source, frames)
        photo = encode_png(shot.image)
    except CaptureError as exc:
        unattended.record_run(db, team, trigger, error=str(exc), slot=slot)
        return Intake(refusal=BadInput(str(exc))), None
    report = shot.report()
    del shot  # the frames and the photo go once the photo is encoded for the scanner
    taken = take_in(db, team, [("camera.png", photo)], user_id=user_id, source="camera")
    del photo
    if taken.refusal:
        unattended.record_run(db, team, trigger, error=taken.refused, slot=slot, capture=report)
        return taken, None
    preview = unattended.finish(
        db,
        team,
        taken.scan,
        trigger=trigger,
        apply_if_clean=apply_if_clean,
        user_id=user_id,
        slot=slot,
        capture=report,
    )
    preview["capture"] = report
    return taken, preview


def capture_scan(
    db: Database, team: dict, source: str | None = None, **options
) -> tuple[dict, dict]:
    """:func:`take_photo` for a caller that answers a refusal as an error (the command
    line, the schedule): ``(scan_json, preview)``, the scanner's docs/contract.md §3
    object and the preview object of §11, or :class:`BadInput` with the reason."""
    taken, preview = take_photo(db, team, source, **options)
    scan = taken.preview()
    return json.loads(db["scans"].get(scan["id"])["result"]), preview


# -- the schedule ------------------------------------------------------------------------


def scheduled_slot(team: dict, now: datetime) -> datetime | None:
    """The team's latest scheduled capture time at or before ``now`` (aware, UTC), or None
    when the team has no camera schedule (or "meeting day" with no meeting day set)."""
    settings = camera_settings(team)
    if not (settings["source"] and settings["day"] and settings["time"]):
        return None
    if settings["day"] == MEETING_DAY:
        weekday = meeting_weekday(team)
        if weekday is None:
            return None
    else:
        weekday = WEEKDAYS.index(settings["day"])
    zone = ZoneInfo(team.get("timezone") or "Europe/London")
    local = now.astimezone(zone)
    hour, minute = map(int, settings["time"].split(":"))
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    slot = datetime.combine(day, time(hour, minute), zone)
    if slot > local:
        slot = datetime.combine(day - timedelta(days=7), time(hour, minute), zone)
    return slot.astimezone(ZoneInfo("UTC"))


def due_slot(db: Database, team: dict, now: datetime) -> datetime | None:
    """The scheduled time to capture for now, if it has come within :data:`CATCH_UP` and
    has not run yet."""
    slot = scheduled_slot(team, now)
    if slot is None or now - slot > CATCH_UP:
        return None
    ran = db.execute(
        "select 1 from camera_runs where team_id = ? and slot = ?",
        [team["id"], slot.isoformat()],
    ).fetchone()
    return None if ran else slot


def run_due_captures(db: Database, now: datetime | None = None) -> list[dict]:
    """Capture for every team whose scheduled time has come (once per scheduled time).

    The job for a timer (``caseboard camera run-due``) or a scheduler: safe to run every
    few minutes. Returns one entry per team that was due: ``{"team", "slot", "preview"}``
    or ``{"team", "slot", "error"}``.
    """
    now = now or datetime.now(ZoneInfo("UTC"))
    done = []
    for team in db["teams"].rows_where(order_by="id"):
        slot = due_slot(db, team, now)
        if slot is None:
            continue
        entry = {"team": team["name"], "slot": slot.isoformat()}
        try:
            _, entry["preview"] = capture_scan(db, team, trigger="schedule", slot=slot.isoformat())
        except BadInput as exc:
            entry["error"] = str(exc)
        done.append(entry)
    return done


def camera_job(db_path: str):
    """:func:`run_due_captures` as a scheduled job on its own store connection: what
    ``caseboard serve --with-scheduler`` runs every minute."""
    from webapp.store.connection import open_store

    def job() -> list[dict]:
        db = open_store(db_path)
        try:
            return run_due_captures(db)
        finally:
            db.close()

    return job


# -- will this camera do? ----------------------------------------------------------------


def camera_figures(db: Database | None, team: dict | None, width_px: int, boards_n: int) -> dict:
    """Pixels per QR module for a camera ``width_px`` wide covering ``boards_n`` boards:
    the team's widest board and its deployment's QR module size, or the defaults."""
    from scanner.capture import camera_check
    from tilegen.standard import DEFAULT_BOARD_WIDTH_MM
    from tilegen.tile import qr_module_mm
    from webapp.accounts.teams import DEFAULT_BASE_URL

    width_mm = DEFAULT_BOARD_WIDTH_MM
    base_url = DEFAULT_BASE_URL
    if db is not None and team is not None:
        width_mm = max(b["width_mm"] for b in boards(db, team))
        base_url = public_base_url(db, team)
    try:
        return camera_check(
            width_px, boards_n, board_width_mm=width_mm, module_mm=qr_module_mm(base_url)
        )
    except ValueError as exc:
        raise BadInput(str(exc)) from None


def camera_table(db: Database, team: dict) -> list[dict]:
    """Common camera widths across one to three boards, for the admin page."""
    return [
        camera_figures(db, team, width, n) for width in (1920, 2560, 3840, 7680) for n in (1, 2, 3)
    ]


def last_measured(db: Database, team: dict) -> dict | None:
    """Pixels per module measured on the team's latest camera capture that found a board:
    ``{"at", "scan_id", "boards": [{"stage", "px_per_module"}]}``."""
    rows = db.query(
        """select r.at, r.scan_id, s.result from camera_runs r join scans s on s.id = r.scan_id
           where r.team_id = ? and r.trigger != 'watch' order by r.id desc limit 5""",
        [team["id"]],
    )
    for row in rows:
        measured = [
            {"stage": b["stage"], "px_per_module": b["px_per_module"]}
            for b in json.loads(row["result"]).get("boards", [])
            if b.get("px_per_module")
        ]
        if measured:
            return {"at": row["at"], "scan_id": row["scan_id"], "boards": measured}
    return None


def measure_source(db: Database | None, team: dict | None, source: str, frames: int) -> dict:
    """Capture once from ``source`` and measure pixels per module on each board found,
    keeping nothing (no preview, no photo): for ``caseboard camera check --camera``."""
    from scanner import scan_photos
    from scanner.capture import CaptureError, capture

    settings = {}
    if db is not None and team is not None:
        from webapp.accounts.teams import scan_settings

        settings = scan_settings(db, team)
    try:
        shot = capture(source, frames)
    except CaptureError as exc:
        raise BadInput(str(exc)) from None
    report = shot.report()
    result = scan_photos([("camera", shot.image_pil())], **settings).to_json()
    del shot
    return {
        "capture": report,
        "boards": [
            {"stage": b["stage"], "markers": b["markers"], "px_per_module": b.get("px_per_module")}
            for b in result["boards"]
        ],
        "tiles": len(result["tiles"]),
    }
