"""The rules in words, in each certifier's own unit (for forms, help text and the admin)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from .cycles import us_date
from .data import (
    COLLEGE,
    COURSE_KINDS,
    CPR_AED,
    EXTRA_CERTIFICATION,
    FIRST_AID,
    KIND_LABELS,
    LIVE_EVENT,
    TENTH,
    ActivityRule,
    CertificationData,
    Certifier,
    Claim,
    CprWindow,
    CycleEnd,
    CycleKind,
    ProrationBand,
    Refusal,
    RuleSet,
    Unit,
)

__all__ = [
    "activity_help",
    "amount",
    "claims_line",
    "join_names",
    "number",
    "refusal_lines",
    "rule_set_lines",
    "us_date",
]

ONE = Decimal(1)


def number(value: Decimal) -> str:
    """A credit as a number: one decimal place for whole tenths ("5.0", "0.3"), else exact."""
    value = Decimal(value)
    if value == value.quantize(TENTH):
        value = value.quantize(TENTH)
    return f"{value:f}"


def amount(value: Decimal, unit: Unit) -> str:
    """A credit with its unit: "0.3 CEC", "2.0 CECs" (singular up to 1, tenths shown)."""
    name = unit.singular if 0 < value <= 1 else unit.plural
    return f"{number(value)} {name}"


def join_names(names: Sequence[str]) -> str:
    """Names joined: "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def claims_line(
    claims: Iterable[Claim],
    certifications: Sequence[CertificationData],
    certifiers: Mapping[int, Certifier],
) -> str:
    """What a set of claims adds: "+0.3 CEC to ACE CPT and ACE GFI; +3.0 CEUs to AFAA CGFI"."""
    parts = []
    for claim in claims:
        certifier = certifiers[claim.certifier_id]
        names = [c.name for c in certifications if c.certifier_id == claim.certifier_id]
        parts.append(
            f"+{amount(claim.credit, certifier.unit)} to {join_names(names) or certifier.code}"
        )
    return "; ".join(parts)


def refusal_lines(refusals: Iterable[Refusal], certifiers: Mapping[int, Certifier]) -> list[str]:
    """One line per distinct reason, those about every certifier first; a reason that does not
    name its certifier is prefixed with its code."""
    general, particular = [], []
    for refusal in refusals:
        certifier = certifiers.get(refusal.certifier_id) if refusal.certifier_id else None
        if certifier is None:
            line, into = refusal.reason, general
        elif certifier.code in refusal.reason:
            line, into = refusal.reason, particular
        else:
            line, into = f"{certifier.code}: {refusal.reason}", particular
        if line not in general and line not in particular:
            into.append(line)
    return general + particular


# --- One kind of activity ---------------------------------------------------------------------


def _per_hours(unit: Unit) -> str:
    hours = unit.hours_per_unit
    per = "contact hour" if hours == 1 else f"{hours:f} contact hours"
    return f"{amount(ONE, unit)} per {per}"


def _worth(certifier: Certifier, rule_set: RuleSet, rule: ActivityRule) -> list[str]:
    """What one activity of this kind is worth, in words (empty: the credit the person states)."""
    unit, kind = certifier.unit, rule.kind
    if kind == EXTRA_CERTIFICATION and rule_set.extra_certification_meets_requirement:
        return ["meets the whole requirement of the cycle"]
    if rule.value is not None:
        return [amount(rule.value, unit)]
    if kind in (CPR_AED, FIRST_AID) and rule.per_unit is not None:
        return [f"{amount(rule.per_unit, unit)} per year of the card"]
    if kind == COLLEGE:
        parts = [f"{amount(rule.per_unit or ONE, unit)} per credit hour"]
        if rule.min_grade:
            parts.append(f"grade {rule.min_grade} or better")
        return parts
    if kind in COURSE_KINDS:
        approved = f"the credit {certifier.code} approved"
        if rule.needs_approval:
            return [approved]
        return [f"{approved}, or {_per_hours(unit)} without an approval"]
    if kind == LIVE_EVENT:
        return [_per_hours(unit)]
    return []


def _limits(rule_set: RuleSet, rule: ActivityRule, unit: Unit) -> list[str]:
    parts = []
    prep = rule.prep_course_cap
    prep_text = f"a prep course at most {amount(prep, unit)}" if prep is not None else ""
    category = rule_set.category(rule.category)
    # One activity's cap equal to the category's per-cycle cap: said once, per cycle.
    same = category is not None and rule.entry_cap == category.cycle_cap
    if rule.entry_cap is not None and not same:
        text = f"at most {amount(rule.entry_cap, unit)}"
        parts.append(f"{text} ({prep_text})" if prep_text else text)
    elif prep_text:
        parts.append(prep_text)
    if category is None:
        return parts
    shared = any(
        a.category == rule.category and a.kind != rule.kind for a in rule_set.activities.values()
    )
    where = f" in {category.name}" if shared else ""
    if category.cycle_cap is not None:
        varies = " (varies with the pro-rating table)" if rule_set.bands else ""
        parts.append(f"at most {amount(category.cycle_cap, unit)} per cycle{where}{varies}")
    if category.year_cap is not None:
        parts.append(f"at most {amount(category.year_cap, unit)} per calendar year{where}")
    home = rule_set.category(rule.home_study_category) if rule.home_study_category else None
    if home is not None:
        parts.append(f"a home-study course counts in {home.name}")
    return parts


