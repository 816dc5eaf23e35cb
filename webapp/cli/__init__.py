"""The `caseboard` command: a thin click layer over the library."""

import click

from .clinic import clinic
from .common import CaseboardGroup
from .demo import demo
from .family import family
from .meeting import agenda
from .printing import print_group
from .report import audit, report
from .rules import alerts, rules
from .scan import scan
from .serve import serve
from .store import init
from .supervision import discussion, supervision
from .users import token, user


@click.group(cls=CaseboardGroup)
@click.version_option(package_name="caseboard")
def main():
    """caseboard keeps the Case Progression boards on the wall and the store in step."""


rules_commands = (alerts, rules, discussion, supervision, clinic, audit, report)
for command in (init, demo, user, token, family, scan, agenda, serve, print_group, *rules_commands):
    main.add_command(command)
