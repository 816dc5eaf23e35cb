"""Schema migrations: one sqlite-utils ``Migrations`` set per area, each module named for its
set and exposing it as ``migrations``. Sets apply in :data:`SETS` order."""

from webapp.store.migrations import (
    camera,
    core,
    family_refs,
    guards,
    imports,
    lifecycle,
    meeting,
    people,
    policy,
    practice_records,
    rules,
    safety,
    scale,
    web,
)

SETS = [
    core.migrations,
    web.migrations,
    meeting.migrations,
    rules.migrations,
    lifecycle.migrations,
    imports.migrations,
    practice_records.migrations,
    safety.migrations,
    people.migrations,
    camera.migrations,
    scale.migrations,
    guards.migrations,
    family_refs.migrations,
    policy.migrations,
]
