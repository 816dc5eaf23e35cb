"""`caseboard serve` keeps one store connection per server thread (DB_KEEP_OPEN):
writes made through one request are read by the next, whichever thread serves it."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests

from tests.helpers.web import PASSWORD, running_server
from webapp import create_app


def test_kept_connections_see_each_others_writes(db_path, users, fam, today):
    app = create_app({"DB": db_path, "DB_KEEP_OPEN": True})
    with running_server(app, threads=4) as base:
        session = requests.Session()
        token = re.search(r'name="csrf-token" content="([^"]+)"', session.get(f"{base}/login").text)
        login = {"username": "manager", "password": PASSWORD, "csrf_token": token[1]}
        assert session.post(f"{base}/login", data=login).status_code == 200
        tile = f"{base}/t/{fam['MOl']['token']}"
        page = session.get(tile).text
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)[1]
        for days in (5, 40, 12):
            review = (today + timedelta(days=days)).isoformat()
            changed = session.post(f"{tile}/review", data={"review": review, "csrf_token": csrf})
            assert changed.status_code == 200
            with ThreadPoolExecutor(4) as pool:
                pages = list(pool.map(lambda _: session.get(tile).text, range(8)))
            assert all(f'data-date="{review}"' in p for p in pages)
        session.close()
