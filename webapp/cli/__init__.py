"""The `caseboard` command: a thin click layer over the library."""

import click

from .common import CaseboardGroup
from .family import family
from .meeting import agenda
from .rules import alerts, discussion, rules, supervision
from .store import init
from .users import token, user


@click.group(cls=CaseboardGroup)
@click.version_option(package_name="caseboard")
def main():
    """caseboard keeps the Case Progression boards on the wall and the store in step."""


for command in (init, user, token, family, agenda, alerts, rules, discussion, supervision):
    main.add_command(command)
