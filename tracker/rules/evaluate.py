"""A person's record against the rules: what counts in each cycle, what does not and why, and
where each certification stands.

Credit counts only in the cycle that holds its completion date (no carry-over), toward every
certification of the certifier it has a claim for (shared credit), once per cycle (no repeats),
within each category's caps per cycle and per calendar year.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import operator
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from .credit import grade_at_least
from .cycles import added_after_renewal, grace_end, requirement, us_date
from .data import (
    COLLEGE,
    COURSE_KINDS,
    EXTRA_CERTIFICATION,
    ZERO,
    CertificationData,
    Certifier,
    Claim,
    Counted,
    CprCardData,
    CprWindow,
    CycleData,
    CycleResult,
    EntryData,
    FrozenResult,
    NotCounted,
    RuleSet,
    Status,
)
from .describe import amount, number

# Kinds with a condition of their own before they count (a grade; not the same program).
CHECKED_KINDS = frozenset({COLLEGE, EXTRA_CERTIFICATION})


_ORDER = operator.attrgetter("completion_date", "id")


def sort_entries(entries: Iterable[EntryData]) -> list[EntryData]:
    return sorted(entries, key=_ORDER)


# --- Counting one cycle ---------------------------------------------------------------------


class _Tally:
    """What one cycle has counted so far, and the rules it counts under."""

    __slots__ = (
        "capped",
        "careful",
        "category_totals",
        "certification",
        "certifier",
        "counted",
        "cycle",
        "cycle_caps",
        "first_seen",
        "full",
        "grades",
        "met_by",
        "min_grade",
        "names",
        "not_counted",
        "repeat_reasons",
        "required",
        "rule_set",
        "slow_kinds",
        "year_caps",
        "year_reasons",
        "year_totals",
    )

    def __init__(self, certifier, rule_set, certification, cycle, required, cycle_caps):
        self.certifier: Certifier = certifier
        self.rule_set: RuleSet = rule_set
        self.certification: CertificationData = certification
        self.cycle: CycleData = cycle
        self.required: Decimal = required
        self.cycle_caps: dict[str, Decimal] = cycle_caps
        self.year_caps = {c.code: c.year_cap for c in rule_set.categories if c.year_cap is not None}
        self.names = {c.code: c.name for c in rule_set.categories}
        # What sends an entry down the slow path: a kind with a condition or a cap of its own,
        # a category with a cap.
        self.slow_kinds = CHECKED_KINDS | {
            kind
            for kind, rule in rule_set.activities.items()
            if rule.entry_cap is not None or rule.prep_course_cap is not None
        }
        self.capped = set(cycle_caps) | set(self.year_caps)
        self.full: dict[str, str] = {}  # category → why nothing more counts there
        self.careful = cycle.renewed_at is not None  # entries may postdate the renewal
        college = rule_set.activity(COLLEGE)
        self.min_grade = college.min_grade if college is not None else ""
        self.grades: dict[str, bool] = {}  # grade → good enough for college credit
        self.year_reasons: dict[tuple[str, int], str] = {}
        self.counted: list[Counted] = []
        self.not_counted: list[NotCounted] = []
        self.category_totals: dict[str, Decimal] = {}
        self.year_totals: dict[tuple[str, int], Decimal] = {}
        self.first_seen: dict[tuple, EntryData] = {}
        self.repeat_reasons: dict[tuple, str] = {}
        self.met_by: EntryData | None = None

    @property
    def total(self) -> Decimal:
        total = sum(self.category_totals.values(), ZERO)
        return total + self.required if self.met_by is not None else total

    def repeat_reason(self, key: tuple) -> str:
        reason = self.repeat_reasons.get(key)
        if reason is None:
            reason = self.repeat_reasons[key] = (
                f"Already counted in this cycle (logged on "
                f"{us_date(self.first_seen[key].completion_date)}); the same activity counts "
                "once per cycle."
            )
        return reason

    def refusal(self, entry: EntryData) -> str | None:
        """Why an entry with a claim does not count before any cap is looked at."""
        cycle = self.cycle
        if added_after_renewal(entry, cycle):
            return f"Added after this cycle was renewed on {us_date(cycle.renewed_on)}."
        kind = entry.kind
        if kind == COLLEGE:
            minimum = self.min_grade
            if minimum:
                passed = self.grades.get(entry.grade)
                if passed is None:
                    passed = self.grades[entry.grade] = grade_at_least(entry.grade, minimum)
                if not passed:
                    return f"College credit needs a grade of {minimum} or better."
        elif kind == EXTRA_CERTIFICATION and self.rule_set.extra_certification_meets_requirement:
            if entry.program_id == self.certification.program_id:
                return "This is the certification being renewed, not an extra one."
            if self.met_by is not None:
                return "An extra certification already meets this cycle's requirement."
        return None

    def slow(self, entry: EntryData, claim: Claim) -> bool:
        """Count an entry that has a condition or a cap to pass; False when it does not count."""
        kind = entry.kind
        if self.careful or kind in CHECKED_KINDS:
            reason = self.refusal(entry)
            if reason is not None:
                self.not_counted.append(NotCounted(entry, reason))
                return False
            if kind == EXTRA_CERTIFICATION and self.rule_set.extra_certification_meets_requirement:
                self.met_by = entry
                note = "Meets the whole requirement of this cycle."
                self.counted.append(Counted(entry, self.required, claim.category, note))
                return True
        reason = self.full.get(claim.category)
        if reason is not None:
            self.not_counted.append(NotCounted(entry, reason))
            return False
        credit, note = self.entry_limit(entry, claim.credit)
        return self.fit(entry, claim, credit, note)

    def entry_limit(self, entry: EntryData, credit: Decimal) -> tuple[Decimal, str]:
        """The credit after the most one activity of its kind may earn."""
        rule = self.rule_set.activity(entry.kind)
        if rule is None:
            return credit, ""
        limit, what = rule.entry_cap, "one activity"
        prep = rule.prep_course_cap
        if entry.is_prep_course and prep is not None and (limit is None or prep < limit):
            limit, what = prep, "one certification-prep course"
        if limit is None or credit <= limit:
            return credit, ""
        return limit, self.trimmed(limit, credit, limit, f"from {what}")

    def trimmed(self, counts: Decimal, of: Decimal, limit: Decimal, where: str) -> str:
        """The note on a credit cut down by a cap."""
        most = amount(limit, self.certifier.unit)
        return f"{number(counts)} of {number(of)} counts: at most {most} {where}."

    def fit(self, entry: EntryData, claim: Claim, credit: Decimal, note: str) -> bool:
        """Count what fits under the category's caps per cycle and per calendar year."""
        category = claim.category
        name = self.names.get(category, category)
        cap = self.cycle_caps.get(category)
        if cap is not None:
            room = cap - self.category_totals.get(category, ZERO)
            if room <= 0:
                most = amount(cap, self.certifier.unit)
                reason = self.full[category] = f"The cap of {most} per cycle in {name} is reached."
                self.not_counted.append(NotCounted(entry, reason))
                return False
            if credit > room:
                credit = room
                note = self.trimmed(room, claim.credit, cap, f"per cycle in {name}")
        year_cap = self.year_caps.get(category)
        if year_cap is not None:
            year = entry.completion_date.year
            used = self.year_totals.get((category, year), ZERO)
            room = year_cap - used
            if room <= 0:
                self.not_counted.append(NotCounted(entry, self.year_full(category, year)))
                return False
            if credit > room:
                credit = room
                note = self.trimmed(room, claim.credit, year_cap, f"per year in {name}")
            self.year_totals[(category, year)] = used + credit
        self.counted.append(Counted(entry, credit, category, note))
        self.category_totals[category] = self.category_totals.get(category, ZERO) + credit
        return True

    def year_full(self, category: str, year: int) -> str:
        reason = self.year_reasons.get((category, year))
        if reason is None:
            most = amount(self.year_caps[category], self.certifier.unit)
            name = self.names.get(category, category)
            reason = self.year_reasons[(category, year)] = (
                f"The cap of {most} per calendar year in {name} is reached for {year}."
            )
        return reason


