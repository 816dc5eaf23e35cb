"""caseboard's hub: the store, the case and rule library, printing bridges, the web app and the CLI.

Each subpackage is named for what it holds:

- ``store``: the SQLite connection, schema migrations, case events and the access log;
- ``cases``: families, teams, users, the weekly agenda and scan sync;
- ``rules``: review triggers, working days, alerts, supervision, clinic, meeting audits and
  the drift report;
- ``printing``: the team's board kit and the tile and sticker print queues;
- ``demo``: the demo store and its generated history;
- ``web``: the Flask app (``create_app``), its views, templates and static files;
- ``cli``: the thin click layer behind the ``caseboard`` command.
"""


def __getattr__(name: str):
    """``webapp.create_app`` without importing Flask for every command."""
    if name == "create_app":
        from webapp.web.app import create_app

        return create_app
    raise AttributeError(f"module 'webapp' has no attribute {name!r}")
