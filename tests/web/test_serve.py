"""The app on a real WSGI server: bad uploads are refused (back to the upload form, with
the reason) and it goes on serving; `caseboard serve` on a missing store is one clear line."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.helpers.web import PASSWORD


def test_real_server_survives_bad_uploads(live_server, fam, api_tokens):
    session = requests.Session()
    page = session.get(f"{live_server}/login").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    login = {"username": "manager", "password": PASSWORD, "csrf_token": token}
    assert session.post(f"{live_server}/login", data=login).url.endswith("/")
    token = re.search(r'name="csrf-token" content="([^"]+)"', session.get(live_server).text)[1]
    bomb = io.BytesIO()
    Image.new("1", (10000, 6000)).save(bomb, "PNG")
    for name, body in [("a.txt", b"hello"), ("b.jpg", b""), ("c.png", bomb.getvalue()),
                       ("d.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 500)]:  # fmt: skip
        response = session.post(
            f"{live_server}/scans", data={"csrf_token": token}, files={"photo": (name, body)}
        )
        assert [r.status_code for r in response.history] == [302], name  # back to the form
        assert response.url == f"{live_server}/scans/new", name
        assert "Nothing was scanned" in response.text, name
    assert session.get(f"{live_server}/").status_code == 200
    api = requests.get(
        f"{live_server}/api/tiles/{fam['TWr']['token']}",
        headers={"Authorization": f"Bearer {api_tokens['practitioner']}"},
    )
    assert api.status_code == 200 and api.json()["initials"] == "TWr"


def test_serve_refuses_a_missing_store(runner, tmp_path):
    result = runner.on(tmp_path / "none.db")("serve")
    assert result.exit_code == 2
    assert "no store at" in result.output and "caseboard init" in result.output
    assert not (tmp_path / "none.db").exists()


def test_serve_is_registered_with_its_options(runner):
    result = runner("serve", "--help")
    assert result.exit_code == 0
    for option in ("--host", "--port", "--db", "--threads", "--workers", "--trusted-proxy"):
        assert option in result.output


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def test_serve_with_two_workers_answers_from_both_and_stops_them(store, db_path):
    """Two waitress processes share the port; stopping `caseboard serve` stops both, and
    the scan worker beside them."""
    store.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "webapp.cli", "serve", "--db", str(db_path)]
    proc = subprocess.Popen([*cmd, "--port", str(port), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.time() + 20
        while time.time() < deadline and len(_children(proc.pid)) < 4:
            time.sleep(0.1)
        workers = _children(proc.pid)
        assert len(workers) == 4  # two server processes, the scan worker and its scheduler
        with requests.Session() as http:
            for _ in range(20):
                assert http.get(f"http://127.0.0.1:{port}/login", timeout=10).status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # the port is free again


def _serve(db_path, *extra, env=None):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "webapp.cli", "serve", "--db", str(db_path), "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--workers", "2", *extra], env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.time() + 20
    while time.time() < deadline and len(_children(proc.pid)) < 4:
        time.sleep(0.1)
    return proc, port


def _server_workers(proc) -> set[int]:
    """The server's two waitress workers among its children: forked before the scan
    queue's worker and scheduler, so the lowest process ids at the start; afterwards the
    children that are not those two scan processes."""
    if not hasattr(proc, "scan_processes"):
        proc.scan_processes = set(sorted(_children(proc.pid))[2:])
    return _children(proc.pid) - proc.scan_processes


def _answers(port) -> bool:
    with requests.Session() as http:
        return all(
            http.get(f"http://127.0.0.1:{port}/login", timeout=10).status_code == 200
            for _ in range(20)
        )


@pytest.mark.slow
def test_a_killed_worker_is_started_again(store, db_path):
    """The attack: killing one of two workers stopped both, with exit status 0, so
    systemd's Restart=on-failure never restarted the service."""
    store.close()
    proc, port = _serve(db_path)
    try:
        first = _server_workers(proc)
        assert len(first) == 2 and _answers(port)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        deadline = time.time() + 20
        while time.time() < deadline and (
            len(_server_workers(proc)) < 2 or victim in _server_workers(proc)
        ):
            time.sleep(0.1)
        now = _server_workers(proc)
        assert len(now) == 2 and victim not in now and proc.poll() is None
        assert _answers(port)
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    assert b"killed by signal 9" in proc.stderr.read()


@pytest.mark.slow
def test_a_dead_worker_beside_the_scheduler_exits_non_zero(store, db_path):
    store.close()
    proc, _port = _serve(db_path, "--with-scheduler", env={"CASEBOARD_SMTP_HOST": "127.0.0.1"})
    try:
        os.kill(min(_server_workers(proc)), signal.SIGKILL)
        assert proc.wait(timeout=20) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
    assert b"exit status 1" in proc.stderr.read()
