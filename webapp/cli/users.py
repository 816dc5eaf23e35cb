"""`caseboard user ...` and `caseboard token ...`."""

import sys

import click

from webapp.accounts.users import (
    ROLES,
    add_user,
    api_tokens,
    create_api_token,
    get_user,
    list_users,
    revoke_api_token,
)
from webapp.cli.common import (
    CaseboardGroup,
    CliError,
    db_option,
    echo_json,
    echo_table,
    json_option,
    open_cli_store,
    read_stdin_line,
)


@click.group("user", cls=CaseboardGroup)
def user():
    """Manage users."""


@user.command("add")
@db_option
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--team",
    "team_names",
    multiple=True,
    help="Team name (default: the only team). Service managers and heads of practice may "
    "give several; the first is their home team.",
)
@click.option("--email", help="Where notifications go; also what single sign-on matches.")
@click.option("--full-name", help="The name cases give as their worker, e.g. 'Sam Okafor'.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_add(db_path, name, role, team_names, email, full_name, password_stdin):
    """Add a user NAME with a role."""
    db = open_cli_store(db_path)
    password = _password(password_stdin)
    home = team_names[0] if team_names else None
    row = add_user(
        db, name, role, password, home, email=email, teams=list(team_names[1:]), full_name=full_name
    )
    click.echo(f"added {row['username']} ({row['role']})")


@user.command("password")
@db_option
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_password(db_path, name, password_stdin):
    """Set a new password for user NAME (also for a user of several teams, whom no single
    team's admin may reset): their sessions and API tokens end."""
    from webapp.accounts.users import set_password

    db = open_cli_store(db_path)
    row = get_user(db, name)
    set_password(db, row, _password(password_stdin))
    click.echo(f"new password set for {row['username']}")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return read_stdin_line()
    return typed_password()


NO_TERMINAL = (
    "no terminal to type a password in: give it on standard input with --password-stdin, "
    "e.g. printf '%s\\n' \"$PASSWORD\" | caseboard user add NAME --role ROLE --password-stdin"
)


def typed_password() -> str:
    """The password typed twice at a terminal; without one (a script, cron, ssh without a
    terminal) a clear exit 2 naming --password-stdin, rather than a prompt nobody sees.
    Two lines piped in stand for the two typings, as at the terminal."""
    if not sys.stdin.isatty():
        first, second = read_stdin_line(), read_stdin_line()
        if not first:
            raise CliError(NO_TERMINAL)
        if first != second:
            raise CliError("the two passwords given differ")
        return first
    try:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    except click.Abort:
        raise CliError("no password given (use --password-stdin in scripts)") from None


@user.command("list")
@db_option
@json_option
def user_list(db_path, as_json):
    """List users: name, role, team, email and whether active."""
    rows = list_users(open_cli_store(db_path))
    if as_json:
        echo_json(rows)
    else:
        echo_table(rows, [("username", "user"), ("role", "role"), ("team", "team"),
                          ("email", "email"), ("active", "active")])  # fmt: skip


@user.command("email")
@db_option
@click.argument("name")
@click.argument("address")
def user_email(db_path, name, address):
    """Set the email address of user NAME (where notifications go; what sign-in matches)."""
    from webapp.accounts.people import set_email

    db = open_cli_store(db_path)
    row = set_email(db, get_user(db, name), address)
    click.echo(f"{row['username']}: {row['email']}")


@user.command("join")
@db_option
@click.argument("name")
@click.option("--team", "team_name", required=True, help="The team to read as well.")
def user_join(db_path, name, team_name):
    """Let a service manager or head of practice NAME read one more team."""
    from webapp.accounts.people import join_team

    db = open_cli_store(db_path)
    team = join_team(db, get_user(db, name), team_name)
    click.echo(f"{name} now reads {team['name']}")


@click.group("token", cls=CaseboardGroup)
def token():
    """Create, list and revoke API tokens."""


@token.command("create")
@db_option
@click.argument("name")
def token_create(db_path, name):
    """Print a new API token for user NAME (shown once; only its digest is kept)."""
    db = open_cli_store(db_path)
    click.echo(create_api_token(db, name))


@user.command("passwords")
@db_option
@click.argument("state", type=click.Choice(["on", "off"]))
def user_passwords(db_path, state):
    """Allow local passwords (on) or only council sign-in (off)."""
    from webapp.accounts.signin import set_local_passwords

    db = open_cli_store(db_path)
    set_local_passwords(db, state == "on")
    click.echo(f"local passwords {state}")


@token.command("list")
@db_option
@json_option
@click.argument("name", required=False)
def token_list(db_path, as_json, name):
    """List API tokens (of user NAME): id, first characters, user, made, revoked."""
    rows = api_tokens(open_cli_store(db_path), username=name)
    if as_json:
        echo_json(rows)
    else:
        echo_table(rows, [("id", "id"), ("prefix", "starts"), ("username", "user"),
                          ("created_at", "made"), ("revoked_at", "revoked")])  # fmt: skip


@token.command("revoke")
@db_option
@click.argument("token_id")
def token_revoke(db_path, token_id):
    """Revoke the API token with id TOKEN_ID (see `token list`); it stops working at once."""
    row = revoke_api_token(open_cli_store(db_path), token_id)
    click.echo(f"revoked token {row['id']} ({row['prefix']}...) of {row['username']}")
