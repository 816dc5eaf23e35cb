"""The team's camera: settings on the admin page, "Capture now", the schedule, and
"will this camera do?" from the physical standard and measured on a real frame."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.helpers.web import text
from webapp.accounts.teams import get_team
from webapp.errors import BadInput
from webapp.scans.camera import camera_settings, update_camera
from webapp.scans.capture_job import run_due_captures

LONDON = ZoneInfo("Europe/London")


def test_camera_check_figures_from_the_standard(runner):
    # a 1.2 m board and version-3 codes of 32 mm: 1.10 mm modules
    low = runner.json("camera", "check", "--width", "1920", "--boards", "1")["figure"]
    assert (low["px_per_module"], low["verdict"]) == (1.77, "too low")
    good = runner.json("camera", "check", "--width", "3840", "--boards", "1")["figure"]
    assert (good["px_per_module"], good["verdict"]) == (3.53, "fine")
    two = runner.json("camera", "check", "--width", "3840", "--boards", "2")["figure"]
    assert two["verdict"] == "too low" and two["width_for_good_px"] == 6525
    bad = runner("camera", "check", "--width", "0")
    assert bad.exit_code == 2 and "positive" in bad.output


def test_camera_check_measures_a_real_frame(runner, wall, noisy_video):
    out = runner.json("camera", "check", "--camera", noisy_video(1), "--team", "Team")
    (board,) = out["measured"]["boards"]
    assert board["stage"] == 1 and board["px_per_module"] == pytest.approx(2.4, abs=0.25)


def test_the_schedule_captures_once_per_scheduled_time(store, team, wall, noisy_video):
    update_camera(
        store,
        team,
        {"source": noisy_video(1), "frames": "4", "day": "Monday", "time": "11:30", "apply": "1"},
        paths_allowed=True,
    )
    monday = datetime(2026, 11, 30, 11, 40, tzinfo=LONDON)  # 10 minutes after the time
    assert run_due_captures(store, datetime(2026, 11, 30, 11, 20, tzinfo=LONDON)) == []
    (done,) = run_due_captures(store, monday)
    assert done["team"] == "Team" and done["slot"] == "2026-11-30T11:30:00+00:00"
    assert done["preview"]["applied"] is True  # clean, and the team applies clean captures
    assert run_due_captures(store, monday) == []  # once per scheduled time
    assert run_due_captures(store, datetime(2026, 11, 30, 15, 0, tzinfo=LONDON)) == []
    assert run_due_captures(store, datetime(2026, 12, 1, 11, 40, tzinfo=LONDON)) == []
    assert store["scans"].count == 1


def test_camera_settings_are_checked(store, team):
    with pytest.raises(BadInput, match="HH:MM"):
        update_camera(store, team, {"source": "0", "day": "Monday", "time": "25:00"})
    with pytest.raises(BadInput, match="both a day and a time"):
        update_camera(store, team, {"source": "0", "day": "Monday"})
    assert camera_settings(get_team(store, "Team"))["source"] == ""


def test_admin_sets_the_camera_and_the_manager_captures_now(client_for, store, wall, noisy_video):
    admin = client_for("admin")
    page = text(admin.get("/admin/camera?width=1920&boards=1"))
    assert "1920 px across 1 board(s): 1.77 px per module, too low" in page
    assert page.count('id="camera"') == 1 and "<title>Wall camera · Admin" in page
    # a video file is the command line's to set; the page keeps it while saving the rest
    update_camera(store, get_team(store, "Team"), {"source": noisy_video(1)}, paths_allowed=True)
    response = admin.form(
        "/admin/camera",
        {"source": noisy_video(1), "frames": "4", "day": "meeting day", "time": "11:30"},
    )
    assert response.status_code == 302
    assert camera_settings(get_team(store, "Team"))["source"] == noisy_video(1)
    manager = client_for("manager")
    assert "Capture now" in text(manager.get("/scans/new"))
    response = manager.form("/scans/capture", {})
    assert response.status_code == 302 and "/scans/" in response.location
    preview = text(manager.get(response.location))
    assert "Apply" in preview
    assert store["scans"].count == 1 and store["scans"].get(1)["status"] == "preview"
    assert "measured on the camera" in text(admin.get("/admin/camera")).lower()


def test_no_capture_now_without_a_camera(client_for, store, team):
    manager = client_for("manager")
    assert "Capture now" not in text(manager.get("/scans/new"))
    response = manager.form("/scans/capture", {})
    assert response.status_code == 302
    assert "no camera is set" in text(manager.get(response.location))


def test_serve_with_scheduler_runs_the_camera_job(app, store, team, wall, noisy_video):
    """The server's one scheduler (issue 13's) carries the camera job next to notify."""
    from webapp.cli.serve import server_scheduler

    now = datetime.now(LONDON)
    update_camera(
        store,
        team,
        {
            "source": noisy_video(1),
            "frames": "4",
            "day": now.strftime("%A"),
            "time": now.strftime("%H:%M"),
        },
        paths_allowed=True,
    )
    app.config.update(SMTP_HOST="127.0.0.1")
    scheduler = server_scheduler(app, "07:00")
    (job,) = [j for j in scheduler.jobs if j.name == "camera"]
    (done,) = job.func()  # what the scheduler's thread runs each minute
    assert done["team"] == "Team" and done["preview"]["applied"] is False
    assert job.func() == []  # once per scheduled time


def test_a_capture_is_recorded_as_the_cameras_with_whoever_asked_for_it(
    client_for, store, team, users, wall, noisy_video
):
    """The scan, its events and its access-log entries name the camera as the source; the
    user is the manager who pressed "Capture now", nobody for the schedule."""
    update_camera(
        store,
        team,
        {"source": noisy_video(1), "frames": "4", "day": "Monday", "time": "11:30", "apply": "1"},
        paths_allowed=True,
    )
    (done,) = run_due_captures(store, datetime(2026, 11, 30, 11, 40, tzinfo=LONDON))
    assert done["preview"]["applied"] is True
    scheduled = store["scans"].get(done["preview"]["id"])
    assert (scheduled["user_id"], scheduled["source"], scheduled["applied_by"]) == (
        None, "camera", None
    )  # fmt: skip
    events = {(e["user_id"], e["source"]) for e in store["events"].rows_where("kind = 'zone_seen'")}
    assert events == {(None, "camera")}
    response = client_for("manager").form("/scans/capture", {})
    assert response.status_code == 302
    asked = store["scans"].get(int(response.location.rstrip("/").rsplit("/", 1)[1]))
    assert (asked["user_id"], asked["source"]) == (users["manager"]["id"], "camera")
    logged = {
        (a["action"], a["user_id"], a["source"], a["ip"])
        for a in store["audit"].rows_where("action like 'scan.%'")
    }
    assert logged == {
        ("scan.preview", None, "camera", None),
        ("scan.apply", None, "camera", None),
        ("scan.preview", users["manager"]["id"], "camera", None),
    }
