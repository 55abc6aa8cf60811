"""Every change of a petition: filing, review, the decision, and the ledger entry it makes.

Each function locks the petition row, checks the state it is in, records a PetitionEvent,
and stores its email, which the worker sends after commit (`notices.services.email_later`).
An approval and its ledger entry are one transaction; the ledger's one-to-one link to the
petition is the database's guarantee that an approval can credit the professional only once.
"""

import datetime
import logging
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import REVIEW_PETITIONS, holders_of
from notices.services import absolute, email_later
from tracker import rulebook, rules
from tracker.models import CreditEntry, Kind
from tracker.services import credit_add

from .assessment import assess_request, kind_for
from .models import Petition, PetitionEvent
from .uploads import MAX_FILES, CheckedFile, discard_on_failure, documents_save

logger = logging.getLogger(__name__)
Status = Petition.Status


class PetitionStateError(ValidationError):
    """The petition is not in a state that allows this change."""


class AlreadyDecided(PetitionStateError):
    """Someone decided the petition first (another reviewer, or the same one clicking twice)."""


# --- Helpers ----------------------------------------------------------------------------------


def _locked(petition: Petition) -> Petition:
    # of=("self",) keeps PostgreSQL from locking the joined user row too.
    return (
        Petition.objects.select_for_update(of=("self",))
        .select_related("user", "decided_by")
        .get(pk=petition.pk)
    )


def _record(petition: Petition, *, actor, from_status: str, note: str = "") -> PetitionEvent:
    return PetitionEvent.objects.create(
        petition=petition,
        actor=actor,
        from_status=from_status,
        to_status=petition.status,
        note=note,
    )


def _require_status(petition: Petition, allowed: Sequence[str], action: str):
    if petition.status in Petition.DECIDED_STATUSES:
        who = (
            f" by {petition.decided_by.get_full_name() or 'a reviewer'}"
            if petition.decided_by
            else ""
        )
        when = (
            f" on {timezone.localtime(petition.decided_at):%m/%d/%Y}" if petition.decided_at else ""
        )
        raise AlreadyDecided(
            f"This petition was already decided ({petition.get_status_display().lower()}"
            f"{who}{when}); nothing was changed.",
            code="already_decided",
        )
    if petition.status not in allowed:
        raise PetitionStateError(
            f"A petition that is {petition.get_status_display().lower()} cannot be {action}.",
            code="bad_state",
        )


def _require_reviewer(reviewer, petition: Petition):
    if not reviewer.has_perm(REVIEW_PETITIONS):
        raise PermissionDenied
    if reviewer.pk == petition.user_id:
        raise PetitionStateError("You cannot review your own petition.", code="own_petition")


def _require_owner(user, petition: Petition):
    if user.pk != petition.user_id:
        raise PermissionDenied


def _tell_owner(petition: Petition, kind: str, **facts) -> None:
    """Email the professional what happened to their petition (sent by the worker after
    commit; `notices.services.delivery_word` says whether it went out)."""
    email_later(
        kind=kind,
        to=[petition.user.email],
        context={
            "petition": petition,
            "name": petition.user.get_short_name() or petition.user.email,
            "link": absolute(petition.get_absolute_url()),
            **facts,
        },
        about=f"petition:{petition.pk}",
    )


def _tell_reviewers(petition: Petition, kind: str, **facts) -> None:
    """One email to everyone who may review petitions (never to the petition's own author)."""
    addresses = (
        holders_of(REVIEW_PETITIONS).exclude(pk=petition.user_id).values_list("email", flat=True)
    )
    email_later(
        kind=kind,
        to=addresses,
        context={
            "petition": petition,
            "link": absolute(reverse("petitions:review", args=[petition.pk])),
            **facts,
        },
        about=f"petition:{petition.pk}",
    )


def _certifier_of(petition: Petition, known=None) -> rules.Certifier | None:
    """The rules of the petition's certifier: from `known` ({id: rules.Certifier}, e.g. the
    petitioner's cached evaluation) when it has them, else read (5 queries)."""
    if petition.certification_id is None:
        return None
    certifier_id = petition.certification.program.certifier_id
    if known and certifier_id in known:
        return known[certifier_id]
    return rulebook.certifiers_data({certifier_id})[certifier_id]


def petition_unit(petition: Petition) -> str:
    certifier = _certifier_of(petition)
    return certifier.unit.plural if certifier else "CECs"


