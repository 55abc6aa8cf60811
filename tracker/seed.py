"""ACE's published renewal rules, as rows an admin can edit afterwards.

Used by the data migration (with its historical models) and by the demo (so that it works on
a database whose tables were emptied). update_or_create: running it again changes nothing.
"""

from decimal import Decimal

ACE_CODE = "ace"

ACE = {
    "name": "American Council on Exercise",
    "credit_unit": "CEC",
    "contact_hours_per_unit": Decimal("10"),
    "cycle_months": 24,
    "cycle_anchor": "earned",
    "credits_required": Decimal("2.0"),
    "cpr_required": True,
    "grace_months": 6,
    "at_risk_days": 90,
}

KIND_RULES = {
    "approved_course": {},
    "conference": {},
    # 0.2 for a one-year card, 0.4 for a two-year card: never more, however long the card runs.
    "cpr_aed": {"per_unit": Decimal("0.2"), "entry_cap": Decimal("0.4")},
    "college": {
        "per_unit": Decimal("1.0"),
        "entry_cap": Decimal("2.0"),
        "prep_course_cap": Decimal("0.5"),
        "min_grade": "C",
    },
    "extra_certification": {"meets_requirement": True},
    "presenting": {"cycle_cap": Decimal("0.5")},
    "broadening": {"value": Decimal("0.5")},
    "publishing": {"value": Decimal("0.5")},
    "mentoring": {"cycle_cap": Decimal("0.1")},
    "petition": {},
}

PROGRAMS = [
    ("Certified Personal Trainer", "CPT"),
    ("Group Fitness Instructor", "GFI"),
    ("Health Coach", "HC"),
    ("Medical Exercise Specialist", "MES"),
]

KIND_DEFAULTS = {
    "allowed": True,
    "value": None,
    "per_unit": None,
    "entry_cap": None,
    "prep_course_cap": None,
    "cycle_cap": None,
    "meets_requirement": False,
    "min_grade": "",
}


def seed_ace(certifier_model, kind_rule_model, program_model):
    ace, _ = certifier_model.objects.update_or_create(code=ACE_CODE, defaults=ACE)
    for kind, values in KIND_RULES.items():
        kind_rule_model.objects.update_or_create(
            certifier=ace, kind=kind, defaults=KIND_DEFAULTS | values
        )
    for name, abbreviation in PROGRAMS:
        program_model.objects.update_or_create(
            certifier=ace, name=name, defaults={"abbreviation": abbreviation}
        )
    return ace


def ensure_ace():
    """Seed ACE with the current models unless it is already there (keeps an admin's edits)."""
    from .models import Certifier, KindRule, Program

    ace = Certifier.objects.filter(code=ACE_CODE).first()
    if ace is not None and ace.programs.exists() and ace.kind_rules.exists():
        return ace
    return seed_ace(Certifier, KindRule, Program)
