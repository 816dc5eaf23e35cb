"""`caseboard demo`: build the demo store, its printables and a scanned wall, then serve."""

import os

import click

from webapp.cli.common import db_option
from webapp.demo.build import DEMO_PASSWORD, DEMO_USERS, build_demo, demo_steps


@click.command("demo")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Build everything, then stop.")
def demo(db_path, host, port, no_serve):
    """Build a demo store with a sample team, print its kit, photograph, scan and sync its
    wall, then serve the app and print how to log in."""
    base_url = os.environ.get("CASEBOARD_BASE_URL") or f"http://{host}:{port}"
    built = build_demo(db_path, base_url, say=click.echo, steps=demo_steps())
    click.echo(f"\ndemo files in {built.folder}:")
    for path in built.files:
        click.echo(f"  {path.relative_to(built.folder)}")
    logins = ", ".join(f"{name}" for name, _ in DEMO_USERS)
    click.echo(f"\nlog in as {logins} with the password {DEMO_PASSWORD!r}")
    if no_serve:
        click.echo(f"serve it with: caseboard serve --db {built.db_path} --port {port}")
        return
    from webapp.cli.serve import serve_app

    click.echo(f"serving on {base_url}/  (Ctrl+C to stop)")
    serve_app(str(built.db_path), host, port)
