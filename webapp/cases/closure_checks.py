"""What closing a case needs (Kent Case Progression Policy §5, §7 and §11): the views
considered, a Signs of Safety scaling score, and a reason where a view could not be had
(docs/contract.md §16)."""

from __future__ import annotations

from webapp.errors import BadInput

#: Whose views were considered before closing or stepping down (Kent Case Progression
#: Policy §5 and §7: "no case should be identified for closure or Step Down without
#: explicit consideration of the views of the child, family and the professional network").
VIEWS = ("child", "family", "network")
SCALING_RANGE = range(0, 11)
MAX_REASON = 120


def parse_scaling(value: str | int | None) -> int:
    """A Signs of Safety scaling score: a whole number from 0 to 10."""
    try:
        score = int(str(value).strip())
    except ValueError:
        score = None
    if score not in SCALING_RANGE:
        raise BadInput(f"the scaling score must be a whole number from 0 to 10, not {value!r}")
    return score


def parse_views(value: str | list[str] | None) -> list[str]:
    """``"child,family"`` -> ``["child", "family"]``: at least one of child, family, network."""
    items = value if isinstance(value, list | tuple) else (value or "").split(",")
    views = [v.strip().lower() for v in items if v and v.strip()]
    unknown = [v for v in views if v not in VIEWS]
    if unknown:
        raise BadInput(f"views must be among {', '.join(VIEWS)}, not {', '.join(unknown)}")
    if not views:
        raise BadInput(
            "say whose views were considered before closing: child, family and/or network"
        )
    return [v for v in VIEWS if v in views]


def clean_reason(value: str | None) -> str | None:
    """A short reason, kept without personal detail: one line, at most 120 characters."""
    text = " ".join((value or "").split())
    if len(text) > MAX_REASON:
        raise BadInput(
            f"keep the reason short and without names: at most {MAX_REASON} characters, "
            f"not {len(text)}"
        )
    return text or None


def views_lacking(views: list[str], reason: str | None) -> list[str]:
    """The views not considered; refused unless ``reason`` says why they could not be had
    (Kent policy: "the views of the child, family and the professional network")."""
    lacking = [v for v in VIEWS if v not in views]
    if lacking and not reason:
        raise BadInput(
            "closing needs the views of the child, family and network, or a reason saying "
            f"why the {' and '.join(lacking)} view{'s' if len(lacking) > 1 else ''} "
            "could not be had"
        )
    return lacking
