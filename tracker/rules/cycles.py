"""Renewal cycles: where each one starts and ends, what it requires, and when grace runs out.

Anchored certifiers (ACE, ACSM …) give each person a cycle from the day they certified; fixed
certifiers (NSCA) give everyone the same calendar periods and pro-rate the requirement by the
certification date.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .data import (
    CertificationData,
    Certifier,
    CycleData,
    CycleEnd,
    CycleKind,
    EntryData,
    ProrationBand,
    RuleSet,
)

ONE_DAY = datetime.timedelta(days=1)


def month_end(day: datetime.date) -> datetime.date:
    return day + relativedelta(day=31)


def us_date(day: datetime.date) -> str:
    """MM/DD/YYYY, as the portal shows and reads dates."""
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


# --- Fixed periods ----------------------------------------------------------------------------


def period_around(certifier: Certifier, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The fixed calendar period (the same for everyone) that holds `day`.

    Periods of `cycle_months` tile the calendar from `fixed_start`, backwards as well.
    """
    origin = certifier.fixed_start
    if origin is None:
        raise ValueError(f"{certifier.code}'s fixed cycles need the first day of a period.")
    length = certifier.cycle_months
    months = (day.year - origin.year) * 12 + (day.month - origin.month)
    k = months // length
    if origin + relativedelta(months=k * length) > day:
        k -= 1
    elif origin + relativedelta(months=(k + 1) * length) <= day:
        k += 1
    start = origin + relativedelta(months=k * length)
    end = origin + relativedelta(months=(k + 1) * length) - ONE_DAY
    return start, end


# --- Cycles -----------------------------------------------------------------------------------


def _anchored_end(certifier: Certifier, due: datetime.date) -> datetime.date:
    """Apply the certifier's end rule to the day a cycle falls due."""
    if certifier.cycle_end == CycleEnd.END_OF_MONTH:
        return month_end(due)
    if certifier.cycle_end == CycleEnd.END_OF_YEAR:
        return datetime.date(due.year, 12, 31)
    return due


def first_cycle(certifier: Certifier, earned_on: datetime.date) -> CycleData:
    """The first renewal cycle of a certification earned on `earned_on` (it starts that day)."""
    if certifier.cycle_kind == CycleKind.FIXED:
        return CycleData(None, earned_on, period_around(certifier, earned_on)[1])
    due = earned_on + relativedelta(months=certifier.cycle_months)
    return CycleData(None, earned_on, _anchored_end(certifier, due))


def next_cycle(certifier: Certifier, previous: CycleData) -> CycleData:
    """The cycle after `previous`: it starts the day after the old end."""
    start = previous.next_starts_on
    if certifier.cycle_kind == CycleKind.FIXED:
        return CycleData(None, start, period_around(certifier, start)[1])
    due = previous.ends_on + relativedelta(months=certifier.cycle_months)
    return CycleData(None, start, _anchored_end(certifier, due))


def months_between(start: datetime.date, day: datetime.date) -> int:
    """Whole months from `start` to `day` (day >= start)."""
    span = relativedelta(day, start)
    return span.years * 12 + span.months


def band_for(
    certifier: Certifier, rule_set: RuleSet, earned_on: datetime.date, cycle: CycleData
) -> ProrationBand | None:
    """The row of a fixed certifier's pro-rating table that applies to this person and cycle:
    by how many whole months into the period they certified (before it: the row without
    from_month)."""
    if certifier.cycle_kind != CycleKind.FIXED or not rule_set.bands:
        return None
    period_start = period_around(certifier, cycle.ends_on)[0]
    if earned_on < period_start:
        return next((b for b in rule_set.bands if b.from_month is None), None)
    months = months_between(period_start, earned_on)
    for band in rule_set.bands:
        if band.from_month is None or band.from_month > months:
            continue
        if band.to_month is None or months < band.to_month:
            return band
    return None


def requirement(
    certifier: Certifier, earned_on: datetime.date, cycle: CycleData
) -> tuple[Decimal, dict[str, Decimal]]:
    """What the cycle requires, and each category's cap per cycle (a band's caps override)."""
    rule_set = certifier.rules_on(cycle.starts_on)
    caps = {c.code: c.cycle_cap for c in rule_set.categories if c.cycle_cap is not None}
    band = band_for(certifier, rule_set, earned_on, cycle)
    if band is None:
        return rule_set.required, caps
    caps.update(band.category_caps)
    return band.required, caps


