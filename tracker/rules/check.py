"""What makes a certifier's rules impossible to evaluate, in sentences for the admin."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from .cycles import us_date
from .data import (
    GRADES,
    KIND_LABELS,
    ActivityRule,
    Certifier,
    CycleData,
    CycleKind,
    ProrationBand,
    RuleSet,
)


def _negative(what: str, value: Decimal | int | None) -> list[str]:
    if value is not None and value < 0:
        return [f"{what} is below zero ({value})."]
    return []


def _certifier_problems(certifier: Certifier) -> list[str]:
    out = []
    if certifier.unit.hours_per_unit <= 0:
        out.append("Contact hours per unit must be more than zero.")
    if certifier.cycle_months <= 0:
        out.append("A cycle must last at least one month.")
    if certifier.cycle_kind == CycleKind.FIXED and certifier.fixed_start is None:
        out.append("Fixed cycles need the first day of one period.")
    out += _negative("Days before the deadline that count as at risk", certifier.at_risk_days)
    if certifier.course_number_pattern:
        try:
            re.compile(certifier.course_number_pattern)
        except re.error as error:
            out.append(f"The course number pattern is not a valid regular expression ({error}).")
    if not certifier.rule_sets:
        out.append("There is no version of the rules.")
    dates = [r.effective_from for r in certifier.rule_sets]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        out.append("Two versions of the rules start on the same day, or they are out of order.")
    return out


def _category_problems(rule_set: RuleSet) -> list[str]:
    out = []
    codes = Counter(c.code for c in rule_set.categories)
    out += [f"Category {code} is defined twice." for code, n in codes.items() if n > 1]
    for category in rule_set.categories:
        name = f"Category {category.code}"
        out += _negative(f"{name}'s cap per cycle", category.cycle_cap)
        out += _negative(f"{name}'s cap per year", category.year_cap)
        out += _negative(f"{name}'s minimum", category.min_share)
        cap, least = category.cycle_cap, category.min_share
        if cap is not None and least is not None and least > cap:
            out.append(f"{name} needs at least {least} but allows at most {cap} per cycle.")
    distinct = sum(1 for c in rule_set.categories if c.counts_as_distinct)
    if rule_set.min_categories > distinct:
        out.append(
            f"Credit from {rule_set.min_categories} categories is required, but only {distinct} "
            "categories count as distinct."
        )
    return out


def _activity_problems(rule_set: RuleSet) -> list[str]:
    out = []
    kinds = Counter(rule.kind for rule in rule_set.activities.values())
    out += [
        f"{KIND_LABELS.get(kind, kind)} has {n} rules; one per kind."
        for kind, n in kinds.items()
        if n > 1
    ]
    for key, rule in rule_set.activities.items():
        out += _one_activity_problems(rule_set, key, rule)
    return out


def _one_activity_problems(rule_set: RuleSet, key: str, rule: ActivityRule) -> list[str]:
    label = KIND_LABELS.get(rule.kind, rule.kind)
    out = []
    if rule.kind not in KIND_LABELS:
        out.append(f"{rule.kind!r} is not a kind of activity.")
    if key != rule.kind:
        out.append(f"The rule filed under {key!r} is for {label}.")
    if rule_set.category(rule.category) is None:
        out.append(f"{label} counts in category {rule.category!r}, which is not defined.")
    if rule.home_study_category and rule_set.category(rule.home_study_category) is None:
        out.append(
            f"{label} at home counts in category {rule.home_study_category!r}, which is not "
            "defined."
        )
    for what, value in (
        ("value", rule.value),
        ("credit per unit", rule.per_unit),
        ("cap per activity", rule.entry_cap),
        ("cap for a prep course", rule.prep_course_cap),
    ):
        out += _negative(f"{label}'s {what}", value)
    if rule.min_grade and rule.min_grade not in GRADES:
        out.append(f"{label}'s minimum grade {rule.min_grade!r} is not a letter grade.")
    return out


def _tiling_problems(bands: Sequence[ProrationBand], cycle_months: int) -> list[str]:
    """The pro-rating rows must cover every certification date exactly once: one row for
    before the period (ending at month 0), then rows from month 0 with no gap or overlap, the
    last one open-ended or reaching the end of the period."""
    out = []
    before = [b for b in bands if b.from_month is None]
    if len(before) != 1:
        out.append(
            f"The pro-rating table needs exactly one row for people certified before the period "
            f"(it has {len(before)})."
        )
    elif before[0].to_month not in (None, 0):
        out.append("The row for people certified before the period must end at month 0.")
    expected: int | None = 0
    for band in sorted((b for b in bands if b.from_month is not None), key=lambda b: b.from_month):
        start, end = band.from_month, band.to_month
        if end is not None and end <= start:
            out.append(f"The row from month {start} ends at month {end}, before it starts.")
            continue
        if expected is None:
            out.append(f"Months from {start} on are in two rows (an earlier row is open-ended).")
        elif start > expected:
            out.append(f"Months {expected}–{start} of the period are in no row.")
        elif start < expected:
            out.append(f"Months {start}–{expected} of the period are in two rows.")
        expected = None if end is None or expected is None else max(expected, end)
    if expected is not None and expected < cycle_months:
        out.append(f"Months {expected}–{cycle_months} of the period are in no row.")
    return out


def _band_problems(certifier: Certifier, rule_set: RuleSet) -> list[str]:
    if not rule_set.bands:
        return []
    out = []
    if certifier.cycle_kind != CycleKind.FIXED:
        out.append("A pro-rating table only applies to fixed cycles.")
    out += _tiling_problems(rule_set.bands, certifier.cycle_months)
    known = {c.code for c in rule_set.categories}
    for band in rule_set.bands:
        row = "before the period" if band.from_month is None else f"from month {band.from_month}"
        out += _negative(f"The requirement of the row {row}", band.required)
        for code, cap in band.category_caps.items():
            if code not in known:
                out.append(f"The row {row} caps category {code!r}, which is not defined.")
            out += _negative(f"The row {row}'s cap for {code}", cap)
        out += _share_problems(rule_set, band.required, f" in the row {row}")
    return out


def _share_problems(rule_set: RuleSet, required: Decimal, where: str = "") -> list[str]:
    shares = sum((c.min_share for c in rule_set.categories if c.min_share is not None), Decimal(0))
    if shares > required:
        return [
            f"The categories' minimums ({shares}) add up to more than the requirement "
            f"({required}){where}."
        ]
    return []


def _rule_set_problems(certifier: Certifier, rule_set: RuleSet) -> list[str]:
    out = []
    out += _negative("The requirement", rule_set.required)
    out += _negative("The grace period", rule_set.grace_months)
    out += _negative("The days a CPR/AED card must run past renewal", rule_set.cpr_days_after)
    out += _negative("The minimum number of categories", rule_set.min_categories)
    out += _category_problems(rule_set)
    out += _activity_problems(rule_set)
    out += _share_problems(rule_set, rule_set.required)
    out += _band_problems(certifier, rule_set)
    return out


def problems(certifier: Certifier) -> list[str]:
    """Everything that makes this certifier's rules impossible to evaluate (empty: none)."""
    out = _certifier_problems(certifier)
    several = len(certifier.rule_sets) > 1
    for rule_set in certifier.rule_sets:
        prefix = f"Rules from {us_date(rule_set.effective_from)}: " if several else ""
        out += [prefix + line for line in _rule_set_problems(certifier, rule_set)]
    return out


def effective_date_problems(
    effective_from: datetime.date, closed_cycles: Sequence[CycleData]
) -> list[str]:
    """A new version of the rules must not apply to a cycle already renewed: its date must come
    after the start of every renewed cycle of the certifier."""
    hit = sorted(
        {
            (c.starts_on, c.ends_on)
            for c in closed_cycles
            if c.renewed_on is not None and c.starts_on >= effective_from
        },
        reverse=True,
    )
    if not hit:
        return []
    named = ", ".join(f"{us_date(start)}–{us_date(end)}" for start, end in hit[:3])
    more = f" and {len(hit) - 3} more" if len(hit) > 3 else ""
    return [
        f"Rules from {us_date(effective_from)} would apply to cycles already renewed "
        f"({named}{more}); a renewed cycle keeps its rules. Choose a date after "
        f"{us_date(hit[0][0])}."
    ]
