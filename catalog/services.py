"""The catalog's writes with consequences, and the one lookup every number goes through."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.roles import PROVIDER_STAFF, add_to_role

from .models import Course, NumberSequence, Provider, Session
from .numbers import EXPECTED_FORM, PREFIXES, InvalidCourseNumber, normalize_number

# The first number handed out for a prefix; five digits until they run out, then six.
FIRST_NUMBER = 10_000
LAST_NUMBER = 999_999


def _us(day: datetime.date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else "—"


# --- Lookup ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """What the catalog says about a typed course number.

    `ok` is the only thing a caller needs to gate on; `reason` says why not, and `message` says
    it to a person. A course that exists but cannot be credited (pending, rejected, retired,
    outside its approval window) is still given in `course`, so the caller can name it.
    """

    ok: bool
    reason: str
    message: str
    number: str = ""
    course: Course | None = None
    sessions: list[Session] = field(default_factory=list)
    is_conference: bool = False

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
                {"id": s.pk, "code": s.code, "title": s.title, "cec_value": str(s.cec_value)}
                for s in self.sessions
            ],
        }
        if course is not None:
            data["course"] = {
                "id": course.pk,
                "number": course.number,
                "title": course.title,
                "provider": course.provider.name,
                "delivery_format": course.delivery_format,
                "cec_value": None if course.cec_value is None else str(course.cec_value),
                "status": course.status,
                "approved_on": course.approved_on.isoformat() if course.approved_on else None,
                "expires_on": course.expires_on.isoformat() if course.expires_on else None,
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


def course_lookup(text: str, *, on: datetime.date | None = None) -> Lookup:
    """Answer what a person typed: the course, or exactly why it cannot be credited.

    `on` is the completion date checked against the approval window (default: today).
    One indexed query by number (course and provider together); a conference's sessions
    are a second query. The count does not depend on the size of the catalog.
    """
    try:
        number = normalize_number(text)
    except InvalidCourseNumber as error:
        message = str(error)
        if EXPECTED_FORM not in message:
            message = f"{message.rstrip('.')}: {EXPECTED_FORM}."
        return Lookup(ok=False, reason="malformed", message=message)

    course = Course.objects.select_related("provider").filter(number=number).first()
    if course is None or course.status == Course.Status.WITHDRAWN:
        return Lookup(
            ok=False,
            reason="not_found",
            number=number,
            message=(
                f"No approved course has the number {number}. Check the certificate, or "
                "petition for credit if the course was not approved."
            ),
        )

    base = {"number": number, "course": course, "is_conference": course.is_conference}
    name = f"{number} ({course.title})"
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

    on = on or timezone.localdate()
    window = f"from {_us(course.approved_on)} to {_us(course.expires_on)}"
    if course.approved_on and on < course.approved_on:
        return Lookup(
            ok=False,
            reason="not_yet_valid",
            message=(
                f"{name} is approved {window}; a completion on {_us(on)} comes before its "
                "approval. Petition for credit instead."
            ),
            **base,
        )
    if course.expires_on and on > course.expires_on:
        return Lookup(
            ok=False,
            reason="expired",
            message=(
                f"The approval of {name} expired on {_us(course.expires_on)} (it was approved "
                f"{window}); a completion on {_us(on)} is outside it. Petition for credit "
                "instead."
            ),
            **base,
        )

    sessions = list(course.sessions.all()) if course.is_conference else []
    if course.is_conference:
        message = f"{name} by {course.provider.name}: pick the sessions you attended."
    else:
        message = f"{name} by {course.provider.name}: {course.cec_value} CECs."
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
            rows.append({"code": s["code"], "title": s["title"], "cec_value": s["cec_value"]})
        else:
            rows.append({"code": s.code, "title": s.title, "cec_value": s.cec_value})
    return rows


def _check_shape(*, delivery_format: str, cec_value: Decimal | None, sessions: list[dict]):
    if delivery_format not in Course.Format.values:
        raise ValidationError({"delivery_format": "Choose a delivery format."})
    if delivery_format == Course.Format.CONFERENCE:
        if not sessions:
            raise ValidationError("A conference needs at least one session.")
        codes = [row["code"].strip().upper() for row in sessions]
        if len(set(codes)) != len(codes):
            raise ValidationError("Each session of a conference needs its own code.")
        for row in sessions:
            value = row["cec_value"]
            if value is None or Decimal(value) <= 0:
                raise ValidationError("Each session needs a CEC value greater than 0.")
    else:
        if sessions:
            raise ValidationError("Only a conference has sessions.")
        if cec_value is None or Decimal(cec_value) <= 0:
            raise ValidationError({"cec_value": "Enter a CEC value greater than 0."})


def _write_sessions(course: Course, sessions: list[dict]):
    Session.objects.bulk_create(
        Session(
            course=course,
            code=row["code"].strip().upper(),
            title=row["title"].strip(),
            cec_value=Decimal(row["cec_value"]),
        )
        for row in sessions
    )


@transaction.atomic
def course_register(
    *,
    provider: Provider,
    submitted_by,
    title: str,
    description: str = "",
    delivery_format: str,
    cec_value: Decimal | None,
    sessions: Iterable = (),
) -> Course:
    """Register a course (or a conference with its sessions); it waits for a reviewer."""
    _require_active(provider)
    rows = _session_rows(sessions)
    conference = delivery_format == Course.Format.CONFERENCE
    _check_shape(delivery_format=delivery_format, cec_value=cec_value, sessions=rows)
    course = Course.objects.create(
        provider=provider,
        submitted_by=submitted_by,
        title=title.strip(),
        description=description.strip(),
        delivery_format=delivery_format,
        cec_value=None if conference else cec_value,
        status=Course.Status.PENDING,
    )
    if conference:
        _write_sessions(course, rows)
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
    sessions: Iterable = (),
) -> Course:
    """Change a registration that no reviewer has decided yet; sessions are replaced."""
    locked = _locked_pending(course, provider_id=by.provider_id)
    _require_active(locked.provider)
    rows = _session_rows(sessions)
    conference = delivery_format == Course.Format.CONFERENCE
    _check_shape(delivery_format=delivery_format, cec_value=cec_value, sessions=rows)
    locked.title = title.strip()
    locked.description = description.strip()
    locked.delivery_format = delivery_format
    locked.cec_value = None if conference else cec_value
    locked.save()
    locked.sessions.all().delete()
    if conference:
        _write_sessions(locked, rows)
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


def _notify(course: Course, subject: str, body: str):
    recipients = _decision_recipients(course)
    if not recipients:
        return
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))


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
    _notify(
        locked,
        f"Course approved: {locked.number} {locked.title}",
        (
            f"Your course “{locked.title}” has been approved.\n\n"
            f"Course number: {locked.number}\n"
            f"Approved from {_us(approved_on)} to {_us(expires_on)}.\n\n"
            # A path alone is no link in an email; the number finds it in the catalog.
            f"It now appears in the public course catalog under {locked.number}.\n"
        ),
    )
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
    _notify(
        locked,
        f"Course not approved: {locked.title}",
        (
            f"Your course registration “{locked.title}” was not approved.\n\n"
            f"Reason: {reason}\n\n"
            "You can see it, with the reason, in your provider course list.\n"
        ),
    )
    return locked


# --- Providers ------------------------------------------------------------------------------


@transaction.atomic
def provider_create(*, name: str, contact_email: str, website: str = "") -> Provider:
    name = name.strip()
    if Provider.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "A provider with this name already exists."})
    return Provider.objects.create(
        name=name, contact_email=contact_email.strip().lower(), website=website.strip()
    )


@transaction.atomic
def provider_add_staff(*, provider: Provider, email: str):
    """Make an existing user staff of a provider (one provider per person)."""
    from accounts.models import User

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError({"email": "No user has this email; they must sign up first."})
    if user.provider_id and user.provider_id != provider.pk:
        raise ValidationError({"email": f"{user.email} already works for {user.provider}."})
    user.provider = provider
    user.save(update_fields=["provider"])
    add_to_role(user, PROVIDER_STAFF)
    return user
