"""The catalog's writes with consequences, and the one lookup every number goes through."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import PROVIDER_STAFF, REVIEW_COURSES, add_to_role
from cecportal.history import note as history_note
from notices.services import absolute, email_later
from tracker import rulebook, rules

from . import selectors
from .models import Course, CourseApproval, NumberSequence, Provider, Session
from .numbers import (
    APPROVAL_MAX,
    EXPECTED_FORM,
    MAX_INPUT,
    PREFIXES,
    InvalidCourseNumber,
    approval_number_error,
    compact,
    normalize_number,
)

# The first number handed out for a prefix; five digits until they run out, then six.
FIRST_NUMBER = 10_000
LAST_NUMBER = 999_999


def _us(day: datetime.date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else "—"


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- Lookup ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """What the catalog says about a typed course number.

    `ok` is the only thing a caller needs to gate on; `reason` says why not, and `message` says
    it to a person. A course that exists but cannot be credited (pending, rejected, retired,
    outside its approval window) is still given in `course`, so the caller can name it.
    `approval` is the other certifier's approval when the number typed was one of theirs.
    """

    ok: bool
    reason: str
    message: str
    number: str = ""
    course: Course | None = None
    sessions: list[Session] = field(default_factory=list)
    is_conference: bool = False
    approval: CourseApproval | None = None

    @property
    def cec_value(self) -> Decimal | None:
        """The course's own value; None for a conference (its sessions carry values)."""
        if self.course is None or self.is_conference:
            return None
        return self.course.cec_value

    def as_dict(self) -> dict:
        course = self.course
        data = {
            "ok": self.ok,
            "reason": self.reason,
            "message": self.message,
            "number": self.number,
            "is_conference": self.is_conference,
            "course": None,
            "sessions": [
                {
                    "id": s.pk,
                    "code": s.code,
                    "title": s.title,
                    "cec_value": str(s.cec_value),
                    "contact_hours": _text(s.contact_hours),
                }
                for s in self.sessions
            ],
            "approval": None,
        }
        if self.approval is not None:
            data["approval"] = {
                "certifier": str(self.approval.certifier),
                "certifier_id": self.approval.certifier_id,
                "number": self.approval.number,
                "credit": _text(self.approval.credit),
                "category": self.approval.category,
                "valid_from": _iso(self.approval.valid_from),
                "valid_to": _iso(self.approval.valid_to),
            }
        if course is not None:
            data["course"] = {
                "id": course.pk,
                "number": course.number,
                "title": course.title,
                "provider": course.provider.name,
                "delivery_format": course.delivery_format,
                "cec_value": _text(course.cec_value),
                "contact_hours": _text(course.contact_hours),
                "status": course.status,
                "approved_on": _iso(course.approved_on),
                "expires_on": _iso(course.expires_on),
            }
        return data


REASONS = (
    "ok",
    "malformed",
    "not_found",
    "pending",
    "rejected",
    "retired",
    "expired",
    "not_yet_valid",
)


def _malformed(error: InvalidCourseNumber) -> Lookup:
    message = str(error)
    if EXPECTED_FORM not in message:
        message = f"{message.rstrip('.')}: {EXPECTED_FORM}."
    return Lookup(ok=False, reason="malformed", message=message)


def _not_found(number: str) -> Lookup:
    return Lookup(
        ok=False,
        reason="not_found",
        number=number,
        message=(
            f"No approved course has the number {number}. Check the certificate, or "
            "petition for credit if the course was not approved."
        ),
    )


def _approval_matching(text: str | None) -> CourseApproval | None:
    """Another certifier's approval with this number, if the text could be one.

    Only a text of 3 to 30 characters with a digit is looked for (every stored number has
    one), so words typed into the box cost no query.
    """
    if text is None or len(text) > MAX_INPUT:
        return None
    number = compact(text)
    if not 3 <= len(number) <= APPROVAL_MAX or not any(ch.isdigit() for ch in number):
        return None
    if not number.isprintable():
        return None  # no stored number holds a control character (nor may a query: NUL)
    return (
        CourseApproval.objects.select_related("course__provider", "certifier")
        .filter(number=number)
        .order_by("pk")
        .first()
    )