def _count(
    tally: _Tally,
    entries: Sequence[EntryData],
    keys: Sequence[tuple | None],
    claims: Sequence[Claim | None],
    lo: int,
    hi: int,
) -> None:
    """Count the entries lo..hi (those the cycle holds). Most take the quick path: no condition
    and no cap; the others go through `_Tally.slow`."""
    code = tally.certifier.code
    unapproved = f"Not approved by {code} — petition {code}."
    first_seen = tally.first_seen
    counted = tally.counted
    not_counted = tally.not_counted
    totals = tally.category_totals
    slow_kinds = tally.slow_kinds
    capped = tally.capped
    careful = tally.careful
    full = tally.full
    repeat_reasons = tally.repeat_reasons
    for entry, claim, key in zip(entries[lo:hi], claims[lo:hi], keys[lo:hi], strict=True):
        kind = entry.kind
        if claim is None:
            if kind in COURSE_KINDS:
                not_counted.append(NotCounted(entry, unapproved))
            continue
        if key is not None and key in first_seen:
            reason = repeat_reasons.get(key) or tally.repeat_reason(key)
            not_counted.append(NotCounted(entry, reason))
            continue
        category = claim.category
        if category in full and not careful and kind not in CHECKED_KINDS:
            not_counted.append(NotCounted(entry, full[category]))
            continue
        if careful or category in capped or kind in slow_kinds:
            if not tally.slow(entry, claim):
                continue
        else:
            credit = claim.credit
            counted.append(Counted(entry, credit, category, ""))
            totals[category] = totals.get(category, ZERO) + credit
        if key is not None:
            first_seen[key] = entry


