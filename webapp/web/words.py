"""Plain words for the pages: what a status or a zone is called, in one place, as Jinja
filters (``status_word``, ``zone_word``). Pages name a family by its board code and never
show a token, an internal key or a fraction."""

from __future__ import annotations

from string import Formatter

from flask import Flask

STATUS_WORDS = {"red": "overdue", "amber": "due soon", "green": "on track", "closed": "closed"}
#: What each audit-log action is called on the page.
ACTION_WORDS = {
    "tile.view": "Opened a tile page",
    "scan.preview": "Previewed a scan",
    "scan.apply": "Applied a scan",
    "review.set": "Set a review date",
    "stage.move": "Moved a stage",
    "case.close": "Closed a case",
    "case.reopen": "Reopened a case",
    "case.change": "Changed a case",
    "case.transfer": "Transferred a case",
    "login": "Logged in",
    "login.failed": "A log-in failed",
    "login.throttled": "Log-ins paused after failures",
    "logout": "Logged out",
    "read": "Read case data",
    "change": "Changed the store",
    "export": "Downloaded data",
}
ZONE_WORDS = {"main": "main area", "amber": "amber section", "red": "red section"}


def status_word(status: str | None) -> str:
    return STATUS_WORDS.get(status or "", status or "")


def zone_word(zone: str | None) -> str:
    return ZONE_WORDS.get(zone or "", zone or "no zone")


#: A rule's setting as a form label.
PARAM_WORDS = {
    "case_type": "Case type",
    "first_weeks": "First alert after (weeks)",
    "every_weeks": "Then every (weeks)",
    "flags": "Flags (separate them with commas)",
    "flag": "Flag",
    "stage": "Stage",
    "working_days": "Working days",
    "first_working_days": "First after (working days)",
    "first_months": "First after (months)",
    "then_months": "Then after (months)",
    "every_months": "Then every (months)",
    "anchor": "Counts from",
    "label": "What is due",
    "days": "Days to the next review",
    "weeks": "Weeks",
    "months": "Months",
    "size": "Cases in the sample",
    "from_months": "Closed at least (months ago)",
    "to_months": "Closed at most (months ago)",
    "seed": "Sample number (the same number draws the same sample)",
}

#: Each kind of rule as a sentence; ``{role}`` and the rule's settings fill it in.
RULE_SENTENCES = {
    "duration": "A {case_type} case: alert the {role} at {first_weeks} weeks, "
    "then every {every_weeks} weeks.",
    "flag": "When a case is flagged {flags}, alert the {role}, then every {every_weeks} "
    "weeks while the flag stays.",
    "shield": "Once, when a case is flagged {flag}, alert the {role}.",
    "assessment": "Once, {working_days} working days after a case opens, alert the {role} "
    "if its assessment is not done.",
    "review_interval": "When a tile moves to stage {stage}, propose a review {days} days on.",
    "stuck_limit": "A case longer than {weeks} weeks at stage {stage} counts as stuck.",
    "audit_interval": "Ask for a meeting audit when {months} months have passed since the last.",
    "dip_sample": "Dip-sample {size} cases closed {from_months} to {to_months} months ago.",
    "reopen_window": "A case reopened within {months} months of closing counts as starting again.",
}


#: Where a statutory timescale counts from.
ANCHOR_WORDS = {
    "s47": "the s.47 referral",
    "type_since": "the day the case became this type",
    "proceedings_start": "the start of proceedings",
    "assessment_done": "the end of the assessment",
    "opened": "the day the case opened",
}


def _statutory(params: dict, role: str) -> str:
    """``A CP case: the initial child protection conference is due 15 working days from
    the s.47 referral; alert the team manager.`` (off until a case type is set)."""
    steps = []
    if params.get("first_working_days"):
        steps.append(f"{params['first_working_days']} working days")
    if params.get("first_months"):
        steps.append(f"{params['first_months']} months")
    if params.get("then_months"):
        steps.append(f"then {params['then_months']} months")
    when = ", ".join(steps) or "on the day"
    every = f", then every {params['every_months']} months" if params.get("every_months") else ""
    case = f"A {params['case_type']} case" if params.get("case_type") else "For the case type set"
    anchor = ANCHOR_WORDS.get(params.get("anchor"), str(params.get("anchor", "")).replace("_", " "))
    return (
        f"{case}: the {params.get('label', 'review')} is due {when} from {anchor}{every}; "
        f"alert the {role}."
    )


def param_word(name: str) -> str:
    return PARAM_WORDS.get(name, name.replace("_", " ").capitalize())


def rule_sentence(rule: dict) -> str:
    """A team rule in one sentence, e.g. ``A 16.4 case: alert the service manager at 20
    weeks, then every 5 weeks.``; a kind this list does not know is listed plainly."""
    params = {
        k: ", ".join(map(str, v)) if isinstance(v, list) else v
        for k, v in (rule.get("params") or {}).items()
    }
    if rule.get("kind") == "statutory":
        return _statutory(rule.get("params") or {}, rule.get("role") or "team manager")
    template = RULE_SENTENCES.get(rule.get("kind") or "")
    values = {**params, "role": rule.get("role") or "team manager"}
    if template is not None and _names(template) <= values.keys():
        return template.format(**values)
    shown = "; ".join(f"{param_word(k).lower()}: {v}" for k, v in params.items())
    return f"{(rule.get('kind') or 'rule').replace('_', ' ').capitalize()}: {shown}."


def _names(template: str) -> set[str]:
    """The names a sentence fills in (``{role}``, ``{first_weeks}`` ...)."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def action_word(action: str | None) -> str:
    """``tile.view`` -> ``Opened a tile page``; an action this list does not know yet is
    written out from its name (``token.create`` -> ``Token create``)."""
    action = action or ""
    return ACTION_WORDS.get(action, action.replace(".", " ").replace("_", " ").capitalize())


def detail_words(detail: dict | None) -> str:
    """An audit entry's detail as ``to: Tue 15 Dec 2026; moves: 2`` with no internal
    underscores and dates written out."""
    from webapp.web.dates import longdate

    parts = []
    for key, value in (detail or {}).items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
            value = longdate(value)
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def percent(fraction) -> str:
    """``0.875`` -> ``87.5 %`` (a zone's edge across or down its board)."""
    value = round(float(fraction) * 100, 1)
    return f"{value:g} %"


def register(app: Flask) -> None:
    app.add_template_filter(status_word, "status_word")
    app.add_template_filter(zone_word, "zone_word")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(action_word, "action_word")
    app.add_template_filter(param_word, "param_word")
    app.add_template_filter(rule_sentence, "rule_sentence")
    app.add_template_filter(detail_words, "detail_words")
    app.jinja_env.globals["action_words"] = ACTION_WORDS