def _status_refusal(course: Course, name: str, base: dict) -> Lookup | None:
    if course.status == Course.Status.PENDING:
        return Lookup(
            ok=False,
            reason="pending",
            message=f"{name} is waiting for approval and cannot be credited yet.",
            **base,
        )
    if course.status == Course.Status.REJECTED:
        return Lookup(
            ok=False,
            reason="rejected",
            message=f"{name} was not approved, so it cannot be credited. You may petition.",
            **base,
        )
    if course.status == Course.Status.RETIRED:
        return Lookup(
            ok=False,
            reason="retired",
            message=f"{name} has been retired from the catalog and cannot be credited.",
            **base,
        )
    return None


def _window_refusal(
    window: tuple[datetime.date | None, datetime.date | None],
    on: datetime.date,
    name: str,
    base: dict,
) -> Lookup | None:
    start, end = window
    shown = f"from {_us(start)} to {_us(end)}"
    if start and on < start:
        return Lookup(
            ok=False,
            reason="not_yet_valid",
            message=(
                f"{name} is approved {shown}; a completion on {_us(on)} comes before its "
                "approval. Petition for credit instead."
            ),
            **base,
        )
    if end and on > end:
        return Lookup(
            ok=False,
            reason="expired",
            message=(
                f"The approval of {name} expired on {_us(end)} (it was approved {shown}); a "
                f"completion on {_us(on)} is outside it. Petition for credit instead."
            ),
            **base,
        )
    return None


def _worth(course: Course, approval: CourseApproval | None) -> str:
    """What the course gives, said the way the number typed implies."""
    if course.is_conference:
        return "pick the sessions you attended."
    if approval is None:
        return f"{course.cec_value} CECs."
    certifier = approval.certifier
    if approval.credit is not None:
        return f"approved by {certifier} for {approval.credit} {certifier.unit_plural}."
    if course.contact_hours is not None:
        return f"approved by {certifier}, {course.contact_hours} contact hours."
    return f"approved by {certifier}."


def course_lookup(text: str, *, on: datetime.date | None = None) -> Lookup:
    """Answer what a person typed: the course, or exactly why it cannot be credited.

    The text is this portal's course number (CA23456) or another certifier's approval number
    of a catalog course (NASM-CA23456); `approval` says which one it was. `on` is the
    completion date checked against that approval's window (default: today).
    One indexed query by number (course and provider together); a conference's sessions
    are a second query. The count does not depend on the size of the catalog.
    """
    approval = None
    try:
        number = normalize_number(text)
    except InvalidCourseNumber as error:
        approval = _approval_matching(text)
        if approval is None:
            return _malformed(error)
        number, course = approval.number, approval.course
    else:
        course = Course.objects.select_related("provider").filter(number=number).first()
    if course is None or course.status == Course.Status.WITHDRAWN:
        return _not_found(number)

    base = {
        "number": number,
        "course": course,
        "is_conference": course.is_conference,
        "approval": approval,
    }
    name = f"{number} ({course.title})"
    refusal = _status_refusal(course, name, base)
    if refusal is not None:
        return refusal
    on = on or timezone.localdate()
    if approval is None:
        window = (course.approved_on, course.expires_on)
    else:
        window = (approval.valid_from, approval.valid_to)
    refusal = _window_refusal(window, on, name, base)
    if refusal is not None:
        return refusal
    sessions = list(course.sessions.all()) if course.is_conference else []
    message = f"{name} by {course.provider.name}: {_worth(course, approval)}"
    return Lookup(ok=True, reason="ok", message=message, sessions=sessions, **base)


# --- Registration by provider staff ---------------------------------------------------------


def _require_active(provider: Provider):
    if provider.status != Provider.Status.ACTIVE:
        raise ValidationError(
            f"{provider.name} is {provider.get_status_display().lower()}: it cannot register or "
            "change courses. Contact the certifying body."
        )


def _session_rows(sessions: Iterable) -> list[dict]:
    rows = []
    for s in sessions:
        if isinstance(s, Mapping):
            row = {"code": s["code"], "title": s["title"], "cec_value": s["cec_value"]}
            row["contact_hours"] = s.get("contact_hours")
        else:
            row = {"code": s.code, "title": s.title, "cec_value": s.cec_value}
            row["contact_hours"] = getattr(s, "contact_hours", None)
        rows.append(row)
    return rows


