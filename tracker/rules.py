"""The renewal rules, as one pure function of plain data.

Nothing here touches the database: `tracker.selectors` maps rows to these dataclasses, and
every number (units, cycle lengths, values, caps, grace) arrives as data from the certifier's
rows. Adding another certifier therefore needs no code.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from dateutil.relativedelta import relativedelta

TENTH = Decimal("0.1")
ZERO = Decimal("0.0")

# Kinds, spelled as tracker.models.Kind stores them (kept here so this module imports nothing).
APPROVED_COURSE = "approved_course"
CONFERENCE = "conference"
CPR_AED = "cpr_aed"
COLLEGE = "college"
EXTRA_CERTIFICATION = "extra_certification"
PRESENTING = "presenting"
BROADENING = "broadening"
PUBLISHING = "publishing"
MENTORING = "mentoring"
PETITION = "petition"

EARNED = "earned"
FIXED = "fixed"

# Letter grades from best to worst; "C or better" means anything up to and including C.
GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F")


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    READY = "ready"
    GRACE = "grace"
    LAPSED = "lapsed"
    RENEWED = "renewed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.READY: "Ready to renew",
    Status.GRACE: "In grace period",
    Status.LAPSED: "Lapsed",
    Status.RENEWED: "Renewed",
}


# --- Input ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KindRuleData:
    kind: str
    allowed: bool = True
    value: Decimal | None = None
    per_unit: Decimal | None = None
    entry_cap: Decimal | None = None
    prep_course_cap: Decimal | None = None
    cycle_cap: Decimal | None = None
    meets_requirement: bool = False
    min_grade: str = ""


@dataclass(frozen=True, slots=True)
class CertifierRules:
    id: int
    code: str
    credit_unit: str
    contact_hours_per_unit: Decimal
    cycle_months: int
    cycle_anchor: str
    credits_required: Decimal
    cpr_required: bool
    grace_months: int
    at_risk_days: int
    fixed_cycle_start: datetime.date | None = None
    prorate_first_cycle: bool = False
    kinds: Mapping[str, KindRuleData] = field(default_factory=dict)

    def kind(self, kind: str) -> KindRuleData | None:
        return self.kinds.get(kind)


@dataclass(frozen=True, slots=True)
class CycleData:
    id: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    credits_required: Decimal
    renewed_on: datetime.date | None = None
    renewed_at: datetime.datetime | None = None

    def holds(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def next_starts_on(self) -> datetime.date:
        """A renewal opens the next cycle the day after this one ends."""
        return self.ends_on + datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CertificationData:
    id: int
    certifier_id: int
    program_id: int
    name: str
    earned_on: datetime.date
    cycles: tuple[CycleData, ...]

    @property
    def current_cycle(self) -> CycleData | None:
        """The newest cycle not yet renewed."""
        open_cycles = [c for c in self.cycles if c.renewed_on is None]
        return max(open_cycles, key=lambda c: c.starts_on) if open_cycles else None


@dataclass(frozen=True, slots=True)
class EntryData:
    id: int
    kind: str
    completion_date: datetime.date
    credit: Decimal
    # The certifier whose units the credit is in; None counts toward every certifier.
    certifier_id: int | None = None
    course_id: int | None = None
    program_id: int | None = None
    cpr_card_id: int | None = None
    petition_id: int | None = None
    grade: str = ""
    is_prep_course: bool = False
    created_at: datetime.datetime | None = None
    label: str = ""

    @property
    def repeat_key(self) -> tuple | None:
        """What makes two entries "the same activity" for the no-repeats rule."""
        if self.course_id is not None:
            return ("course", self.course_id)
        if self.kind == EXTRA_CERTIFICATION and self.program_id is not None:
            return ("program", self.program_id)
        if self.kind == CPR_AED and self.cpr_card_id is not None:
            return ("cpr", self.cpr_card_id)
        if self.petition_id is not None:
            return ("petition", self.petition_id)
        return None


@dataclass(frozen=True, slots=True)
class CprCardData:
    id: int
    issued_on: datetime.date
    expires_on: datetime.date

    def current_on(self, day: datetime.date) -> bool:
        return self.issued_on <= day <= self.expires_on


# --- Output ---------------------------------------------------------------------------------


# Built by the thousand on every evaluation: plain (not frozen) slots are quicker to make.
@dataclass(slots=True)
class Counted:
    entry: EntryData
    credit: Decimal
    note: str = ""


@dataclass(slots=True)
class NotCounted:
    entry: EntryData
    reason: str


@dataclass(frozen=True, slots=True)
class CycleResult:
    certification: CertificationData
    cycle: CycleData
    is_current: bool
    counted: tuple[Counted, ...]
    not_counted: tuple[NotCounted, ...]
    total: Decimal
    required: Decimal
    remaining: Decimal
    met: bool
    deadline: datetime.date
    days_left: int
    grace_ends_on: datetime.date
    cpr_required: bool
    cpr_current_on_deadline: bool
    cpr_ok: bool
    status: Status
    can_renew: bool
    unit: str

    @property
    def percent(self) -> int:
        if self.required <= 0:
            return 100
        return min(100, int(self.total * 100 / self.required))

    @property
    def days_past(self) -> int:
        """Days since the deadline (0 until it passes)."""
        return max(-self.days_left, 0)

    @property
    def is_closed(self) -> bool:
        return self.cycle.renewed_on is not None


# --- Dates ----------------------------------------------------------------------------------


def month_end(day: datetime.date) -> datetime.date:
    return day + relativedelta(day=31)


def first_cycle(rules: CertifierRules, earned_on: datetime.date) -> CycleData:
    """The first renewal cycle of a certification earned on `earned_on`."""
    if rules.cycle_anchor == FIXED:
        start, end = fixed_cycle_around(rules, earned_on)
        required = rules.credits_required
        if rules.prorate_first_cycle:
            required = prorated_requirement(rules, earned_on, start, end)
        return CycleData(None, earned_on, end, required)
    # Earned anchor: ends on the last day of the month earned, `cycle_months` on.
    end = earned_on + relativedelta(months=rules.cycle_months, day=31)
    return CycleData(None, earned_on, end, rules.credits_required)


def next_cycle(rules: CertifierRules, previous: CycleData) -> CycleData:
    """The cycle after `previous`: it starts the day after the old end."""
    start = previous.next_starts_on
    if rules.cycle_anchor == FIXED:
        end = start + relativedelta(months=rules.cycle_months) - datetime.timedelta(days=1)
    else:
        end = previous.ends_on + relativedelta(months=rules.cycle_months, day=31)
    return CycleData(None, start, end, rules.credits_required)


def fixed_cycle_around(
    rules: CertifierRules, day: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The fixed calendar cycle (the same for everyone) that holds `day`."""
    origin = rules.fixed_cycle_start
    if origin is None:
        raise ValueError("A fixed cycle needs its start date.")
    months = (day.year - origin.year) * 12 + (day.month - origin.month)
    k = months // rules.cycle_months
    start = origin + relativedelta(months=k * rules.cycle_months)
    if start > day:
        k -= 1
    elif origin + relativedelta(months=(k + 1) * rules.cycle_months) <= day:
        k += 1
    start = origin + relativedelta(months=k * rules.cycle_months)
    end = origin + relativedelta(months=(k + 1) * rules.cycle_months) - datetime.timedelta(days=1)
    return start, end


