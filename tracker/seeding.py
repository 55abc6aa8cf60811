"""Write the certifiers' seeds (`tracker.seed`) to the database.

`load_certifier` takes the model classes as an argument so that a data migration can pass its
historical models; `ensure_seeded` (the post_migrate hook, the demo, the tests) seeds with the
current models whatever is missing, and never touches a certifier that is already there.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db import transaction

from . import seed as seeds

MODEL_NAMES = ("Certifier", "Program", "RuleSet", "Category", "ActivityRule", "ProrationBand")


def historical(apps) -> SimpleNamespace:
    """The models `load_certifier` writes, from a migration's app registry."""
    return SimpleNamespace(**{name: apps.get_model("tracker", name) for name in MODEL_NAMES})


def current() -> SimpleNamespace:
    from . import models

    return SimpleNamespace(**{name: getattr(models, name) for name in MODEL_NAMES})


def certifier_fields(data: dict) -> dict:
    """The Certifier row of a seed (everything but the code)."""
    return {
        "name": data["name"],
        "unit_singular": data["unit_singular"],
        "unit_plural": data["unit_plural"],
        "contact_hours_per_unit": data["hours_per_unit"],
        "cycle_kind": data["cycle_kind"],
        "cycle_months": data["cycle_months"],
        "cycle_end": data["cycle_end"],
        "fixed_cycle_start": data["fixed_start"],
        "at_risk_days": data["at_risk_days"],
        "course_number_pattern": data["course_number_pattern"],
        "course_number_example": data["course_number_example"],
        "assigns_catalog_numbers": data["assigns_catalog_numbers"],
        "source": data["source"],
        "unverified": data["unverified"],
    }


def rule_set_fields(data: dict) -> dict:
    return {
        "credits_required": data["required"],
        "grace_months": data["grace_months"],
        "cpr_window": data["cpr_window"],
        "cpr_days_after": data["cpr_days_after"],
        "min_categories": data["min_categories"],
        "extra_certification_meets_requirement": data["extra_certification_meets_requirement"],
        "source": data["source"],
        "unverified": data["unverified"],
    }


def category_fields(data: dict, position: int) -> dict:
    return {
        "name": data["name"],
        "cycle_cap": data["cycle_cap"],
        "year_cap": data["year_cap"],
        "min_share": data["min_share"],
        "counts_as_distinct": data["counts_as_distinct"],
        "position": position,
        "source": data["source"],
        "unverified": data["unverified"],
    }


def activity_fields(data: dict, categories: dict) -> dict:
    """An ActivityRule row of a seed; `categories`: the rule set's Category rows by code."""
    return {
        "category": categories[data["category"]],
        "home_study_category": categories.get(data["home_study_category"]),
        "value": data["value"],
        "per_unit": data["per_unit"],
        "entry_cap": data["entry_cap"],
        "prep_course_cap": data["prep_course_cap"],
        "min_grade": data["min_grade"],
        "needs_approval": data["needs_approval"],
        "source": data["source"],
        "unverified": data["unverified"],
    }


def caps_json(caps) -> dict[str, str]:
    """A band's category caps as JSON (decimals as strings, never floats)."""
    return {code: str(value) for code, value in caps.items()}


def write_rule_set(certifier, data: dict, *, models) -> None:
    """Write one rule set of a seed (`seed["rule_sets"][i]`) for `certifier`: the seed's
    categories, activities and bands, and only those."""
    rule_set, _ = models.RuleSet.objects.update_or_create(
        certifier=certifier, effective_from=data["effective_from"], defaults=rule_set_fields(data)
    )
    # Activities first: a category an activity still points to cannot go (PROTECT).
    kinds = [a["kind"] for a in data["activities"]]
    models.ActivityRule.objects.filter(rule_set=rule_set).exclude(kind__in=kinds).delete()
    codes = [c["code"] for c in data["categories"]]
    models.Category.objects.filter(rule_set=rule_set).exclude(code__in=codes).delete()
    categories = {}
    for position, c in enumerate(data["categories"]):
        categories[c["code"]], _ = models.Category.objects.update_or_create(
            rule_set=rule_set, code=c["code"], defaults=category_fields(c, position)
        )
    for a in data["activities"]:
        models.ActivityRule.objects.update_or_create(
            rule_set=rule_set, kind=a["kind"], defaults=activity_fields(a, categories)
        )
    bands = models.ProrationBand.objects.filter(rule_set=rule_set)
    keep = []
    for b in data["bands"]:
        band, _ = models.ProrationBand.objects.update_or_create(
            rule_set=rule_set,
            from_month=b["from_month"],
            to_month=b["to_month"],
            defaults={
                "credits_required": b["required"],
                "category_caps": caps_json(b["category_caps"]),
            },
        )
        keep.append(band.pk)
    bands.exclude(pk__in=keep).delete()


def load_certifier(seed: dict, *, models) -> object:
    """Write one seed: the certifier, its programs and its rule sets with their categories,
    activities and pro-rating bands. Running it again changes nothing; the seed's own rule sets
    end up exactly as seeded, other versions an admin added stay.

    `models` has the model classes as attributes (`current()`, or `historical(apps)` in a data
    migration whose state has these models as they are now).
    """
    with transaction.atomic():
        certifier, _ = models.Certifier.objects.update_or_create(
            code=seed["code"], defaults=certifier_fields(seed)
        )
        for name, abbreviation in seed["programs"]:
            models.Program.objects.update_or_create(
                certifier=certifier, name=name, defaults={"abbreviation": abbreviation}
            )
        for data in seed["rule_sets"]:
            write_rule_set(certifier, data, models=models)
    return certifier


def ensure_seeded() -> list:
    """Seed every certifier of `tracker.seed.CERTIFIERS` missing from the database (by code).

    A certifier that is there is left exactly as an admin left it. Returns the ones written.
    """
    found = current()
    with transaction.atomic():
        present = set(found.Certifier.objects.values_list("code", flat=True))
        return [
            load_certifier(data, models=found)
            for data in seeds.CERTIFIERS
            if data["code"] not in present
        ]
