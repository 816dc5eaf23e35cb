"""Notifications by email (docs/contract.md §9): what is due on a day, the messages for
it, and sending them through SMTP once each. Messages name cases by board code and link
to ``<base-url>/t/<token>`` behind the login; they never hold a reference, a name, a flag
or a note."""
