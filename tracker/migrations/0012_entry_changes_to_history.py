"""The ledger's change log (EntryChange) becomes the ledger's simple-history rows.

Each old change is copied as one historical row of its entry: what the entry said after the
change (before it, for a deletion), who made it and when. The old rows stay readable in the
ledger's history, on the owner's and the reviewers' history pages, before the table goes.
Who sent a provider's credit (`by_label`: "Acme Fitness (API token lms-sync)") becomes the
row's `history_by_label`, and why (`reason`: hidden from totals, withdrawn after a dispute)
its change reason.
"""

import datetime
from decimal import Decimal

from django.db import migrations

TYPES = {"created": "+", "updated": "~", "deleted": "-"}
REASON = "Carried over from the earlier change log."


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _decimal(value):
    try:
        return None if value in (None, "") else Decimal(str(value))
    except ArithmeticError:
        return None


def _row(change, said, lookups):
    courses, certifiers = lookups
    return {
        "id": change.entry_pk,
        "user_id": change.owner_id,
        "kind": said.get("kind") or "petition",
        "course_id": courses.get(said.get("course") or ""),
        "certifier_id": certifiers.get((said.get("certifier") or "").lower()),
        "title": (said.get("title") or "")[:300],
        "completion_date": _day(said.get("completion_date")) or change.at.date(),
        "credit": _decimal(said.get("credit")) or Decimal("0"),
        "credit_hours": _decimal(said.get("credit_hours")),
        "grade": (said.get("grade") or "")[:2],
        "is_prep_course": bool(said.get("is_prep_course")),
        "cpr_card_id": said.get("cpr_card"),
        "certificate_name": (said.get("certificate") or "")[:120],
        "note": said.get("note") or "",
        "source": said.get("source") or "self",
        "petition_id": said.get("petition"),
        "created_at": change.at,
        "updated_at": change.at,
        "history_date": change.at,
        "history_type": TYPES.get(change.action, "~"),
        "history_user_id": change.actor_id,
        "history_change_reason": change.reason or REASON,
        "history_by_label": change.by_label or "",
        "hidden_at": change.at if said.get("hidden") else None,
        "hidden_reason": (said.get("hidden") or "")[:500],
    }


def forward(apps, schema_editor):
    EntryChange = apps.get_model("tracker", "EntryChange")
    Historical = apps.get_model("tracker", "HistoricalCreditEntry")
    Course = apps.get_model("catalog", "Course")
    Certifier = apps.get_model("tracker", "Certifier")
    lookups = (
        {c.number: c.pk for c in Course.objects.exclude(number="").only("number")},
        {c.code.lower(): c.pk for c in Certifier.objects.only("code")},
    )
    batch = []
    for change in EntryChange.objects.order_by("at", "pk").iterator(chunk_size=2000):
        said = (change.before if change.action == "deleted" else change.after) or {}
        batch.append(Historical(**_row(change, said, lookups)))
        if len(batch) >= 2000:
            Historical.objects.bulk_create(batch)
            batch = []
    Historical.objects.bulk_create(batch)


def backward(apps, schema_editor):
    # Rows carried with a reason of their own stay: they cannot be told from new ones.
    apps.get_model("tracker", "HistoricalCreditEntry").objects.filter(
        history_change_reason=REASON
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0011_history")]

    operations = [migrations.RunPython(forward, backward)]