def _conditions(tally: _Tally) -> tuple[bool, tuple[str, ...]]:
    """Whether the cycle's requirement is met, and what besides the total it still lacks."""
    required = tally.required
    if tally.met_by is not None:
        return True, ()
    unit = tally.certifier.unit
    totals = tally.category_totals
    rule_set = tally.rule_set
    shortfalls = []
    for category in rule_set.categories:
        if category.min_share is None:
            continue
        need = min(category.min_share, required)
        have = totals.get(category.code, ZERO)
        if have < need:
            shortfalls.append(f"{amount(need - have, unit)} from {category.name} still needed.")
    wanted = rule_set.min_categories
    if wanted and required > 0:
        distinct = {c.code for c in rule_set.categories if not c.counts_as_distinct}
        have = sum(1 for code, value in totals.items() if value > 0 and code not in distinct)
        if have < wanted:
            shortfalls.append(f"Credit from at least {wanted} categories is needed; so far {have}.")
    return tally.total >= required and not shortfalls, tuple(shortfalls)


def cpr_ok(
    rule_set: RuleSet,
    cpr_cards: Sequence[CprCardData],
    deadline: datetime.date,
    today: datetime.date,
) -> bool:
    """Whether the CPR/AED condition of renewal holds today."""
    window = rule_set.cpr_window
    if window == CprWindow.DEADLINE:
        if any(card.current_on(deadline) for card in cpr_cards):
            return True
        # Renewing late, in the grace period, a card current on the day of renewal will do.
        return today > deadline and any(card.current_on(today) for card in cpr_cards)
    if window == CprWindow.SUBMISSION:
        until = today + datetime.timedelta(days=rule_set.cpr_days_after)
        return any(card.current_on(today) and card.expires_on >= until for card in cpr_cards)
    return True


def _status(
    cycle: CycleData,
    *,
    today: datetime.date,
    grace_ends_on: datetime.date,
    renewable: bool,
    at_risk_days: int,
) -> Status:
    if cycle.renewed_on is not None:
        return Status.RENEWED
    if today > grace_ends_on:
        return Status.LAPSED
    if today > cycle.ends_on:
        return Status.GRACE
    if renewable:
        return Status.READY
    if (cycle.ends_on - today).days < at_risk_days:
        return Status.AT_RISK
    return Status.ON_TRACK


