"""`caseboard watch`, `caseboard capture` and `caseboard camera`: scans nobody holds a
phone for (docs/contract.md §11). Thin: the work is in ``webapp.scans``
(``watching``, ``capturing``, ``camera``, ``capture_job`` and ``camera_check``)."""

from __future__ import annotations

import json

import click

from webapp.cli.common import (
    db_option,
    echo_json,
    json_option,
    store_and_team,
    team_option,
)
from webapp.values.actor import Actor

apply_option = click.option(
    "--apply-if-clean",
    "apply_if_clean",
    is_flag=True,
    help="Apply by itself when every expected tile was found, none moved board and none "
    "is uncertain; otherwise leave a preview for the manager.",
)


def _say(out: dict) -> None:
    """A preview in a few lines, for people."""
    counts = ", ".join(
        f"{len(out[k])} {k.replace('_', ' ')}"
        for k in ("moves", "wrong_zone", "missing", "unknown")
    )
    click.echo(f"scan {out['id']}: {counts}")
    if out["applied"]:
        click.echo(f"applied: {out['apply']['note']}")
    elif out.get("not_clean"):
        click.echo("left as a preview for the manager: " + "; ".join(out["not_clean"]))
    else:
        click.echo("left as a preview: apply it on the scan page")


@click.command("watch")
@click.argument("folder", type=click.Path(file_okay=False))
@team_option
@click.option("--once", is_flag=True, help="Scan what is there now and stop.")
@apply_option
@json_option
@click.option(
    "--settle",
    default=2.0,
    show_default=True,
    help="Seconds a photo's size and time must stay unchanged before it is read.",
)
@click.option(
    "--interval", default=10.0, show_default=True, help="Seconds between looks at the folder."
)
@click.option(
    "--keep-days",
    default=7.0,
    show_default=True,
    help="Delete photos in done/ and failed/ after this many days.",
)
@db_option
def watch(folder, team_name, once, apply_if_clean, as_json, settle, interval, keep_days, db_path):
    """Scan new board photos that arrive in FOLDER into one preview per batch, then move
    each photo to FOLDER/done/ or FOLDER/failed/."""
    from webapp.scans import watching

    db, team = store_and_team(db_path, team_name)
    options = dict(
        apply_if_clean=apply_if_clean, settle=settle, keep_days=keep_days, actor=Actor.watch()
    )
    if once:
        _report(watching.watch_once(db, team, folder, **options), as_json, once=True)
        return
    try:
        watching.watch(
            db, team, folder, on_batch=lambda p: _report(p, as_json), interval=interval, **options
        )
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)


def _report(done, as_json: bool, once: bool = False) -> None:
    """One look at the folder: the preview (JSON: one object, ``null`` for none with
    --once, one line per batch while watching); failed photos also on stderr."""
    for failed in done.failed:
        click.echo(f"failed: {failed['reason']}", err=True)
    if as_json:
        if once:
            echo_json(done.preview)
        elif done.preview is not None:
            click.echo(json.dumps(done.preview, default=str))
    elif done.preview is not None:
        _say(done.preview)
    elif not done.failed:
        click.echo("nothing new to scan")


@click.command("capture")
@click.option(
    "--camera",
    "source",
    help="Device index (0), stream URL or video file (default: the team's camera).",
)
@click.option("--frames", type=click.IntRange(1, 60), help="Frames to average (default 8).")
@team_option
@apply_option
@json_option
@db_option
def capture(source, frames, team_name, apply_if_clean, as_json, db_path):
    """Take one photo from a camera, scan it into a preview, and apply it if clean."""
    from webapp.scans.capturing import capture_scan

    db, team = store_and_team(db_path, team_name)
    scan_json, out = capture_scan(
        db,
        team,
        source,
        frames=frames,
        apply_if_clean=apply_if_clean,
        trigger="cli",
        actor=Actor.camera(),
    )
    if as_json:
        echo_json({**scan_json, "preview": out})
        return
    shot = out["capture"]
    click.echo(
        f"captured {shot['width']} x {shot['height']} from {shot['source']}: "
        f"{shot['frames_used']} of {shot['frames_read']} frames, {shot['method']}"
    )
    _say(out)


