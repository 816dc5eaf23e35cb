"""The SQLite store: connection, schema migrations, case events and the access log."""
