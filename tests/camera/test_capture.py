"""`caseboard capture`: frames from an OpenCV source, averaged (or aligned), scanned."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from scanner import scan_photos
from scanner.capture import CaptureError, combine, read_frames, sharpness
from webapp.accounts.teams import geometries
from webapp.scans.uploads import expected_hints
from webapp.values.actor import Actor


def placed(scan_json: dict) -> dict[str, tuple]:
    return {t["token"]: (t["stage"], t["zone"]) for t in scan_json["tiles"] if t["zone"]}


def test_capture_from_a_noisy_video_places_every_tile(
    runner, store, team, wall, places, noisy_video
):
    video = noisy_video(1, frames=8, sigma=18.0)
    out = runner.json("capture", "--camera", video, "--frames", "8")
    assert placed(out) == places(1)  # every tile of board 1, each in its own section
    assert {"tiles", "boards", "unknown"} <= out.keys()
    preview = out["preview"]
    assert {"id", "moves", "wrong_zone", "missing", "unknown", "applied"} <= preview.keys()
    assert preview["missing"] == [] and preview["moves"] == [] and preview["applied"] is False
    assert preview["capture"]["frames_read"] == 8 and preview["capture"]["frames_used"] == 8
    # the averaged frame reads at least as many tiles as the best single frame
    settings = {"geometries": geometries(store, team), "hints": expected_hints(store, team)}
    singles = [
        len(placed(scan_photos([(f"frame{i}", Image.fromarray(f))], **settings).to_json()))
        for i, f in enumerate(read_frames(video, 8))
    ]
    print("tiles placed: averaged", len(placed(out)), "single frames", singles)
    assert len(placed(out)) >= max(singles), singles
    assert store["scans"].count == 1  # one preview; no frame or video kept in the store
    assert store["scan_images"].count == 1


def test_frames_that_moved_are_aligned_and_blurred_ones_left_out(board_shot):
    clean = np.asarray(board_shot(1).image.convert("L")).astype(np.float32)[100:500, 100:600]
    rng = np.random.default_rng(5)

    def frame(dx=0.0, dy=0.0, blur=0.0):
        moved = cv2.warpAffine(
            clean,
            np.float32([[1, 0, dx], [0, 1, dy]]),
            clean.shape[::-1],
            borderMode=cv2.BORDER_REPLICATE,
        )
        if blur:
            moved = cv2.GaussianBlur(moved, (0, 0), blur)
        return np.clip(moved + rng.normal(0, 12, clean.shape), 0, 255).astype(np.uint8)

    shifts = [(0, 0, 0), (3, -2, 0), (-4, 1, 0), (0, 0, 3.0), (2.5, 2.5, 0)]
    frames = [frame(*s) for s in shifts]
    shot = combine(frames)
    assert shot.method == "aligned average" and shot.frames_used == 4
    assert shot.left_out == [{"frame": 3, "reason": "blurred"}]
    # the frames are lined up on the sharpest one: compare with the clean picture there
    best = int(np.argmax(shot.sharpness))
    dx, dy, _ = shifts[best]
    there = cv2.warpAffine(
        clean,
        np.float32([[1, 0, dx], [0, 1, dy]]),
        clean.shape[::-1],
        borderMode=cv2.BORDER_REPLICATE,
    )
    error_avg = np.abs(shot.image.astype(np.float32) - there)[10:-10, 10:-10].mean()
    error_one = np.abs(frames[best].astype(np.float32) - there)[10:-10, 10:-10].mean()
    assert error_avg < 0.7 * error_one  # less noise, and no ghosting from the moved frames
    assert sharpness(shot.image) > 0.5 * sharpness(frames[0])


def test_one_frame_or_a_camera_that_is_not_there(tmp_path, noisy_video, runner, wall):
    one = combine(read_frames(noisy_video(1), 1))
    assert one.method == "sharpest frame" and one.frames_used == 1
    with pytest.raises(CaptureError, match="cannot be opened"):
        read_frames(str(tmp_path / "nothing.avi"), 4)
    result = runner("capture", "--camera", str(tmp_path / "nothing.avi"))
    assert result.exit_code == 2 and "cannot be opened" in result.output
    assert "Traceback" not in result.output


def test_capture_from_a_stream_url(noisy_video, places, store, team, wall):
    """A network camera: the same video served over HTTP, read through FFmpeg."""
    import functools
    import http.server
    import threading
    from pathlib import Path

    from webapp.scans.capturing import capture_scan

    video = Path(noisy_video(1))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=video.parent)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{video.name}"
        scan_json, preview = capture_scan(
            store, team, url, frames=4, trigger="cli", actor=Actor.camera()
        )
    finally:
        server.shutdown()
        server.server_close()
    assert preview["capture"]["frames_read"] == 4  # after the live stream's warm-up frames
    assert placed(scan_json) == places(1)