def _check_hours(contact_hours):
    if contact_hours is not None and Decimal(contact_hours) <= 0:
        raise ValidationError({"contact_hours": "The contact hours must be greater than 0."})


def _check_sessions(sessions: list[dict]):
    if not sessions:
        raise ValidationError("A conference needs at least one session.")
    codes = [row["code"].strip().upper() for row in sessions]
    if len(set(codes)) != len(codes):
        raise ValidationError("Each session of a conference needs its own code.")
    for row in sessions:
        value = row["cec_value"]
        if value is None or Decimal(value) <= 0:
            raise ValidationError("Each session needs a CEC value greater than 0.")
        hours = row.get("contact_hours")
        if hours is not None and Decimal(hours) <= 0:
            raise ValidationError("A session's contact hours must be greater than 0.")


def _check_shape(
    *,
    delivery_format: str,
    cec_value: Decimal | None,
    sessions: list[dict],
    contact_hours: Decimal | None = None,
):
    if delivery_format not in Course.Format.values:
        raise ValidationError({"delivery_format": "Choose a delivery format."})
    if delivery_format == Course.Format.CONFERENCE:
        _check_sessions(sessions)
    else:
        if sessions:
            raise ValidationError("Only a conference has sessions.")
        if cec_value is None or Decimal(cec_value) <= 0:
            raise ValidationError({"cec_value": "Enter a CEC value greater than 0."})
        _check_hours(contact_hours)


def _write_sessions(course: Course, sessions: list[dict], hours_per_unit: Decimal):
    Session.objects.bulk_create(
        Session(
            course=course,
            code=row["code"].strip().upper(),
            title=row["title"].strip(),
            cec_value=Decimal(row["cec_value"]),
            contact_hours=_hours(row["cec_value"], row.get("contact_hours"), hours_per_unit),
        )
        for row in sessions
    )


# What one course or session may be worth, and its hours (the columns' sizes; the importer's).
MAX_CEC = Decimal("999.9")
MAX_HOURS = Decimal("9999.99")


def _hours(cec_value, contact_hours, hours_per_unit: Decimal) -> Decimal | None:
    """The hours given, or else the CEC value in the home certifier's hours (0.3 CEC: 3)."""
    if cec_value is not None and Decimal(cec_value) > MAX_CEC:
        raise ValidationError({"cec_value": f"A course or session gives at most {MAX_CEC} CECs."})
    if contact_hours is not None:
        return Decimal(contact_hours)
    hours = selectors.hours_from_cec(cec_value, hours_per_unit)
    if hours is not None and hours > MAX_HOURS:
        raise ValidationError({"cec_value": "That many CECs is more hours than any course takes."})
    return hours


@transaction.atomic
def course_register(
    *,
    provider: Provider,
    submitted_by,
    title: str,
    description: str = "",
    delivery_format: str,
    cec_value: Decimal | None,
    contact_hours: Decimal | None = None,
    sessions: Iterable = (),
) -> Course:
    """Register a course (or a conference with its sessions); it waits for a reviewer.

    Contact hours left out are the CEC value in the home certifier's hours (0.3 CEC: 3 hours);
    a conference's are its sessions'.
    """
    _require_active(provider)
    rows = _session_rows(sessions)
    conference = delivery_format == Course.Format.CONFERENCE
    _check_shape(
        delivery_format=delivery_format,
        cec_value=cec_value,
        sessions=rows,
        contact_hours=contact_hours,
    )
    per_unit = selectors.home_hours_per_unit()
    course = Course.objects.create(
        provider=provider,
        submitted_by=submitted_by,
        title=title.strip(),
        description=description.strip(),
        delivery_format=delivery_format,
        cec_value=None if conference else cec_value,
        contact_hours=None if conference else _hours(cec_value, contact_hours, per_unit),
        status=Course.Status.PENDING,
    )
    if conference:
        _write_sessions(course, rows, per_unit)
    staff = provider.staff.filter(is_active=True).values_list("email", flat=True)
    _tell_provider(course, "course_submitted", to=[provider.contact_email, *staff])
    return course


