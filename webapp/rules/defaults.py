"""The default rules every team starts with, each with the policy it comes from.

Teams change them in the store (``review_rules``); these are only the seed.
"""

from __future__ import annotations

KENT_POLICY = "Kent Case Progression Policy (2016)"
CAFCASS_TRIGGERS = (
    "Cafcass, Strengthening Case Planning, Management Oversight, PLRs and "
    "Situational Supervision (Feb 2018), case planning triggers"
)
KENT_AUDIT = "Kent Extended Case File Audit (2009)"

SM, HOP, TM = "service manager", "head of practice", "team manager"

RISK_FLAGS = [
    "CSE",
    "trafficking",
    "radicalisation",
    "gangs",
    "FGM",
    "forced marriage",
    "honour-based violence",
    "MARAC",
    "MAPPA",
]
SHIELDED = "shielded"
#: Every flag a team can set on a family by default: the risk flags, and shielding.
DEFAULT_FLAGS = [*RISK_FLAGS, SHIELDED]


def _duration(key, case_type, first, every, role):
    return {
        "key": key,
        "kind": "duration",
        "role": role,
        "params": {"case_type": case_type, "first_weeks": first, "every_weeks": every},
        "policy": f"{CAFCASS_TRIGGERS}: a {case_type} case, trigger to {role}",
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
    },
    {
        "key": "shielded",
        "kind": "shield",
        "role": HOP,
        "params": {"flag": SHIELDED},
        "policy": f"{CAFCASS_TRIGGERS}: shielded cases, trigger to HoP at the point of shield",
    },
    {
        "key": "core-assessment",
        "kind": "assessment",
        "role": TM,
        "params": {"stage": 1, "working_days": 42},
        "policy": f"{KENT_AUDIT} §4.1 and §10.1: core assessment within 42 working days",
    },
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
) + [
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

DEFAULT_RULES = TRIGGERS + REVIEW_INTERVALS + LIMITS

#: Supervision: every open case discussed at least once each calendar month.
DISCUSSION_KINDS = ["weekly meeting", "one-to-one", "group", "clinic", "situational"]
