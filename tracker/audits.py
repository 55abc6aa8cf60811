"""Audits of renewals: a reviewer samples renewals (or picks one), the professional sends
proof of each credit that counted, the reviewer accepts or rejects each with a reason, and the
outcome is kept with the renewal. A failed audit takes the rejected credit out of the
renewal's kept result (`rules.after_audit`) and shows the shortfall on the transcript.

Each function is keyword-only and atomic, checks who may do it and in which state, and writes
history (the Audit and AuditItem rows keep theirs) and email after commit.
"""

from __future__ import annotations

import datetime
import math
import random
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import AUDIT_RENEWALS
from cecportal.history import note as history_note
from notices.services import absolute, email_later

from . import rules, selectors, uploads
from .models import Audit, AuditItem, AuditSample, Cycle, EntryCredit

Outcome = Audit.Outcome
Decision = AuditItem.Decision


def _require_auditor(user):
    if not user.has_perm(AUDIT_RENEWALS):
        raise PermissionDenied


def auditable(renewed_from: datetime.date, renewed_to: datetime.date):
    """Renewals recorded in the range, with a kept result, not audited yet."""
    return (
        Cycle.objects.filter(
            renewed_on__gte=renewed_from,
            renewed_on__lte=renewed_to,
            frozen_result__isnull=False,
            audit__isnull=True,
        )
        .exclude(certification__user__is_active=False)
        .order_by("pk")
    )


def pick(population: list[int], *, seed: int, percent=None, size=None) -> list[int]:
    """The sample: the same population, seed and size always give the same renewals."""
    if size is None:
        size = math.ceil(len(population) * Decimal(percent) / 100)
    chosen = random.Random(seed).sample(sorted(population), min(size, len(population)))
    return sorted(chosen)


@transaction.atomic
def audit_sample(
    *,
    by,
    renewed_from: datetime.date,
    renewed_to: datetime.date,
    percent: Decimal | None = None,
    size: int | None = None,
    seed: int | None = None,
    today: datetime.date | None = None,
) -> AuditSample:
    """Audit a random share (percent) or number (size) of the renewals recorded in a range."""
    _require_auditor(by)
    if renewed_to < renewed_from:
        raise ValidationError({"renewed_to": "The range must end on or after its start."})
    if (percent is None) == (size is None):
        raise ValidationError("Give either a percentage or a number of renewals.")
    population = list(auditable(renewed_from, renewed_to).values_list("pk", flat=True))
    if not population:
        raise ValidationError("No renewal recorded in that range is waiting for an audit.")
    seed = secrets.randbits(48) if seed is None else seed
    sample = AuditSample.objects.create(
        started_by=by,
        renewed_from=renewed_from,
        renewed_to=renewed_to,
        percent=percent,
        size=size,
        seed=seed,
        population=len(population),
    )
    cycles = Cycle.objects.select_related("certification__user", "certification__program")
    for cycle in cycles.filter(pk__in=pick(population, seed=seed, percent=percent, size=size)):
        audit_start(cycle=cycle, by=by, sample=sample, today=today)
    return sample


@transaction.atomic
def audit_start(*, cycle: Cycle, by, sample=None, today: datetime.date | None = None) -> Audit:
    """Ask for proof of every credit that counted in a renewal, due in the certifier's days."""
    _require_auditor(by)
    cycle = (
        Cycle.objects.select_for_update()
        .select_related("certification__user", "certification__program__certifier")
        .get(pk=cycle.pk)
    )
    if cycle.renewed_on is None or not cycle.frozen_result:
        raise ValidationError("Only a renewed cycle can be audited.")
    if Audit.objects.filter(cycle=cycle).exists():
        raise ValidationError("This renewal is already audited.")
    if cycle.certification.user_id == by.pk:
        raise ValidationError("You cannot audit your own renewal.")
    certifier = cycle.certification.program.certifier
    today = today or timezone.localdate()
    audit = Audit(
        cycle=cycle,
        sample=sample,
        started_by=by,
        due_on=today + datetime.timedelta(days=certifier.audit_proof_days),
    )
    history_note(audit, by=by, why="Sampled." if sample else "Picked by a reviewer.")
    audit.save(force_insert=True)
    frozen = selectors.frozen_from_json(cycle.frozen_result)
    categories = dict(
        EntryCredit.objects.filter(
            certifier=certifier, entry_id__in=[pk for pk, _c, _n in frozen.counted]
        ).values_list("entry_id", "category")
    )
    for entry_id, credit, _note in frozen.counted:
        item = AuditItem(
            audit=audit, entry_id=entry_id, credit=credit, category=categories.get(entry_id, "")
        )
        history_note(item, by=by, why="Proof requested.")
        item.save(force_insert=True)
    _tell(audit, "audit_started")
    return audit


