"""Judging a new password: a strength estimator (zxcvbn, score 3 or more) and a list of
breached passwords, not length alone (docs/contract.md §17).

The breached list is the 30,000 most common passwords of the leaked-password corpus that
zxcvbn ships (its ``passwords`` frequency list), together with caseboard's own list of
common long passwords (``common_passwords.txt``). A password is refused when it is on
either list, when what is left of it once digits, symbols and spaces are taken out is on
either (``Summer2026!!`` is ``summer``, ``Password2026!`` is ``password``), when it is
the user name give or take digits and symbols, or when zxcvbn scores it under 3
(``bbbbbbbbbbbb``, ``222222222222``, twelve spaces, keyboard walks, dates, names).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from webapp.errors import BadInput

MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # hashing a megabyte would be a cheap way to load the server
MIN_SCORE = 3  # zxcvbn: "safely unguessable: moderate protection from offline attacks"
#: zxcvbn's time grows with length; what lies past this many characters only adds strength.
JUDGED_CHARACTERS = 100
#: Words any caseboard password might be built from, given to zxcvbn as known to attackers.
PRODUCT_WORDS = ("caseboard", "case", "board", "council", "social", "children", "team",
                 "admin", "manager", "practitioner", "service", "practice", "welcome")  # fmt: skip


#: The demo's password, printed in the README and by `caseboard demo`: published, so no
#: real account may have it (the demo's own users are made without this check).
DEMO_PASSWORD = "heron-marble-tulip-canal"
#: Passwords caseboard itself has published (the demo's, now and before).
PUBLISHED = (DEMO_PASSWORD, "caseboard-demo")


@cache
def breached_passwords() -> frozenset[str]:
    """The breached, common and published passwords, lower-cased (about 30,000), and the
    letters of each published one (so its variants with other digits or symbols go too)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    text = files("webapp.accounts").joinpath("common_passwords.txt").read_text("utf-8")
    own = (line.strip().lower() for line in text.splitlines())
    published = {p for w in PUBLISHED for p in (w, "".join(c for c in w if c.isalpha()))}
    return (
        frozenset(w for w in own if w and w[0] != "#")
        | frozenset(w.lower() for w in FREQUENCY_LISTS["passwords"])
        | published
    )


def check_password(password: str, username: str, full_name: str | None = None) -> str:
    """``password`` when it is long and strong enough, else :class:`BadInput` saying why."""
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"the password must be at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise BadInput(f"the password must be at most {MAX_PASSWORD} characters")
    lowered = password.lower()
    core = lowered.strip("0123456789!@#$%^&*()-_=+.,;:?'\" ")
    letters = "".join(c for c in lowered if c.isalpha())
    name = username.strip().lower()
    if name and name in (lowered.strip(), core, letters):
        raise BadInput("the password must not be the user name")
    breached = breached_passwords()
    if lowered in breached or core in breached or letters in breached:
        raise BadInput(
            "that password, or the word it is built on, is on the list of breached "
            "passwords: choose another, e.g. three or four unrelated words"
        )
    known = [w.lower() for w in (username, *(full_name or "").split(), *PRODUCT_WORDS) if w]
    rest = letters
    for word in sorted(known, key=len, reverse=True):
        rest = rest.replace(word, "")
    if letters and len(rest) < 4:
        raise BadInput(
            "the password must not be built on the user's name or the words of this "
            "service: choose another, e.g. three or four unrelated words"
        )
    _strong_enough(password, known)
    return password


def _strong_enough(password: str, known: list[str]) -> None:
    from zxcvbn import zxcvbn

    judged = zxcvbn(password[:JUDGED_CHARACTERS], user_inputs=[w for w in known if w])
    if judged["score"] < MIN_SCORE:
        warning = (judged.get("feedback") or {}).get("warning")
        why = f" ({warning.rstrip('.').lower()})" if warning else ""
        raise BadInput(
            f"that password is too easy to guess{why}: "
            "choose a longer one, e.g. three or four unrelated words"
        )
