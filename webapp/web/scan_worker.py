"""The web app's side of the scan queue (:mod:`webapp.scans.queue`).

With ``SCAN_QUEUE`` set (``caseboard serve`` sets it), uploads are scanned by the queue's
workers, which the server starts (:func:`start_workers`); without it (tests, ``flask
run``), in the request, as before.
"""

from __future__ import annotations

from flask import Flask, current_app

from webapp.scans.queue import ScanQueue

EXTENSION = "caseboard_scan_queue"


def init_app(app: Flask) -> None:
    if app.config.get("SCAN_QUEUE"):
        app.extensions[EXTENSION] = ScanQueue(app.instance_path, app.config["DB"])


def queue(app: Flask | None = None) -> ScanQueue | None:
    return (app or current_app).extensions.get(EXTENSION)


def scanner():
    """What the scan views pass as ``scanner``: the queue's, else None (scan here)."""
    found = queue()
    return found.scan if found else None


def start_workers(app: Flask, workers: int, worker_type: str = "process"):
    """Start the queue's consumer beside the server; returns it (``stop()`` ends it)."""
    consumer = queue(app).consumer(workers, worker_type)
    consumer.start()
    return consumer