def _frozen_result(
    *,
    certification: CertificationData,
    cycle: CycleData,
    entries: Sequence[EntryData],
    cpr_cards: Sequence[CprCardData],
    certifier: Certifier,
    today: datetime.date,
) -> CycleResult:
    """A closed cycle shows what it showed when it was renewed, whatever the rules say now."""
    frozen = cycle.frozen
    assert frozen is not None
    by_id = {e.id: e for e in entries}
    counted = []
    for entry_id, credit, note in frozen.counted:
        entry = by_id.get(entry_id)
        if entry is not None:
            claim = entry.claim_for(certifier.id)
            counted.append(Counted(entry, credit, claim.category if claim else "", note))
    not_counted = [
        NotCounted(by_id[entry_id], reason)
        for entry_id, reason in frozen.not_counted
        if entry_id in by_id
    ]
    # Logged since, into the closed window: shown, never counted.
    known = {pk for pk, _credit, _note in frozen.counted} | {pk for pk, _ in frozen.not_counted}
    late = f"Added after this cycle was renewed on {us_date(cycle.renewed_on)}."
    not_counted.extend(
        NotCounted(entry, late)
        for entry in entries
        if entry.id not in known
        and cycle.holds(entry.completion_date)
        and entry.claim_for(certifier.id) is not None
        and added_after_renewal(entry, cycle)
    )
    not_counted = tuple(not_counted)
    rule_set = certifier.rules_on(cycle.starts_on)
    deadline = cycle.ends_on
    grace_ends_on = frozen.grace_ends_on or grace_end(certifier, rule_set, deadline)
    cpr_required = frozen.cpr_required
    if cpr_required is None:
        cpr_required = rule_set.cpr_window != CprWindow.NONE
    ok = frozen.cpr_ok
    if ok is None:
        ok = cpr_ok(rule_set, cpr_cards, deadline, today)
    return CycleResult(
        certification=certification,
        cycle=cycle,
        is_current=certification.current_cycle == cycle,
        counted=tuple(counted),
        not_counted=not_counted,
        total=frozen.total,
        required=frozen.required,
        remaining=max(frozen.required - frozen.total, ZERO),
        category_totals=dict(frozen.category_totals),
        shortfalls=tuple(frozen.shortfalls),
        met=frozen.met if frozen.met is not None else frozen.total >= frozen.required,
        deadline=deadline,
        days_left=(deadline - today).days,
        grace_ends_on=grace_ends_on,
        cpr_required=cpr_required,
        cpr_ok=ok,
        status=Status.RENEWED,
        can_renew=False,
        unit=certifier.unit,
    )


def evaluate_cycle(
    *,
    certification: CertificationData,
    cycle: CycleData,
    entries: Sequence[EntryData],
    cpr_cards: Sequence[CprCardData],
    certifier: Certifier,
    today: datetime.date,
    dates: Sequence[datetime.date] | None = None,
    keys: Sequence[tuple | None] | None = None,
    claims: Sequence[Claim | None] | None = None,
) -> CycleResult:
    """One certification's one cycle. `entries` must be sorted by (completion_date, id);
    `dates`, `keys` and `claims` (their completion dates, repeat keys and claims for this
    certifier) may be passed precomputed."""
    if cycle.frozen is not None:
        return _frozen_result(
            certification=certification,
            cycle=cycle,
            entries=entries,
            cpr_cards=cpr_cards,
            certifier=certifier,
            today=today,
        )
    if dates is None:
        dates = [e.completion_date for e in entries]
    lo = bisect.bisect_left(dates, cycle.starts_on)
    hi = bisect.bisect_right(dates, cycle.ends_on)
    if keys is None:
        keys = [e.repeat_key for e in entries]
    if claims is None:
        claims = [e.claim_for(certifier.id) for e in entries]
    rule_set = certifier.rules_on(cycle.starts_on)
    required, caps = requirement(certifier, certification.earned_on, cycle)
    tally = _Tally(certifier, rule_set, certification, cycle, required, caps)
    _count(tally, entries, keys, claims, lo, hi)
    met, shortfalls = _conditions(tally)
    total = tally.total

    deadline = cycle.ends_on
    grace_ends_on = grace_end(certifier, rule_set, deadline)
    cpr = cpr_ok(rule_set, cpr_cards, deadline, today)
    renewable = met and cpr
    status = _status(
        cycle,
        today=today,
        grace_ends_on=grace_ends_on,
        renewable=renewable,
        at_risk_days=certifier.at_risk_days,
    )
    is_current = certification.current_cycle == cycle
    return CycleResult(
        certification=certification,
        cycle=cycle,
        is_current=is_current,
        counted=tuple(tally.counted),
        not_counted=tuple(tally.not_counted),
        total=total,
        required=required,
        remaining=max(required - total, ZERO),
        category_totals=tally.category_totals,
        shortfalls=shortfalls,
        met=met,
        deadline=deadline,
        days_left=(deadline - today).days,
        grace_ends_on=grace_ends_on,
        cpr_required=rule_set.cpr_window != CprWindow.NONE,
        cpr_ok=cpr,
        status=status,
        can_renew=is_current and renewable and status in (Status.READY, Status.GRACE),
        unit=certifier.unit,
    )


