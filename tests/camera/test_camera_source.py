"""A camera source set on a page is a device or a camera's stream, never a file the
server can read nor the server itself (docs/contract.md §17)."""

from __future__ import annotations

import pytest

from tests.helpers.web import text
from webapp.accounts.teams import get_team
from webapp.errors import BadInput
from webapp.scans.camera import camera_settings, check_page_source, update_camera

REFUSED = [
    "/srv/other-team/inbox/done/board-1.jpg",  # another team's watched-folder photo
    "../../instance/secret_key",
    "file:///etc/passwd",
    "FILE:/srv/caseboard/caseboard.db",
    "/srv/inbox/board-%03d.jpg",  # an image sequence
    "img%d.png",
    "http://camera.example/board-%02d.jpg",
    "http://127.0.0.1:5000/admin/",  # the server fetching its own pages
    "http://localhost/",
    "https://[::1]:8443/stream",
    "rtsp://0.0.0.0/live",
    "http://169.254.169.254/latest/meta-data/",
    "concat:/etc/passwd|/etc/hosts",
    "ftp://camera.example/x.jpg",
    "rtsp://",
    "C:\\camera\\board.jpg",
]


@pytest.mark.parametrize("source", REFUSED)
def test_the_admin_page_refuses_local_files_urls_and_this_machine(client_for, store, team, source):
    admin = client_for("admin")
    response = admin.form("/admin/camera", {"source": source, "frames": "4"})
    assert response.status_code == 302  # back to the form, with its message
    page = text(admin.get(response.location))
    assert "There is a problem" in page and "camera source must be" in page
    assert camera_settings(get_team(store, "Team"))["source"] == ""


@pytest.mark.parametrize(
    "source",
    ["0", "2", "rtsp://10.1.2.3:554/stream1", "rtsps://cam.council.example/live",
     "http://192.168.1.20/video.mjpg", "https://cam.council.example/stream"],
)  # fmt: skip
def test_devices_and_camera_streams_are_accepted(store, team, source):
    assert check_page_source(source) == source
    update_camera(store, team, {"source": source})
    assert camera_settings(get_team(store, "Team"))["source"] == source


def test_a_path_is_for_the_command_line_only(runner, store, team, noisy_video):
    with pytest.raises(BadInput, match="command line"):
        update_camera(store, team, {"source": noisy_video(1)})
    result = runner("camera", "set", "--source", noisy_video(1))
    assert result.exit_code == 0, result.output
    assert camera_settings(get_team(store, "Team"))["source"] == noisy_video(1)


def test_a_file_stored_by_an_older_version_is_not_read_by_capture_now(
    client_for, store, team, noisy_video
):
    """A path saved on the page before this check (no "set on the command line" mark) is
    refused when the camera is read, by "Capture now" and the schedule alike."""
    from webapp.accounts.teams import update_team_settings

    update_team_settings(store, team, camera={"source": noisy_video(1), "frames": 4})
    response = client_for("manager").form("/scans/capture", {})
    assert response.status_code == 302
    page = text(client_for("manager").get(response.location))
    assert "Nothing was captured" in page and "command line" in page
    assert store["scans"].count == 0
