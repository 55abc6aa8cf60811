"""Move every certifier's rules into rule sets, seed the other certifiers, and post a claim for
every ledger entry.

1. cycle_kind 'earned' becomes 'anchored'.
2. Each existing certifier gets a rule set from its old fields, with one category per kind of
   its KindRules (a kind's cycle cap becomes its category's) and one activity per kind;
   "meets the requirement" becomes the rule set's flag; a pro-rated fixed first cycle becomes a
   table of yearly bands (the old formula, row by row).
3. Every certifier of `tracker.seed.CERTIFIERS` not in the database is seeded; ACE, which 0003
   seeded with the old fields, gets the seed's rule set instead of the converted one (the same
   numbers, with proper categories and sources) and the seed's values for the fields that are
   new since 0006 (course numbers, sources).
4. Every CreditEntry gets an EntryCredit claim for its certifier (none recorded: ACE), in the
   category of that certifier's rule for its kind.

Historical models only. The seeds are read from `tracker.seed` (plain data); the code that
writes them is a frozen copy here, so that later changes to `tracker.seeding` cannot change
what this migration does.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

from tracker import seed as seeds

ACE_CODE = "ace"
# A converted rule set applies to every cycle recorded so far.
CONVERTED_FROM = datetime.date(2000, 1, 1)
TENTH = Decimal("0.1")
KIND_LABELS = {
    "approved_course": "Approved course",
    "conference": "Conference",
    "cpr_aed": "CPR/AED renewal",
    "college": "College course",
    "extra_certification": "Extra certification",
    "presenting": "Presenting",
    "broadening": "Broadening (other NCCA-accredited certification)",
    "publishing": "Publishing",
    "mentoring": "Mentoring / community outreach",
    "petition": "Approved petition",
}
# Fields added by 0006 that an admin cannot have edited yet: ACE takes the seed's.
NEW_CERTIFIER_FIELDS = {
    "unit_plural": "unit_plural",
    "cycle_end": "cycle_end",
    "course_number_pattern": "course_number_pattern",
    "course_number_example": "course_number_example",
    "assigns_catalog_numbers": "assigns_catalog_numbers",
    "source": "source",
    "unverified": "unverified",
}


class Models:
    def __init__(self, apps):
        for name in (
            "Certifier",
            "KindRule",
            "Program",
            "RuleSet",
            "Category",
            "ActivityRule",
            "ProrationBand",
            "CreditEntry",
            "EntryCredit",
        ):
            setattr(self, name, apps.get_model("tracker", name))


# --- 2. Old fields → a rule set ---------------------------------------------------------------


def prorated_bands(certifier):
    """The old pro-rating (one share less for each full year of the period gone) as bands."""
    months = certifier.cycle_months
    years = -(-months // 12)
    bands = [(None, 0, certifier.credits_required)]
    for elapsed in range(years):
        share = Decimal(max(years - elapsed, 1)) / Decimal(years)
        required = (certifier.credits_required * share).quantize(TENTH, rounding=ROUND_HALF_UP)
        bands.append((elapsed * 12, min((elapsed + 1) * 12, months), required))
    return bands


def convert(certifier, m):
    kind_rules = list(m.KindRule.objects.filter(certifier=certifier, allowed=True))
    rule_set = m.RuleSet.objects.create(
        certifier=certifier,
        effective_from=CONVERTED_FROM,
        credits_required=certifier.credits_required,
        grace_months=certifier.grace_months,
        cpr_window="deadline" if certifier.cpr_required else "none",
        extra_certification_meets_requirement=any(k.meets_requirement for k in kind_rules),
        source="Converted from the rules recorded before rule sets.",
    )
    for position, rule in enumerate(sorted(kind_rules, key=lambda k: k.kind)):
        category = m.Category.objects.create(
            rule_set=rule_set,
            code=rule.kind,
            name=KIND_LABELS.get(rule.kind, rule.kind),
            cycle_cap=rule.cycle_cap,
            position=position,
        )
        m.ActivityRule.objects.create(
            rule_set=rule_set,
            kind=rule.kind,
            category=category,
            value=rule.value,
            per_unit=rule.per_unit,
            entry_cap=rule.entry_cap,
            prep_course_cap=rule.prep_course_cap,
            min_grade=rule.min_grade,
        )
    if certifier.cycle_kind == "fixed" and certifier.prorate_first_cycle:
        for from_month, to_month, required in prorated_bands(certifier):
            m.ProrationBand.objects.create(
                rule_set=rule_set, from_month=from_month, to_month=to_month, credits_required=required
            )
    certifier.unit_plural = certifier.unit_singular + "s"
    certifier.save(update_fields=["unit_plural"])


# --- 3. Seeds (a frozen copy of the writer) ---------------------------------------------------


def legacy_fields(data):
    """The old columns still have to be filled until 0008 drops them."""
    first = data["rule_sets"][0]
    return {
        "credits_required": max(first["required"], TENTH),
        "cpr_required": first["cpr_window"] != "none",
        "grace_months": first["grace_months"],
        "prorate_first_cycle": bool(first["bands"]),
    }


def write_rule_set(certifier, data, m):
    rule_set = m.RuleSet.objects.create(
        certifier=certifier,
        effective_from=data["effective_from"],
        credits_required=data["required"],
        grace_months=data["grace_months"],
        cpr_window=data["cpr_window"],
        cpr_days_after=data["cpr_days_after"],
        min_categories=data["min_categories"],
        extra_certification_meets_requirement=data["extra_certification_meets_requirement"],
        source=data.get("source", ""),
        unverified=data.get("unverified", ""),
    )
    categories = {}
    for position, c in enumerate(data["categories"]):
        categories[c["code"]] = m.Category.objects.create(
            rule_set=rule_set,
            code=c["code"],
            name=c["name"],
            cycle_cap=c.get("cycle_cap"),
            year_cap=c.get("year_cap"),
            min_share=c.get("min_share"),
            counts_as_distinct=c.get("counts_as_distinct", True),
            position=position,
            source=c.get("source", ""),
            unverified=c.get("unverified", ""),
        )
    for a in data["activities"]:
        m.ActivityRule.objects.create(
            rule_set=rule_set,
            kind=a["kind"],
            category=categories[a["category"]],
            value=a.get("value"),
            per_unit=a.get("per_unit"),
            entry_cap=a.get("entry_cap"),
            prep_course_cap=a.get("prep_course_cap"),
            min_grade=a.get("min_grade", ""),
            needs_approval=a.get("needs_approval", True),
            source=a.get("source", ""),
            unverified=a.get("unverified", ""),
        )
    for b in data["bands"]:
        m.ProrationBand.objects.create(
            rule_set=rule_set,
            from_month=b["from_month"],
            to_month=b["to_month"],
            credits_required=b["required"],
            category_caps={code: str(value) for code, value in b["category_caps"].items()},
        )


def write_rule_sets(certifier, data, m):
    for rule_set in data["rule_sets"]:
        write_rule_set(certifier, rule_set, m)
    for name, abbreviation in data["programs"]:
        m.Program.objects.get_or_create(
            certifier=certifier, name=name, defaults={"abbreviation": abbreviation}
        )


def create_certifier(data, m):
    certifier = m.Certifier.objects.create(
        code=data["code"],
        name=data["name"],
        unit_singular=data["unit_singular"],
        unit_plural=data["unit_plural"],
        contact_hours_per_unit=data["hours_per_unit"],
        cycle_kind=data["cycle_kind"],
        cycle_months=data["cycle_months"],
        cycle_end=data["cycle_end"],
        fixed_cycle_start=data["fixed_start"],
        at_risk_days=data["at_risk_days"],
        course_number_pattern=data["course_number_pattern"],
        course_number_example=data["course_number_example"],
        assigns_catalog_numbers=data["assigns_catalog_numbers"],
        source=data.get("source", ""),
        unverified=data.get("unverified", ""),
        **legacy_fields(data),
    )
    write_rule_sets(certifier, data, m)


def replace_ace(ace, data, m):
    """ACE's converted rule set gives way to the seed's (the same numbers, by category)."""
    m.ActivityRule.objects.filter(rule_set__certifier=ace).delete()
    m.RuleSet.objects.filter(certifier=ace).delete()
    for field, key in NEW_CERTIFIER_FIELDS.items():
        setattr(ace, field, data[key])
    # Another certifier may already number the catalog: then ACE does not.
    if m.Certifier.objects.filter(assigns_catalog_numbers=True).exclude(pk=ace.pk).exists():
        ace.assigns_catalog_numbers = False
    ace.save()
    write_rule_sets(ace, data, m)


def seed_certifiers(m):
    present = {c.code: c for c in m.Certifier.objects.all()}
    for data in seeds.CERTIFIERS:
        found = present.get(data["code"])
        if found is None:
            create_certifier(data, m)
        elif data["code"] == ACE_CODE:
            replace_ace(found, data, m)


# --- 4. Claims --------------------------------------------------------------------------------


def rule_categories(m):
    """{certifier id: [(effective_from, {kind: category code})]}, oldest version first."""
    versions = {}
    kinds_by_rule_set = {}
    for rule_set in m.RuleSet.objects.order_by("effective_from"):
        kinds = kinds_by_rule_set[rule_set.pk] = {}
        versions.setdefault(rule_set.certifier_id, []).append((rule_set.effective_from, kinds))
    for rule in m.ActivityRule.objects.select_related("category"):
        kinds_by_rule_set[rule.rule_set_id][rule.kind] = rule.category.code
    return versions


def category_for(versions, certifier_id, kind, day):
    """The category of the certifier's rule for `kind` in the version in force on `day`."""
    chosen = {}
    for index, (effective_from, kinds) in enumerate(versions.get(certifier_id, [])):
        if index == 0 or effective_from <= day:
            chosen = kinds
    return chosen.get(kind, kind)