def _tell(audit: Audit, kind: str, **facts) -> None:
    user = audit.cycle.certification.user
    email_later(
        kind=kind,
        to=[user.email],
        context={
            "name": user.get_short_name() or user.email,
            "audit": audit,
            "certification": audit.cycle.certification,
            "link": absolute(reverse("tracker:my-audit", args=[audit.pk])),
            **facts,
        },
        about=f"audit:{audit.pk}",
    )


def _open_item(item: AuditItem) -> AuditItem:
    locked = (
        AuditItem.objects.select_for_update()
        .select_related("audit__cycle__certification__user")
        .get(pk=item.pk)
    )
    if not locked.audit.is_open:
        raise ValidationError(
            f"This audit is closed ({locked.audit.get_outcome_display().lower()}); "
            "nothing was changed."
        )
    return locked


@transaction.atomic
def proof_upload(*, item: AuditItem, user, upload) -> AuditItem:
    """The professional sends proof of one credit (PDF, JPEG or PNG, by its content)."""
    locked = _open_item(item)
    if locked.audit.cycle.certification.user_id != user.pk:
        raise PermissionDenied
    if locked.decision == Decision.ACCEPTED:
        raise ValidationError("This credit's proof was already accepted.")
    try:
        content_type, extension = uploads.check_certificate(upload)
    except ValidationError as error:
        raise ValidationError({"proof": error.messages}) from None
    old = locked.proof.name if locked.proof else ""
    content = uploads.stored_file(upload, extension)
    locked.proof.save(content.name, content, save=False)
    locked.proof_name = uploads.safe_label(getattr(upload, "name", ""))
    locked.proof_type = content_type
    locked.proof_at = timezone.now()
    locked.decision = Decision.PENDING
    history_note(locked, by=user, why="Proof sent.")
    locked.save()
    if old:
        storage = locked.proof.storage
        transaction.on_commit(lambda: storage.delete(old))
    return locked


@transaction.atomic
def item_decide(*, item: AuditItem, by, accept: bool, reason: str = "") -> AuditItem:
    """Accept or reject one credit's proof, with a reason for a rejection. The last decision
    concludes the audit."""
    _require_auditor(by)
    locked = _open_item(item)
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError({"reason": "Say why the proof is rejected."})
    if accept and not locked.proof:
        raise ValidationError("There is no proof to accept yet.")
    locked.decision = Decision.ACCEPTED if accept else Decision.REJECTED
    locked.reason = reason
    locked.decided_by = by
    locked.decided_at = timezone.now()
    history_note(locked, by=by, why=reason or "Accepted.")
    locked.save()
    audit = locked.audit
    if not audit.items.filter(decision=Decision.PENDING).exists():
        _conclude(audit, by=by)
    return locked


def _conclude(audit: Audit, *, by) -> None:
    rejected = {
        item.entry_id: (item.category, item.reason)
        for item in audit.items.filter(decision=Decision.REJECTED)
    }
    audit.outcome = Outcome.FAILED if rejected else Outcome.PASSED
    audit.concluded_at = timezone.now()
    history_note(audit, by=by, why=f"{len(rejected)} credit(s) rejected." if rejected else "")
    audit.save(update_fields=["outcome", "concluded_at"])
    if rejected:
        cycle = audit.cycle
        frozen = rules.after_audit(selectors.frozen_from_json(cycle.frozen_result), rejected)
        cycle.frozen_result = selectors.frozen_to_json(frozen)
        history_note(cycle, by=by, why="A failed audit took the rejected credit out.")
        cycle.save(update_fields=["frozen_result"])
    _tell(audit, "audit_concluded", rejected=len(rejected))


def mark_overdue(*, now: datetime.datetime) -> int:
    """Periodic: open audits past their due date with proof still missing become overdue."""
    today = timezone.localdate(now)
    late = Audit.objects.filter(outcome=Outcome.OPEN, due_on__lt=today, items__proof="").distinct()
    count = 0
    for audit in late:
        with transaction.atomic():
            locked = Audit.objects.select_for_update().get(pk=audit.pk)
            if locked.outcome != Outcome.OPEN:
                continue
            locked.outcome = Outcome.OVERDUE
            locked.concluded_at = now
            history_note(locked, why="Proof not sent by the due date.")
            locked.save(update_fields=["outcome", "concluded_at"])
            _tell(locked, "audit_concluded", rejected=0)
            count += 1
    return count