def prorated_requirement(
    rules: CertifierRules,
    earned_on: datetime.date,
    start: datetime.date,
    end: datetime.date,
) -> Decimal:
    """The requirement shrinks by one share for each full year of the cycle already gone.

    A 3-year cycle of 6.0: certified in its first year 6.0, in its second 4.0, in its third 2.0.
    """
    years = -(-rules.cycle_months // 12)  # ceiling
    elapsed = relativedelta(earned_on, start).years
    share = Decimal(max(years - elapsed, 1)) / Decimal(years)
    return (rules.credits_required * share).quantize(TENTH, rounding=ROUND_HALF_UP)


def grace_end(rules: CertifierRules, ends_on: datetime.date) -> datetime.date:
    end = ends_on + relativedelta(months=rules.grace_months)
    # A cycle that ends on a month's last day keeps its grace to a month's last day.
    if ends_on == month_end(ends_on):
        end = month_end(end)
    return end


def card_years(issued_on: datetime.date, expires_on: datetime.date) -> int:
    """How many years a CPR/AED card runs, to the nearest whole year (at least one)."""
    span = relativedelta(expires_on + datetime.timedelta(days=1), issued_on)
    years = span.years + (1 if span.months >= 6 else 0)
    return max(years, 1)


# --- Credit for one activity ----------------------------------------------------------------


def grade_at_least(grade: str, minimum: str) -> bool:
    if not minimum:
        return True
    grade = (grade or "").strip().upper()
    if grade not in GRADES or minimum not in GRADES:
        return False
    return GRADES.index(grade) <= GRADES.index(minimum)


def to_tenths(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TENTH, rounding=ROUND_DOWN)


def cap(value: Decimal, *limits: Decimal | None) -> Decimal:
    for limit in limits:
        if limit is not None:
            value = min(value, limit)
    return value


def credit_from_hours(rules: CertifierRules, contact_hours: Decimal) -> Decimal:
    """Contact hours in the certifier's unit, rounded down to a tenth."""
    return to_tenths(Decimal(contact_hours) / rules.contact_hours_per_unit)


def college_credit(rule: KindRuleData, credit_hours: Decimal, is_prep_course: bool) -> Decimal:
    per_unit = rule.per_unit if rule.per_unit is not None else Decimal(1)
    credit = to_tenths(per_unit * Decimal(credit_hours))
    return cap(credit, rule.entry_cap, rule.prep_course_cap if is_prep_course else None)


def cpr_credit(rule: KindRuleData, issued_on: datetime.date, expires_on: datetime.date) -> Decimal:
    if rule.value is not None:
        return rule.value
    per_unit = rule.per_unit or ZERO
    return cap(per_unit * card_years(issued_on, expires_on), rule.entry_cap)


def suggested_credit(
    rules: CertifierRules,
    kind: str,
    *,
    contact_hours: Decimal | None = None,
    credit_hours: Decimal | None = None,
    grade: str = "",
    is_prep_course: bool = False,
) -> Decimal:
    """What the rules give one activity of this kind; 0 when they give nothing."""
    rule = rules.kind(kind)
    if rule is None or not rule.allowed:
        return ZERO
    if kind == COLLEGE and credit_hours is not None:
        if not grade_at_least(grade, rule.min_grade):
            return ZERO
        return college_credit(rule, credit_hours, is_prep_course)
    if rule.meets_requirement:
        return rules.credits_required
    if rule.value is not None:
        return rule.value
    if kind == CPR_AED and rule.per_unit is not None:
        return rule.per_unit
    if contact_hours is not None:
        credit = credit_from_hours(rules, contact_hours)
        limits = [rule.entry_cap, rule.cycle_cap]
        if is_prep_course:
            limits.append(rule.prep_course_cap)
        return cap(credit, *limits)
    return ZERO


# --- Evaluation -----------------------------------------------------------------------------


def _us(day: datetime.date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def _added_after_renewal(entry: EntryData, cycle: CycleData) -> bool:
    return (
        cycle.renewed_at is not None
        and entry.created_at is not None
        and entry.created_at > cycle.renewed_at
    )


def _applies(entry: EntryData, certification: CertificationData) -> bool:
    return entry.certifier_id is None or entry.certifier_id == certification.certifier_id


def evaluate_cycle(
    *,
    certification: CertificationData,
    cycle: CycleData,
    entries: Sequence[EntryData],
    cpr_cards: Sequence[CprCardData],
    rules: CertifierRules,
    today: datetime.date,
    dates: Sequence[datetime.date] | None = None,
    keys: Sequence[tuple | None] | None = None,
) -> CycleResult:
    """One certification's one cycle. `entries` must be sorted by (completion_date, id);
    `dates` and `keys` (their completion dates and repeat keys) may be passed precomputed."""
    if dates is None:
        dates = [e.completion_date for e in entries]
    if keys is None:
        keys = [e.repeat_key for e in entries]
    lo = bisect.bisect_left(dates, cycle.starts_on)
    hi = bisect.bisect_right(dates, cycle.ends_on)
    unit = rules.credit_unit
    required = cycle.credits_required
    counted: list[Counted] = []
    not_counted: list[NotCounted] = []
    first_seen: dict[tuple, EntryData] = {}
    used_by_kind: dict[str, Decimal] = {}
    total = ZERO
    requirement_met_by: EntryData | None = None

    kinds = rules.kinds
    certifier_id = certification.certifier_id
    renewed_at = cycle.renewed_at
    repeat_reasons: dict[tuple, str] = {}
    for i in range(lo, hi):
        entry = entries[i]
        if entry.certifier_id is not None and entry.certifier_id != certifier_id:
            continue
        kind = entry.kind
        rule = kinds.get(kind)
        if rule is None or not rule.allowed:
            not_counted.append(
                NotCounted(entry, f"This kind of activity does not count at {rules.code}.")
            )
            continue
        if (
            renewed_at is not None
            and entry.created_at is not None
            and entry.created_at > renewed_at
        ):
            not_counted.append(
                NotCounted(entry, f"Added after this cycle was renewed on {_us(cycle.renewed_on)}.")
            )
            continue
        key = keys[i]
        if key is not None and key in first_seen:
            reason = repeat_reasons.get(key)
            if reason is None:
                reason = repeat_reasons[key] = (
                    "Already counted in this cycle (logged on "
                    f"{_us(first_seen[key].completion_date)}); the same activity counts once "
                    "per cycle."
                )
            not_counted.append(NotCounted(entry, reason))
            continue
        if kind == COLLEGE and rule.min_grade and not grade_at_least(entry.grade, rule.min_grade):
            not_counted.append(
                NotCounted(entry, f"College credit needs a grade of {rule.min_grade} or better.")
            )
            continue
        if rule.meets_requirement:
            if entry.program_id == certification.program_id:
                not_counted.append(
                    NotCounted(entry, "This is the certification being renewed, not an extra one.")
                )
                continue
            if requirement_met_by is not None:
                not_counted.append(
                    NotCounted(
                        entry, "An extra certification already meets this cycle's requirement."
                    )
                )
                continue
            if key is not None:
                first_seen[key] = entry
            requirement_met_by = entry
            counted.append(Counted(entry, required, "Meets the whole requirement of this cycle."))
            total += required
            continue

        credit = entry.credit
        note = ""
        limit = rule.entry_cap
        if entry.is_prep_course and rule.prep_course_cap is not None:
            limit = rule.prep_course_cap if limit is None else min(limit, rule.prep_course_cap)
        if limit is not None and credit > limit:
            note = f"{limit} of {credit} counts: the most one such activity earns."
            credit = limit
        cycle_cap = rule.cycle_cap
        if cycle_cap is not None:
            used = used_by_kind.get(kind, ZERO)
            room = cycle_cap - used
            if room <= 0:
                not_counted.append(
                    NotCounted(
                        entry,
                        f"The cap of {cycle_cap} {unit} per cycle for this activity is reached.",
                    )
                )
                continue
            if credit > room:
                note = f"{room} of {entry.credit} counts: at most {cycle_cap} {unit} per cycle."
                credit = room
            used_by_kind[kind] = used + credit
        if key is not None:
            first_seen[key] = entry
        counted.append(Counted(entry, credit, note))
        total += credit

    met = total >= required
    remaining = max(required - total, ZERO)
    deadline = cycle.ends_on
    days_left = (deadline - today).days
    grace_ends_on = grace_end(rules, deadline)
    cpr_on_deadline = any(card.current_on(deadline) for card in cpr_cards)
    # Renewing late, in the grace period, a card current on the day of renewal will do.
    cpr_now = today > deadline and any(card.current_on(today) for card in cpr_cards)
    cpr_ok = (not rules.cpr_required) or cpr_on_deadline or cpr_now
    renewable = met and cpr_ok

    is_current = certification.current_cycle == cycle
    if cycle.renewed_on is not None:
        status = Status.RENEWED
    elif today > grace_ends_on:
        status = Status.LAPSED
    elif today > deadline:
        status = Status.GRACE
    elif renewable:
        status = Status.READY
    elif days_left < rules.at_risk_days:
        status = Status.AT_RISK
    else:
        status = Status.ON_TRACK
    can_renew = is_current and renewable and status in (Status.READY, Status.GRACE)

    return CycleResult(
        certification=certification,
        cycle=cycle,
        is_current=is_current,
        counted=tuple(counted),
        not_counted=tuple(not_counted),
        total=total,
        required=required,
        remaining=remaining,
        met=met,
        deadline=deadline,
        days_left=days_left,
        grace_ends_on=grace_ends_on,
        cpr_required=rules.cpr_required,
        cpr_current_on_deadline=cpr_on_deadline,
        cpr_ok=cpr_ok,
        status=status,
        can_renew=can_renew,
        unit=unit,
    )


def sort_entries(entries: Iterable[EntryData]) -> list[EntryData]:
    return sorted(entries, key=lambda e: (e.completion_date, e.id))


def evaluate(
    *,
    certifications: Sequence[CertificationData],
    entries: Iterable[EntryData],
    cpr_cards: Sequence[CprCardData],
    rules: Mapping[int, CertifierRules],
    today: datetime.date,
    current_only: bool = False,
) -> list[CycleResult]:
    """Every cycle of every certification (newest first within a certification).

    `rules` maps a certifier id to its rules. A credit counts toward every certification of
    its certifier whose cycle holds its completion date, and only there (no carry-over).
    """
    ordered = sort_entries(entries)
    by_certifier: dict[int, tuple] = {}
    results = []
    for certification in certifications:
        certifier_id = certification.certifier_id
        certifier_rules = rules[certifier_id]
        if certifier_id not in by_certifier:
            # Each certifier sees only its own credits (and those tied to none).
            own = [e for e in ordered if e.certifier_id is None or e.certifier_id == certifier_id]
            by_certifier[certifier_id] = (
                own,
                [e.completion_date for e in own],
                [e.repeat_key for e in own],
            )
        own, dates, keys = by_certifier[certifier_id]
        current = certification.current_cycle
        cycles = sorted(certification.cycles, key=lambda c: c.starts_on, reverse=True)
        for cycle in cycles:
            if current_only and cycle != current:
                continue
            results.append(
                evaluate_cycle(
                    certification=certification,
                    cycle=cycle,
                    entries=own,
                    cpr_cards=cpr_cards,
                    rules=certifier_rules,
                    today=today,
                    dates=dates,
                    keys=keys,
                )
            )
    return results


def counts_nowhere(
    entries: Iterable[EntryData], certifications: Sequence[CertificationData]
) -> list[NotCounted]:
    """Entries that no cycle of any certification holds, and why."""
    out = []
    for entry in sort_entries(entries):
        held = [c for c in certifications if _applies(entry, c)]
        if not held:
            out.append(NotCounted(entry, "You hold no certification this credit counts toward."))
        elif not any(cy.holds(entry.completion_date) for c in held for cy in c.cycles):
            out.append(
                NotCounted(entry, "Its completion date is outside every renewal cycle you have.")
            )
    return out


def current_cycles_holding(
    certifications: Sequence[CertificationData], day: datetime.date, certifier_id: int | None
) -> list[tuple[CertificationData, CycleData]]:
    out = []
    for certification in certifications:
        if certifier_id is not None and certification.certifier_id != certifier_id:
            continue
        cycle = certification.current_cycle
        if cycle is not None and cycle.holds(day):
            out.append((certification, cycle))
    return out


def locking_cycle(
    entry: EntryData, certifications: Sequence[CertificationData]
) -> CycleData | None:
    """The renewed cycle that relied on this entry, if any: the entry is then read-only."""
    for certification in certifications:
        if not _applies(entry, certification):
            continue
        for cycle in certification.cycles:
            if (
                cycle.renewed_on is not None
                and cycle.holds(entry.completion_date)
                and not _added_after_renewal(entry, cycle)
            ):
                return cycle
    return None
