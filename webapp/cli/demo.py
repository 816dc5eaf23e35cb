"""`caseboard demo`: build the demo store, its printables and a scanned wall, then serve."""

import os

import click

from tilegen.payload import normalise_base_url
from webapp.cli.common import CliError, db_option
from webapp.demo.build import DEMO_PASSWORD, DEMO_USERS, build_demo, demo_steps
from webapp.printing.address import is_this_machine

#: The demo's public address: as short as the local server's (the same QR size), in the
#: ``.test`` domain kept for examples, so no real address is ever printed by a demo.
DEMO_BASE_URL = "http://caseboard.test"


@click.command("demo")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--base-url",
    default=lambda: os.environ.get("CASEBOARD_BASE_URL") or DEMO_BASE_URL,
    show_default=f"$CASEBOARD_BASE_URL, else {DEMO_BASE_URL}",
    help="The public address printed into the demo's tile QR codes (never this machine's).",
)
@click.option("--no-serve", is_flag=True, help="Build everything, then stop.")
def demo(db_path, host, port, base_url, no_serve):
    """Build a demo store with a sample team, print its kit, photograph, scan and sync its
    wall, then serve the app and print how to log in."""
    try:
        base_url = normalise_base_url(base_url)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if is_this_machine(base_url):
        raise CliError(f"the demo prints tiles, so --base-url cannot be this machine's: {base_url}")
    built = build_demo(db_path, base_url, say=click.echo, steps=demo_steps())
    click.echo(f"tiles point at {base_url}/t/...; pass --base-url to print your own address")
    click.echo(f"\ndemo files in {built.folder}:")
    for path in built.files:
        click.echo(f"  {path.relative_to(built.folder)}")
    logins = ", ".join(f"{name}" for name, _ in DEMO_USERS)
    click.echo(f"\nlog in as {logins} with the password {DEMO_PASSWORD!r}")
    if no_serve:
        click.echo(f"serve it with: caseboard serve --db {built.db_path} --port {port}")
        return
    from webapp.cli.serve import serve_app

    click.echo(f"serving on http://{host}:{port}/  (Ctrl+C to stop)")
    serve_app(str(built.db_path), host, port)
