"""ACE's published renewal rules, as data an admin can edit afterwards.

A frozen copy of the seed as it stood when this migration was written (the old Certifier and
KindRule fields): the app's seed module has moved on to rule sets, and a migration must keep
doing what it did. 0007 converts these rows to the rule-set model.
"""

from decimal import Decimal

from django.db import migrations

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


def seed(apps, schema_editor):
    Certifier = apps.get_model("tracker", "Certifier")
    KindRule = apps.get_model("tracker", "KindRule")
    Program = apps.get_model("tracker", "Program")
    ace, _ = Certifier.objects.update_or_create(code=ACE_CODE, defaults=ACE)
    for kind, values in KIND_RULES.items():
        KindRule.objects.update_or_create(
            certifier=ace, kind=kind, defaults=KIND_DEFAULTS | values
        )
    for name, abbreviation in PROGRAMS:
        Program.objects.update_or_create(
            certifier=ace, name=name, defaults={"abbreviation": abbreviation}
        )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0002_entry_certifier")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