def _locked_pending(course: Course, *, provider_id: int | None = None) -> Course:
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if provider_id is not None and locked.provider_id != provider_id:
        raise ValidationError("This registration belongs to another provider.")
    if locked.status != Course.Status.PENDING:
        raise ValidationError(
            f"This registration is {locked.get_status_display().lower()}, no longer pending."
        )
    return locked


@transaction.atomic
def course_update_pending(
    *,
    course: Course,
    by,
    title: str,
    description: str = "",
    delivery_format: str,
    cec_value: Decimal | None,
    contact_hours: Decimal | None = None,
    sessions: Iterable = (),
) -> Course:
    """Change a registration that no reviewer has decided yet; sessions are replaced.
    Contact hours left out are derived again from the CEC value."""
    locked = _locked_pending(course, provider_id=by.provider_id)
    _require_active(locked.provider)
    rows = _session_rows(sessions)
    conference = delivery_format == Course.Format.CONFERENCE
    _check_shape(
        delivery_format=delivery_format,
        cec_value=cec_value,
        sessions=rows,
        contact_hours=contact_hours,
    )
    per_unit = selectors.home_hours_per_unit()
    locked.title = title.strip()
    locked.description = description.strip()
    locked.delivery_format = delivery_format
    locked.cec_value = None if conference else cec_value
    locked.contact_hours = None if conference else _hours(cec_value, contact_hours, per_unit)
    locked.save()
    locked.sessions.all().delete()
    if conference:
        _write_sessions(locked, rows, per_unit)
    return locked


@transaction.atomic
def course_withdraw(*, course: Course, by) -> Course:
    """The provider takes back a registration before any decision."""
    locked = _locked_pending(course, provider_id=by.provider_id)
    locked.status = Course.Status.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    return locked


# --- Decisions by reviewers -----------------------------------------------------------------


def next_number(prefix: str) -> str:
    """Hand out the next free number for a prefix. Call inside a transaction.

    The sequence row is locked, so two approvals at once queue here instead of racing; numbers
    already taken (an import, a manual entry) are skipped, and a number is never handed out twice
    because the sequence only moves forward.
    """
    if prefix not in PREFIXES:
        raise ValidationError({"prefix": f"Choose one of {', '.join(PREFIXES)}."})
    NumberSequence.objects.get_or_create(prefix=prefix)
    sequence = NumberSequence.objects.select_for_update().get(prefix=prefix)
    candidate = max(sequence.last_value + 1, FIRST_NUMBER)
    chunk = 200
    while candidate <= LAST_NUMBER:
        batch = [f"{prefix}{n}" for n in range(candidate, min(candidate + chunk, LAST_NUMBER + 1))]
        taken = set(Course.objects.filter(number__in=batch).values_list("number", flat=True))
        for offset, number in enumerate(batch):
            if number not in taken:
                sequence.last_value = candidate + offset
                sequence.save(update_fields=["last_value"])
                return number
        candidate += len(batch)
    raise ValidationError({"prefix": f"Every {prefix} number has been used; choose another."})


def _decision_recipients(course: Course) -> list[str]:
    emails = [course.provider.contact_email]
    if course.submitted_by_id and course.submitted_by.email:
        emails.append(course.submitted_by.email)
    return sorted({e.lower() for e in emails if e})


def _credit_text(course: Course) -> str:
    """What the course is worth, in the home certifier's unit ("0.5 CEC"), or its sessions'."""
    if course.is_conference:
        sessions = list(course.sessions.all())
        total = sum((s.cec_value for s in sessions), Decimal("0.0"))
        count = len(sessions)
        return f"{count} session{'' if count == 1 else 's'}, {_amount(total)} in all"
    return _amount(course.cec_value)


def _amount(value: Decimal) -> str:
    home = selectors.home_certifier()
    if home is None:
        return f"{value} CECs"
    # Only the unit is needed: no rule sets, so no further queries.
    return rules.amount(value, rulebook.certifier_data(home, rule_sets=()).unit)


