"""Everything the portal holds about one person, for "My data": each section is a query of
their records (serialised with all their fields) and the uploaded files those records hold.

A model that holds a person's data joins `SECTIONS` with one line; `tests/accounts/
test_my_data.py` walks every model that points at a user and fails on one that is neither
exported here nor named in `NOT_EXPORTED` with the reason.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import FileField, Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from notices.models import Email, Preferences, Reminder
from petitions.models import Document, Petition, PetitionEvent
from reporting.models import Dispute, ReportedCompletion
from tracker.models import (
    Audit,
    AuditItem,
    CertificateReading,
    Certification,
    CprCard,
    CreditEntry,
    Cycle,
    EntryCredit,
)

from .models import User


@dataclass(frozen=True)
class Section:
    name: str
    records: Callable[[User], QuerySet]
    # Fields left out of the file: secrets the person never typed and cannot use elsewhere.
    leave_out: tuple[str, ...] = ()
    # History rows name files their records held then; the files come with the records.
    with_files: bool = True


def _emails_to(user: User) -> QuerySet:
    # Transactional email names no user; the address in `to` does.
    ids = [
        pk
        for pk, to in Email.objects.filter(to__icontains=f'"{user.email}"').values_list("pk", "to")
        if user.email in to
    ]
    return Email.objects.filter(pk__in=ids) | Email.objects.filter(user=user)


def _certifications_ever(user: User) -> QuerySet:
    return Certification.history.filter(user_id=user.pk).values("id")


def _cycles_ever(user: User) -> QuerySet:
    return Cycle.history.filter(certification_id__in=_certifications_ever(user)).values("id")


def _entries_ever(user: User) -> QuerySet:
    return CreditEntry.history.filter(user_id=user.pk).values("id")


# The historical rows of everything a person owns: what `histories_of` exports and closing an
# account erases. Each is the history of one tracked model, filtered to the person's records.
histories_of: dict[str, Callable[[User], QuerySet]] = {
    "account_history": lambda u: User.history.filter(id=u.pk),
    "certification_history": lambda u: Certification.history.filter(user_id=u.pk),
    "cycle_history": lambda u: Cycle.history.filter(certification_id__in=_certifications_ever(u)),
    "cpr_card_history": lambda u: CprCard.history.filter(user_id=u.pk),
    "ledger_history": lambda u: CreditEntry.history.filter(user_id=u.pk),
    "ledger_credit_history": lambda u: EntryCredit.history.filter(entry_id__in=_entries_ever(u)),
    "audit_history": lambda u: Audit.history.filter(cycle_id__in=_cycles_ever(u)),
    "audit_item_history": lambda u: AuditItem.history.filter(
        audit_id__in=Audit.history.filter(cycle_id__in=_cycles_ever(u)).values("id")
    ),
}


def _reports_about(user: User) -> QuerySet:
    """Completions providers reported for this person: posted to them, or waiting for them
    to claim under their email."""
    return ReportedCompletion.objects.filter(user=user) | ReportedCompletion.objects.filter(
        user__isnull=True, email__iexact=user.email
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        "account",
        lambda u: User.objects.filter(pk=u.pk),
        leave_out=("password", "groups", "user_permissions"),
    ),
    Section("certifications", lambda u: Certification.objects.filter(user=u)),
    Section("cycles", lambda u: Cycle.objects.filter(certification__user=u)),
    Section("cpr_cards", lambda u: CprCard.objects.filter(user=u)),
    Section("ledger", lambda u: CreditEntry.objects.filter(user=u)),
    Section("ledger_credit", lambda u: EntryCredit.objects.filter(entry__user=u)),
    Section("certificate_readings", lambda u: CertificateReading.objects.filter(user=u)),
    Section("audits", lambda u: Audit.objects.owned_by(u)),
    Section("audit_items", lambda u: AuditItem.objects.filter(audit__cycle__certification__user=u)),
    # The history of their records (cecportal.history), deleted ones included.
    *(Section(name, rows, with_files=False) for name, rows in histories_of.items()),
    Section("petitions", lambda u: Petition.objects.filter(user=u)),
    Section("petition_documents", lambda u: Document.objects.filter(petition__user=u)),
    Section("petition_history", lambda u: PetitionEvent.objects.filter(petition__user=u)),
    Section("preferences", lambda u: Preferences.objects.filter(user=u), ("calendar_token",)),
    Section("reminders", lambda u: Reminder.objects.filter(user=u)),
    Section("emails", _emails_to),
    Section("provider_reports", lambda u: _reports_about(u)),
    Section("disputes", lambda u: Dispute.objects.filter(opened_by=u)),
)

# Models that point at a user but hold nothing about them as a professional, and why.
NOT_EXPORTED = {
    "catalog.Course": "submitted_by/decided_by: provider staff's and reviewers' work",
    "catalog.CourseApproval": "added_by: reviewers' work",
    "catalog.HistoricalCourseApproval": "added_by: reviewers' work",
    "catalog.ImportBatch": "created_by: reviewers' work",
    "petitions.Petition.decided_by": "the reviewer who decided",
    "reporting.RosterBatch": "created_by/confirmed_by: provider staff's work",
    "api.ApiToken": "created_by/revoked_by: provider staff's work",
    "tracker.AuditSample": "started_by: reviewers' work",
}

# Fields of any model that point at a person without being about them.
NOT_EXPORTED_FIELDS = {
    "history_user": "who made a change; the history belongs to the changed record's owner",
    "started_by": "the reviewer who started an audit",
    "decided_by": "the reviewer who decided",
}


def _rows(section: Section, user: User) -> list[dict]:
    queryset = section.records(user).order_by("pk")
    rows = serializers.serialize("python", queryset)
    for row in rows:
        for name in section.leave_out:
            row["fields"].pop(name, None)
    return rows


def _files(user: User) -> Iterator[tuple[str, Model, FieldFile]]:
    """(path in the ZIP, record, file) of every uploaded file the person's records hold: every
    file field of every exported record, so a new model's files come with its section."""
    for section in SECTIONS:
        if not section.with_files:
            continue
        queryset = section.records(user)
        fields = [f for f in queryset.model._meta.concrete_fields if isinstance(f, FileField)]
        if not fields:
            continue
        for record in queryset.order_by("pk"):
            for field in fields:
                stored = getattr(record, field.attname)
                if stored:
                    name = PurePosixPath(stored.name).name
                    yield f"files/{section.name}/{record.pk}-{field.name}-{name}", record, stored


def records(user: User) -> dict:
    return {
        "exported_at": timezone.now(),
        "about": "Everything CEC Portal holds about you; files are in the files/ folder.",
        **{section.name: _rows(section, user) for section in SECTIONS},
    }


def export_zip(user: User) -> bytes:
    """A ZIP of `records.json` and the person's uploaded files (a missing file is listed)."""
    buffer = io.BytesIO()
    missing = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, _record, stored in _files(user):
            try:
                with stored.storage.open(stored.name, "rb") as handle:
                    archive.writestr(path, handle.read())
            except OSError:
                missing.append(path)
        data = records(user) | {"files_missing": missing}
        archive.writestr("records.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2))
    return buffer.getvalue()
