"""`caseboard serve`: the web app on waitress, a production WSGI server."""

from __future__ import annotations

import click

from webapp.cli.common import db_option

DEFAULT_THREADS = 8


def serve_app(
    db_path: str,
    host: str = "127.0.0.1",
    port: int = 5000,
    *,
    threads: int = DEFAULT_THREADS,
    trusted_proxy: str | None = None,
) -> None:
    """Serve the store at ``db_path`` until interrupted.

    Behind a TLS-terminating proxy, pass its address as ``trusted_proxy``: its
    X-Forwarded-Proto/For headers are then believed, so cookies are marked Secure.
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
    serve(app, **options)


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
def serve(db_path, host, port, threads, trusted_proxy):
    """Serve the web app on waitress (Ctrl+C to stop)."""
    click.echo(f"caseboard: serving {db_path} on http://{host}:{port}/ (Ctrl+C to stop)")
    serve_app(db_path, host, port, threads=threads, trusted_proxy=trusted_proxy)
