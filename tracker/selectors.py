"""Reads: rows mapped to the rules module's dataclasses, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from . import rules
from .models import Certification, Certifier, CprCard, CreditEntry, Cycle


def certifier_rules(certifier: Certifier) -> rules.CertifierRules:
    """One certifier's rules. Uses prefetched kind_rules when present."""
    kinds = {
        k.kind: rules.KindRuleData(
            kind=k.kind,
            allowed=k.allowed,
            value=k.value,
            per_unit=k.per_unit,
            entry_cap=k.entry_cap,
            prep_course_cap=k.prep_course_cap,
            cycle_cap=k.cycle_cap,
            meets_requirement=k.meets_requirement,
            min_grade=(k.min_grade or "").strip().upper(),
        )
        for k in certifier.kind_rules.all()
    }
    return rules.CertifierRules(
        id=certifier.pk,
        code=str(certifier),
        credit_unit=certifier.credit_unit,
        contact_hours_per_unit=certifier.contact_hours_per_unit,
        cycle_months=certifier.cycle_months,
        cycle_anchor=certifier.cycle_anchor,
        credits_required=certifier.credits_required,
        cpr_required=certifier.cpr_required,
        grace_months=certifier.grace_months,
        at_risk_days=certifier.at_risk_days,
        fixed_cycle_start=certifier.fixed_cycle_start,
        prorate_first_cycle=certifier.prorate_first_cycle,
        kinds=kinds,
    )


def rules_for(certifier: Certifier | int) -> rules.CertifierRules:
    if not isinstance(certifier, Certifier):
        certifier = Certifier.objects.get(pk=certifier)
    certifier = Certifier.objects.prefetch_related("kind_rules").get(pk=certifier.pk)
    return certifier_rules(certifier)


def cycle_data(cycle: Cycle) -> rules.CycleData:
    return rules.CycleData(
        id=cycle.pk,
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
        credits_required=cycle.credits_required,
        renewed_on=cycle.renewed_on,
        renewed_at=cycle.renewed_at,
    )


def certification_data(certification: Certification) -> rules.CertificationData:
    return rules.CertificationData(
        id=certification.pk,
        certifier_id=certification.program.certifier_id,
        program_id=certification.program_id,
        name=str(certification.program),
        earned_on=certification.earned_on,
        cycles=tuple(cycle_data(c) for c in certification.cycles.all()),
    )


def entry_data(entry: CreditEntry, *, with_label: bool = False) -> rules.EntryData:
    created = entry.created_at
    return rules.EntryData(
        id=entry.pk,
        kind=entry.kind,
        completion_date=entry.completion_date,
        credit=entry.credit,
        certifier_id=entry.certifier_id,
        course_id=entry.course_id,
        program_id=entry.program_id,
        cpr_card_id=entry.cpr_card_id,
        petition_id=entry.petition_id,
        grade=(entry.grade or "").strip().upper(),
        is_prep_course=entry.is_prep_course,
        created_at=created if isinstance(created, datetime.datetime) else None,
        label=entry_label(entry) if with_label else "",
    )


def entry_label(entry: CreditEntry) -> str:
    """How a ledger line is named on a page (relations must be loaded)."""
    if entry.course_id:
        return f"{entry.course.number} {entry.course.title}"
    return entry_title(entry)


def card_data(card: CprCard) -> rules.CprCardData:
    return rules.CprCardData(id=card.pk, issued_on=card.issued_on, expires_on=card.expires_on)


def certifications_of(user):
    """A user's certifications with program, certifier, kind rules and cycles: 4 queries."""
    return (
        Certification.objects.filter(user=user)
        .select_related("program__certifier")
        .prefetch_related(
            "program__certifier__kind_rules",
            Prefetch("cycles", queryset=Cycle.objects.order_by("starts_on")),
        )
        .order_by("earned_on", "pk")
    )