@click.group("camera")
def camera():
    """Wall cameras: will a camera do, and the scheduled captures."""


@camera.command("check")
@click.option("--width", type=int, help="The camera's picture width in pixels.")
@click.option(
    "--boards",
    "boards_n",
    type=int,
    default=1,
    show_default=True,
    help="How many boards, side by side, the picture covers.",
)
@click.option("--camera", "source", help="Also measure on a real frame from this camera.")
@click.option("--frames", type=click.IntRange(1, 60), default=8, show_default=True)
@team_option
@json_option
@db_option
def check(width, boards_n, source, frames, team_name, as_json, db_path):
    """Pixels per QR module a camera WIDTH pixels wide gives across N boards."""
    from pathlib import Path

    from webapp.scans.camera_check import camera_figures, measure_source

    if width is None and source is None:
        raise click.UsageError("give --width PX, --camera SOURCE, or both")
    db = team = None
    if Path(db_path).exists():
        db, team = store_and_team(db_path, team_name)
    out = {}
    if width is not None:
        out["figure"] = camera_figures(db, team, width, boards_n)
    if source is not None:
        out["measured"] = measure_source(db, team, source, frames)
    if as_json:
        echo_json(out)
        return
    if "figure" in out:
        f = out["figure"]
        click.echo(
            f"{f['width_px']} px across {f['boards']} board(s) ({f['covered_mm']:g} mm): "
            f"{f['px_per_module']:.2f} px per QR module ({f['module_mm']:.2f} mm): {f['verdict']}"
        )
        if f["verdict"] != "fine":
            click.echo(f"for 'fine' the picture needs about {f['width_for_good_px']} px across")
    if "measured" in out:
        for b in out["measured"]["boards"]:
            ppm = b["px_per_module"]
            figure = f"{ppm:.2f} px per module" if ppm else "not located"
            click.echo(f"measured, board {b['stage']}: {figure} ({b['markers']} markers)")
        if not out["measured"]["boards"]:
            click.echo("measured: no board found in the camera's picture")


@camera.command("run-due")
@json_option
@db_option
def run_due(as_json, db_path):
    """Capture for every team whose scheduled time has come (for a timer; safe to repeat)."""
    from webapp.cli.common import open_cli_store
    from webapp.scans.capture_job import run_due_captures

    done = run_due_captures(open_cli_store(db_path))
    if as_json:
        echo_json(done)
        return
    for entry in done:
        if "error" in entry:
            click.echo(f"{entry['team']}: capture failed: {entry['error']}")
        else:
            p = entry["preview"]
            state = "applied" if p["applied"] else "left as a preview"
            click.echo(f"{entry['team']}: scan {p['id']} {state}")


@camera.command("set")
@click.option(
    "--source",
    required=True,
    help="Device index, stream URL or video file; empty to remove the camera.",
)
@click.option("--frames", default=8, show_default=True)
@click.option("--day", default="", help="Weekday of the scheduled capture, or 'meeting day'.")
@click.option("--time", "at", default="", help="HH:MM, the team's local time.")
@click.option(
    "--apply-if-clean",
    "apply_",
    is_flag=True,
    help="Scheduled captures apply by themselves when clean.",
)
@team_option
@db_option
def set_camera(source, frames, day, at, apply_, team_name, db_path):
    """Set the team's camera and its schedule."""
    from webapp.scans.camera import camera_settings, update_camera

    db, team = store_and_team(db_path, team_name)
    form = {"source": source, "frames": frames, "day": day, "time": at, "apply": apply_}
    settings = camera_settings(update_camera(db, team, form, paths_allowed=True))
    when = f"{settings['day']} at {settings['time']}" if settings["day"] else "only on request"
    click.echo(f"camera {settings['source'] or '(none)'}: captures {when}")
