"""An index on families(team_id, ref): an import, the re-referral check and a lookup by
case reference find a team's family by its reference without reading every family of
the team (docs/contract.md §15). Add migration functions at the end; never edit one that
has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.family_refs")


@migrations()
def m001_families_team_ref(db):
    db["families"].create_index(["team_id", "ref"], if_not_exists=True)