def ledger_of(user) -> list[CreditEntry]:
    """A user's ledger, newest first, with what each row names: 2 queries.

    Each entry's conference sessions come as `entry.session_list`, read through the link
    table in one query: a prefetch would build a related manager for every entry.
    """
    entries = list(
        CreditEntry.objects.owned_by(user)
        .select_related("course__provider", "program", "cpr_card", "certifier", "petition")
        .order_by("-completion_date", "-pk")
    )
    links = CreditEntry.sessions.through.objects.filter(creditentry__user=user).select_related(
        "session"
    )
    by_entry: dict[int, list] = {}
    for link in links.order_by("session__code", "session_id"):
        by_entry.setdefault(link.creditentry_id, []).append(link.session)
    for entry in entries:
        entry.session_list = by_entry.get(entry.pk, [])
    return entries


@dataclass
class Snapshot:
    """Everything the dashboard needs about one user, evaluated on one day."""

    today: datetime.date
    certifications: list[Certification]
    entries: list[CreditEntry]
    cards: list[CprCard]
    rules_by_certifier: dict[int, rules.CertifierRules]
    results: list[rules.CycleResult]
    nowhere: list[rules.NotCounted]
    cert_data: list[rules.CertificationData]

    def entry(self, entry_id: int) -> CreditEntry:
        return self._entries_by_id[entry_id]

    def __post_init__(self):
        self._entries_by_id = {e.pk: e for e in self.entries}
        self._certs_by_id = {c.pk: c for c in self.certifications}
        self._locked = {}
        for entry in self.entries:
            cycle = rules.locking_cycle(entry_data(entry), self.cert_data)
            if cycle is not None:
                self._locked[entry.pk] = cycle

    def certification(self, certification_id: int) -> Certification:
        return self._certs_by_id[certification_id]

    def is_locked(self, entry: CreditEntry) -> bool:
        return entry.pk in self._locked

    def cards_by_certification(self):
        """Each certification with its current result and its past (read-only) cycles."""
        groups: dict[int, dict] = {}
        for result in self.results:
            cert = self._certs_by_id[result.certification.id]
            group = groups.setdefault(cert.pk, {"certification": cert, "current": None, "past": []})
            if result.is_current:
                group["current"] = result
            else:
                group["past"].append(result)
        return [groups[c.pk] for c in self.certifications if c.pk in groups]


def snapshot(user, *, today: datetime.date | None = None) -> Snapshot:
    """Evaluate a user's whole record: a fixed number of queries whatever its size."""
    today = today or timezone.localdate()
    certifications = list(certifications_of(user))
    entries = ledger_of(user)
    cards = list(CprCard.objects.filter(user=user).order_by("-expires_on", "-pk"))
    rules_by_certifier = {}
    for cert in certifications:
        certifier = cert.program.certifier
        if certifier.pk not in rules_by_certifier:
            rules_by_certifier[certifier.pk] = certifier_rules(certifier)
    cert_data = [certification_data(c) for c in certifications]
    data = [entry_data(e, with_label=True) for e in entries]
    results = rules.evaluate(
        certifications=cert_data,
        entries=data,
        cpr_cards=[card_data(c) for c in cards],
        rules=rules_by_certifier,
        today=today,
    )
    return Snapshot(
        today=today,
        certifications=certifications,
        entries=entries,
        cards=cards,
        rules_by_certifier=rules_by_certifier,
        results=results,
        nowhere=rules.counts_nowhere(data, cert_data),
        cert_data=cert_data,
    )


def current_cycles_on(user, date: datetime.date) -> list[tuple[Certification, Cycle]]:
    """The current (not yet renewed) cycles of the user's certifications that hold `date`."""
    out = []
    for certification in certifications_of(user):
        cycles = [c for c in certification.cycles.all() if c.renewed_on is None]
        if not cycles:
            continue
        current = max(cycles, key=lambda c: c.starts_on)
        if current.starts_on <= date <= current.ends_on:
            out.append((certification, current))
    return out


