"""Who may sign in with the council's accounts (OpenID Connect, docs/contract.md §9), and
whether local passwords are still allowed.

The identity provider vouches for an email address; caseboard lets in only the active
user with that address. A group claim may map to a role (``OIDC_ROLE_GROUPS``, e.g.
``"<group id>=manager,<group id>=practitioner"``): the first group listed that the user
is in sets their role in the store as they sign in.
"""

from __future__ import annotations

from sqlite_utils import Database

from webapp.accounts.people import user_by_email
from webapp.accounts.teams import get_setting, set_setting
from webapp.accounts.users import ROLES
from webapp.errors import BadInput, NotFound

LOCAL_PASSWORDS = "local_passwords"


def parse_role_groups(text: str | None) -> list[tuple[str, str]]:
    """``"group=role,group=role"`` as (group, role) pairs, in order."""
    pairs = []
    for item in (text or "").split(","):
        if not item.strip():
            continue
        group, _, role = item.rpartition("=")
        group, role = group.strip(), role.strip()
        if not group or role not in ROLES:
            raise BadInput(f"OIDC_ROLE_GROUPS wants group=role with a role of "
                           f"{', '.join(ROLES)}, not {item.strip()!r}")  # fmt: skip
        pairs.append((group, role))
    return pairs


def user_for_claims(
    db: Database,
    claims: dict,
    *,
    email_claim: str = "email",
    groups_claim: str = "groups",
    role_groups: list[tuple[str, str]] = (),
    verified_claim: str = "email_verified",
) -> dict:
    """The active user the ID token's claims name; their role follows a mapped group.

    With the ``email`` claim, ``verified_claim`` (``email_verified``; Entra ID's optional
    ``xms_edov``) must be true. A claim the issuer assigns itself (Entra ID's
    ``preferred_username``) carries no such flag and is trusted."""
    email = claims.get(email_claim)
    if not isinstance(email, str) or "@" not in email:
        raise BadInput(f"the council account sent no email address (claim {email_claim!r})")
    if email_claim == "email" and claims.get(verified_claim) not in (True, "true", "1", 1):
        # a missing claim is no promise either: anyone may type an address at some issuers
        raise BadInput(f"the council account's email address {email} is not verified")
    user = user_by_email(db, email)
    if user is None:
        raise NotFound(
            f"{email} is not an active caseboard user. Ask your caseboard admin to add you "
            "with this email address."
        )
    groups = claims.get(groups_claim) or []
    groups = [groups] if isinstance(groups, str) else list(groups)
    role = next((r for g, r in role_groups if g in groups), None)
    if role and role != user["role"]:
        db["users"].update(user["id"], {"role": role})
        user = db["users"].get(user["id"])
    return user


def local_passwords_allowed(db: Database) -> bool:
    return get_setting(db, LOCAL_PASSWORDS, "on") != "off"


def set_local_passwords(db: Database, allowed: bool) -> None:
    set_setting(db, LOCAL_PASSWORDS, "on" if allowed else "off")
