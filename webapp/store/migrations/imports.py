"""Schema of case-system imports (docs/contract.md §10): a team's saved column mappings.

Only header names are kept, never a cell of the export. Add migration functions at the
end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.imports")


@migrations()
def m001_import_mappings(db):
    db["import_mappings"].create(
        {
            "id": int,
            "team_id": int,
            "name": str,
            "columns": str,  # JSON {field: header as the export spells it}
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("team_id", "teams", "id")],
        not_null={"team_id", "name", "columns"},
    )
    db["import_mappings"].create_index(["team_id", "name"], unique=True)
