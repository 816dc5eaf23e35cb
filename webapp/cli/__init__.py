"""The `caseboard` command: a thin click layer over the library."""

import click

from webapp.cli.clinic import clinic
from webapp.cli.common import CaseboardGroup
from webapp.cli.demo import demo
from webapp.cli.family import family
from webapp.cli.meeting import agenda
from webapp.cli.printing import print_group
from webapp.cli.report import audit, report
from webapp.cli.rules import alerts, rules
from webapp.cli.scan import scan
from webapp.cli.serve import serve
from webapp.cli.store import init
from webapp.cli.supervision import discussion, supervision
from webapp.cli.users import token, user


@click.group(cls=CaseboardGroup)
@click.version_option(package_name="caseboard")
def main():
    """caseboard keeps the Case Progression boards on the wall and the store in step."""


rules_commands = (alerts, rules, discussion, supervision, clinic, audit, report)
for command in (init, demo, user, token, family, scan, agenda, serve, print_group, *rules_commands):
    main.add_command(command)
