"""What one activity is worth toward each certifier, or why it is worth nothing there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal

from .cycles import card_years, us_date
from .data import (
    COLLEGE,
    COURSE_KINDS,
    CPR_AED,
    EXTRA_CERTIFICATION,
    FIRST_AID,
    GRADES,
    KIND_LABELS,
    LIVE_EVENT,
    SHARED_KINDS,
    TENTH,
    ZERO,
    Activity,
    ActivityRule,
    Approval,
    CertificationData,
    Certifier,
    Claim,
    EntryData,
    Refusal,
    RuleSet,
    Unit,
)

CARD_KINDS = frozenset({CPR_AED, FIRST_AID})


def to_tenths(value: Decimal) -> Decimal:
    """Rounded down to a tenth: credit is never rounded up."""
    return Decimal(value).quantize(TENTH, rounding=ROUND_DOWN)


def grade_at_least(grade: str, minimum: str) -> bool:
    if not minimum:
        return True
    grade = (grade or "").strip().upper()
    if grade not in GRADES or minimum not in GRADES:
        return False
    return GRADES.index(grade) <= GRADES.index(minimum)


def credit_from_hours(unit: Unit, hours: Decimal) -> Decimal:
    """Contact hours in the certifier's unit, rounded down to a tenth (3 h: 0.3 CEC at ACE)."""
    return to_tenths(Decimal(hours) / unit.hours_per_unit)


def hours_from_credit(credit: Decimal, hours_per_unit: Decimal) -> Decimal:
    """Credit back into contact hours, to the hundredth: 0.3 CEC at 10 hours per CEC is 3.00."""
    return (Decimal(credit) * Decimal(hours_per_unit)).quantize(Decimal("0.01"))


def _cap(value: Decimal, *limits: Decimal | None) -> Decimal:
    for limit in limits:
        if limit is not None:
            value = min(value, limit)
    return value


# --- One certifier --------------------------------------------------------------------------

# What one certifier's rules give an activity: (credit, category) or the refusal.
Worth = tuple[Decimal, str] | Refusal


def _approval_refusal(activity: Activity, approval: Approval, code: str) -> Refusal | None:
    done = activity.completion_date
    course = approval.number or activity.course_label or "this course"
    if approval.valid_from is not None and done < approval.valid_from:
        return Refusal(
            approval.certifier_id,
            f"{code}'s approval of {course} starts on {us_date(approval.valid_from)}; an "
            "earlier completion needs a petition.",
            "completion_date",
        )
    if approval.valid_to is not None and done > approval.valid_to:
        return Refusal(
            approval.certifier_id,
            f"{code}'s approval of {course} expired on {us_date(approval.valid_to)}; a later "
            "completion needs a petition.",
            "completion_date",
        )
    return None


def _hours_credit(activity: Activity, certifier: Certifier) -> Decimal | Refusal:
    if activity.contact_hours is None:
        return Refusal(
            certifier.id,
            f"{certifier.code} counts this by its contact hours: enter them.",
            "contact_hours",
        )
    return credit_from_hours(certifier.unit, activity.contact_hours)


def _course_worth(activity: Activity, certifier: Certifier, rule: ActivityRule) -> Worth:
    code = certifier.code
    approval = next((a for a in activity.approvals if a.certifier_id == certifier.id), None)
    if approval is None and rule.needs_approval:
        return Refusal(certifier.id, f"Not approved by {code} — petition {code} for this course.")
    if approval is not None:
        refusal = _approval_refusal(activity, approval, code)
        if refusal is not None and rule.needs_approval:
            return refusal
        if refusal is not None:  # out of its window, but counted by the hours all the same
            approval = None
    category = (approval.category if approval is not None else "") or rule.category
    if approval is not None and approval.credit is not None:
        return approval.credit, category
    credit = _hours_credit(activity, certifier)
    return credit if isinstance(credit, Refusal) else (credit, category)


def _card_worth(activity: Activity, rule: ActivityRule) -> Worth:
    if rule.value is not None:
        return rule.value, rule.category
    # Checked by claims_for: a card kind always has both dates.
    assert activity.card_issued_on is not None and activity.card_expires_on is not None
    years = card_years(activity.card_issued_on, activity.card_expires_on)
    return _cap((rule.per_unit or ZERO) * years, rule.entry_cap), rule.category


def _college_worth(activity: Activity, certifier: Certifier, rule: ActivityRule) -> Worth:
    if not grade_at_least(activity.grade, rule.min_grade):
        return Refusal(
            certifier.id,
            f"{certifier.code} counts college courses with a grade of {rule.min_grade} or better.",
            "grade",
        )
    per_unit = rule.per_unit if rule.per_unit is not None else Decimal(1)
    credit = to_tenths(per_unit * Decimal(activity.credit_hours or 0))
    prep = rule.prep_course_cap if activity.is_prep_course else None
    return _cap(credit, rule.entry_cap, prep), rule.category


def _stated_worth(activity: Activity, certifier: Certifier, rule: ActivityRule) -> Worth:
    if rule.value is not None:
        return rule.value, rule.category
    if activity.stated_credit is None:
        return Refusal(certifier.id, f"Enter the credit in {certifier.unit.plural}.", "credit")
    return activity.stated_credit, rule.category