def activity_help(certifier: Certifier, rule_set: RuleSet, kind: str) -> str:
    """What one kind of activity earns toward this certifier, in one sentence."""
    label = KIND_LABELS.get(kind, kind)
    rule = rule_set.activity(kind)
    if rule is None:
        return f"{label} does not count toward {certifier.code} renewal."
    worth = _worth(certifier, rule_set, rule)
    limits = _limits(rule_set, rule, certifier.unit)
    if worth:
        return f"{label}: {', '.join(worth + limits)}."
    if limits:
        return f"{label} counts {', '.join(limits)}."
    return f"{label} counts toward {certifier.code} renewal for the credit awarded."


# --- A whole rule set -------------------------------------------------------------------------


def _cycle_line(certifier: Certifier) -> str:
    months = certifier.cycle_months
    if certifier.cycle_kind == CycleKind.FIXED:
        start = us_date(certifier.fixed_start) if certifier.fixed_start else "(no start set)"
        return f"Cycle: the same {months}-month periods for everyone, one of them from {start}."
    ends = {
        CycleEnd.END_OF_MONTH: "on the last day of the month earned",
        CycleEnd.SAME_DAY: "on the anniversary of the date earned",
        CycleEnd.END_OF_YEAR: "on December 31 of the year it falls due",
    }[certifier.cycle_end]
    return f"Cycle: {months} months from the date earned, ending {ends}."


def _band_line(band: ProrationBand, unit: Unit) -> str:
    if band.from_month is None:
        who = "Certified before the period"
    elif band.to_month is None:
        who = f"Certified from month {band.from_month} of the period on"
    else:
        who = f"Certified in months {band.from_month}–{band.to_month} of the period"
    caps = ", ".join(
        f"{code} at most {amount(cap, unit)}" for code, cap in band.category_caps.items()
    )
    return f"{who}: {amount(band.required, unit)}" + (f" ({caps})." if caps else ".")


def _category_lines(rule_set: RuleSet, unit: Unit) -> list[str]:
    lines = []
    for category in rule_set.categories:
        parts = []
        if category.cycle_cap is not None:
            parts.append(f"at most {amount(category.cycle_cap, unit)} per cycle")
        if category.year_cap is not None:
            parts.append(f"at most {amount(category.year_cap, unit)} per calendar year")
        if category.min_share is not None:
            parts.append(f"at least {amount(category.min_share, unit)}")
        if not category.counts_as_distinct:
            parts.append("not counted as a separate category")
        if parts:
            lines.append(f"{category.name}: {', '.join(parts)}.")
    if rule_set.min_categories:
        lines.append(f"Credit from at least {rule_set.min_categories} categories.")
    return lines


def _cpr_line(rule_set: RuleSet) -> str:
    if rule_set.cpr_window == CprWindow.DEADLINE:
        return "CPR/AED: a card current on the deadline (renewing late: on the day of renewal)."
    if rule_set.cpr_window == CprWindow.SUBMISSION:
        if rule_set.cpr_days_after:
            return (
                f"CPR/AED: a card valid at least {rule_set.cpr_days_after} days past the day "
                "of renewal."
            )
        return "CPR/AED: a card current on the day of renewal."
    return "CPR/AED: not required."


def _grace_line(rule_set: RuleSet) -> str:
    months = rule_set.grace_months
    if months <= 0:
        return "Grace: none; renew by the deadline."
    return f"Grace: {months} month{'s' if months != 1 else ''} after the deadline."


def rule_set_lines(certifier: Certifier, rule_set: RuleSet) -> list[str]:
    """A readable summary of one version of a certifier's rules."""
    unit = certifier.unit
    hours = unit.hours_per_unit
    lines = [
        f"Unit: {unit.singular} ({hours:f} contact hour{'s' if hours != 1 else ''} = "
        f"{amount(ONE, unit)}).",
        _cycle_line(certifier),
        f"Requirement: {amount(rule_set.required, unit)} per cycle, for cycles starting on or "
        f"after {us_date(rule_set.effective_from)}.",
    ]
    if rule_set.bands:
        lines.append("Pro-rated by the certification date:")
        lines.extend(_band_line(band, unit) for band in rule_set.bands)
    if rule_set.extra_certification_meets_requirement:
        lines.append(
            f"Another {certifier.code} certification earned in the cycle meets its whole "
            "requirement."
        )
    lines.extend(_category_lines(rule_set, unit))
    lines.extend(activity_help(certifier, rule_set, kind) for kind in rule_set.activities)
    lines.append(_cpr_line(rule_set))
    lines.append(_grace_line(rule_set))
    return lines
