"""One glance at a certification: its status, what is still needed, by when, and the single
next step — read off a cycle's result, the same way for every certifier."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from .cycles import next_cycle, us_date
from .data import ZERO, Certifier, CycleData, CycleResult, Status
from .describe import amount


class Step(StrEnum):
    LOG_CREDIT = "log_credit"
    RENEW_CPR = "renew_cpr"
    RECORD_RENEWAL = "record_renewal"
    NONE = "none"


STEP_LABELS = {
    Step.LOG_CREDIT: "Log a course",
    Step.RENEW_CPR: "Renew CPR/AED",
    Step.RECORD_RENEWAL: "Record the renewal",
    Step.NONE: "",
}


@dataclass(frozen=True, slots=True)
class Glance:
    name: str  # "ACE CPT"
    status: Status
    needed: str  # "0.1 CEC and a current CPR/AED card", or "" when nothing is
    by: datetime.date | None  # the day it is needed by
    step: Step
    beyond: str  # credit past the requirement, "0.4 CEC", which does not carry over
    line: str  # the whole sentence
    filled: float = 0.0  # percent of the progress bar toward the requirement
    extra: float = 0.0  # percent of the bar beyond it

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def step_label(self) -> str:
        return STEP_LABELS[self.step]


def _needed(result: CycleResult) -> str:
    parts = []
    if result.remaining > ZERO:
        parts.append(amount(result.remaining, result.unit))
    elif not result.met:
        parts.extend(result.shortfalls[:1] or ("the rest of the requirement",))
    if result.cpr_required and not result.cpr_ok:
        parts.append("a current CPR/AED card")
    return " and ".join(parts)


def _step(result: CycleResult) -> Step:
    if result.status == Status.RENEWED:
        return Step.NONE
    if result.can_renew or result.status == Status.LAPSED:
        # Lapsed: nothing logged now counts; a renewal done with the certifier is recorded.
        return Step.RECORD_RENEWAL
    if result.remaining > ZERO or not result.met:
        return Step.LOG_CREDIT
    if result.cpr_required and not result.cpr_ok:
        return Step.RENEW_CPR
    return Step.RECORD_RENEWAL


def _by(result: CycleResult) -> datetime.date | None:
    if result.status == Status.RENEWED:
        return None
    if result.status in (Status.GRACE, Status.LAPSED):
        return result.grace_ends_on
    return result.deadline


def glance(result: CycleResult) -> Glance:
    """The one-line summary of a certification's current cycle."""
    name = result.certification.name
    needed = _needed(result)
    by = _by(result)
    step = _step(result)
    beyond = result.total - result.required if result.total > result.required else ZERO
    when = us_date(by) if by else ""
    scale = max(result.total, result.required)
    filled = float(min(result.total, result.required) * 100 / scale) if scale > 0 else 100.0
    extra = float(beyond * 100 / scale) if scale > 0 else 0.0
    if result.status == Status.RENEWED:
        line = f"{name}: renewed on {us_date(result.cycle.renewed_on)}."
    elif result.status == Status.LAPSED:
        line = f"{name}: lapsed — the grace period ended on {when}."
    elif needed:
        line = f"{name}: {needed} to go by {when}."
    elif result.status == Status.GRACE:
        line = f"{name}: requirements met — renew by {when}, the end of the grace period."
    else:
        line = f"{name}: requirements met — renew by {when}."
    return Glance(
        name=name,
        status=result.status,
        needed=needed,
        by=by,
        step=step,
        beyond=amount(beyond, result.unit) if beyond else "",
        line=line,
        filled=round(filled, 2),
        extra=round(extra, 2),
    )


@dataclass(frozen=True, slots=True)
class Span:
    kind: str  # "past", "current", "grace", "next"
    starts_on: datetime.date
    ends_on: datetime.date
    label: str
    left: float = 0.0  # percent of the whole timeline
    width: float = 0.0


@dataclass(frozen=True, slots=True)
class Timeline:
    spans: tuple[Span, ...]
    today: datetime.date
    today_at: float | None  # percent of the whole timeline, None when outside it

    @property
    def today_in(self) -> Span | None:
        """The span today falls in (the grace period before the next cycle it overlaps)."""
        return next((s for s in self.spans if s.starts_on <= self.today <= s.ends_on), None)


def _placed(span: Span, start: datetime.date, days: int) -> Span:
    left = (span.starts_on - start).days * 100 / days
    width = ((span.ends_on - span.starts_on).days + 1) * 100 / days
    return Span(
        span.kind, span.starts_on, span.ends_on, span.label, round(left, 2), round(width, 2)
    )


def timeline(
    past: list[CycleResult],
    current: CycleResult,
    certifier: Certifier,
    today: datetime.date,
    *,
    past_shown: int = 2,
) -> Timeline:
    """Past cycles (the latest few), the current one, its grace period and the next cycle,
    placed on one line in proportion to their length."""
    spans = []
    for result in past[-past_shown:]:
        renewed = result.cycle.renewed_on
        spans.append(
            Span(
                "past",
                result.cycle.starts_on,
                result.cycle.ends_on,
                f"renewed {us_date(renewed)}" if renewed else result.status.label,
            )
        )
    cycle = current.cycle
    spans.append(Span("current", cycle.starts_on, cycle.ends_on, "current cycle"))
    if current.grace_ends_on > cycle.ends_on:
        grace_start = cycle.ends_on + datetime.timedelta(days=1)
        spans.append(Span("grace", grace_start, current.grace_ends_on, "grace period"))
    following = next_cycle(certifier, CycleData(None, cycle.starts_on, cycle.ends_on))
    spans.append(Span("next", following.starts_on, following.ends_on, "next cycle"))
    start = spans[0].starts_on
    end = max(s.ends_on for s in spans)
    days = (end - start).days + 1
    placed = tuple(_placed(s, start, days) for s in spans)
    today_at = round((today - start).days * 100 / days, 2) if start <= today <= end else None
    return Timeline(placed, today, today_at)
