"""Schema of a case's life after registration (docs/contract.md §6): its own migration set.

Add migration functions at the end; never edit one that has shipped.
"""

from sqlite_utils import Migrations

migrations = Migrations("caseboard.lifecycle")


@migrations()
def m001_case_dates(db):
    # The dates the rules count from, each set by `family set` from its effective date.
    db["families"].add_column("proceedings_start", str)  # ISO date: court clocks start here
    db["families"].add_column("s47", str)  # ISO date of the referral that led to s.47 enquiries
    db["families"].add_column("assessment_done", str)  # ISO date the core assessment was done
    db["families"].add_column("type_since", str)  # ISO date the current case type was set
    db["families"].add_column("closed_as", str)  # "closed" or "stepped-down", NULL while open


@migrations()
def m002_closure_and_rereferral(db):
    # How a case was closed or stepped down (Kent Case Progression Policy §5, §7, §11): the views
    # considered ("child,family,network"), the Signs of Safety scaling score (0-10) and a
    # short reason with no personal detail. NULL while open.
    db["families"].add_column("closed_views", str)
    db["families"].add_column("closed_scaling", int)
    db["families"].add_column("closed_reason", str)
    # A family registered with the reference of a case closed within the team's
    # re-referral window points at that case (a re-referral).
    db["families"].add_column("rereferral_of", int, fk="families", fk_col="id")