def _tell_provider(course: Course, kind: str, *, to: Iterable[str], **facts) -> None:
    """Email the provider about a registration; the worker sends it after commit."""
    email_later(
        kind=kind,
        to=sorted({address.lower() for address in to if address}),
        context={
            "course": course,
            "provider": course.provider,
            "credit": _credit_text(course),
            "link": absolute(reverse("catalog:provider-course-detail", args=[course.pk])),
            **facts,
        },
        about=f"course:{course.pk}",
    )


@transaction.atomic
def course_approve(
    *,
    course: Course,
    reviewer,
    prefix: str,
    approved_on: datetime.date,
    expires_on: datetime.date,
) -> Course:
    """Approve a pending registration: it gets the next free number for the chosen prefix."""
    if expires_on < approved_on:
        raise ValidationError({"expires_on": "The approval cannot expire before it starts."})
    locked = _locked_pending(course)
    locked.number = next_number(prefix)
    locked.status = Course.Status.APPROVED
    locked.approved_on = approved_on
    locked.expires_on = expires_on
    locked.rejection_reason = ""
    locked.decided_by = reviewer
    locked.decided_at = timezone.now()
    locked.save()
    locked = Course.objects.select_related("provider", "submitted_by").get(pk=locked.pk)
    _tell_provider(locked, "course_approved", to=_decision_recipients(locked))
    return locked


@transaction.atomic
def course_reject(*, course: Course, reviewer, reason: str) -> Course:
    """Refuse a pending registration; the provider sees the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the provider a reason for the rejection."})
    locked = _locked_pending(course)
    locked.status = Course.Status.REJECTED
    locked.rejection_reason = reason
    locked.decided_by = reviewer
    locked.decided_at = timezone.now()
    locked.save()
    locked = Course.objects.select_related("provider", "submitted_by").get(pk=locked.pk)
    _tell_provider(locked, "course_rejected", to=_decision_recipients(locked), reason=reason)
    return locked


# --- Other certifiers' approvals -------------------------------------------------------------


def _current_category_codes(certifier) -> set[str]:
    """The category codes of the certifier's rule set in force today (the earliest if none
    is in force yet): one query."""
    from tracker.models import Category

    today = timezone.localdate()
    rows = list(
        Category.objects.filter(rule_set__certifier=certifier).values_list(
            "code", "rule_set__effective_from"
        )
    )
    in_force = [effective for _, effective in rows if effective <= today]
    chosen = max(in_force) if in_force else min((e for _, e in rows), default=None)
    return {code for code, effective in rows if effective == chosen}


def _check_approval_number(certifier, number: str) -> str:
    """The number normalised, or a ValidationError saying the form the certifier expects."""
    number = compact(number)
    error = approval_number_error(
        number,
        pattern=certifier.course_number_pattern,
        example=certifier.course_number_example,
        certifier=str(certifier),
    )
    if error:
        raise ValidationError({"number": error})
    return number


def _check_approval_values(*, certifier, credit, category, valid_from, valid_to) -> str:
    if credit is not None and Decimal(credit) <= 0:
        raise ValidationError(
            {"credit": "Enter a credit greater than 0, or leave it blank to convert the hours."}
        )
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": "The approval cannot end before it starts."})
    category = (category or "").strip()
    if category:
        codes = _current_category_codes(certifier)
        if category not in codes:
            known = ", ".join(sorted(codes)) or "none are set up"
            raise ValidationError(
                {"category": f"“{category[:20]}” is not one of {certifier}'s categories ({known})."}
            )
    return category


def _check_approval_unique(*, course: Course, certifier, number: str):
    """One approval per certifier per course, and a number that names only this course."""
    existing = CourseApproval.objects.filter(course=course, certifier=certifier).first()
    if existing is not None:
        raise ValidationError(
            {
                "certifier": f"This course already has {certifier}'s approval "
                f"{existing.number}; remove it first to replace it."
            }
        )
    taken = (
        CourseApproval.objects.filter(number=number)
        .exclude(course=course)
        .select_related("course", "certifier")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {
                "number": f"{number} is already {taken.certifier}'s approval of "
                f"“{taken.course}”; a number can name only one course."
            }
        )


@transaction.atomic
def course_approval_add(
    *,
    course: Course,
    certifier,
    number: str,
    credit: Decimal | None = None,
    category: str = "",
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    by,
) -> CourseApproval:
    """Record that another certifier approved a catalog course, under its own number.

    `credit` is in that certifier's unit; left out, the rules convert the course's contact
    hours. The home certifier's approval is the course's own number, never added here.
    """
    if certifier.assigns_catalog_numbers:
        raise ValidationError(
            {
                "certifier": f"{certifier}'s approval of a course is its own number, assigned "
                "when the registration is approved; it is not added here."
            }
        )
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if locked.status != Course.Status.APPROVED:
        raise ValidationError(
            f"This course is {locked.get_status_display().lower()}: only an approved course "
            "can carry other certifiers' approvals."
        )
    number = _check_approval_number(certifier, number)
    category = _check_approval_values(
        certifier=certifier,
        credit=credit,
        category=category,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _check_approval_unique(course=locked, certifier=certifier, number=number)
    try:
        with transaction.atomic():
            approval = CourseApproval(
                course=locked,
                certifier=certifier,
                number=number,
                credit=credit,
                category=category,
                valid_from=valid_from,
                valid_to=valid_to,
                added_by=by,
            )
            history_note(approval, by=by, why="Added by a reviewer.")
            approval.save(force_insert=True)
            return approval
    except IntegrityError:
        # Someone added the same approval a moment ago.
        raise ValidationError(
            {"number": f"{certifier}'s approval {number} was just added to a course."}
        ) from None


@transaction.atomic
def course_approval_remove(*, approval: CourseApproval, by) -> None:
    """Take another certifier's approval off a course. Credit already posted stays."""
    locked = CourseApproval.objects.select_for_update().filter(pk=approval.pk).first()
    if locked is None:
        raise ValidationError("This approval has already been removed.")
    history_note(locked, by=by, why="Removed by a reviewer; credit already posted stays.")
    locked.delete()


