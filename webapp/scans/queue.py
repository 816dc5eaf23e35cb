"""Scanning photos in a worker of its own, through huey's job queue (CONTRACT §15).

Reading a board photo costs a core for about a second. In the web server's request
threads, a few uploads at once took most of the machine from every other page, so
``caseboard serve`` hands the photos to a queue instead: a huey ``SqliteHuey`` whose
storage is a file in the instance folder (``scans.huey.db``), worked by a consumer the
server starts beside waitress, one scan at a time by default
(``CASEBOARD_SCAN_WORKERS`` for more, each in a process of its own so it never holds
the server's interpreter lock). The request that sent the photos waits for its task's
result and then keeps the preview as before, so ``POST /api/scans`` still answers 201
with the preview.

When one machine is no longer enough, the same tasks move to other machines by
swapping ``SqliteHuey`` for huey's ``RedisHuey`` (README: "When one machine is not
enough"). The command line (``caseboard scan``) and an app without a queue scan in
their own process, as before.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from huey import SqliteHuey
from huey.consumer import Consumer
from huey.exceptions import HueyException, ResultTimeout, TaskException

from webapp.errors import BadInput, StoreBusy

log = logging.getLogger(__name__)

QUEUE_FILE = "scans.huey.db"
WORKERS_ENV = "CASEBOARD_SCAN_WORKERS"
DEFAULT_WORKERS = 1
#: How long a request waits for its scan (queue and scanning) before it answers 503.
WAIT_S = 300
#: How often an idle worker looks for a new task, at most (huey's default is 10 s).
POLL_MAX_S = 0.25


def scan_workers(environ=os.environ) -> int:
    """``CASEBOARD_SCAN_WORKERS`` (a whole number from 1 to 16), else one."""
    raw = environ.get(WORKERS_ENV, "").strip()
    if not raw:
        return DEFAULT_WORKERS
    if not raw.isdigit() or not 1 <= int(raw) <= 16:
        raise BadInput(f"{WORKERS_ENV} must be a whole number from 1 to 16, not {raw!r}")
    return int(raw)


def _scan_job(db_path: str, team_id: int, photos: list, max_megapixels: float) -> dict:
    """The task a worker runs: the team's boards and hints read from the store, the photos
    scanned. A refused upload comes back as ``{"refused": reason}``, not an exception."""
    from webapp.accounts.teams import team_by_id
    from webapp.scans.uploads import scan_uploads
    from webapp.store.connection import connect

    db = connect(db_path)
    try:
        team = team_by_id(db, team_id)
        scan_json, images = scan_uploads(db, team, photos, max_megapixels=max_megapixels)
    except BadInput as exc:
        return {"refused": str(exc)}
    finally:
        db.close()
    return {"scan": scan_json, "images": images}


class ScanQueue:
    """The scans' huey queue for one store, with its storage in ``folder``."""

    def __init__(self, folder: str | Path, db_path: str):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = str(folder / QUEUE_FILE)
        self.db_path = db_path
        self.huey = SqliteHuey("caseboard-scans", filename=self.path, results=True, utc=True)
        self.task = self.huey.task(name="scan_photos")(_scan_job)

    def scan(
        self, db, team: dict, photos: Sequence[tuple[str, bytes]], *, max_megapixels: float
    ) -> tuple[dict, list[tuple[str, bytes]]]:
        """A scanner for :func:`.intake.take_in`: enqueue the photos and wait for
        the worker's result (a 503 after :data:`WAIT_S`, the task revoked)."""
        if not photos:
            raise BadInput("choose at least one photo of a board")
        result = self.task(self.db_path, team["id"], list(photos), max_megapixels)
        try:
            done = result.get(blocking=True, timeout=WAIT_S, max_delay=POLL_MAX_S,
                              revoke_on_timeout=True)  # fmt: skip
        except ResultTimeout:
            raise StoreBusy("the scanner is busy: nothing was scanned, try again soon") from None
        except TaskException as exc:
            log.error("the scan task failed: %s", exc.metadata.get("traceback", exc))
            raise HueyException("the scan could not be finished") from None
        if "refused" in done:
            raise BadInput(done["refused"])
        return done["scan"], [tuple(image) for image in done["images"]]

    def waiting(self) -> int:
        """Scans queued and not yet started by a worker."""
        return self.huey.pending_count()

    def consumer(self, workers: int = DEFAULT_WORKERS, worker_type: str = "process"):
        """The queue's consumer, not started (:func:`start`)."""
        return _QuietConsumer(self.huey, workers=workers, worker_type=worker_type,
                              periodic=False, initial_delay=0.05, backoff=1.5,
                              max_delay=POLL_MAX_S, check_worker_health=True)  # fmt: skip


class _QuietConsumer(Consumer):
    """A consumer beside a web server: it leaves the process's signals to the server
    (huey's own would swallow Ctrl+C and SIGTERM), and stops with it."""

    def _set_signal_handlers(self):
        return None
