"""The navigation bar: (endpoint, label, roles). Items whose blueprint has no such
endpoint yet are simply not shown."""

NAV_ITEMS = [
    ("board.index", "Boards", ("manager", "practitioner")),
    ("meeting.agenda", "Agenda", ("manager", "practitioner")),
    ("scans.new", "Scan photos", ("manager",)),
    ("printing.index", "Printing", ("manager",)),
    ("alerts.index", "Alerts", ("manager", "practitioner")),
    ("supervision.index", "Supervision", ("manager",)),
    ("clinic.index", "Clinic", ("manager",)),
    ("reports.drift", "Drift report", ("manager",)),
    ("admin.index", "Admin", ()),
    ("auth.audit_log", "Audit log", ()),
]
