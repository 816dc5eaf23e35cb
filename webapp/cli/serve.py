"""`caseboard serve`: the web app on waitress, a production WSGI server."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
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
    scan_workers: int = 1,
) -> None:
    """Serve the store at ``db_path`` until interrupted.

    Behind a TLS-terminating proxy, pass its address as ``trusted_proxy``: its
    X-Forwarded-Proto/For headers are then believed, so cookies are marked Secure.
    With ``workers`` > 1, that many waitress processes share one listening socket, so
    pages are served on every core (Python runs one thread at a time per process).
    With ``notify_at`` (HH:MM), one scheduler, in this process (not in the workers), runs
    ``notify`` every day at that time. Uploaded photos are scanned by the scan queue's
    consumer, started here too: ``scan_workers`` processes (``CASEBOARD_SCAN_WORKERS``,
    default one), so scanning never takes the server's request threads.
    """
    from waitress import serve

    from webapp import create_app
    from webapp.store.connection import open_store

    open_store(db_path).close()  # a missing store is one clear line, not an empty new one
    app = create_app({"DB": db_path, "DB_KEEP_OPEN": True, "SCAN_QUEUE": True})
    options = {"threads": threads, "ident": "caseboard", "inbuf_overflow": inbuf_overflow()}
    if trusted_proxy:
        options.update(
            trusted_proxy=trusted_proxy,
            trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-for"},
            clear_untrusted_proxy_headers=True,
        )
    scheduler = server_scheduler(app, notify_at) if notify_at else None
    scans = ScanWorkers(app, scan_workers)
    if workers <= 1:
        if scheduler:
            scheduler.start()
        scans.start()
        signal.signal(signal.SIGTERM, _exit_cleanly)  # so the scan workers are stopped too
        try:
            serve(app, host=host, port=port, **options)
        finally:
            scans.stop()
        return
    listener = socket.create_server((host, port), backlog=1024)
    serve_forked(lambda: serve(app, sockets=[listener], **options), workers, scheduler, scans)


def inbuf_overflow() -> int:
    """Waitress spools a request body larger than this to a temporary file before the app
    sees it: an import's upload (children's names) stays in memory up to its limit."""
    from webapp.web.upload_request import MEMORY_ONLY

    return max(MEMORY_ONLY.values()) + 256 * 1024


def _exit_cleanly(_signum=None, _frame=None):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(0)


class ScanWorkers:
    """The scan queue's consumer beside the server, in processes of its own."""

    def __init__(self, app, workers: int):
        self.app, self.workers, self.consumer = app, workers, None

    def start(self) -> None:
        from webapp.web.scan_worker import start_workers

        self.consumer = start_workers(self.app, self.workers)
        click.echo(f"caseboard: {self.workers} scan worker{'s' * (self.workers != 1)}")

    def stop(self) -> None:
        if self.consumer is not None:
            self.consumer.stop()
            self.consumer = None


#: More worker deaths than this within ``CRASH_WINDOW_S`` is a crash loop: stop, exit 1.
MAX_RESTARTS = 5
CRASH_WINDOW_S = 60.0


def serve_forked(run, workers: int, scheduler=None, scans: ScanWorkers | None = None) -> None:
    """Run ``run`` in ``workers`` forked processes, and keep them running.

    A worker that dies (killed, out of memory, crashed) is started again, so one dead
    worker never takes the service down with it, and never leaves it half-served. When
    workers keep dying (more than ``MAX_RESTARTS`` in ``CRASH_WINDOW_S``), or when the
    ``scheduler`` runs here (forking beside its thread is unsafe), the others are stopped
    and the server exits with status 1, so a service manager's ``Restart=on-failure``
    starts it afresh. Stopped itself (SIGTERM, Ctrl+C), it stops them all and exits 0.
    The ``scheduler`` and the ``scans`` workers, if any, start here once the workers are
    forked (a fork copies only the forking thread, and jobs must run once, not once per
    worker).
    """
    children = {_fork_worker(run) for _ in range(workers)}
    if scheduler:
        scheduler.start()
    if scans:
        scans.start()
    stopping = False

    def stop(_signum=None, _frame=None):
        nonlocal stopping
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # stopping already: once is enough
        stopping = True
        if scans:
            scans.stop()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    deaths: list[float] = []
    status = 0
    try:
        while children:
            try:
                pid, how = os.wait()
            except ChildProcessError:
                break
            if pid not in children:
                continue  # a scan worker: the queue's consumer looks after its own
            children.discard(pid)
            if stopping:
                continue
            deaths = [t for t in deaths if time.monotonic() - t < CRASH_WINDOW_S]
            deaths.append(time.monotonic())
            click.echo(f"caseboard: worker {pid} {_how(how)}", err=True)
            if scheduler or len(deaths) > MAX_RESTARTS:
                click.echo("caseboard: stopping the server (exit status 1)", err=True)
                status = 1
                stop()
                continue
            children.add(_fork_worker(run))
            click.echo("caseboard: started a new worker in its place", err=True)
    except KeyboardInterrupt:
        stop()
        for pid in list(children):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    raise SystemExit(status)


def _fork_worker(run) -> int:
    pid = os.fork()
    if pid == 0:  # a worker: serve until killed, never return into the CLI
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            run()
        finally:
            os._exit(0)
    return pid


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by signal {os.WTERMSIG(status)}"
    return f"stopped with status {os.waitstatus_to_exitcode(status)}"


def server_scheduler(app, notify_at: str):
    """The server's scheduler with its jobs, not started yet: notify each morning, with
    the app's mail settings (``CASEBOARD_SMTP_*`` folded into its config). Add a job
    here for anything else the server should run on its own."""
    from webapp.notify.job import notify_job
    from webapp.notify.settings import mail_settings
    from webapp.scans.capture_job import camera_job
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
    """Serve the web app on waitress (Ctrl+C to stop); photos are scanned by
    $CASEBOARD_SCAN_WORKERS worker processes (one by default)."""
    from webapp.scans.queue import scan_workers
    from webapp.scheduler import parse_time

    scanners = scan_workers()  # a bad number is one clear line before anything starts

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
        scan_workers=scanners,
    )