# --- Providers ------------------------------------------------------------------------------


@transaction.atomic
def provider_create(*, name: str, contact_email: str, website: str = "") -> Provider:
    name = name.strip()
    if Provider.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "A provider with this name already exists."})
    return Provider.objects.create(
        name=name, contact_email=contact_email.strip().lower(), website=website.strip()
    )


def _tell_person(user, provider: Provider, kind: str, link: str) -> None:
    email_later(
        kind=kind,
        to=[user.email],
        context={"name": user.get_short_name() or user.email, "provider": provider, "link": link},
        about=f"provider:{provider.pk}:staff:{user.pk}",
    )


@transaction.atomic
def provider_add_staff(*, provider: Provider, email: str, by=None):
    """Make an existing user staff of a provider (one provider per person); an email tells them."""
    from accounts.models import User

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError({"email": "No user has this email; they must sign up first."})
    if user.provider_id and user.provider_id != provider.pk:
        raise ValidationError({"email": f"{user.email} already works for {user.provider}."})
    joined = user.provider_id != provider.pk
    user.provider = provider
    history_note(user, by=by, why=f"Joined the staff of {provider.name}.")
    user.save(update_fields=["provider"])
    add_to_role(user, PROVIDER_STAFF)
    if joined:
        link = absolute(reverse("catalog:provider-courses"))
        _tell_person(user, provider, "provider_staff_added", link)
    return user


@transaction.atomic
def provider_remove_staff(*, provider: Provider, user, by):
    """Take a person off a provider's staff: they can no longer register or change its
    courses (courses they registered stay with the provider). An email tells them."""
    from accounts.models import User

    if not by.has_perm(REVIEW_COURSES):
        raise PermissionDenied
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None or locked.provider_id != provider.pk:
        raise ValidationError(f"{user.email} is not staff of {provider.name}.")
    locked.provider = None
    history_note(locked, by=by, why=f"Taken off the staff of {provider.name}.")
    locked.save(update_fields=["provider"])
    locked.groups.remove(*Group.objects.filter(name=PROVIDER_STAFF))
    # Their own records are where they land now.
    link = absolute(reverse("tracker:dashboard"))
    _tell_person(locked, provider, "provider_staff_removed", link)
    return locked