def _worth(
    activity: Activity, certifier: Certifier, rule_set: RuleSet, rule: ActivityRule
) -> Worth:
    kind = activity.kind
    if kind in COURSE_KINDS:
        return _course_worth(activity, certifier, rule)
    if kind == LIVE_EVENT:
        credit = _hours_credit(activity, certifier)
        return credit if isinstance(credit, Refusal) else (credit, rule.category)
    if kind in CARD_KINDS:
        return _card_worth(activity, rule)
    if kind == COLLEGE:
        return _college_worth(activity, certifier, rule)
    if kind == EXTRA_CERTIFICATION:
        # Shown as the requirement; evaluate decides whether it meets it.
        if rule_set.extra_certification_meets_requirement or rule.value is None:
            return rule_set.required, rule.category
        return rule.value, rule.category
    return _stated_worth(activity, certifier, rule)


def claim_toward(activity: Activity, certifier: Certifier) -> Claim | Refusal:
    """What one activity is worth toward one certifier, under the rules in force on its
    completion date."""
    code = certifier.code
    rule_set = certifier.rules_on(activity.completion_date)
    rule = rule_set.activity(activity.kind)
    label = KIND_LABELS.get(activity.kind, activity.kind)
    if rule is None:
        return Refusal(certifier.id, f"{label} does not count toward {code} renewal.")
    worth = _worth(activity, certifier, rule_set, rule)
    if isinstance(worth, Refusal):
        return worth
    credit, category = worth
    if activity.home_study and rule.home_study_category:
        category = rule.home_study_category
    if credit <= 0:
        return Refusal(certifier.id, f"{activity.course_label or label} earns no {code} credit.")
    return Claim(certifier.id, credit, category)


# --- Every certifier ------------------------------------------------------------------------


def _input_refusal(activity: Activity) -> Refusal | None:
    """Problems with the activity itself, whatever the certifier."""
    kind = activity.kind
    if kind not in KIND_LABELS:
        return Refusal(None, "Choose what kind of activity this was.", "kind")
    if kind in CARD_KINDS:
        issued, expires = activity.card_issued_on, activity.card_expires_on
        if issued is None or expires is None:
            return Refusal(None, "Enter the dates the card was issued and expires.", "card")
        if expires < issued:
            return Refusal(None, "The card expires before it was issued.", "card_expires_on")
    if kind == COLLEGE and (activity.credit_hours is None or activity.credit_hours <= 0):
        return Refusal(None, "Enter the course's college credit hours.", "credit_hours")
    grade = activity.grade.strip().upper()
    if kind == COLLEGE and grade and grade not in GRADES:
        return Refusal(None, "Enter a letter grade from A+ to F.", "grade")
    return None


def _target_ids(activity: Activity, certifiers: Mapping[int, Certifier]) -> list[int] | Refusal:
    if activity.kind in SHARED_KINDS:
        return list(certifiers)
    if activity.kind == EXTRA_CERTIFICATION:
        target, field = activity.program_certifier_id, "program"
    else:
        target, field = activity.certifier_id, "certifier"
    if target is None or target not in certifiers:
        return Refusal(None, "Choose the certifier this counts toward.", field)
    return [target]


def claims_for(
    activity: Activity, certifiers: Mapping[int, Certifier]
) -> tuple[tuple[Claim, ...], tuple[Refusal, ...]]:
    """The claims an activity earns (one per certifier it counts toward) and, for the others,
    why not. Shared kinds (courses, CPR/AED cards, college) go to every certifier given; the
    others only to the one chosen (an extra certification: its program's certifier)."""
    refusal = _input_refusal(activity)
    if refusal is not None:
        return (), (refusal,)
    targets = _target_ids(activity, certifiers)
    if isinstance(targets, Refusal):
        return (), (targets,)
    claims, refusals = [], []
    for certifier_id in targets:
        got = claim_toward(activity, certifiers[certifier_id])
        (refusals if isinstance(got, Refusal) else claims).append(got)
    return tuple(claims), tuple(refusals)


# --- No repeats -----------------------------------------------------------------------------

_SAME = {"course": "course", "program": "certification", "cpr": "card", "petition": "petition"}


def repeat_conflicts(
    *,
    entry: EntryData,
    existing: Sequence[EntryData],
    certifications: Sequence[CertificationData],
) -> tuple[Refusal, ...]:
    """The no-repeat rule, per certifier: an activity already logged toward a certifier in a
    cycle (open or closed) holding this one's date cannot count there again. A course logged
    only toward ACE does not block ACSM."""
    key = entry.repeat_key
    if key is None:
        return ()
    same = [e for e in existing if e.id != entry.id and e.repeat_key == key]
    if not same:
        return ()
    refusals = []
    for claim in entry.claims:
        refusal = _repeat_for(entry, claim.certifier_id, same, certifications, key)
        if refusal is not None:
            refusals.append(refusal)
    return tuple(refusals)


def _repeat_for(
    entry: EntryData,
    certifier_id: int,
    same: Sequence[EntryData],
    certifications: Sequence[CertificationData],
    key: tuple,
) -> Refusal | None:
    earlier = [e for e in same if e.claim_for(certifier_id) is not None]
    for certification in certifications:
        if certification.certifier_id != certifier_id:
            continue
        for cycle in certification.cycles:
            if not cycle.holds(entry.completion_date):
                continue
            for other in earlier:
                if cycle.holds(other.completion_date):
                    return Refusal(
                        certifier_id,
                        f"Already logged on {us_date(other.completion_date)} toward "
                        f"{certification.name} in this renewal cycle "
                        f"({us_date(cycle.starts_on)}–{us_date(cycle.ends_on)}); the same "
                        f"{_SAME.get(key[0], 'activity')} counts once per cycle.",
                        "completion_date",
                    )
    return None
