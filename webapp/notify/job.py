"""``notify`` as a scheduled job: what ``caseboard serve --with-scheduler`` runs each
morning (the same as ``caseboard notify`` for today)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from tilegen import domain
from webapp.notify.send import run
from webapp.notify.settings import MailSettings
from webapp.store.connection import open_store

log = logging.getLogger("caseboard.notify")


def notify_job(db_path: str, settings: MailSettings) -> Callable[[], list[dict]]:
    def job() -> list[dict]:
        db = open_store(db_path)
        try:
            done = run(db, domain.today(), settings)
        finally:
            db.close()
        for item in done:
            log.info("%s %s %s", item["status"], item["to"], item["subject"])
        return done

    return job
