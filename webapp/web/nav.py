"""The navigation bar: (endpoint, label, roles). Items whose blueprint has no such
endpoint yet are simply not shown."""

#: Roles that read every page a practitioner reads, across all of their teams.
READERS = ("manager", "practitioner", "service-manager", "head-of-practice")

NAV_ITEMS = [
    ("board.index", "Boards", READERS),
    ("meeting.agenda", "Agenda", READERS),
    ("scans.new", "Scan photos", ("manager",)),
    ("printing.index", "Printing", ("manager",)),
    ("alerts.index", "Alerts", READERS),
    ("supervision.index", "Supervision", ("manager",)),
    ("clinic.index", "Clinic", ("manager",)),
    ("reports.drift", "Drift report", ("manager",)),
    ("notifications.settings", "My email", (*READERS, "admin")),
    ("admin.index", "Admin", ()),
    ("notifications.mail", "Mail", ()),
    ("sso.settings", "Sign-in", ()),
    ("auth.audit_log", "Audit log", ()),
]
