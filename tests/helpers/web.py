"""Helpers the web tests import: a test client that posts forms with their CSRF token,
the flaskr-style log-in actions, a real server in a thread, and page-text checks."""

from __future__ import annotations

import io
import os
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient

#: Every test user's password.
PASSWORD = "correct horse"


def text(response) -> str:
    return response.get_data(as_text=True)


def flatten(html: str) -> str:
    """Page text with tags removed and spaces collapsed, for phrase checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def csrf_token(client) -> str:
    """The CSRF token every page carries in its <meta name="csrf-token">."""
    page = client.get("/login", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


class Client(FlaskClient):
    """The test client of the ``app`` and ``csrf_app`` fixtures: ``form()`` posts a form as
    a browser does, with the page's CSRF token (ignored when CSRF is off)."""

    def open(self, *args, **kwargs):
        """As :meth:`FlaskClient.open`, then close every request body once the app has
        answered: werkzeug spools a large upload (over 500 kB) to a temporary file and,
        unless redirects are followed, never closes it (a ResourceWarning later)."""
        response = super().open(*args, **kwargs)
        for answered in (*response.history, response):
            answered.request.input_stream.close()
        return response

    def form(self, url: str, data: dict | None = None, **kw):
        return self.post(url, data={**(data or {}), "csrf_token": csrf_token(self)}, **kw)


class AuthActions:
    """Log a test client in and out through the real /login form (the flaskr ``auth``)."""

    def __init__(self, client):
        self._client = client

    def login(self, username: str = "manager", password: str = PASSWORD, next: str = "", **kw):
        data = {
            "username": username,
            "password": password,
            "csrf_token": csrf_token(self._client),
            "next": next,
        }
        return self._client.post("/login", data=data, **kw)

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": csrf_token(self._client)})


@contextmanager
def running_server(app, threads: int = 4) -> Iterator[str]:
    """``app`` on waitress (as `caseboard serve` runs it) in a thread, on a free local port;
    yields the base URL. The server is stopped from inside its own loop (closing the
    sockets under a running ``select`` fails with "Bad file descriptor")."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, name="waitress-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:

        def stop() -> None:  # runs in the server thread: its loop ends once nothing is open
            for channel in list(server.active_channels.values()):
                channel.handle_close()
            server.close()

        server.trigger.pull_trigger(stop)
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()
        assert not thread.is_alive(), "the test server did not stop"


# -- Debian's Chromium --------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
#: Without the background-networking flags Chromium keeps dialling out on a closed network.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium_env() -> dict[str, str]:
    """The browser's environment: the tests' own, less a faked clock (libfaketime's
    ``LD_PRELOAD``), which stalls Chromium's page loads. The suite may run under a moved
    clock to check the app's dates; the browser, like a user's phone, keeps real time."""
    return {
        k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")
    }


needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"Debian chromium not at {CHROMIUM}"
)


def bearer(api_tokens, role: str = "manager") -> dict[str, str]:
    """The API's ``Authorization`` header for the ``api_tokens`` fixture's token of ``role``."""
    return {"Authorization": f"Bearer {api_tokens[role]}"}


def free_port() -> int:
    """A local TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def upload_photos(client, *files, **kw):
    """Post ``(name, bytes)`` photos to the scan page, as its "Choose photos" field does."""
    data = {"photo": [(io.BytesIO(body), name) for name, body in files]}
    data["csrf_token"] = csrf_token(client)
    return client.post("/scans", data=data, content_type="multipart/form-data", **kw)
