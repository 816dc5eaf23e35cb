"""`caseboard serve`: the web app on waitress, a production WSGI server."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from datetime import timedelta

import click

from webapp.cli.common import db_option

DEFAULT_THREADS = 8
DEFAULT_WORKERS = min(os.cpu_count() or 1, 4)
DEFAULT_NOTIFY_AT = "07:00"
#: How often the scheduler looks for a team whose wall camera is due to capture.
CAMERA_CHECK_EVERY = timedelta(minutes=1)


def serve_app(
    db_path: str,
    host: str = "127.0.0.1",
    port: int = 5000,
    *,
    threads: int = DEFAULT_THREADS,
    workers: int = 1,
    trusted_proxy: str | None = None,
    notify_at: str | None = None,
) -> None:
    """Serve the store at ``db_path`` until interrupted.

    Behind a TLS-terminating proxy, pass its address as ``trusted_proxy``: its
    X-Forwarded-Proto/For headers are then believed, so cookies are marked Secure.
    With ``workers`` > 1, that many waitress processes share one listening socket, so
    pages are served on every core (Python runs one thread at a time per process).
    With ``notify_at`` (HH:MM), one scheduler, in this process (not in the workers), runs
    ``notify`` every day at that time.
    """
    from waitress import serve

    from webapp import create_app
    from webapp.store.connection import open_store

    open_store(db_path).close()  # a missing store is one clear line, not an empty new one
    app = create_app({"DB": db_path, "DB_KEEP_OPEN": True})
    options = {"threads": threads, "ident": "caseboard", "inbuf_overflow": inbuf_overflow()}
    if trusted_proxy:
        options.update(
            trusted_proxy=trusted_proxy,
            trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-for"},
            clear_untrusted_proxy_headers=True,
        )
    scheduler = server_scheduler(app, notify_at) if notify_at else None
    if workers <= 1:
        if scheduler:
            scheduler.start()
        serve(app, host=host, port=port, **options)
        return
    listener = socket.create_server((host, port), backlog=1024)
    serve_forked(lambda: serve(app, sockets=[listener], **options), workers, scheduler)


def inbuf_overflow() -> int:
    """Waitress spools a request body larger than this to a temporary file before the app
    sees it: an import's upload (children's names) stays in memory up to its limit."""
    from webapp.web.requests import MEMORY_ONLY

    return max(MEMORY_ONLY.values()) + 256 * 1024


def serve_forked(run, workers: int, scheduler=None) -> None:
    """Run ``run`` in ``workers`` forked processes; stop them all when this one is stopped.
    The ``scheduler``, if any, starts here once the workers are forked (a fork copies
    only the forking thread, and jobs must run once, not once per worker)."""
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: serve until killed, never return into the CLI
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                run()
            finally:
                os._exit(0)
        children.append(pid)
    if scheduler:
        scheduler.start()

    def stop(_signum=None, _frame=None):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt):
        os.wait()  # one worker gone (killed or crashed): stop the rest
    stop()


def server_scheduler(app, notify_at: str):
    """The server's scheduler with its jobs, not started yet: notify each morning, with
    the app's mail settings (``CASEBOARD_SMTP_*`` folded into its config). Add a job
    here for anything else the server should run on its own."""
    from webapp.cases.sync.capturing import camera_job
    from webapp.notify.job import notify_job
    from webapp.notify.settings import mail_settings
    from webapp.scheduler import Scheduler

    settings = mail_settings(app.config)
    settings.check()
    scheduler = Scheduler()
    scheduler.daily("notify", notify_at, notify_job(app.config["DB"], settings))
    click.echo(f"caseboard: notify runs every day at {notify_at} ({scheduler.zone.key})")
    scheduler.every("camera", CAMERA_CHECK_EVERY, camera_job(app.config["DB"]))
    click.echo("caseboard: teams' wall cameras capture at their scheduled times")
    return scheduler


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--workers",
    default=DEFAULT_WORKERS,
    show_default="the number of cores, at most 4",
    type=click.IntRange(1, 32),
    help="Server processes sharing the port.",
)
@click.option(
    "--trusted-proxy",
    metavar="IP",
    help="Address of a reverse proxy (e.g. doing HTTPS) whose X-Forwarded-* headers to trust.",
)
@click.option(
    "--with-scheduler",
    is_flag=True,
    help="Also run `caseboard notify` inside the server every morning, and the teams' "
    "scheduled wall-camera captures.",
)
@click.option(
    "--notify-at",
    default=lambda: os.environ.get("CASEBOARD_NOTIFY_AT") or DEFAULT_NOTIFY_AT,
    show_default=f"$CASEBOARD_NOTIFY_AT or {DEFAULT_NOTIFY_AT}",
    help="With --with-scheduler: the local time (HH:MM) notify runs each day.",
)
def serve(db_path, host, port, threads, workers, trusted_proxy, with_scheduler, notify_at):
    """Serve the web app on waitress (Ctrl+C to stop)."""
    from webapp.scheduler import parse_time

    if with_scheduler:
        parse_time(notify_at)  # a bad time is one clear line before anything starts
    click.echo(
        f"caseboard: serving {db_path} on http://{host}:{port}/ with {workers} "
        f"process{'es' * (workers != 1)} (Ctrl+C to stop)"
    )
    serve_app(
        db_path,
        host,
        port,
        threads=threads,
        workers=workers,
        trusted_proxy=trusted_proxy,
        notify_at=notify_at if with_scheduler else None,
    )