def suggested_credit(
    *,
    certifier: Certifier,
    kind: str,
    contact_hours: Decimal | None = None,
    credit_hours: Decimal | None = None,
    grade: str = "",
    is_prep_course: bool = False,
) -> Decimal:
    """The credit the certifier's rules give one activity (0 when they give nothing).

    Contact hours convert through the certifier's unit (ACE: 10 hours = 1.0 CEC), rounded
    down to a tenth; a college course uses credit hours, grade and the prep-course cap.
    """
    return rules.suggested_credit(
        rules_for(certifier),
        str(kind),
        contact_hours=None if contact_hours is None else Decimal(contact_hours),
        credit_hours=None if credit_hours is None else Decimal(credit_hours),
        grade=(grade or "").strip().upper(),
        is_prep_course=is_prep_course,
    )


def current_cycle(certification: Certification) -> Cycle | None:
    return certification.cycles.filter(renewed_on__isnull=True).order_by("-starts_on").first()


def ledger_rows(view: Snapshot) -> list[dict]:
    """Each ledger line with the certifications it counts toward and why it does not elsewhere."""
    counts: dict[int, list] = {}
    reasons: dict[int, list] = {}
    for result in view.results:
        name = result.certification.name
        if not result.is_current:
            name = f"{name} ({result.cycle.starts_on:%m/%d/%Y}–{result.cycle.ends_on:%m/%d/%Y})"
        for counted in result.counted:
            counts.setdefault(counted.entry.id, []).append((name, counted.credit))
        for skipped in result.not_counted:
            reasons.setdefault(skipped.entry.id, []).append((name, skipped.reason))
    for skipped in view.nowhere:
        reasons.setdefault(skipped.entry.id, []).append(("No renewal", skipped.reason))
    # One reverse() per URL name, not per row: the pk is the only part that changes.
    marker = "987654321"
    urls = {
        name: reverse(f"tracker:entry-{name}", args=[int(marker)]).split(marker)
        for name in ("edit", "delete", "certificate")
    }
    rows = []
    for entry in view.entries:
        entry_counts = counts.get(entry.pk, [])
        entry_reasons = reasons.get(entry.pk, [])
        detail = [entry.get_kind_display()]
        if entry.source != CreditEntry.Source.SELF_REPORTED:
            detail.append(entry.get_source_display())
        codes = [s.code for s in entry.session_list]
        if codes:
            detail.append(", ".join(codes))
        pk = entry.pk
        rows.append(
            {
                "entry": entry,
                "date": f"{entry.completion_date:%m/%d/%Y}",
                "number": entry.course.number if entry.course_id else "",
                "title": entry_title(entry),
                "detail": " · ".join(detail),
                "session_codes": ", ".join(codes),
                "unit": entry.certifier.credit_unit if entry.certifier_id else "CEC",
                "counts": entry_counts,
                "reasons": entry_reasons,
                "count_lines": [
                    name if credit == entry.credit else f"{name} ({credit})"
                    for name, credit in entry_counts
                ],
                "reason_lines": [f"{name}: does not count — {why}" for name, why in entry_reasons],
                "locked": view.is_locked(entry) or entry.source == CreditEntry.Source.PETITION,
                "edit_url": f"{urls['edit'][0]}{pk}{urls['edit'][1]}",
                "delete_url": f"{urls['delete'][0]}{pk}{urls['delete'][1]}",
                "certificate_url": f"{urls['certificate'][0]}{pk}{urls['certificate'][1]}",
            }
        )
    return rows


def entry_title(entry: CreditEntry) -> str:
    if entry.course_id:
        return entry.course.title
    if entry.program_id:
        return str(entry.program)
    if entry.cpr_card_id:
        card = entry.cpr_card
        return f"CPR/AED card {card.issued_on:%m/%d/%Y} – {card.expires_on:%m/%d/%Y}"
    return entry.title or entry.get_kind_display()


def entry_lock(entry: CreditEntry) -> str | None:
    """Why an entry is read-only, or None when its owner may change it."""
    if entry.source == CreditEntry.Source.PETITION:
        return "Credit awarded on a petition is read-only."
    certs = [certification_data(c) for c in certifications_of(entry.user_id)]
    cycle = rules.locking_cycle(entry_data(entry), certs)
    if cycle is not None:
        return (
            f"This credit belongs to a cycle renewed on {cycle.renewed_on:%m/%d/%Y}; "
            "it is read-only now."
        )
    return None
