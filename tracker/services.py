"""Writes with consequences: certifications, renewals, CPR/AED cards and the credit ledger.

Every function is keyword-only and atomic, checks what a form cannot (the rules, the owner,
the cycles), raises ValidationError with a sentence for a person, and names who made each
change, and why where it knows, for the history every tracked model keeps (`cecportal.history`).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from catalog.models import Course, Session
from cecportal.history import note as history_note
from notices.services import absolute, email_later

from . import rulebook, rules, selectors, uploads
from .models import (
    Certification,
    Certifier,
    CprCard,
    CreditEntry,
    Cycle,
    EntryCredit,
    Kind,
    Program,
)

COURSE_KINDS = rules.COURSE_KINDS


def _us(day: datetime.date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else "—"


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# --- Certifications and cycles --------------------------------------------------------------


def _cycle_row(certification: Certification, data: rules.CycleData, *, by=None, why="") -> Cycle:
    cycle = Cycle(
        certification=certification,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        renewed_on=data.renewed_on,
        renewed_at=timezone.now() if data.renewed_on else None,
        renewed_outside=data.renewed_outside,
    )
    history_note(cycle, by=by, why=why)
    cycle.save(force_insert=True)
    return cycle


def _freeze(cycle: Cycle, result: rules.CycleResult) -> None:
    """A closed cycle keeps what the rules said on the day it closed, whatever changes later."""
    cycle.frozen_result = selectors.frozen_to_json(rules.freeze(result))
    history_note(cycle, why="The result it was renewed with is kept.")
    cycle.save(update_fields=["frozen_result"])


def _result_of(user, cycle: Cycle, *, today: datetime.date) -> rules.CycleResult | None:
    found = selectors.evaluation(user, today=today)
    return next((r for r in found.results if r.cycle.id == cycle.pk), None)


@transaction.atomic
def certification_add(
    *,
    user,
    program: Program,
    earned_on: datetime.date,
    number: str = "",
    last_renewed_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Certification:
    """Record a certification and its cycles, as the certifier's rules lay them out.

    Never renewed since it was earned (the default): its first cycle is current, so a deadline
    long past shows as in grace or lapsed. With the date it was last renewed, that renewal
    closes the cycle it belongs to and the next one is current.
    """
    today = _today(today)
    if earned_on > today:
        raise ValidationError({"earned_on": "The date earned cannot be in the future."})
    if Certification.objects.filter(user=user, program=program).exists():
        raise ValidationError({"program": f"You already hold {program}."})
    certifier = rulebook.certifier_data(program.certifier)
    try:
        cycles = rules.cycles_from(
            certifier, earned_on, last_renewed_on=last_renewed_on, today=today
        )
    except ValueError as error:
        raise ValidationError({"last_renewed_on": str(error)}) from None
    try:
        with transaction.atomic():
            certification = Certification(
                user=user, program=program, earned_on=earned_on, number=number.strip()
            )
            history_note(certification, by=user, why="Added by its holder.")
            certification.save(force_insert=True)
    except IntegrityError:
        raise ValidationError({"program": f"You already hold {program}."}) from None
    why = "Laid out by the certifier's rules when the certification was added."
    rows = [_cycle_row(certification, data, by=user, why=why) for data in cycles]
    for row in rows:
        if row.renewed_on is not None:
            result = _result_of(user, row, today=today)
            if result is not None:
                _freeze(row, result)
    return certification


def _open_cycle(certification: Certification) -> Cycle:
    current = (
        Cycle.objects.select_for_update()
        .filter(certification=certification, renewed_on__isnull=True)
        .order_by("-starts_on")
        .first()
    )
    if current is None:
        raise ValidationError("This certification has no open cycle to renew.")
    return current


def _close(
    certification: Certification, current: Cycle, result, *, on, outside: bool, actor
) -> Cycle:
    current.renewed_on = on
    current.renewed_at = timezone.now()
    current.renewed_outside = outside
    why = (
        f"Renewal done with the certifier on {_us(on)}, recorded (not checked by the portal)."
        if outside
        else f"Renewed in the portal on {_us(on)}: the requirement was met."
    )
    history_note(current, by=actor, why=why)
    current.save(update_fields=["renewed_on", "renewed_at", "renewed_outside"])
    if result is not None:
        history_note(current, by=actor)
        _freeze(current, result)
    certifier = rulebook.certifier_data(certification.program.certifier)
    following = rules.next_cycle(certifier, selectors.cycle_data(current))
    return _cycle_row(
        certification, following, by=actor, why="Opened by the renewal of the cycle before."
    )


@transaction.atomic
def cycle_renew(
    *, certification: Certification, on: datetime.date | None = None, actor=None
) -> Cycle:
    """Close the current cycle (renewed on `on`) and open the next, the day after the old end.

    Only when the rules say the certification can be renewed: requirement met, CPR/AED current.
    """
    on = _today(on)
    current = _open_cycle(certification)
    result = _result_of(certification.user, current, today=on)
    if result is None or not result.can_renew:
        raise ValidationError(_not_ready_reason(result))
    following = _close(
        certification, current, result, on=on, outside=False, actor=actor or certification.user
    )
    _tell_renewed(certification, current, following, result)
    return following


@transaction.atomic
def cycle_record_renewal(
    *,
    certification: Certification,
    renewed_on: datetime.date,
    actor=None,
    today: datetime.date | None = None,
) -> Cycle:
    """Record a renewal done with the certifier (the portal did not check it): the current
    cycle closes on that date as it stands, and the next one opens."""
    today = _today(today)
    current = _open_cycle(certification)
    if renewed_on > today:
        raise ValidationError({"renewed_on": "The renewal date cannot be in the future."})
    if renewed_on < current.starts_on:
        raise ValidationError(
            {
                "renewed_on": f"The current cycle started on {_us(current.starts_on)}; "
                "a renewal before that belongs to an earlier cycle."
            }
        )
    result = _result_of(certification.user, current, today=renewed_on)
    following = _close(
        certification,
        current,
        result,
        on=renewed_on,
        outside=True,
        actor=actor or certification.user,
    )
    _tell_renewed(certification, current, following, result)
    return following


def _tell_renewed(certification: Certification, closed: Cycle, following: Cycle, result) -> None:
    """Email the professional the renewal on record; the worker sends it after commit."""
    user = certification.user
    email_later(
        kind="renewal_recorded",
        to=[user.email],
        context={
            "name": user.get_short_name() or user.email,
            "certification": certification,
            "closed": closed,
            "following": following,
            "earned": rules.amount(result.total, result.unit) if result else "",
            "required": rules.amount(result.required, result.unit) if result else "",
            "link": absolute(reverse("tracker:transcript", args=[closed.pk])),
        },
        about=f"cycle:{closed.pk}",
    )


def _not_ready_reason(result: rules.CycleResult | None) -> str:
    if result is None:
        return "This cycle cannot be renewed."
    if result.status == rules.Status.LAPSED:
        return "This certification has lapsed: its grace period is over."
    if not result.met:
        if result.remaining > 0:
            still = rules.amount(result.remaining, result.unit)
            return f"Not ready to renew: {still} still to earn in this cycle."
        return "Not ready to renew: " + " ".join(result.shortfalls)
    if not result.cpr_ok:
        return "Not ready to renew: a current CPR/AED card is required."
    return "This cycle cannot be renewed yet."


@transaction.atomic
def cpr_card_add(
    *,
    user,
    issued_on: datetime.date,
    expires_on: datetime.date,
    provider_name: str = "",
    front_image=None,
    back_image=None,
    today: datetime.date | None = None,
) -> CprCard:
    """A CPR/AED card, with photos of its front and back when given (JPEG or PNG)."""
    today = _today(today)
    errors = {}
    if issued_on > today:
        errors["issued_on"] = "The issue date cannot be in the future."
    if expires_on <= issued_on:
        errors["expires_on"] = "The card must expire after it was issued."
    sides = {"front_image": front_image, "back_image": back_image}
    for field, upload in sides.items():
        if upload and uploads.check_certificate(upload)[0] not in uploads.IMAGE_TYPES:
            errors[field] = "A side of the card must be a photo (JPEG or PNG), not a PDF."
    if errors:
        raise ValidationError(errors)
    card = CprCard(
        user=user, issued_on=issued_on, expires_on=expires_on, provider_name=provider_name.strip()
    )
    for field, upload in sides.items():
        if upload:
            content = uploads.stored_file(upload, uploads.check_certificate(upload)[1])
            getattr(card, field).save(content.name, content, save=False)
    history_note(card, by=user, why="Added by its holder.")
    card.save(force_insert=True)
    return card


# --- The ledger -----------------------------------------------------------------------------


def snapshot_of(entry: CreditEntry) -> dict:
    """What an entry says (JSON-safe): an update with nothing different leaves no history."""
    return {
        "kind": entry.kind,
        "certifier": entry.certifier_id,
        "course": entry.course_id,
        "sessions": sorted(s.pk for s in entry.sessions.all()) if entry.pk else [],
        "title": entry.title,
        "completion_date": entry.completion_date.isoformat(),
        "credit": str(entry.credit),
        "credit_hours": None if entry.credit_hours is None else str(entry.credit_hours),
        "grade": entry.grade,
        "is_prep_course": entry.is_prep_course,
        "cpr_card": entry.cpr_card_id,
        "program": entry.program_id,
        "certificate": entry.certificate.name if entry.certificate else "",
        "note": entry.note,
        "source": entry.source,
        "petition": entry.petition_id,
        "hidden": entry.hidden_reason if entry.hidden_at else "",
        "claims": {c.certifier_id: str(c.credit) for c in entry.claims.all()} if entry.pk else {},
    }


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _pick_certifier(*, user, program, petition, completion_date, source) -> Certifier | None:
    """The one certifier a non-shared activity (presenting, publishing …) is logged toward."""
    if program is not None:
        return program.certifier
    if petition is not None and getattr(petition, "certification_id", None):
        return petition.certification.program.certifier
    held = [selectors.certification_data(c) for c in selectors.certifications_of(user)]
    on_date = {c.certifier_id for c, _cycle in rules.current_cycles_holding(held, completion_date)}
    everyone = {c.certifier_id for c in held}
    for candidates in (on_date, everyone):
        if len(candidates) == 1:
            return Certifier.objects.get(pk=next(iter(candidates)))
    if not everyone:
        # No certification yet: the portal's own certifier, whose numbers the catalog uses.
        return Certifier.objects.filter(assigns_catalog_numbers=True).first()
    if source == CreditEntry.Source.SELF_REPORTED:
        raise ValidationError({"certifier": "Choose the certifier this credit counts toward."})
    return None


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


def _check_course(*, kind, course, session_list, entry) -> str:
    """The shape of a course line; returns its kind (a conference or a single course)."""
    if course is None:
        raise ValidationError({"course": "Enter the course number from your certificate."})
    kind = Kind.CONFERENCE if course.is_conference else Kind.APPROVED_COURSE
    # An entry being edited keeps its course even if the course was retired since.
    kept = entry is not None and entry.course_id == course.pk
    if course.status != Course.Status.APPROVED and not kept:
        raise ValidationError(
            {"course": f"{course.number or course.title} is not an approved course."}
        )
    if kind == Kind.CONFERENCE:
        if not session_list:
            raise ValidationError({"sessions": "Tick the sessions you attended."})
        if any(s.course_id != course.pk for s in session_list):
            raise ValidationError({"sessions": "Those sessions are not part of this event."})
    return kind


def _check_shape(
    *, user, kind, completion_date, cpr_card, program, credit_hours, grade, petition, entry, today
):
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose what kind of activity this was."})
    if not isinstance(completion_date, datetime.date):
        raise ValidationError({"completion_date": "Enter the completion date as MM/DD/YYYY."})
    if completion_date > today:
        raise ValidationError({"completion_date": "The completion date cannot be in the future."})
    if kind == Kind.PETITION and petition is None and (entry is None or not entry.petition_id):
        raise ValidationError("Petition credit comes only from an approved petition.")
    if kind in (Kind.CPR_AED, Kind.FIRST_AID):
        if cpr_card is None:
            raise ValidationError({"cpr_card": "Choose the CPR/AED card you renewed."})
        if cpr_card.user_id != user.pk:
            raise ValidationError({"cpr_card": "Choose one of your CPR/AED cards."})
    if kind == Kind.COLLEGE:
        hours = _decimal(credit_hours)
        if hours is None or hours <= 0:
            raise ValidationError({"credit_hours": "Enter the college credit hours, e.g. 3."})
        if (grade or "").strip().upper() not in rules.GRADES:
            raise ValidationError({"grade": "Enter the letter grade, e.g. B+."})
    if kind == Kind.EXTRA_CERTIFICATION and program is None:
        raise ValidationError({"program": "Choose the certification you earned."})


def _refusal_error(refusals, certifiers) -> ValidationError:
    """The rules' refusals as a form error: on its field when it names one."""
    errors: dict[str, list[str]] = {}
    for refusal in refusals:
        errors.setdefault(refusal.field or "__all__", []).append(refusal.reason)
    if list(errors) == ["__all__"]:
        return ValidationError(errors["__all__"])
    return ValidationError(errors)


