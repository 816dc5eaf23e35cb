"""`caseboard serve`: the web app on waitress, a production WSGI server."""

from __future__ import annotations

import os

import click

from webapp.cli.common import db_option

DEFAULT_THREADS = 8
DEFAULT_NOTIFY_AT = "07:00"


def serve_app(
    db_path: str,
    host: str = "127.0.0.1",
    port: int = 5000,
    *,
    threads: int = DEFAULT_THREADS,
    trusted_proxy: str | None = None,
    notify_at: str | None = None,
) -> None:
    """Serve the store at ``db_path`` until interrupted.

    Behind a TLS-terminating proxy, pass its address as ``trusted_proxy``: its
    X-Forwarded-Proto/For headers are then believed, so cookies are marked Secure.
    With ``notify_at`` (HH:MM), the scheduler runs ``notify`` every day at that time.
    """
    from waitress import serve

    from webapp import create_app
    from webapp.store.connection import open_store

    open_store(db_path).close()  # a missing store is one clear line, not an empty new one
    app = create_app({"DB": db_path, "DB_KEEP_OPEN": True})
    options = {"host": host, "port": port, "threads": threads, "ident": "caseboard"}
    if trusted_proxy:
        options.update(
            trusted_proxy=trusted_proxy,
            trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-for"},
            clear_untrusted_proxy_headers=True,
        )
    if notify_at:
        start_scheduler(app, notify_at)
    serve(app, **options)


def start_scheduler(app, notify_at: str):
    """The server's scheduler with its jobs: notify each morning, with the app's mail
    settings (``CASEBOARD_SMTP_*`` folded into its config)."""
    from webapp.notify.job import notify_job
    from webapp.notify.settings import mail_settings
    from webapp.scheduler import Scheduler

    settings = mail_settings(app.config)
    settings.check()
    scheduler = Scheduler()
    scheduler.daily("notify", notify_at, notify_job(app.config["DB"], settings))
    scheduler.start()
    click.echo(f"caseboard: notify runs every day at {notify_at} ({scheduler.zone.key})")
    return scheduler


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--trusted-proxy",
    metavar="IP",
    help="Address of a reverse proxy (e.g. doing HTTPS) whose X-Forwarded-* headers to trust.",
)
@click.option(
    "--with-scheduler",
    is_flag=True,
    help="Also run `caseboard notify` inside the server every morning.",
)
@click.option(
    "--notify-at",
    default=lambda: os.environ.get("CASEBOARD_NOTIFY_AT") or DEFAULT_NOTIFY_AT,
    show_default=f"$CASEBOARD_NOTIFY_AT or {DEFAULT_NOTIFY_AT}",
    help="With --with-scheduler: the local time (HH:MM) notify runs each day.",
)
def serve(db_path, host, port, threads, trusted_proxy, with_scheduler, notify_at):
    """Serve the web app on waitress (Ctrl+C to stop)."""
    from webapp.scheduler import parse_time

    if with_scheduler:
        parse_time(notify_at)  # a bad time is one clear line before anything starts
    click.echo(f"caseboard: serving {db_path} on http://{host}:{port}/ (Ctrl+C to stop)")
    serve_app(
        db_path,
        host,
        port,
        threads=threads,
        trusted_proxy=trusted_proxy,
        notify_at=notify_at if with_scheduler else None,
    )
