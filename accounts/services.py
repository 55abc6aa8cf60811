"""Closing an account: what is erased, what a certifier's record keeps (anonymised), and the
one service that does it."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.exceptions import ValidationError
from django.db import transaction

from notices.models import Preferences, Reminder
from petitions.models import Document, Petition
from reporting.models import Dispute
from tracker.models import (
    Audit,
    AuditItem,
    CertificateReading,
    Certification,
    CprCard,
    CreditEntry,
)

from . import mydata
from .roles import is_provider_staff, is_reviewer


@dataclass
class DeletionPlan:
    """What closing this account does, in words the page can show."""

    kept_petitions: list[Petition]  # approved: the certifier's record, kept anonymised
    open_petitions: list[Petition]  # still being decided: withdrawn and erased
    counts: dict[str, int] = field(default_factory=dict)  # what is erased, by kind

    @property
    def keeps_anything(self) -> bool:
        return bool(self.kept_petitions)


def can_close(user) -> str | None:
    """Why this account cannot be closed here, or None."""
    if user.is_staff or user.is_superuser or is_reviewer(user) or is_provider_staff(user):
        return "Staff accounts are closed by an administrator."
    return None


def deletion_plan(user) -> DeletionPlan:
    petitions = list(Petition.objects.filter(user=user).order_by("submitted_at"))
    kept = [p for p in petitions if p.status == Petition.Status.APPROVED]
    kept_ids = {p.pk for p in kept}
    entries = CreditEntry.objects.filter(user=user).exclude(petition_id__in=kept_ids)
    return DeletionPlan(
        kept_petitions=kept,
        open_petitions=[p for p in petitions if p.status in Petition.OPEN_STATUSES],
        counts={
            "certifications": Certification.objects.filter(user=user).count(),
            "ledger entries": entries.count(),
            "CPR/AED cards": CprCard.objects.filter(user=user).count(),
            "petitions": len(petitions) - len(kept),
        },
    )


def _erase_history(user, kept_entry_ids) -> None:
    """The history of what was erased goes too (it names the person and their records); the
    kept credit keeps its history; the account's own history (emails, names) goes whole."""
    for name, rows in mydata.histories_of.items():
        history = rows(user)
        if name == "ledger_history":
            history = history.exclude(id__in=kept_entry_ids)
        elif name == "ledger_credit_history":
            history = history.exclude(entry_id__in=kept_entry_ids)
        history.delete()


@transaction.atomic
def delete_account(user, *, withdraw_open: bool = False) -> DeletionPlan:
    """Erase the person's records and files; keep approved petitions (and the credit they
    posted, with its history) under an anonymised account that can no longer sign in.
    Open petitions are withdrawn and erased only when `withdraw_open` says the person agreed."""
    reason = can_close(user)
    if reason:
        raise ValidationError(reason)
    plan = deletion_plan(user)
    if plan.open_petitions and not withdraw_open:
        raise ValidationError(
            "You have a petition still being decided. Confirm that it is to be withdrawn "
            "and erased with your account."
        )
    kept_ids = [p.pk for p in plan.kept_petitions]
    kept_entries = CreditEntry.objects.filter(user=user, petition_id__in=kept_ids)
    kept_entry_ids = list(kept_entries.values_list("pk", flat=True))
    files = [
        stored
        for _path, record, stored in mydata._files(user)
        if not (isinstance(record, CreditEntry) and record.pk in kept_entry_ids)
        and not (isinstance(record, Document) and record.petition_id in kept_ids)
    ]
    AuditItem.objects.filter(audit__cycle__certification__user=user).delete()
    Audit.objects.owned_by(user).delete()
    CreditEntry.objects.filter(user=user).exclude(pk__in=kept_entry_ids).delete()
    Petition.objects.filter(user=user).exclude(pk__in=kept_ids).delete()
    Certification.objects.filter(user=user).delete()
    CprCard.objects.filter(user=user).delete()
    CertificateReading.objects.filter(user=user).delete()
    Preferences.objects.filter(user=user).delete()
    Reminder.objects.filter(user=user).delete()
    Dispute.objects.filter(opened_by=user).delete()
    mydata._emails_to(user).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=user.email).delete()
    if plan.keeps_anything:
        user.email = f"deleted-{user.pk}@deleted.invalid"
        user.first_name = user.last_name = ""
        user.set_unusable_password()
        user.is_active = False
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    else:
        owner = SimpleNamespace(pk=user.pk)
        user.delete()
        user = owner
    # Last: deleting and anonymising write history rows too.
    _erase_history(user, kept_entry_ids)

    def remove_files():
        for stored in files:
            stored.storage.delete(stored.name)

    transaction.on_commit(remove_files)
    return plan