def petition_amount(petition: Petition, value: Decimal) -> str:
    """A credit in the petition's certifier's unit: "0.5 CEC", "2.0 CEUs"."""
    certifier = _certifier_of(petition)
    return rules.amount(value, certifier.unit) if certifier else f"{value} CECs"


def petition_cap(petition: Petition, known=None) -> Decimal | None:
    """The most this petition may be awarded under its certifier's rule (None: no limit)."""
    certifier = _certifier_of(petition, known)
    if certifier is None:
        return None
    return rules.petition_limit(
        certifier,
        kind_for(petition.type),
        petition.completion_date,
        is_prep_course=petition.type == Petition.Type.COLLEGE and petition.is_prep_course,
    )


# --- Filing -----------------------------------------------------------------------------------


def petition_submit(
    *,
    user,
    type: str,  # noqa: A002 - the field's name
    course_title: str,
    provider_name: str,
    completion_date: datetime.date,
    description: str,
    documents: Sequence[CheckedFile],
    credit_requested: Decimal | None = None,
    contact_hours: Decimal | None = None,
    credit_hours: Decimal | None = None,
    grade: str = "",
    is_prep_course: bool = False,
    certifier_id: int | None = None,
) -> Petition:
    """File a petition with its documents, for the certifier chosen (`certifier_id`; without
    it, the first of the person's that takes the kind: `assess_request`). Nothing is stored
    unless everything is."""
    if type not in Petition.Type.values:
        raise ValidationError({"type": "Choose the type of activity."})
    if not 1 <= len(documents) <= MAX_FILES:
        raise ValidationError(
            {"documents": f"Attach between 1 and {MAX_FILES} supporting documents."}
        )
    is_college = type == Petition.Type.COLLEGE
    assessment = assess_request(
        user=user,
        petition_type=type,
        completion_date=completion_date,
        contact_hours=contact_hours,
        credit_hours=credit_hours,
        grade=grade,
        is_prep_course=is_prep_course,
        credit_requested=credit_requested,
        certifier_id=certifier_id,
    )
    if assessment.errors:
        raise ValidationError(assessment.errors)
    with discard_on_failure() as stored, transaction.atomic():
        petition = Petition.objects.create(
            user=user,
            type=type,
            course_title=course_title,
            provider_name=provider_name,
            completion_date=completion_date,
            contact_hours=None if is_college else contact_hours,
            credit_hours=credit_hours if is_college else None,
            grade=grade if is_college else "",
            is_prep_course=is_college and is_prep_course,
            credit_requested=assessment.credit,
            description=description,
            certification=assessment.certification,
        )
        documents_save(petition=petition, files=documents, uploaded_by=user, stored=stored)
        _record(petition, actor=user, from_status="", note="Filed.")
        _tell_owner(
            petition,
            "petition_filed",
            credit=petition_amount(petition, petition.credit_requested),
            documents=len(documents),
            target_days=settings.PETITION_TARGET_DAYS,
        )
    return petition


def petition_resubmit(
    *, petition: Petition, user, note: str = "", documents: Sequence[CheckedFile] = ()
) -> Petition:
    """The professional answers a request for information and sends the petition back."""
    note = note.strip()
    if not note and not documents:
        raise ValidationError("Add a note or at least one document to answer the reviewer.")
    with discard_on_failure() as stored, transaction.atomic():
        locked = _locked(petition)
        _require_owner(user, locked)
        _require_status(locked, [Status.INFO_REQUESTED], "resubmitted")
        if locked.documents.count() + len(documents) > MAX_FILES * 2:
            raise ValidationError(f"A petition may carry at most {MAX_FILES * 2} documents.")
        documents_save(petition=locked, files=documents, uploaded_by=user, stored=stored)
        from_status, locked.status = locked.status, Status.SUBMITTED
        locked.save(update_fields=["status", "updated_at"])
        names = ", ".join(d.label for d in documents)
        _record(
            locked,
            actor=user,
            from_status=from_status,
            note="\n".join(filter(None, [note, f"Added: {names}" if names else ""])),
        )
        _tell_reviewers(
            locked,
            "petition_resubmitted",
            professional=locked.user.get_full_name() or locked.user.email,
            note=note,
            added=names,
        )
    return locked


