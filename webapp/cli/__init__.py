"""The `caseboard` command: a thin click layer over the library.

Commands are loaded on first use (:class:`LazyGroup`), so ``caseboard --help`` and light
commands never import OpenCV, reportlab or Flask. A new command is one line in
:data:`COMMANDS`: its name and ``module:attribute``.
"""

import importlib

import click

from webapp.cli.common import CaseboardGroup

COMMANDS = {
    "init": ("webapp.cli.store:init", "Create or migrate the store (safe to run twice)."),
    "doctor": ("webapp.cli.doctor:doctor", "Check this deployment is ready (exit 1 if not)."),
    "demo": ("webapp.cli.demo:demo", "Build a demo store, scan a sample photo and serve it."),
    "user": ("webapp.cli.users:user", "Add and manage users."),
    "token": ("webapp.cli.users:token", "Create, list and revoke API tokens."),
    "family": ("webapp.cli.family:family", "Register, list and change family groups."),
    "scan": ("webapp.cli.scan:scan", "Read photos of the boards (optionally apply them)."),
    "agenda": ("webapp.cli.meeting:agenda", "The weekly meeting agenda."),
    "meeting": ("webapp.cli.meeting:meeting", "The weekly meeting's record."),
    "serve": ("webapp.cli.serve:serve", "Serve the web app on a production WSGI server."),
    "print": ("webapp.cli.printing:print_group", "Tiles, stickers and the board kit to print."),
    "alerts": ("webapp.cli.rules:alerts", "Alerts open on a date."),
    "rules": ("webapp.cli.rules:rules", "The team's rules."),
    "discussion": ("webapp.cli.supervision:discussion", "Record case discussions."),
    "supervision": ("webapp.cli.supervision:supervision", "Monthly supervision coverage."),
    "clinic": ("webapp.cli.clinic:clinic", "The legal and practice clinic."),
    "audit": ("webapp.cli.report:audit", "Record and check case-file audits."),
    "report": ("webapp.cli.report:report", "Drift and quality reports."),
    "backup": ("webapp.cli.backups:backup", "Write a consistent copy of the store while it runs."),
    "restore": ("webapp.cli.backups:restore", "Put a checked backup back as the store."),
    "purge": ("webapp.cli.backups:purge", "Remove what has passed its retention (safe to repeat)."),
    "log-archive": (
        "webapp.cli.backups:log_archive",
        "Move whole months of the access log into month files.",
    ),
    "retention": (
        "webapp.cli.backups:retention",
        "How long pictures, the log and closed cases are kept.",
    ),
    "notify": ("webapp.cli.notify:notify", "Send the email due today (alerts, weekly lists)."),
    "watch": ("webapp.cli.camera:watch", "Scan board photos arriving in a folder."),
    "capture": ("webapp.cli.camera:capture", "Take a photo from a camera and scan it."),
    "camera": ("webapp.cli.camera:camera", "Will a camera do; scheduled captures."),
}


class LazyGroup(CaseboardGroup):
    """A group whose subcommands are imported only when one is run (or its help shown)."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, cmd_name):
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name][0].split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx, formatter):
        """List commands from :data:`COMMANDS` without importing a single one of them."""
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(package_name="caseboard")
def main():
    """caseboard keeps the Case Progression boards on the wall and the store in step."""