def post_claims(m):
    ace = m.Certifier.objects.get(code=ACE_CODE)
    versions = rule_categories(m)
    claimed = set(m.EntryCredit.objects.values_list("entry_id", "certifier_id"))
    batch = []
    entries = m.CreditEntry.objects.order_by("pk").values_list(
        "pk", "certifier_id", "kind", "completion_date", "credit"
    )
    for pk, certifier_id, kind, day, credit in entries.iterator(chunk_size=2000):
        certifier_id = certifier_id or ace.pk
        if (pk, certifier_id) in claimed:
            continue
        category = category_for(versions, certifier_id, kind, day)
        batch.append(
            m.EntryCredit(entry_id=pk, certifier_id=certifier_id, category=category, credit=credit)
        )
        if len(batch) >= 1000:
            m.EntryCredit.objects.bulk_create(batch)
            batch = []
    m.EntryCredit.objects.bulk_create(batch)


def forward(apps, schema_editor):
    m = Models(apps)
    m.Certifier.objects.filter(cycle_kind="earned").update(cycle_kind="anchored")
    for certifier in m.Certifier.objects.filter(rule_sets__isnull=True):
        convert(certifier, m)
    seed_certifiers(m)
    post_claims(m)


def backward(apps, schema_editor):
    # 0006 going back renames cycle_kind to cycle_anchor: give it the old value.
    apps.get_model("tracker", "Certifier").objects.filter(cycle_kind="anchored").update(
        cycle_kind="earned"
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0006_rule_sets")]

    operations = [migrations.RunPython(forward, backward)]