def petition_withdraw(*, petition: Petition, user, note: str = "") -> Petition:
    """The professional takes the petition back before a decision."""
    with transaction.atomic():
        locked = _locked(petition)
        _require_owner(user, locked)
        _require_status(locked, Petition.OPEN_STATUSES, "withdrawn")
        from_status, locked.status = locked.status, Status.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        _record(locked, actor=user, from_status=from_status, note=note.strip())
    return locked


# --- Review -----------------------------------------------------------------------------------


def petition_start_review(*, petition: Petition, reviewer) -> Petition:
    with transaction.atomic():
        locked = _locked(petition)
        _require_reviewer(reviewer, locked)
        _require_status(locked, [Status.SUBMITTED], "taken into review")
        from_status, locked.status = locked.status, Status.UNDER_REVIEW
        locked.save(update_fields=["status", "updated_at"])
        _record(locked, actor=reviewer, from_status=from_status)
    return locked


def petition_request_info(*, petition: Petition, reviewer, note: str) -> Petition:
    """Ask the professional for more documents or details; they answer with a resubmission."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what information is needed."})
    with transaction.atomic():
        locked = _locked(petition)
        _require_reviewer(reviewer, locked)
        _require_status(
            locked, [Status.SUBMITTED, Status.UNDER_REVIEW], "sent back for information"
        )
        from_status, locked.status = locked.status, Status.INFO_REQUESTED
        locked.save(update_fields=["status", "updated_at"])
        _record(locked, actor=reviewer, from_status=from_status, note=note)
        _tell_owner(locked, "petition_info_requested", note=note)
    return locked


def petition_approve(
    *, petition: Petition, reviewer, credit: Decimal | None = None, note: str = ""
) -> Petition:
    """Approve and credit the ledger once, in one transaction. A second approval fails."""
    try:
        with transaction.atomic():
            locked = _locked(petition)
            _require_reviewer(reviewer, locked)
            _require_status(locked, Petition.OPEN_STATUSES, "approved")
            award = locked.credit_requested if credit is None else credit
            if award <= 0:
                raise ValidationError({"credit": "The awarded credit must be more than zero."})
            cap = petition_cap(locked)
            if cap is not None and award > cap:
                message = rules.petition_cap_message(
                    _certifier_of(locked), cap, locked.type, locked.is_prep_course
                )
                raise ValidationError({"credit": message})
            from_status = locked.status
            locked.status = Status.APPROVED
            locked.credit_awarded = award
            locked.decision_reason = note.strip()
            locked.decided_by = reviewer
            locked.decided_at = timezone.now()
            locked.save()
            if CreditEntry.objects.filter(petition_id=locked.pk).exists():
                raise AlreadyDecided(
                    "This petition was already decided: it has its ledger entry; nothing changed.",
                    code="already_decided",
                )
            credit_add(
                user=locked.user,
                kind=Kind.PETITION,
                completion_date=locked.completion_date,
                credit=award,
                title=locked.course_title,
                source=CreditEntry.Source.PETITION,
                petition=locked,
                actor=reviewer,
            )
            _record(
                locked,
                actor=reviewer,
                from_status=from_status,
                note="\n".join(filter(None, [f"Awarded {award}.", note.strip()])),
            )
            _tell_owner(
                locked,
                "petition_approved",
                credit=petition_amount(locked, award),
                note=locked.decision_reason,
            )
    except IntegrityError:
        # The row lock makes this unreachable in practice; the one-to-one link still refuses
        # a second ledger entry if anything ever got past it.
        if CreditEntry.objects.filter(petition_id=petition.pk).exists():
            raise AlreadyDecided(
                "This petition was already decided (approved); nothing was changed.",
                code="already_decided",
            ) from None
        raise
    return locked


def petition_deny(*, petition: Petition, reviewer, reason: str) -> Petition:
    """Deny with a reason the professional will read. Nothing enters the ledger."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the denial."})
    with transaction.atomic():
        locked = _locked(petition)
        _require_reviewer(reviewer, locked)
        _require_status(locked, Petition.OPEN_STATUSES, "denied")
        from_status = locked.status
        locked.status = Status.DENIED
        locked.decision_reason = reason
        locked.decided_by = reviewer
        locked.decided_at = timezone.now()
        locked.save()
        _record(locked, actor=reviewer, from_status=from_status, note=reason)
        _tell_owner(locked, "petition_denied", reason=reason)
    return locked
