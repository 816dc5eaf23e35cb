"""The default rules every team starts with, each with the policy it comes from.

Teams change them in the store (``review_rules``); these are only the seed.
"""

from __future__ import annotations

from webapp.accounts.roles import HOP, SM, TM
from webapp.values.flags import RISK_FLAGS, SHIELDED

KENT_POLICY = "Kent Case Progression Policy (2016)"
CAFCASS_TRIGGERS = (
    "Cafcass, Strengthening Case Planning, Management Oversight, PLRs and "
    "Situational Supervision (Feb 2018), case planning triggers"
)
KENT_AUDIT = "Kent Extended Case File Audit (2009)"
ISLINGTON = "Islington Case Management Supervision Policy for CIN, CLA and IF (2016)"
CLINIC_TOR = "Case Progression Clinic Terms of Reference"
WORKING_TOGETHER = "Working Together to Safeguard Children (2023)"

#: How a rule stands: policy the documents require, a starting point the team adopts
#: (the Cafcass triggers are "early ideas"; the review days and stuck limits are
#: proposals), or an optional statutory set the team switches on.
POLICY, STARTING_POINT, OPTIONAL = "policy", "starting point", "optional (statutory)"


def _duration(key, case_type, first, every, role):
    return {
        "key": key,
        "kind": "duration",
        "role": role,
        "params": {"case_type": case_type, "first_weeks": first, "every_weeks": every},
        "policy": f"{CAFCASS_TRIGGERS}: a {case_type} case, trigger to {role}",
        "standing": STARTING_POINT,
    }


TRIGGERS = [
    _duration("16.4-sm", "16.4", 20, 5, SM),
    _duration("16.4-hop", "16.4", 40, 5, HOP),
    _duration("s31-sm", "s.31", 38, 3, SM),
    _duration("s31-hop", "s.31", 45, 5, HOP),
    _duration("s25-sm", "s.25", 3, 5, SM),
    _duration("s25-hop", "s.25", 15, 5, HOP),
    {
        "key": "risk-flag",
        "kind": "flag",
        "role": SM,
        "params": {"flags": RISK_FLAGS, "every_weeks": 10},
        "policy": f"{CAFCASS_TRIGGERS}: cases of risk, trigger when added and every 10 weeks",
        "standing": STARTING_POINT,
    },
    {
        "key": "shielded",
        "kind": "shield",
        "role": HOP,
        "params": {"flag": SHIELDED},
        "policy": f"{CAFCASS_TRIGGERS}: shielded cases, trigger to HoP at the point of shield",
        "standing": STARTING_POINT,
    },
    {
        "key": "core-assessment",
        "kind": "assessment",
        "role": TM,
        "params": {"working_days": 42},
        "policy": (
            f"{KENT_AUDIT} §4.1 and §10.1: core assessment within 42 working days of the "
            "referral that led to s.47 enquiries (an interim assessment may be recorded)"
        ),
        "standing": POLICY,
    },
]


def _statutory(key, label, role, anchor, policy, **schedule):
    """A Working Together 2023 timescale: off until a team switches it on for a case type."""
    return {
        "key": key,
        "kind": "statutory",
        "role": role,
        "params": {"case_type": "", "anchor": anchor, "label": label, **schedule},
        "policy": f"{WORKING_TOGETHER}: {policy}",
        "standing": OPTIONAL,
        "active": 0,
    }


#: The optional statutory set. ``anchor`` ``s47`` counts from the s.47 date (the
#: strategy discussion that started the enquiries); ``type_since`` from the day the case
#: became the chosen type (a child protection plan, or looked after).
STATUTORY = [
    _statutory(
        "wt-icpc",
        "initial child protection conference",
        TM,
        "s47",
        "initial child protection conference within 15 working days of the strategy discussion",
        first_working_days=15,
    ),
    _statutory(
        "wt-cp-review",
        "child protection review conference",
        TM,
        "type_since",
        "first review conference within 3 months of the initial conference, then every 6 months",
        first_months=3,
        every_months=6,
    ),
    _statutory(
        "wt-cla-review",
        "looked-after review",
        TM,
        "type_since",
        "looked-after review within 20 working days, then within 3 months, then every 6 months",
        first_working_days=20,
        then_months=3,
        every_months=6,
    ),
]

