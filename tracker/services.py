"""Writes with consequences: certifications, renewals, CPR/AED cards and the credit ledger.

Every function is keyword-only and atomic, checks what a form cannot (the rules, the owner,
the cycles), raises ValidationError with a sentence for a person, and audits ledger changes.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Course, Session

from . import rules, selectors, uploads
from .models import (
    Certification,
    Certifier,
    CprCard,
    CreditEntry,
    Cycle,
    EntryChange,
    Kind,
    Program,
)

COURSE_KINDS = (Kind.APPROVED_COURSE, Kind.CONFERENCE)
# Kinds whose credit the person states (the rules only cap it).
STATED_KINDS = (Kind.PRESENTING, Kind.MENTORING, Kind.PETITION)


def _us(day: datetime.date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else "—"


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# --- Certifications and cycles --------------------------------------------------------------


def _cycle_row(certification: Certification, data: rules.CycleData) -> Cycle:
    return Cycle.objects.create(
        certification=certification,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        credits_required=data.credits_required,
    )


@transaction.atomic
def certification_add(
    *,
    user,
    program: Program,
    earned_on: datetime.date,
    number: str = "",
    today: datetime.date | None = None,
) -> Certification:
    """Record a certification and open its cycle from the certifier's rules.

    A certification earned long ago whose first cycle's grace period is over must have been
    renewed since (the person holds it today), so the cycle opened is the one running now.
    """
    today = _today(today)
    if earned_on > today:
        raise ValidationError({"earned_on": "The date earned cannot be in the future."})
    if Certification.objects.filter(user=user, program=program).exists():
        raise ValidationError({"program": f"You already hold {program}."})
    certifier_rules = selectors.rules_for(program.certifier)
    cycle = rules.first_cycle(certifier_rules, earned_on)
    while today > rules.grace_end(certifier_rules, cycle.ends_on):
        cycle = rules.next_cycle(certifier_rules, cycle)
    try:
        with transaction.atomic():
            certification = Certification.objects.create(
                user=user, program=program, earned_on=earned_on, number=number.strip()
            )
    except IntegrityError:
        raise ValidationError({"program": f"You already hold {program}."}) from None
    _cycle_row(certification, cycle)
    return certification


@transaction.atomic
def cycle_renew(
    *, certification: Certification, on: datetime.date | None = None, actor=None
) -> Cycle:
    """Close the current cycle (renewed on `on`) and open the next, the day after the old end.

    Only when the rules say the certification can be renewed: requirement met, CPR/AED current.
    """
    on = _today(on)
    current = (
        Cycle.objects.select_for_update()
        .filter(certification=certification, renewed_on__isnull=True)
        .order_by("-starts_on")
        .first()
    )
    if current is None:
        raise ValidationError("This certification has no open cycle to renew.")
    view = selectors.snapshot(certification.user, today=on)
    result = next(
        (
            r
            for r in view.results
            if r.certification.id == certification.pk and r.cycle.id == current.pk
        ),
        None,
    )
    if result is None or not result.can_renew:
        raise ValidationError(_not_ready_reason(result))
    current.renewed_on = on
    current.renewed_at = timezone.now()
    current.save(update_fields=["renewed_on", "renewed_at"])
    certifier_rules = view.rules_by_certifier[certification.program.certifier_id]
    following = rules.next_cycle(certifier_rules, selectors.cycle_data(current))
    return _cycle_row(certification, following)


def _not_ready_reason(result: rules.CycleResult | None) -> str:
    if result is None:
        return "This cycle cannot be renewed."
    if result.status == rules.Status.LAPSED:
        return "This certification has lapsed: its grace period is over."
    if not result.met:
        return f"Not ready to renew: {result.remaining} {result.unit} still to earn in this cycle."
    if not result.cpr_ok:
        return "Not ready to renew: a CPR/AED card current on the deadline is required."
    return "This cycle cannot be renewed yet."


@transaction.atomic
def cpr_card_add(
    *,
    user,
    issued_on: datetime.date,
    expires_on: datetime.date,
    provider_name: str = "",
    today: datetime.date | None = None,
) -> CprCard:
    today = _today(today)
    errors = {}
    if issued_on > today:
        errors["issued_on"] = "The issue date cannot be in the future."
    if expires_on <= issued_on:
        errors["expires_on"] = "The card must expire after it was issued."
    if errors:
        raise ValidationError(errors)
    return CprCard.objects.create(
        user=user, issued_on=issued_on, expires_on=expires_on, provider_name=provider_name.strip()
    )


# --- The ledger -----------------------------------------------------------------------------


def snapshot_of(entry: CreditEntry) -> dict:
    """What an entry says, for the audit trail (JSON-safe)."""
    return {
        "kind": entry.kind,
        "certifier": str(entry.certifier) if entry.certifier_id else "",
        "course": entry.course.number if entry.course_id else "",
        "sessions": sorted(s.code for s in entry.sessions.all()) if entry.pk else [],
        "title": entry.title,
        "completion_date": entry.completion_date.isoformat(),
        "credit": str(entry.credit),
        "credit_hours": None if entry.credit_hours is None else str(entry.credit_hours),
        "grade": entry.grade,
        "is_prep_course": entry.is_prep_course,
        "cpr_card": entry.cpr_card_id,
        "program": str(entry.program) if entry.program_id else "",
        "certificate": entry.certificate_name,
        "note": entry.note,
        "source": entry.source,
        "petition": entry.petition_id,
    }


def _audit(*, entry: CreditEntry, actor, action: str, before=None, after=None):
    EntryChange.objects.create(
        entry=entry if action != EntryChange.Action.DELETED else None,
        entry_pk=entry.pk,
        owner_id=entry.user_id,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        before=before,
        after=after,
    )


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _pick_certifier(*, user, kind, program, petition, completion_date, source) -> Certifier | None:
    if program is not None:
        return program.certifier
    if petition is not None and getattr(petition, "certification_id", None):
        return petition.certification.program.certifier
    held = list(selectors.certifications_of(user))
    on_date = {
        cert.program.certifier_id: cert.program.certifier
        for cert, _cycle in _current_cycles(held, completion_date)
    }
    if len(on_date) == 1:
        return next(iter(on_date.values()))
    certifiers = {c.program.certifier_id: c.program.certifier for c in held}
    if len(certifiers) == 1:
        return next(iter(certifiers.values()))
    if not certifiers:
        everyone = list(Certifier.objects.order_by("pk")[:2])
        return everyone[0] if len(everyone) == 1 else None
    if source == CreditEntry.Source.SELF_REPORTED:
        raise ValidationError({"certifier": "Choose the certifier this credit counts toward."})
    return None


def _current_cycles(certifications, day):
    out = []
    for cert in certifications:
        open_cycles = [c for c in cert.cycles.all() if c.renewed_on is None]
        if open_cycles:
            current = max(open_cycles, key=lambda c: c.starts_on)
            if current.starts_on <= day <= current.ends_on:
                out.append((cert, current))
    return out


def _check_credit(credit: Decimal | None, unit: str) -> Decimal:
    if credit is None:
        raise ValidationError({"credit": f"Enter the {unit} earned."})
    if credit <= 0:
        raise ValidationError({"credit": f"The {unit} must be more than 0."})
    if credit != credit.quantize(rules.TENTH):
        raise ValidationError({"credit": f"Enter the {unit} in tenths, e.g. 0.3."})
    if credit >= Decimal("100000"):
        raise ValidationError({"credit": f"That is more {unit} than any activity earns."})
    return credit


def _resolve(
    *,
    user,
    kind: str,
    completion_date: datetime.date,
    credit,
    course: Course | None,
    sessions,
    credit_hours,
    grade: str,
    is_prep_course: bool,
    cpr_card: CprCard | None,
    program: Program | None,
    certifier: Certifier | None,
    petition,
    source: str,
    today: datetime.date,
    entry: CreditEntry | None = None,
) -> dict:
    """Check one ledger line against the rules and work out its credit. Raises ValidationError."""
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose what kind of activity this was."})
    if not isinstance(completion_date, datetime.date):
        raise ValidationError({"completion_date": "Enter the completion date as MM/DD/YYYY."})
    if completion_date > today:
        raise ValidationError({"completion_date": "The completion date cannot be in the future."})
    if kind == Kind.PETITION and petition is None and (entry is None or not entry.petition_id):
        raise ValidationError("Petition credit comes only from an approved petition.")

    if course is not None and kind in COURSE_KINDS:
        kind = Kind.CONFERENCE if course.is_conference else Kind.APPROVED_COURSE
    if certifier is None:
        certifier = _pick_certifier(
            user=user,
            kind=kind,
            program=program,
            petition=petition,
            completion_date=completion_date,
            source=source,
        )
    certifier_rules = selectors.rules_for(certifier) if certifier is not None else None
    unit = f"{certifier_rules.credit_unit}s" if certifier_rules else "CECs"
    rule = certifier_rules.kind(kind) if certifier_rules else None
    if certifier_rules is not None and (rule is None or not rule.allowed):
        raise ValidationError(
            f"{Kind(kind).label} does not count toward a {certifier_rules.code} renewal."
        )
    session_list: list[Session] = list(sessions or ())
    fields: dict = {"kind": kind, "certifier": certifier, "completion_date": completion_date}
    hours = _decimal(credit_hours)
    stated = credit if isinstance(credit, Decimal) else _decimal(credit)
    if credit is not None and credit != "" and stated is None:
        raise ValidationError({"credit": f"Enter the {unit} as a number, e.g. 0.3."})

    if kind in COURSE_KINDS:
        if course is None:
            raise ValidationError({"course": "Enter the course number from your certificate."})
        name = course.number or course.title
        # An entry being edited keeps its course even if the course was retired since.
        kept = entry is not None and entry.course_id == course.pk
        if course.status != Course.Status.APPROVED and not kept:
            raise ValidationError({"course": f"{name} is not an approved course."})
        if course.approved_on and completion_date < course.approved_on:
            raise ValidationError(
                {
                    "completion_date": f"{name} was approved on {_us(course.approved_on)}; "
                    "a completion before that needs a petition."
                }
            )
        if course.expires_on and completion_date > course.expires_on:
            raise ValidationError(
                {
                    "completion_date": f"The approval of {name} expired on "
                    f"{_us(course.expires_on)}; a later completion needs a petition."
                }
            )
        if kind == Kind.CONFERENCE:
            if not session_list:
                raise ValidationError({"sessions": "Tick the sessions you attended."})
            if any(s.course_id != course.pk for s in session_list):
                raise ValidationError({"sessions": "Those sessions are not part of this event."})
            value = sum((s.cec_value for s in session_list), Decimal("0"))
        else:
            session_list = []
            value = course.cec_value
        fields["course"] = course
    elif kind == Kind.CPR_AED:
        if cpr_card is None:
            raise ValidationError({"cpr_card": "Choose the CPR/AED card you renewed."})
        if cpr_card.user_id != user.pk:
            raise ValidationError({"cpr_card": "Choose one of your CPR/AED cards."})
        value = rules.cpr_credit(rule, cpr_card.issued_on, cpr_card.expires_on) if rule else None
        if value is None or value <= 0:
            value = stated
        fields["cpr_card"] = cpr_card
    elif kind == Kind.COLLEGE:
        if hours is None or hours <= 0:
            raise ValidationError({"credit_hours": "Enter the college credit hours, e.g. 3."})
        grade = (grade or "").strip().upper()
        minimum = rule.min_grade if rule else ""
        if grade not in rules.GRADES:
            raise ValidationError({"grade": "Enter the letter grade, e.g. B+."})
        if not rules.grade_at_least(grade, minimum):
            raise ValidationError(
                {"grade": f"College credit needs a grade of {minimum} or better."}
            )
        value = rules.college_credit(rule, hours, is_prep_course) if rule else stated
        fields |= {"credit_hours": hours, "grade": grade, "is_prep_course": is_prep_course}
    elif kind == Kind.EXTRA_CERTIFICATION:
        if program is None:
            raise ValidationError({"program": "Choose the certification you earned."})
        if certifier is not None and program.certifier_id != certifier.pk:
            raise ValidationError({"program": f"Choose a {certifier} certification."})
        value = certifier_rules.credits_required if certifier_rules else stated
        fields["program"] = program
    elif rule is not None and rule.value is not None:
        value = rule.value
    else:
        value = stated

    value = _check_credit(value, unit)
    if rule is not None and kind in STATED_KINDS and source != CreditEntry.Source.PETITION:
        limits = [c for c in (rule.entry_cap, rule.cycle_cap) if c is not None]
        limit = min(limits) if limits else None
        if limit is not None and value > limit:
            raise ValidationError(
                {"credit": f"{Kind(kind).label} counts at most {limit} {unit} per cycle."}
            )
    fields["credit"] = value
    fields["_sessions"] = session_list
    _refuse_repeat(user=user, fields=fields, entry=entry)
    return fields


def _refuse_repeat(*, user, fields: dict, entry: CreditEntry | None):
    """The same course (or card, or extra certification) once per cycle."""
    lookup = {}
    if fields.get("course") is not None:
        lookup = {"course": fields["course"]}
        field_name = "course"
    elif fields["kind"] == Kind.EXTRA_CERTIFICATION:
        lookup = {"kind": Kind.EXTRA_CERTIFICATION, "program": fields["program"]}
        field_name = "program"
    elif fields["kind"] == Kind.CPR_AED:
        lookup = {"kind": Kind.CPR_AED, "cpr_card": fields["cpr_card"]}
        field_name = "cpr_card"
    if not lookup:
        return
    others = CreditEntry.objects.owned_by(user).filter(**lookup)
    if entry is not None:
        others = others.exclude(pk=entry.pk)
    others = list(others.only("pk", "completion_date", "certifier_id"))
    if not others:
        return
    day = fields["completion_date"]
    certifier = fields["certifier"]
    for cert in selectors.certifications_of(user):
        if certifier is not None and cert.program.certifier_id != certifier.pk:
            continue
        for cycle in cert.cycles.all():
            if not cycle.starts_on <= day <= cycle.ends_on:
                continue
            for other in others:
                if cycle.starts_on <= other.completion_date <= cycle.ends_on:
                    what = {
                        "course": "This course",
                        "program": "This certification",
                        "cpr_card": "This CPR/AED card",
                    }[field_name]
                    raise ValidationError(
                        {
                            field_name: f"{what} is already logged on "
                            f"{_us(other.completion_date)} in the same renewal cycle "
                            f"({_us(cycle.starts_on)}–{_us(cycle.ends_on)}); "
                            "it counts once per cycle."
                        }
                    )


def _attach_certificate(entry: CreditEntry, certificate) -> None:
    _content_type, extension = uploads.check_certificate(certificate)
    entry.certificate_name = uploads.safe_label(getattr(certificate, "name", ""))
    content = uploads.stored_file(certificate, extension)
    entry.certificate.save(content.name, content, save=False)


def _existing_for(*, submission_token, petition, user) -> CreditEntry | None:
    if submission_token is not None:
        found = CreditEntry.objects.filter(submission_token=submission_token).first()
        if found is not None:
            if found.user_id != user.pk:
                raise ValidationError("This form has already been used. Reload the page.")
            return found
    if petition is not None:
        found = CreditEntry.objects.filter(petition=petition).first()
        if found is not None:
            return found
    return None


@transaction.atomic
def credit_add(
    *,
    user,
    kind: str,
    completion_date: datetime.date,
    credit: Decimal | None = None,
    course: Course | None = None,
    sessions=(),
    title: str = "",
    credit_hours: Decimal | None = None,
    grade: str = "",
    is_prep_course: bool = False,
    cpr_card: CprCard | None = None,
    program: Program | None = None,
    certificate=None,
    note: str = "",
    source: str = CreditEntry.Source.SELF_REPORTED,
    petition=None,
    submission_token: uuid.UUID | str | None = None,
    actor=None,
    certifier: Certifier | None = None,
    today: datetime.date | None = None,
) -> CreditEntry:
    """Add one line to a professional's ledger and record who added it.

    Idempotent: a second call with the same `submission_token` (a double submit) or for the
    same `petition` returns the entry the first call made. The credit comes from the rules
    where they fix it (course value, sum of sessions, CPR/AED card length, college hours,
    fixed values); otherwise `credit` is used, in tenths and above zero.
    """
    if submission_token is not None and not isinstance(submission_token, uuid.UUID):
        try:
            submission_token = uuid.UUID(str(submission_token))
        except ValueError:
            submission_token = None
    existing = _existing_for(submission_token=submission_token, petition=petition, user=user)
    if existing is not None:
        return existing

    fields = _resolve(
        user=user,
        kind=kind,
        completion_date=completion_date,
        credit=credit,
        course=course,
        sessions=sessions,
        credit_hours=credit_hours,
        grade=grade,
        is_prep_course=is_prep_course,
        cpr_card=cpr_card,
        program=program,
        certifier=certifier,
        petition=petition,
        source=source,
        today=_today(today),
    )
    session_list = fields.pop("_sessions")
    entry = CreditEntry(
        user=user,
        title=(title or "").strip()[:300],
        note=(note or "").strip(),
        source=source,
        petition=petition,
        submission_token=submission_token,
        # The clock, not the transaction's start: renewals compare against it.
        created_at=timezone.now(),
        **fields,
    )
    if certificate:
        _attach_certificate(entry, certificate)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # A concurrent submit with the same token (or petition) got there first.
        existing = _existing_for(submission_token=submission_token, petition=petition, user=user)
        if existing is not None:
            if entry.certificate:
                entry.certificate.delete(save=False)
            return existing
        raise
    if session_list:
        entry.sessions.set(session_list)
    _audit(
        entry=entry,
        actor=actor or user,
        action=EntryChange.Action.CREATED,
        after=snapshot_of(entry),
    )
    return entry


def _refuse_if_locked(entry: CreditEntry, *, new_date: datetime.date | None = None):
    if entry.source == CreditEntry.Source.PETITION:
        raise ValidationError("Credit awarded on a petition cannot be changed here.")
    certs = [selectors.certification_data(c) for c in selectors.certifications_of(entry.user)]
    cycle = rules.locking_cycle(selectors.entry_data(entry), certs)
    if cycle is not None:
        raise ValidationError(
            f"This credit belongs to a cycle renewed on {_us(cycle.renewed_on)}; "
            "it is read-only now."
        )
    if new_date is not None and new_date != entry.completion_date:
        for cert in certs:
            if entry.certifier_id not in (None, cert.certifier_id):
                continue
            for cy in cert.cycles:
                if cy.renewed_on is not None and cy.holds(new_date):
                    raise ValidationError(
                        {
                            "completion_date": "That date falls in a cycle renewed on "
                            f"{_us(cy.renewed_on)}, which can no longer change."
                        }
                    )


@transaction.atomic
def credit_update(
    *,
    entry: CreditEntry,
    actor,
    completion_date: datetime.date | None = None,
    credit: Decimal | None = None,
    sessions=None,
    title: str | None = None,
    credit_hours: Decimal | None = None,
    grade: str | None = None,
    is_prep_course: bool | None = None,
    note: str | None = None,
    certificate=None,
    remove_certificate: bool = False,
    today: datetime.date | None = None,
) -> CreditEntry:
    """Change one's own entry (None leaves a field as it is). Refused in a renewed cycle."""
    entry = CreditEntry.objects.select_for_update().get(pk=entry.pk)
    new_date = completion_date or entry.completion_date
    _refuse_if_locked(entry, new_date=new_date)
    before = snapshot_of(entry)
    fields = _resolve(
        user=entry.user,
        kind=entry.kind,
        completion_date=new_date,
        credit=entry.credit if credit is None else credit,
        course=entry.course,
        sessions=list(entry.sessions.all()) if sessions is None else sessions,
        credit_hours=entry.credit_hours if credit_hours is None else credit_hours,
        grade=entry.grade if grade is None else grade,
        is_prep_course=entry.is_prep_course if is_prep_course is None else is_prep_course,
        cpr_card=entry.cpr_card,
        program=entry.program,
        certifier=entry.certifier,
        petition=entry.petition,
        source=entry.source,
        today=_today(today),
        entry=entry,
    )
    session_list = fields.pop("_sessions")
    for name, value in fields.items():
        setattr(entry, name, value)
    if title is not None:
        entry.title = title.strip()[:300]
    if note is not None:
        entry.note = note.strip()
    old_file = entry.certificate.name if entry.certificate else ""
    if certificate:
        _attach_certificate(entry, certificate)
    elif remove_certificate and entry.certificate:
        entry.certificate = ""
        entry.certificate_name = ""
    entry.save()
    if entry.kind == Kind.CONFERENCE:
        entry.sessions.set(session_list)
    if old_file and old_file != (entry.certificate.name if entry.certificate else ""):
        storage = entry.certificate.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    after = snapshot_of(entry)
    if after != before:
        _audit(
            entry=entry,
            actor=actor,
            action=EntryChange.Action.UPDATED,
            before=before,
            after=after,
        )
    return entry


@transaction.atomic
def credit_delete(*, entry: CreditEntry, actor) -> None:
    """Remove one's own entry. Refused in a renewed cycle; the audit keeps what it said."""
    entry = CreditEntry.objects.select_for_update().get(pk=entry.pk)
    _refuse_if_locked(entry)
    before = snapshot_of(entry)
    _audit(entry=entry, actor=actor, action=EntryChange.Action.DELETED, before=before)
    file_name = entry.certificate.name if entry.certificate else ""
    storage = entry.certificate.storage
    entry.delete()
    if file_name:
        transaction.on_commit(lambda: storage.delete(file_name))
