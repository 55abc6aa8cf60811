"""Reviewers' "close to lapsing" list: professionals whose current cycle is due within N days and
not met, in its grace period, or lapsed within the last N days.

The database narrows the candidates (the current cycle of each certification, with a deadline
in reach); the rules decide each one's status, in batches, so the page runs a fixed number of
queries whatever the number of professionals:

    certifiers = rulebook.certifiers_data()                               # 5 queries
    rows = lapsing.rows(certifiers, today=today, days=90)                 # 4 more, at most
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q

from . import rules, selectors
from .models import CprCard, Cycle

DEFAULT_DAYS = 90
MAX_DAYS = 730
PER_PAGE = 50

AT_RISK, GRACE, LAPSED = rules.Status.AT_RISK, rules.Status.GRACE, rules.Status.LAPSED
# The statuses the list shows, in its order, with the label of each filter.
STATUSES = {AT_RISK: "At risk", GRACE: "In grace period", LAPSED: "Lapsed recently"}


@dataclass(frozen=True, slots=True)
class Row:
    """One certification close to lapsing, as the page and the CSV show it."""

    user_id: int
    name: str
    email: str
    certification: str  # "ACE CPT"
    certifier_id: int
    cycle_id: int
    deadline: datetime.date
    days_left: int  # negative once the deadline has passed
    grace_ends_on: datetime.date
    remaining: str  # "1.2 CECs", in the certifier's unit
    cpr_missing: bool
    status: rules.Status

    @property
    def deadline_text(self) -> str:
        return rules.us_date(self.deadline)

    @property
    def days_past(self) -> int:
        return max(-self.days_left, 0)

    @property
    def days_text(self) -> str:
        if self.days_left == 0:
            return "due today"
        days = abs(self.days_left)
        plural = "s" * (days != 1)
        return f"{days} day{plural} left" if self.days_left > 0 else f"{days} day{plural} past"

    @property
    def status_label(self) -> str:
        return self.status.label


def _earliest_deadline(certifier: rules.Certifier, since: datetime.date) -> datetime.date:
    """No cycle ending before this day can still be in grace on `since` (a few days early:
    a deadline on a month's last day keeps its grace to a month's last day)."""
    longest = max((r.grace_months for r in certifier.rule_sets), default=0)
    return since - relativedelta(months=longest) - datetime.timedelta(days=31)


def candidates(
    certifiers: Mapping[int, rules.Certifier],
    *,
    today: datetime.date,
    days: int,
    certifier_id: int | None = None,
):
    """Current cycles (the newest unrenewed one of each certification) whose deadline is at
    most `days` away, or passed recently enough to be in grace or lapsed within `days`."""
    reach = Q()
    for pk, certifier in certifiers.items():
        if certifier_id is None or pk == certifier_id:
            since = _earliest_deadline(certifier, today - datetime.timedelta(days=days))
            reach |= Q(certification__program__certifier_id=pk, ends_on__gte=since)
    if not reach:
        return Cycle.objects.none()
    newer_open = Cycle.objects.filter(
        certification=OuterRef("certification"),
        renewed_on__isnull=True,
        starts_on__gt=OuterRef("starts_on"),
    )
    return (
        Cycle.objects.filter(reach, renewed_on__isnull=True)
        .filter(ends_on__lte=today + datetime.timedelta(days=days))
        .exclude(Exists(newer_open))
        .select_related("certification__user", "certification__program__certifier")
    )


def _cards(users) -> dict[int, list[rules.CprCardData]]:
    cards: dict[int, list[rules.CprCardData]] = {}
    for card in CprCard.objects.filter(user_id__in=users).order_by():
        cards.setdefault(card.user_id, []).append(selectors.card_data(card))
    return cards


def _row(cycle: Cycle, result: rules.CycleResult) -> Row:
    user = cycle.certification.user
    return Row(
        user_id=user.pk,
        name=user.get_full_name() or user.email,
        email=user.email,
        certification=result.certification.name,
        certifier_id=result.certification.certifier_id,
        cycle_id=cycle.pk,
        deadline=result.deadline,
        days_left=result.days_left,
        grace_ends_on=result.grace_ends_on,
        remaining=rules.amount(result.remaining, result.unit),
        cpr_missing=result.cpr_required and not result.cpr_ok,
        status=result.status,
    )


def _shown(result: rules.CycleResult, today: datetime.date, days: int) -> bool:
    if result.status == LAPSED:
        return (today - result.grace_ends_on).days <= days
    return result.status in (AT_RISK, GRACE)


def rows(
    certifiers: Mapping[int, rules.Certifier],
    *,
    today: datetime.date,
    days: int = DEFAULT_DAYS,
    certifier_id: int | None = None,
) -> list[Row]:
    """Every certification close to lapsing, soonest deadline first: at risk (due within
    `days` and not ready to renew), in grace, or lapsed within the last `days` days."""
    found = candidates(certifiers, today=today, days=days, certifier_id=certifier_id)
    cycles = list(found)
    if not cycles:
        return []
    users = found.values("certification__user_id")
    first = min(c.starts_on for c in cycles)
    last = max(c.ends_on for c in cycles)
    entries, cards = selectors.ledgers_data(users, since=first, until=last), _cards(users)
    # Within the page's window every cycle not ready to renew is at risk: the reviewer's
    # `days` stands in for each certifier's own threshold.
    window = {pk: dataclasses.replace(c, at_risk_days=days + 1) for pk, c in certifiers.items()}
    by_user: dict[int, list[Cycle]] = {}
    for cycle in cycles:
        by_user.setdefault(cycle.certification.user_id, []).append(cycle)
    out = []
    for user_id, own in by_user.items():
        certifications = [
            rules.CertificationData(
                id=c.certification_id,
                certifier_id=c.certification.program.certifier_id,
                program_id=c.certification.program_id,
                name=selectors.certification_name(c.certification),
                earned_on=c.certification.earned_on,
                cycles=(selectors.cycle_data(c),),
            )
            for c in own
        ]
        results = rules.evaluate(
            certifications=certifications,
            entries=entries.get(user_id, []),
            cpr_cards=cards.get(user_id, []),
            certifiers=window,
            today=today,
            current_only=True,
        )
        cycle_of = {c.pk: c for c in own}
        out.extend(_row(cycle_of[r.cycle.id], r) for r in results if _shown(r, today, days))
    out.sort(key=lambda r: (r.deadline, r.name.lower(), r.certification, r.cycle_id))
    return out


def counts(found: list[Row]) -> dict[rules.Status, int]:
    """How many rows of each status, in the list's order."""
    tally = dict.fromkeys(STATUSES, 0)
    for row in found:
        tally[row.status] += 1
    return tally