# --- Every cycle of every certification -------------------------------------------------------


def _split(
    ordered: Sequence[EntryData], certifier_ids: Iterable[int]
) -> dict[int, tuple[list[int], list[Claim | None]]]:
    """For each certifier, the positions of the entries it sees (those with its claim, and
    catalog courses it did not approve) and its claims on them, in one pass."""
    split: dict[int, tuple[list[int], list[Claim | None]]] = {i: ([], []) for i in certifier_ids}
    for i, entry in enumerate(ordered):
        for claim in entry.claims:
            seen = split.get(claim.certifier_id)
            if seen is not None:
                seen[0].append(i)
                seen[1].append(claim)
        if entry.kind in COURSE_KINDS:
            for picked, claims in split.values():
                if not picked or picked[-1] != i:
                    picked.append(i)
                    claims.append(None)
    return split


def evaluate(
    *,
    certifications: Sequence[CertificationData],
    entries: Iterable[EntryData],
    cpr_cards: Sequence[CprCardData],
    certifiers: Mapping[int, Certifier],
    today: datetime.date,
    current_only: bool = False,
) -> list[CycleResult]:
    """Every cycle of every certification (newest first within a certification).

    `certifiers` maps a certifier id to its rules. A credit counts toward every certification of
    each certifier it has a claim for, in the cycle that holds its completion date, and only
    there (no carry-over).
    """
    ordered = sort_entries(entries)
    split = _split(ordered, {c.certifier_id for c in certifications})
    dates = [e.completion_date for e in ordered]
    keys = [e.repeat_key for e in ordered]
    seen: dict[int, tuple[list, ...]] = {}
    results = []
    for certification in certifications:
        certifier_id = certification.certifier_id
        if certifier_id not in seen:
            picked, claims = split[certifier_id]
            seen[certifier_id] = (
                [ordered[i] for i in picked],
                [dates[i] for i in picked],
                [keys[i] for i in picked],
                claims,
            )
        own, own_dates, own_keys, claims = seen[certifier_id]
        current = certification.current_cycle
        for cycle in sorted(certification.cycles, key=lambda c: c.starts_on, reverse=True):
            if current_only and cycle != current:
                continue
            results.append(
                evaluate_cycle(
                    certification=certification,
                    cycle=cycle,
                    entries=own,
                    cpr_cards=cpr_cards,
                    certifier=certifiers[certifier_id],
                    today=today,
                    dates=own_dates,
                    keys=own_keys,
                    claims=claims,
                )
            )
    return results


def counts_nowhere(
    entries: Iterable[EntryData], certifications: Sequence[CertificationData]
) -> list[NotCounted]:
    """Entries that no cycle of any certification they have a claim for holds, and why."""
    out = []
    for entry in sort_entries(entries):
        held = [c for c in certifications if entry.claim_for(c.certifier_id) is not None]
        if not held:
            out.append(NotCounted(entry, "You hold no certification this credit counts toward."))
        elif not any(cycle.holds(entry.completion_date) for c in held for cycle in c.cycles):
            out.append(
                NotCounted(entry, "Its completion date is outside every renewal cycle you have.")
            )
    return out