#: Proposed days to the next review when a tile moves to each stage. The policy asks
#: for weekly meetings and dates "based on clear and agreed expectations" of the plan
#: (Kent Case Progression Policy §5, §8); these are starting points a manager overrides.
REVIEW_DAYS = {1: 14, 2: 14, 3: 28, 4: 28, 5: 42, 6: 14}


def per_stage(key: str, kind: str, unit: str, values: dict[int, int], policy: str) -> list[dict]:
    """One rule per stage, ``{key}-{stage}``, whose params are the stage and its value."""
    return [
        {
            "key": f"{key}-{stage}",
            "kind": kind,
            "role": None,
            "params": {"stage": stage, unit: value},
            "policy": policy,
        }
        for stage, value in values.items()
    ]


REVIEW_INTERVALS = per_stage(
    "review-stage",
    "review_interval",
    "days",
    REVIEW_DAYS,
    f"{KENT_POLICY} §5 and §8 (proposed; the manager can always override)",
)
for _rule in REVIEW_INTERVALS:
    _rule["standing"] = STARTING_POINT

#: Weeks in one stage after which the drift report lists a case as stuck.
#: Stage 1 follows the 42-working-day core assessment (about 9 weeks); the rest are
#: proposals for a team to set (Kent Case Progression Policy §11: "stuck cases are
#: reviewed in a timely way").
STUCK_WEEKS = {1: 9, 2: 8, 3: 12, 4: 16, 5: 16, 6: 6}
LIMITS = per_stage(
    "stuck-stage",
    "stuck_limit",
    "weeks",
    STUCK_WEEKS,
    f"{KENT_POLICY} §11 (stuck cases); stage 1 from {KENT_AUDIT} §4.1",
)
for _rule in LIMITS:
    _rule["standing"] = STARTING_POINT
LIMITS += [
    {
        "key": "meeting-audit",
        "kind": "audit_interval",
        "role": None,
        "params": {"months": 2},
        "policy": f"{KENT_POLICY} §11: each meeting audited every two months",
    },
    {
        "key": "dip-sample",
        "kind": "dip_sample",
        "role": None,
        "params": {"size": 5, "from_months": 3, "to_months": 6, "seed": 1},
        "policy": f"{KENT_POLICY} §11: dip sample of closed cases 3-6 months after closure",
    },
    {
        "key": "reopen-window",
        "kind": "reopen_window",
        "role": None,
        "params": {"months": 12},
        "policy": f"{KENT_AUDIT} §5 ('start again syndrome'); {KENT_POLICY} §11",
    },
]

DEFAULT_RULES = TRIGGERS + STATUTORY + REVIEW_INTERVALS + LIMITS
STANDING = {r["key"]: r.get("standing", POLICY) for r in DEFAULT_RULES}


def standing(key: str) -> str:
    """Whether a rule is policy, a starting point the team adopts, or optional statutory."""
    return STANDING.get(key, POLICY)


#: Supervision: every open case discussed at least once each calendar month.
DISCUSSION_KINDS = ["weekly meeting", "one-to-one", "group", "clinic", "situational"]
#: Only a formal one-to-one counts: informal and group supervision "does NOT replace a
#: formal one-to-one supervision session" (Islington policy).
FORMAL_KIND = "one-to-one"
#: Formal sessions a practitioner needs each calendar month, by frequency. ASYE and
#: probation staff "may have increased frequency" (Islington policy): fortnightly.
FREQUENCIES = {"monthly": 1, "fortnightly": 2}
SUGGESTED_CLOSER = "fortnightly"