def _resolve(
    *,
    user,
    kind: str,
    completion_date: datetime.date,
    credit,
    course: Course | None,
    sessions,
    contact_hours,
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
    """Load the facts, ask the rules what the activity gives each certifier. Raises
    ValidationError with the rules' reasons when it gives none of the person's certifiers
    anything (or only repeats)."""
    _check_shape(user=user, kind=kind, completion_date=completion_date, cpr_card=cpr_card,
                 program=program, credit_hours=credit_hours, grade=grade, petition=petition,
                 entry=entry, today=today)  # fmt: skip
    session_list: list[Session] = list(sessions or ())
    if kind in COURSE_KINDS or course is not None:
        kind = _check_course(kind=kind, course=course, session_list=session_list, entry=entry)
        if kind != Kind.CONFERENCE:
            session_list = []
    elif kind not in rules.SHARED_KINDS and certifier is None:
        certifier = _pick_certifier(user=user, program=program, petition=petition,
                                    completion_date=completion_date, source=source)  # fmt: skip
    stated = credit if isinstance(credit, Decimal) else _decimal(credit)
    if credit not in (None, "") and stated is None:
        raise ValidationError({"credit": "Enter the credit as a number, e.g. 0.3."})
    certifiers = rulebook.certifiers_data()
    if stated is not None and kind not in rules.SHARED_KINDS:
        target = certifiers.get(certifier.pk) if certifier else None
        _check_credit(stated, target.unit.plural if target else "credit")
    if course is not None:
        activity = selectors.course_activity(course, session_list, completion_date, kind)
    else:
        activity = rules.Activity(
            kind=kind,
            completion_date=completion_date,
            contact_hours=_decimal(contact_hours),
            card_issued_on=cpr_card.issued_on if cpr_card else None,
            card_expires_on=cpr_card.expires_on if cpr_card else None,
            credit_hours=_decimal(credit_hours),
            grade=(grade or "").strip().upper(),
            is_prep_course=is_prep_course,
            program_certifier_id=program.certifier_id if program else None,
            certifier_id=certifier.pk if certifier else None,
            stated_credit=stated,
        )
    claims, refusals = rules.claims_for(activity, certifiers)
    certifications = [selectors.certification_data(c) for c in selectors.certifications_of(user)]
    held = {c.certifier_id for c in certifications} or set(certifiers)
    counted = [c for c in claims if c.certifier_id in held]
    if not counted:
        mine = [r for r in refusals if r.certifier_id in held or r.certifier_id is None]
        raise _refusal_error(mine or refusals, certifiers)
    for claim in counted:
        _check_credit(claim.credit, certifiers[claim.certifier_id].unit.plural)
        limit = rules.stated_limit(certifiers[claim.certifier_id], kind, completion_date)
        if stated is not None and limit is not None and claim.credit > limit:
            raise ValidationError({"credit": rules.stated_limit_message(
                certifiers[claim.certifier_id], kind, completion_date)})  # fmt: skip
    _refuse_repeat(user=user, kind=kind, course=course, cpr_card=cpr_card, program=program,
                   petition=petition, completion_date=completion_date, claims=counted,
                   certifications=certifications, entry=entry)  # fmt: skip
    primary = next((c for c in claims if certifier and c.certifier_id == certifier.pk), counted[0])
    return {
        "kind": kind,
        "certifier": certifier if kind not in rules.SHARED_KINDS else None,
        "completion_date": completion_date,
        "course": course,
        "cpr_card": cpr_card,
        "program": program,
        "contact_hours": _decimal(contact_hours) if course is None else activity.contact_hours,
        "credit_hours": activity.credit_hours if kind == Kind.COLLEGE else None,
        "grade": activity.grade if kind == Kind.COLLEGE else "",
        "is_prep_course": is_prep_course if kind == Kind.COLLEGE else False,
        "credit": primary.credit,
        "_sessions": session_list,
        "_claims": claims,
    }


def _refuse_repeat(*, user, kind, course, cpr_card, program, petition, completion_date, claims,
                   certifications, entry):  # fmt: skip
    """No repeats, per certifier: refused when every certifier it would count toward has it
    already in the same cycle (a partial repeat is posted; the others' cycles count it)."""
    candidate = rules.EntryData(
        id=entry.pk if entry is not None else 0,
        kind=kind,
        completion_date=completion_date,
        claims=tuple(claims),
        course_id=course.pk if course else None,
        program_id=program.pk if program else None,
        cpr_card_id=cpr_card.pk if cpr_card else None,
        petition_id=petition.pk if petition else None,
    )
    if candidate.repeat_key is None:
        return
    # A hidden entry is no input to the rules: it blocks nothing (credit_unhide checks).
    others = CreditEntry.objects.owned_by(user).filter(hidden_at__isnull=True)
    others = others.prefetch_related("claims")
    if entry is not None:
        others = others.exclude(pk=entry.pk)
    key_filter = {
        "course": {"course": course},
        "program": {"kind": kind, "program": program},
        "cpr": {"kind": kind, "cpr_card": cpr_card},
        "petition": {"petition": petition},
    }[candidate.repeat_key[0]]
    existing = [selectors.entry_data(e) for e in others.filter(**key_filter)]
    conflicts = rules.repeat_conflicts(
        entry=candidate, existing=existing, certifications=certifications
    )
    blocked = {r.certifier_id for r in conflicts}
    if conflicts and all(c.certifier_id in blocked for c in claims):
        field = {"course": "course", "program": "program", "cpr": "cpr_card"}.get(
            candidate.repeat_key[0], "__all__"
        )
        raise ValidationError({field: [r.reason for r in conflicts]})


def _write_claims(entry: CreditEntry, claims, *, by=None) -> None:
    """Post what the rules say the entry gives each certifier; only what differs is written,
    so the posted credit's history shows real changes."""
    posted = {c.certifier_id: c for c in EntryCredit.objects.filter(entry=entry)}
    wanted = {c.certifier_id: c for c in claims}
    for certifier_id, row in posted.items():
        if certifier_id not in wanted:
            history_note(row, by=by, why="No longer counts toward this certifier.")
            row.delete()
    for certifier_id, claim in wanted.items():
        row = posted.get(certifier_id) or EntryCredit(entry=entry, certifier_id=certifier_id)
        if row.pk and (row.category, row.credit) == (claim.category, claim.credit):
            continue
        row.category, row.credit = claim.category, claim.credit
        history_note(row, by=by, why="Posted by the rules.")
        row.save()


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


def _token(value) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
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
    contact_hours: Decimal | None = None,
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
    by_label: str = "",
    certifier: Certifier | None = None,
    today: datetime.date | None = None,
) -> CreditEntry:
    """Add one line to a professional's ledger and record who added it (`actor`, and
    `by_label` when it came from outside: the provider and its staff member or API token).

    Idempotent: a second call with the same `submission_token` (a double submit) or for the
    same `petition` returns the entry the first call made. The credit comes from the rules
    where they fix it (course value, sum of sessions, CPR/AED card length, college hours,
    fixed values); otherwise `credit` is used, in tenths and above zero.
    """
    submission_token = _token(submission_token)
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
        contact_hours=contact_hours,
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
    claims = fields.pop("_claims")
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
    # Credit sent by a provider's API token has no person behind it: the label names it.
    by = actor if actor is not None or by_label else user
    history_note(entry, by=by, why=_added_why(source, petition), label=by_label)
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
    _write_claims(entry, claims, by=actor or user)
    return entry


