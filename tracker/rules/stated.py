"""The most a person may state for an activity whose credit they give themselves (presenting,
mentoring …): what a form refuses before the ledger takes it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from .credit import credit_from_hours, grade_at_least, to_tenths
from .data import BROADENING, COLLEGE, KIND_LABELS, PETITION, Certifier
from .describe import amount


def _limits(certifier: Certifier, kind: str, day: datetime.date) -> list[tuple[Decimal, str]]:
    rule_set = certifier.rules_on(day)
    rule = rule_set.activity(kind)
    if rule is None or rule.value is not None or rule.per_unit is not None:
        return []
    category = rule_set.category(rule.category)
    found = []
    if rule.entry_cap is not None:
        found.append((rule.entry_cap, "for one activity"))
    if category is not None and category.cycle_cap is not None:
        found.append((category.cycle_cap, "per cycle"))
    if category is not None and category.year_cap is not None:
        found.append((category.year_cap, "per year"))
    return found


def stated_limit(certifier: Certifier, kind: str, day: datetime.date) -> Decimal | None:
    """The most one stated activity of this kind can be worth, or None when nothing caps it."""
    limits = _limits(certifier, kind, day)
    return min(value for value, _ in limits) if limits else None


def stated_limit_message(certifier: Certifier, kind: str, day: datetime.date) -> str:
    limits = _limits(certifier, kind, day)
    if not limits:
        return ""
    value, per = min(limits, key=lambda item: item[0])
    most = amount(value, certifier.unit)
    return f"{KIND_LABELS[kind]} counts at most {most} {per} at {certifier.code}."


def petition_kind(petition_type: str) -> str:
    """The activity whose rule a petition of this type is judged by (college, another
    certification, or a course: the certifier's petition rule)."""
    return {"college": COLLEGE, "ncca": BROADENING}.get(petition_type, PETITION)


def petition_limit(
    certifier: Certifier, kind: str, day: datetime.date, *, is_prep_course: bool = False
) -> Decimal | None:
    """The most one petition may be awarded under the rule for `kind` (None: no limit)."""
    rule = certifier.rules_on(day).activity(kind)
    if rule is None:
        return None
    caps = [rule.entry_cap]
    if kind == COLLEGE and is_prep_course:
        caps.append(rule.prep_course_cap)
    if rule.value is not None and not rule.per_unit:
        # A fixed-value activity (0.5 for another NCCA certification) is worth that much.
        caps.append(rule.value)
    caps = [c for c in caps if c is not None]
    return min(caps) if caps else None


def suggested_credit(
    certifier: Certifier,
    kind: str,
    day: datetime.date,
    *,
    contact_hours: Decimal | None = None,
    credit_hours: Decimal | None = None,
    grade: str = "",
    is_prep_course: bool = False,
) -> Decimal | None:
    """What the rules would give one petitioned activity (None when they cannot tell)."""
    rule = certifier.rules_on(day).activity(kind)
    if rule is None:
        return None
    limit = petition_limit(certifier, kind, day, is_prep_course=is_prep_course)
    if kind == COLLEGE:
        if credit_hours is None or not grade_at_least(grade, rule.min_grade):
            return None
        credit = to_tenths((rule.per_unit or Decimal(1)) * Decimal(credit_hours))
    elif rule.value is not None:
        credit = rule.value
    elif contact_hours is not None:
        credit = credit_from_hours(certifier.unit, Decimal(contact_hours))
    else:
        return None
    if limit is not None:
        credit = min(credit, limit)
    return credit if credit > 0 else None


def petition_cap_message(
    certifier: Certifier, limit: Decimal, petition_type: str, is_prep_course: bool
) -> str:
    if petition_type == "college":
        what = "a certification-prep course" if is_prep_course else "a college course"
    elif petition_type == "ncca":
        what = "another NCCA-accredited certification"
    else:
        what = "one petition of this type"
    return f"At most {amount(limit, certifier.unit)} may be awarded for {what} at {certifier.code}."


def renewed_cycle_holding(entry, certifications, day: datetime.date):
    """A renewed cycle of a certifier the entry counts toward that holds `day`: an entry may
    not be moved into it, since a closed cycle never changes."""
    certifiers = {claim.certifier_id for claim in entry.claims}
    for certification in certifications:
        if certification.certifier_id not in certifiers:
            continue
        for cycle in certification.cycles:
            if cycle.renewed_on is not None and cycle.holds(day):
                return cycle
    return None
