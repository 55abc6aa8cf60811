"""Reads other apps ask of the catalog: a course's approvals as the rules see them, and the
contact hours the rules convert. Each costs a fixed number of queries, none at all on courses
read with `Course.objects.with_approvals()`."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tracker import rules
from tracker.models import Certifier

from .models import Course, Session


def home_certifier() -> Certifier | None:
    """The certifier whose course numbers this portal's reviewers assign (ACE)."""
    return Certifier.objects.filter(assigns_catalog_numbers=True).first()


def home_hours_per_unit() -> Decimal | None:
    """Contact hours in one of the home certifier's units (ACE: 10); None without one."""
    return (
        Certifier.objects.filter(assigns_catalog_numbers=True)
        .values_list("contact_hours_per_unit", flat=True)
        .first()
    )


def hours_from_cec(cec_value: Decimal | None, hours_per_unit: Decimal | None) -> Decimal | None:
    """A CEC value as contact hours: 0.3 CEC at 10 hours per CEC is 3.00 hours."""
    if cec_value is None or hours_per_unit is None:
        return None
    return rules.hours_from_credit(cec_value, hours_per_unit)


def _home_certifier_id(course: Course) -> int | None:
    if hasattr(course, "home_certifier_id"):  # annotated by Course.objects.with_approvals()
        return course.home_certifier_id
    return (
        Certifier.objects.filter(assigns_catalog_numbers=True).values_list("pk", flat=True).first()
    )


def _chosen(course: Course, sessions: Iterable[Session] | None) -> list[Session]:
    """The sessions attended, for a conference; nothing for a single course."""
    return list(sessions or ()) if course.is_conference else []


def approvals_of(
    course: Course, sessions: Iterable[Session] | None = None
) -> tuple[rules.Approval, ...]:
    """Every certifier's approval of the course, as the rules take them.

    The home certifier's comes first: the course's own number, CEC value (for a conference,
    the sum of the chosen sessions') and window. Then one per CourseApproval, with its credit;
    for a conference with chosen sessions that credit is None, so the rules convert the
    sessions' contact hours. At most two queries; none on a course from `with_approvals()`.
    """
    chosen = _chosen(course, sessions)
    approvals = []
    home_id = _home_certifier_id(course) if course.number else None
    if home_id is not None:
        credit = sum((s.cec_value for s in chosen), Decimal("0.0")) if chosen else None
        approvals.append(
            rules.Approval(
                certifier_id=home_id,
                number=course.number,
                credit=credit if chosen else course.cec_value,
                category="",
                valid_from=course.approved_on,
                valid_to=course.expires_on,
            )
        )
    for approval in course.approvals.all():  # the prefetched rows when there are some
        approvals.append(
            rules.Approval(
                certifier_id=approval.certifier_id,
                number=approval.number,
                credit=None if chosen else approval.credit,
                category=approval.category,
                valid_from=approval.valid_from,
                valid_to=approval.valid_to,
            )
        )
    return tuple(approvals)


def contact_hours_of(course: Course, sessions: Iterable[Session] | None = None) -> Decimal | None:
    """The course's contact hours; for a conference with chosen sessions, theirs added up
    (None when one of them has none). No query."""
    chosen = _chosen(course, sessions)
    if not chosen:
        return course.contact_hours
    hours = [s.contact_hours for s in chosen]
    if any(h is None for h in hours):
        return None
    return sum(hours, Decimal("0.00"))
