"""A real OpenID Connect provider for the sign-in tests: tests/notify/oidc_provider/
provider.js (panva's oidc-provider, installed by ``npm ci --prefix
tests/notify/oidc_provider``) run with Node on a free local port, and a browser-like walk
through its login and consent pages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.helpers.mail_server import free_port

HERE = Path(__file__).parent.parent / "notify" / "oidc_provider"
CLIENT_ID, CLIENT_SECRET = "caseboard-test", "client-s3cret-for-tests"
REDIRECT_URI = "http://localhost/login/oidc/callback"  # the Flask test client's host
ACCOUNTS = {
    "ann": {"email": "Ann.Lee@council.example", "name": "Ann Lee", "groups": ["g-managers"]},
    "stranger": {"email": "stranger@council.example", "name": "Not In Store"},
    # an issuer that lets anyone type an address makes no promise about it
    "unverified": {"email": "ann.lee@council.example", "name": "Ann?", "email_verified": None},
    "denied": {"email": "ann.lee@council.example", "name": "Ann?", "email_verified": False},
}


class Provider:
    def __init__(self):
        if not (HERE / "node_modules" / "oidc-provider").is_dir():
            install = "npm ci --prefix tests/notify/oidc_provider"
            raise RuntimeError(f"the test OpenID provider is not installed: {install}")
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PORT": str(self.port),
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URI": REDIRECT_URI,
            "ACCOUNTS": json.dumps(ACCOUNTS),
        }
        self.process = subprocess.Popen(
            [shutil.which("node") or "node", "provider.js"],
            cwd=HERE,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("ready "):
            self.stop()
            raise RuntimeError(f"the test OpenID provider did not start: {line!r}")

    def config(self) -> dict:
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _form_action(page: requests.Response) -> str:
    return urljoin(page.url, re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1))


def sign_in_at_provider(authorize_url: str, account: str) -> str:
    """Walk the provider's pages as a browser would (log in as ``account``, consent) and
    return the URL it finally sends the browser back to (our callback)."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    assert 'name="login"' in page.text, page.text[:500]
    answer = browser.post(
        _form_action(page),
        data={"prompt": "login", "login": account, "password": "any"},
        allow_redirects=False,
        timeout=10,
    )
    for _ in range(10):
        location = urljoin(answer.url, answer.headers.get("Location", ""))
        if answer.is_redirect and location.startswith(REDIRECT_URI):
            return location
        if answer.is_redirect:
            answer = browser.get(location, allow_redirects=False, timeout=10)
        elif 'value="consent"' in answer.text:
            answer = browser.post(
                _form_action(answer), data={"prompt": "consent"}, allow_redirects=False,
                timeout=10,
            )  # fmt: skip
        else:
            raise AssertionError(f"unexpected provider page: {answer.text[:500]}")
    raise AssertionError("the provider never sent the browser back")