def grace_end(certifier: Certifier, rule_set: RuleSet, ends_on: datetime.date) -> datetime.date:
    """The last day a cycle ending on `ends_on` may still be renewed."""
    end = ends_on + relativedelta(months=rule_set.grace_months)
    # A deadline on a month's last day keeps its grace to a month's last day.
    if ends_on == month_end(ends_on):
        end = month_end(end)
    return end


def cycles_from(
    certifier: Certifier,
    earned_on: datetime.date,
    *,
    last_renewed_on: datetime.date | None = None,
    today: datetime.date,
) -> list[CycleData]:
    """The cycles to record for a certification earned long ago.

    Never renewed: just the first cycle, even past its deadline (the portal never assumes a
    renewal). Renewed on `last_renewed_on`: that renewal closed the earliest cycle whose window
    (its start to the end of its grace) holds the date; it is returned closed, as done with the
    certifier, followed by the open cycle after it.
    """
    first = first_cycle(certifier, earned_on)
    if last_renewed_on is None:
        return [first]
    if last_renewed_on < earned_on:
        raise ValueError(
            f"The last renewal ({us_date(last_renewed_on)}) cannot come before the "
            f"certification was earned ({us_date(earned_on)})."
        )
    if last_renewed_on > today:
        raise ValueError(f"The last renewal ({us_date(last_renewed_on)}) cannot be in the future.")
    cycle = first
    while (
        not cycle.starts_on
        <= last_renewed_on
        <= grace_end(certifier, certifier.rules_on(cycle.starts_on), cycle.ends_on)
    ):
        following = next_cycle(certifier, cycle)
        if following.ends_on <= cycle.ends_on:  # a cycle length of zero months: no way on
            raise ValueError(f"{certifier.code}'s cycle length must be at least one month.")
        cycle = following
    renewed = replace(cycle, renewed_on=last_renewed_on, renewed_outside=True)
    return [renewed, next_cycle(certifier, renewed)]


def card_years(issued_on: datetime.date, expires_on: datetime.date) -> int:
    """How many years a CPR/AED card runs, to the nearest whole year (at least one)."""
    span = relativedelta(expires_on + ONE_DAY, issued_on)
    years = span.years + (1 if span.months >= 6 else 0)
    return max(years, 1)


# --- Which cycles an entry belongs to --------------------------------------------------------


def added_after_renewal(entry: EntryData, cycle: CycleData) -> bool:
    return (
        cycle.renewed_at is not None
        and entry.created_at is not None
        and entry.created_at > cycle.renewed_at
    )


def current_cycles_holding(
    certifications: Sequence[CertificationData],
    day: datetime.date,
    certifier_id: int | None = None,
) -> list[tuple[CertificationData, CycleData]]:
    """The open cycles (one per certification, of one certifier if given) holding `day`."""
    out = []
    for certification in certifications:
        if certifier_id is not None and certification.certifier_id != certifier_id:
            continue
        cycle = certification.current_cycle
        if cycle is not None and cycle.holds(day):
            out.append((certification, cycle))
    return out


def awaiting_renewal(
    certifications: Sequence[CertificationData],
    day: datetime.date,
    certifier_id: int | None = None,
) -> list[tuple[CertificationData, CycleData]]:
    """The certifications (of one certifier if given) whose open cycle ended before `day`:
    credit of that day counts toward the next cycle, which starts the day after the old end
    once the renewal is recorded."""
    out = []
    for certification in certifications:
        if certifier_id is not None and certification.certifier_id != certifier_id:
            continue
        cycle = certification.current_cycle
        if cycle is not None and cycle.ends_on < day:
            out.append((certification, cycle))
    return out


def locking_cycle(
    entry: EntryData, certifications: Sequence[CertificationData]
) -> CycleData | None:
    """The renewed cycle that relied on this entry, if any: the entry is then read-only."""
    for certification in certifications:
        if entry.claim_for(certification.certifier_id) is None:
            continue
        for cycle in certification.cycles:
            if (
                cycle.renewed_on is not None
                and cycle.holds(entry.completion_date)
                and not added_after_renewal(entry, cycle)
            ):
                return cycle
    return None