def _added_why(source: str, petition) -> str:
    if petition is not None:
        return f"Awarded on petition #{petition.pk}."
    if source == CreditEntry.Source.STAFF:
        return "Entered by staff from the certificate the professional sent in."
    return ""


def _refuse_if_locked(entry: CreditEntry, *, new_date: datetime.date | None = None):
    if entry.source in CreditEntry.OWNER_READ_ONLY:
        raise ValidationError(CreditEntry.OWNER_READ_ONLY[entry.source])
    if entry.is_provider_reported:
        raise ValidationError(selectors.PROVIDER_WORD)
    certs = [selectors.certification_data(c) for c in selectors.certifications_of(entry.user)]
    data = selectors.entry_data(entry)
    cycle = rules.locking_cycle(data, certs)
    if cycle is not None:
        raise ValidationError(
            f"This credit belongs to a cycle renewed on {_us(cycle.renewed_on)}; "
            "it is read-only now."
        )
    if new_date is not None and new_date != entry.completion_date:
        moved = rules.renewed_cycle_holding(data, certs, new_date)
        if moved is not None:
            raise ValidationError(
                {
                    "completion_date": "That date falls in a cycle renewed on "
                    f"{_us(moved.renewed_on)}, which can no longer change."
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
    reason: str = "",
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
        contact_hours=entry.contact_hours,
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
    claims = fields.pop("_claims")
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
    # The history row is written once the sessions and posted credit are in place, and only
    # when something is different.
    entry.skip_history_when_saving = True
    entry.save()
    del entry.skip_history_when_saving
    if entry.kind == Kind.CONFERENCE:
        entry.sessions.set(session_list)
    _write_claims(entry, claims, by=actor)
    if old_file and old_file != (entry.certificate.name if entry.certificate else ""):
        storage = entry.certificate.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    if snapshot_of(entry) != before:
        history_note(entry, by=actor, why=reason)
        entry.save(update_fields=["updated_at"])
    return entry


@transaction.atomic
def credit_delete(*, entry: CreditEntry, actor) -> None:
    """Remove one's own entry. Refused in a renewed cycle; its history keeps what it said
    (the owner and the reviewers still see it)."""
    entry = CreditEntry.objects.select_for_update().get(pk=entry.pk)
    _refuse_if_locked(entry)
    _write_claims(entry, [], by=actor)
    history_note(entry, by=actor, why="Deleted from the ledger.")
    file_name = entry.certificate.name if entry.certificate else ""
    storage = entry.certificate.storage
    entry.delete()
    if file_name:
        transaction.on_commit(lambda: storage.delete(file_name))


@transaction.atomic
def staff_credit_add(
    *,
    user,
    actor,
    kind: str,
    course: Course,
    completion_date: datetime.date,
    certificate,
    note: str,
    sessions=(),
    certifier: Certifier | None = None,
    submission_token=None,
    today: datetime.date | None = None,
) -> CreditEntry:
    """A reviewer enters an approved course on a professional's behalf, from the certificate
    they sent in. The same rules as the professional's own entry; the entry is marked as
    entered by staff (read-only to its owner), the reviewer is its history's actor, and the
    professional is told by email."""
    if not certificate:
        raise ValidationError({"certificate": "Attach the certificate the professional sent."})
    if actor is None or actor.pk == user.pk:
        raise ValidationError("Staff entry is made by a reviewer for someone else.")
    token = _token(submission_token)
    existing = _existing_for(submission_token=token, petition=None, user=user)
    if existing is not None:
        return existing  # a double submit: entered, and emailed, once
    entry = credit_add(
        user=user,
        kind=kind,
        course=course,
        sessions=sessions,
        completion_date=completion_date,
        certificate=certificate,
        note=note,
        source=CreditEntry.Source.STAFF,
        certifier=certifier,
        submission_token=token,
        actor=actor,
        today=today,
    )
    email_later(
        kind="credit_entered_by_staff",
        to=[user.email],
        context={
            "name": user.get_short_name() or user.email,
            "entry": entry,
            "course": course,
            "adds": selectors.adds_line(entry),
            "link": absolute(reverse("tracker:entry-edit", args=[entry.pk])),
        },
        about=f"entry:{entry.pk}",
    )
    return entry


# --- Provider-reported credit: hidden from totals, or withdrawn after a dispute -------------

HIDE_REASON_MAX = 500


@transaction.atomic
def credit_hide(*, entry: CreditEntry, actor, reason: str) -> CreditEntry:
    """The owner takes a provider-reported entry out of their totals, saying why. The line
    stays on their ledger (marked hidden); the rules no longer count it."""
    entry = CreditEntry.objects.select_for_update().get(pk=entry.pk)
    reason = " ".join((reason or "").split())
    if not entry.is_provider_reported:
        raise ValidationError("Only provider-reported credit is hidden; change or delete this one.")
    if not reason:
        raise ValidationError({"reason": "Say why you hide this credit from your totals."})
    if len(reason) > HIDE_REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {HIDE_REASON_MAX} characters."})
    if entry.hidden_at is not None:
        return entry
    entry.hidden_at = timezone.now()
    entry.hidden_reason = reason
    history_note(entry, by=actor, why=reason)
    entry.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    return entry


def _refuse_repeat_of_hidden(entry: CreditEntry) -> None:
    """While it was hidden, the same course may have been logged again in the same cycle:
    counting it again would count the course twice there (the same no-repeat check as when
    an entry is added)."""
    certifications = [
        selectors.certification_data(c) for c in selectors.certifications_of(entry.user_id)
    ]
    held = {c.certifier_id for c in certifications}  # what it counts toward, as when added
    claims = [c for c in selectors.entry_data(entry).claims if c.certifier_id in held]
    try:
        _refuse_repeat(user=entry.user_id, kind=entry.kind, course=entry.course,
                       cpr_card=entry.cpr_card, program=entry.program, petition=entry.petition,
                       completion_date=entry.completion_date, claims=claims,
                       certifications=certifications, entry=entry)  # fmt: skip
    except ValidationError as error:
        raise ValidationError(
            [f"{m} Delete that entry first to count this one." for m in error.messages]
        ) from None


@transaction.atomic
def credit_unhide(*, entry: CreditEntry, actor) -> CreditEntry:
    """Count a hidden entry again."""
    entry = CreditEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.hidden_at is None:
        return entry
    _refuse_repeat_of_hidden(entry)
    entry.hidden_at = None
    entry.hidden_reason = ""
    history_note(entry, by=actor, why="Counted again")
    entry.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    return entry


@transaction.atomic
def credit_withdraw(*, entry: CreditEntry, actor, reason: str) -> None:
    """A reviewer removes a provider-reported entry (a dispute upheld against it). The audit
    keeps what it said, who removed it and why."""
    entry = CreditEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.is_provider_reported:
        raise ValidationError("Only provider-reported credit is withdrawn this way.")
    certs = [selectors.certification_data(c) for c in selectors.certifications_of(entry.user)]
    cycle = rules.locking_cycle(selectors.entry_data(entry), certs)
    if cycle is not None:
        raise ValidationError(
            f"This credit belongs to a cycle renewed on {_us(cycle.renewed_on)}; "
            "it is read-only now."
        )
    _write_claims(entry, [], by=actor)
    history_note(entry, by=actor, why=reason)
    file_name = entry.certificate.name if entry.certificate else ""
    storage = entry.certificate.storage
    entry.delete()
    if file_name:
        transaction.on_commit(lambda: storage.delete(file_name))
