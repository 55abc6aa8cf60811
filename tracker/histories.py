"""A person's history: every change of their certifications, cycles (renewals included),
CPR/AED cards and ledger entries (deleted ones included), newest first, a page at a time.

All of it comes from the simple-history rows of those models (`cecportal.history`). A page
costs a fixed number of queries whatever the history's length: one count, one page of the
union of the four histories, then one query per kind on the page for its rows and one for the
rows just before them (to say what changed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import CharField, OuterRef, Q, Subquery, Value

from .models import Certification, CprCard, CreditEntry, Cycle

PER_PAGE = 25

# Bookkeeping that says nothing to a person.
HIDDEN = {"updated_at", "created_at", "submission_token", "renewed_at", "frozen_result"}


@dataclass
class Line:
    """One change, as the history page shows it."""

    what: str
    label: str
    record: object
    changes: list[tuple[str, object, object]] = field(default_factory=list)

    @property
    def action(self) -> str:
        return {"+": "Added", "~": "Changed", "-": "Deleted"}[self.record.history_type]


def _entry_label(r) -> str:
    text = r.title or (r.course.number if r.course_id and r.course else "") or r.get_kind_display()
    return f"{text}: {r.credit} on {r.completion_date:%m/%d/%Y}"


def _certification_label(r) -> str:
    return str(r.program) if r.program_id and r.program else "A certification"


def _cycle_label(r) -> str:
    program = (
        r.certification.program if r.certification_id and r.certification else "A certification"
    )
    return f"{program}: {r.starts_on:%m/%d/%Y} – {r.ends_on:%m/%d/%Y}"


def _card_label(r) -> str:
    return f"CPR/AED {r.issued_on:%m/%d/%Y} – {r.expires_on:%m/%d/%Y}"


# kind: (the tracked model, its label, its history rows for one person, the joins a label uses)
def _kinds(owner_id: int) -> dict:
    certifications = Certification.history.filter(user_id=owner_id).values("id")
    return {
        "entry": (
            "Ledger entry",
            CreditEntry.history.filter(user_id=owner_id),
            _entry_label,
            ["history_user", "course"],
        ),
        "certification": (
            "Certification",
            Certification.history.filter(user_id=owner_id),
            _certification_label,
            ["history_user", "program__certifier"],
        ),
        "cycle": (
            "Renewal cycle",
            Cycle.history.filter(certification_id__in=certifications),
            _cycle_label,
            ["history_user", "certification__program__certifier"],
        ),
        "card": (
            "CPR/AED card",
            CprCard.history.filter(user_id=owner_id),
            _card_label,
            ["history_user"],
        ),
    }


def _union(kinds: dict):
    parts = [
        rows.order_by()
        .annotate(tracked=Value(name, output_field=CharField()))
        .values("history_id", "history_date", "tracked")
        for name, (_label, rows, _describe, _joins) in kinds.items()
    ]
    return parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")


def _changes(record, before) -> list[tuple[str, object, object]]:
    if before is None or record.history_type != "~":
        return []
    delta = record.diff_against(before, excluded_fields=HIDDEN)
    names = {f.name: str(f.verbose_name) for f in record.instance_type._meta.fields}
    return [(names.get(c.field, c.field), c.old, c.new) for c in delta.changes]


def _previous(rows, records):
    """The row just before each record, of the same object: one query for the page."""
    model = rows.model
    earlier = (
        model.objects.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    pairs = dict(
        model.objects.filter(history_id__in=[r.history_id for r in records])
        .annotate(before_id=Subquery(earlier))
        .values_list("history_id", "before_id")
    )
    before = model.objects.in_bulk([b for b in pairs.values() if b])
    return {hid: before.get(bid) for hid, bid in pairs.items()}


def page(owner, number) -> tuple[object, list[Line]]:
    """One page of `owner`'s history: (the page, its lines)."""
    kinds = _kinds(owner.pk)
    page_obj = Paginator(_union(kinds), PER_PAGE).get_page(number)
    wanted: dict[str, list[int]] = {}
    for row in page_obj.object_list:
        wanted.setdefault(row["tracked"], []).append(row["history_id"])
    found = {}
    for name, ids in wanted.items():
        label, rows, describe, joins = kinds[name]
        records = list(rows.model.objects.filter(history_id__in=ids).select_related(*joins))
        before = _previous(rows, records)
        for record in records:
            found[(name, record.history_id)] = Line(
                what=label,
                label=describe(record),
                record=record,
                changes=_changes(record, before.get(record.history_id)),
            )
    lines = [found[(row["tracked"], row["history_id"])] for row in page_obj.object_list]
    return page_obj, lines


def entry_lines(entry: CreditEntry, limit: int = 20) -> list[Line]:
    """The newest changes of one entry, for its own page."""
    rows = CreditEntry.history.filter(id=entry.pk)
    records = list(rows.select_related("history_user", "course")[:limit])
    before = _previous(rows, records)
    return [
        Line(
            what="Ledger entry",
            label=_entry_label(r),
            record=r,
            changes=_changes(r, before.get(r.history_id)),
        )
        for r in records
    ]
