"""Helpers the web tests import: a form-posting client and page-text checks."""

from __future__ import annotations

import re

PASSWORD = "correct horse"


def csrf_token(client) -> str:
    """The CSRF token every page carries in its <meta name="csrf-token">."""
    page = client.get("/login", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


class Client:
    """A test client that logs in through the real form and posts forms with their token."""

    def __init__(self, flask_client):
        self.c = flask_client

    def __getattr__(self, name):
        return getattr(self.c, name)

    def login(self, username: str, password: str = PASSWORD, next: str = "", **kw):
        token = csrf_token(self.c)
        data = {"username": username, "password": password, "csrf_token": token, "next": next}
        return self.c.post("/login", data=data, **kw)

    def form(self, url: str, data: dict | None = None, **kw):
        return self.c.post(url, data={**(data or {}), "csrf_token": csrf_token(self.c)}, **kw)


def text(response) -> str:
    return response.get_data(as_text=True)


def flatten(html: str) -> str:
    """Page text with tags removed and spaces collapsed, for phrase checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