def freeze(result: CycleResult) -> FrozenResult:
    """What a cycle's result says at renewal, to keep with the closed cycle."""
    return FrozenResult(
        total=result.total,
        required=result.required,
        counted=tuple((c.entry.id, c.credit, c.note) for c in result.counted),
        not_counted=tuple((n.entry.id, n.reason) for n in result.not_counted),
        category_totals=dict(result.category_totals),
        met=result.met,
        shortfalls=tuple(result.shortfalls),
        cpr_required=result.cpr_required,
        cpr_ok=result.cpr_ok,
        grace_ends_on=result.grace_ends_on,
    )


def after_audit(frozen: FrozenResult, rejected: Mapping[int, tuple[str, str]]) -> FrozenResult:
    """A renewal's kept result once an audit rejected some of its credits (entry id →
    (its category, the auditor's reason)): they stop counting, with the reason; the total and
    the category totals drop by what they gave; the requirement is met only if what is left
    still meets it, and a shortfall says what the audit took away."""
    counted, dropped = [], []
    totals = dict(frozen.category_totals)
    for entry_id, credit, note in frozen.counted:
        if entry_id not in rejected:
            counted.append((entry_id, credit, note))
            continue
        category, reason = rejected[entry_id]
        dropped.append((entry_id, f"Rejected in an audit: {reason}"))
        if category in totals:
            totals[category] = max(totals[category] - credit, ZERO)
    total = sum((credit for _id, credit, _note in counted), ZERO)
    lost = frozen.total - total
    shortfalls = tuple(frozen.shortfalls)
    if lost > 0:
        shortfalls += (f"An audit rejected {lost} of the credit counted at renewal.",)
    return dataclasses.replace(
        frozen,
        total=total,
        counted=tuple(counted),
        not_counted=(*frozen.not_counted, *dropped),
        category_totals=totals,
        met=frozen.met is not False and total >= frozen.required,
        shortfalls=shortfalls,
    )


# --- What can still count -------------------------------------------------------------------


def room_in(
    result: CycleResult, certifier: Certifier, category_code: str, *, year: int | None = None
) -> Decimal | None:
    """How much a new activity in this category could still add in the result's cycle: what is
    left under the category's cap per cycle (a pro-rating band's included) and under its cap
    for the calendar year `year` (by default the current one). None: no cap; 0 once closed."""
    if result.is_closed or result.cycle.frozen is not None:
        return ZERO
    room = None
    _, caps = requirement(certifier, result.certification.earned_on, result.cycle)
    cap = caps.get(category_code)
    if cap is not None:
        room = max(cap - result.category_totals.get(category_code, ZERO), ZERO)
    category = certifier.rules_on(result.cycle.starts_on).category(category_code)
    if category is not None and category.year_cap is not None:
        if year is None:
            year = (result.deadline - datetime.timedelta(days=result.days_left)).year
        used = sum(
            (
                c.credit
                for c in result.counted
                if c.category == category_code and c.entry.completion_date.year == year
            ),
            ZERO,
        )
        year_room = max(category.year_cap - used, ZERO)
        room = year_room if room is None else min(room, year_room)
    return room


def would_add(
    result: CycleResult,
    certifier: Certifier,
    claim: Claim,
    *,
    kind: str = "",
    is_prep_course: bool = False,
    year: int | None = None,
) -> Decimal:
    """What the claim would add to the result's total now: its credit after the most one
    activity of `kind` may earn and the room left in its category; 0 once the cycle is closed."""
    if result.is_closed or result.cycle.frozen is not None or claim.certifier_id != certifier.id:
        return ZERO
    rule_set = certifier.rules_on(result.cycle.starts_on)
    if kind == EXTRA_CERTIFICATION and rule_set.extra_certification_meets_requirement:
        if any(c.entry.kind == EXTRA_CERTIFICATION for c in result.counted):
            return ZERO
        return result.required
    credit = claim.credit
    rule = rule_set.activity(kind) if kind else None
    if rule is not None:
        for limit in (rule.entry_cap, rule.prep_course_cap if is_prep_course else None):
            if limit is not None:
                credit = min(credit, limit)
    room = room_in(result, certifier, claim.category, year=year)
    if room is not None:
        credit = min(credit, room)
    return max(credit, ZERO)
