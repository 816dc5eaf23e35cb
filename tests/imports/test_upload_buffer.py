"""`caseboard serve` keeps an import's upload in memory: while a 3 MB export with
children's names is arriving, nothing of it is in the server's temporary folder, nor in
any file the server holds open there.

Contract §13: "A name in any column never reaches the store or the disk, including the
web server's upload buffer." (waitress spools a body over 512 KB to a temporary file
unless told otherwise.)
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.helpers.import_sheets import names_found, store_files
from tests.helpers.web import PASSWORD, free_port

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["Wilhelmina", "Thaddeus", "Quintavalle"]


def files_open_in(pid: int, folder: Path) -> list[str]:
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


def export_body(rows: int = 8_000) -> bytes:
    lines = ["Case Ref,Child first name,Surname,Stage,Next Review Date,Notes"]
    note = "seen at home; " * 18
    lines += [
        f"R{i},{NAMES[i % 2]},{NAMES[2]}{i},{1 + i % 6},04/12/2027,{note}" for i in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.slow
def test_a_large_upload_is_never_spooled_to_the_temporary_folder(users, store, db_path, tmp_path):
    store.close()
    temp = tmp_path / "temp"
    temp.mkdir()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp)}
    server = subprocess.Popen(
        [sys.executable, "-m", "webapp.cli", "serve", "--db", db_path, "--port", str(port),
         "--workers", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                requests.get(f"{base}/login", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        http = requests.Session()
        token = re.search(r'name="csrf-token" content="([^"]+)"', http.get(f"{base}/login").text)[1]
        login = {"username": "admin", "password": PASSWORD, "csrf_token": token}
        assert http.post(f"{base}/login", data=login).status_code == 200
        token = re.search(r'name="csrf-token" content="([^"]+)"', http.get(f"{base}/admin/").text)[
            1
        ]
        body, boundary = export_body(), "caseboardboundary"
        assert len(body) > 2_000_000
        part = f"--{boundary}\r\nContent-Disposition: form-data; "
        multipart = (
            (
                f'{part}name="csrf_token"\r\n\r\n{token}\r\n'
                f'{part}name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + body
            + f"\r\n--{boundary}--\r\n".encode()
        )
        cookies = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
        head = (
            f"POST /admin/import/preview HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Cookie: {cookies}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(multipart)}\r\nConnection: close\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(head + multipart[:-100_000])  # most of it: the server is buffering
            time.sleep(1.0)
            assert files_open_in(server.pid, temp) == []
            assert list(temp.iterdir()) == []
            conn.sendall(multipart[-100_000:])
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
        assert b"8000 new" in answer
        assert list(temp.iterdir()) == []
        assert names_found([*store_files(db_path)], NAMES) == []
    finally:
        server.terminate()
        server.wait(timeout=10)
