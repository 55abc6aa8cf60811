"""Reads: rows mapped to the rules module's dataclasses, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from catalog import selectors as catalog_selectors
from catalog.models import Course

from . import rulebook, rules
from .models import Certification, CprCard, CreditEntry, Cycle, EntryCredit, Kind

# An entry's facts for the rules, as database columns (`entry_data` from plain values).
RULE_COLUMNS = (
    "id",
    "kind",
    "completion_date",
    "course_id",
    "program_id",
    "cpr_card_id",
    "petition_id",
    "grade",
    "is_prep_course",
    "created_at",
)


def frozen_to_json(frozen: rules.FrozenResult) -> dict:
    return {
        "total": str(frozen.total),
        "required": str(frozen.required),
        "counted": [[pk, str(credit), note] for pk, credit, note in frozen.counted],
        "not_counted": [[pk, reason] for pk, reason in frozen.not_counted],
        "category_totals": {code: str(v) for code, v in frozen.category_totals.items()},
        "met": frozen.met,
        "shortfalls": list(frozen.shortfalls),
        "cpr_required": frozen.cpr_required,
        "cpr_ok": frozen.cpr_ok,
        "grace_ends_on": frozen.grace_ends_on.isoformat() if frozen.grace_ends_on else None,
    }


def frozen_from_json(data: dict | None) -> rules.FrozenResult | None:
    if not data:
        return None
    return rules.FrozenResult(
        total=Decimal(data["total"]),
        required=Decimal(data["required"]),
        counted=tuple((pk, Decimal(credit), note) for pk, credit, note in data["counted"]),
        not_counted=tuple((pk, reason) for pk, reason in data["not_counted"]),
        category_totals={code: Decimal(v) for code, v in data["category_totals"].items()},
        met=data.get("met"),
        shortfalls=tuple(data.get("shortfalls", ())),
        cpr_required=data.get("cpr_required"),
        cpr_ok=data.get("cpr_ok"),
        grace_ends_on=(
            datetime.date.fromisoformat(data["grace_ends_on"])
            if data.get("grace_ends_on")
            else None
        ),
    )


def cycle_data(cycle: Cycle) -> rules.CycleData:
    return rules.CycleData(
        id=cycle.pk,
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
        renewed_on=cycle.renewed_on,
        renewed_at=cycle.renewed_at,
        frozen=frozen_from_json(cycle.frozen_result),
        renewed_outside=cycle.renewed_outside,
    )


def certification_name(certification: Certification) -> str:
    """ "ACE CPT": the certifier and the program's abbreviation (or its name)."""
    program = certification.program
    return f"{program.certifier} {program.abbreviation or program.name}"


def certification_data(certification: Certification) -> rules.CertificationData:
    return rules.CertificationData(
        id=certification.pk,
        certifier_id=certification.program.certifier_id,
        program_id=certification.program_id,
        name=certification_name(certification),
        earned_on=certification.earned_on,
        cycles=tuple(cycle_data(c) for c in certification.cycles.all()),
    )


def entry_data(entry: CreditEntry) -> rules.EntryData:
    created = entry.created_at
    return rules.EntryData(
        id=entry.pk,
        kind=entry.kind,
        completion_date=entry.completion_date,
        claims=tuple(
            rules.Claim(certifier_id=c.certifier_id, credit=c.credit, category=c.category)
            for c in entry.claims.all()
        ),
        course_id=entry.course_id,
        program_id=entry.program_id,
        cpr_card_id=entry.cpr_card_id,
        petition_id=entry.petition_id,
        grade=(entry.grade or "").strip().upper(),
        is_prep_course=entry.is_prep_course,
        created_at=created if isinstance(created, datetime.datetime) else None,
    )


def card_data(card: CprCard) -> rules.CprCardData:
    return rules.CprCardData(id=card.pk, issued_on=card.issued_on, expires_on=card.expires_on)


def certifications_of(user):
    """A user's certifications with program, certifier and cycles: 2 queries."""
    return (
        Certification.objects.filter(user=user)
        .select_related("program__certifier")
        .prefetch_related(Prefetch("cycles", queryset=Cycle.objects.order_by("starts_on")))
        .order_by("earned_on", "pk")
    )


LEDGER_WINDOW = 30  # My CECs shows the latest entries; "Show all" opens the rest.


RECENTLY_ADDED = 5  # the window also holds the entries added last, whatever their date


def _with_rows(found) -> list[CreditEntry]:
    return list(
        found.select_related(
            "course__provider", "program__certifier", "cpr_card", "certifier", "petition"
        )
        .prefetch_related(Prefetch("claims", queryset=EntryCredit.objects.order_by("certifier_id")))
        .order_by("-completion_date", "-pk")
    )


def ledger_of(user, *, window: int | None = None, ids=None) -> list[CreditEntry]:
    """A user's ledger, newest first, with what each row names. All of it (3 queries); only
    those `ids`; or a window: the latest `window` entries by date and the ones added last
    (4 or 5 queries).

    Each entry's conference sessions come as `entry.session_list`, read through the link
    table in one query: a prefetch would build a related manager for every entry.
    """
    if window == 0 and ids is None:
        return []
    owned = CreditEntry.objects.owned_by(user)
    if ids is not None:
        entries = _with_rows(owned.filter(pk__in=list(ids)))
        chosen = [e.pk for e in entries]
    elif window is None:
        entries = _with_rows(owned)
        chosen = owned.values("pk")  # a subquery: no list of ids that grows with the ledger
    else:
        entries = _windowed(owned, window)
        chosen = [e.pk for e in entries]
    return _with_sessions(entries, chosen)


def _with_sessions(entries: list[CreditEntry], chosen) -> list[CreditEntry]:
    """Each entry's conference sessions as `entry.session_list`: 1 query through the link
    table for the `chosen` entry ids (a list or a subquery)."""
    links = CreditEntry.sessions.through.objects.filter(creditentry__in=chosen).select_related(
        "session"
    )
    by_entry: dict[int, list] = {}
    for link in links.order_by("session__code", "session_id"):
        by_entry.setdefault(link.creditentry_id, []).append(link.session)
    for entry in entries:
        entry.session_list = by_entry.get(entry.pk, [])
    return entries


def ledger_between(user, entries: list[rules.EntryData]) -> dict[int, CreditEntry]:
    """These entries (from an evaluation) as rows, by id: read by their dates' range, so that
    the query does not grow with their number (a cycle's transcript)."""
    wanted = {e.id for e in entries}
    found = CreditEntry.objects.owned_by(user)
    if entries:
        found = found.filter(
            completion_date__gte=min(e.completion_date for e in entries),
            completion_date__lte=max(e.completion_date for e in entries),
        )
    else:  # the same queries, finding nothing: a page's queries do not depend on its data
        found = found.filter(completion_date__isnull=True)
    rows = _with_sessions(_with_rows(found), found.values("pk"))
    return {e.pk: e for e in rows if e.pk in wanted}


def _windowed(owned, window: int) -> list[CreditEntry]:
    latest = list(owned.order_by("-completion_date", "-pk").values_list("pk", flat=True)[:window])
    added = owned.order_by("-pk").values_list("pk", flat=True)[:RECENTLY_ADDED]
    return _with_rows(owned.filter(pk__in={*latest, *added}))


LEDGER_VALUES = (
    *RULE_COLUMNS,
    "hidden_at",
    "title",
    "course__number",
    "course__title",
    "program__name",
    "program__certifier__code",
    "program__certifier__name",
    "cpr_card__issued_on",
    "cpr_card__expires_on",
)


def _label(values: dict) -> str:
    """How a ledger line is named in the rules' results ("CA12345 Title"), from plain values."""
    if values["course_id"]:
        return f"{values['course__number']} {values['course__title']}"
    if values["program_id"]:
        certifier = (values["program__certifier__code"] or "").upper()
        return f"{certifier or values['program__certifier__name']} {values['program__name']}"
    if values["cpr_card_id"]:
        issued, expires = values["cpr_card__issued_on"], values["cpr_card__expires_on"]
        return f"CPR/AED card {issued:%m/%d/%Y} – {expires:%m/%d/%Y}"
    return values["title"] or str(Kind(values["kind"]).label)


def _entry_from_values(values: dict, claims: dict, *, label: str = "") -> rules.EntryData:
    """`entry_data` from a row of `RULE_COLUMNS` values and the claims by entry id."""
    return rules.EntryData(
        id=values["id"],
        kind=values["kind"],
        completion_date=values["completion_date"],
        claims=tuple(claims.get(values["id"], ())),
        course_id=values["course_id"],
        program_id=values["program_id"],
        cpr_card_id=values["cpr_card_id"],
        petition_id=values["petition_id"],
        grade=(values["grade"] or "").strip().upper(),
        is_prep_course=values["is_prep_course"],
        created_at=values["created_at"],
        label=label,
    )


def _claims_by_entry(found) -> dict[int, list[rules.Claim]]:
    """Claims (`EntryCredit` rows) as the rules' `Claim`s by entry id: 1 query of values."""
    claims: dict[int, list[rules.Claim]] = {}
    for entry_id, certifier_id, credit, category in (
        found.order_by("entry_id", "certifier_id")
        .values_list("entry_id", "certifier_id", "credit", "category")
    ):  # fmt: skip
        claims.setdefault(entry_id, []).append(rules.Claim(certifier_id, credit, category))
    return claims


def ledger_data(user_id: int) -> tuple[list[rules.EntryData], frozenset[int]]:
    """A person's whole ledger as the rules' entries (labelled), and the ids of those hidden
    from the totals: 2 queries of plain values, no model instances."""
    claims = _claims_by_entry(EntryCredit.objects.filter(entry__user_id=user_id))
    data, hidden = [], set()
    for values in CreditEntry.objects.filter(user_id=user_id).order_by().values(*LEDGER_VALUES):
        if values["hidden_at"] is not None:
            hidden.add(values["id"])
        data.append(_entry_from_values(values, claims, label=_label(values)))
    return data, frozenset(hidden)


@dataclass(frozen=True)
class Evaluation:
    """What the rules say of one person's record on one day: plain values, cached per person
    (see `tracker.freshness`) until their records or the rules change."""

    today: datetime.date
    cert_data: tuple[rules.CertificationData, ...]
    certifiers: dict[int, rules.Certifier]
    results: tuple[rules.CycleResult, ...]
    nowhere: tuple[rules.NotCounted, ...]
    ledger: tuple[rules.EntryData, ...]  # every entry, newest first, hidden ones too
    locked: frozenset[int]  # entries a renewed cycle relied on: read-only

    @property
    def entry_count(self) -> int:
        return len(self.ledger)


EVALUATION_SHAPE = 1  # part of the cache key: a change to `Evaluation` leaves old values unread
EVALUATION_SECONDS = 24 * 60 * 60


def _cards_of(user):
    return CprCard.objects.filter(user=user).order_by("-expires_on", "-pk")


def _evaluate(user_id: int, today: datetime.date, certifications) -> Evaluation:
    if certifications is None:
        certifications = list(certifications_of(user_id))
    cert_data = tuple(certification_data(c) for c in certifications)
    certifiers = rulebook.certifiers_data({c.program.certifier_id for c in certifications})
    cards = tuple(card_data(c) for c in _cards_of(user_id))
    ledger, hidden = ledger_data(user_id)
    # Hidden entries stay on the page but are no input to the rules.
    counted = [e for e in ledger if e.id not in hidden]
    results = rules.evaluate(
        certifications=cert_data,
        entries=counted,
        cpr_cards=cards,
        certifiers=certifiers,
        today=today,
    )
    locked = frozenset(e.id for e in ledger if rules.locking_cycle(e, cert_data) is not None)
    return Evaluation(
        today=today,
        cert_data=cert_data,
        certifiers=certifiers,
        results=tuple(results),
        nowhere=tuple(rules.counts_nowhere(counted, cert_data)),
        ledger=tuple(sorted(ledger, key=lambda e: (e.completion_date, e.id), reverse=True)),
        locked=locked,
    )


def records_stamp(user_id: int) -> str | None:
    """The stamp of a person's records (see `tracker.freshness`): 1 query."""
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(pk=user_id).order_by()
    return found.values_list("records_stamp", flat=True).first()


def transcript_facts(cycle_id: int, viewer_id: int, *, everyone: bool):
    """What a transcript's cache key needs, in one query: the cycle's owner, their records
    stamp, name and email, and its audit's id, outcome and due date (None where there is no
    audit); None when there is no such cycle, or it is not the viewer's and they may not see
    `everyone`'s. Plain SQL: this runs on every transcript request, and the ORM's building of
    a three-join query costs more than the page served from the cache."""
    from accounts.models import User

    from .models import Audit

    if not 0 < cycle_id < 2**63:  # beyond any id (the database would refuse the number)
        return None
    sql = (
        f"SELECT c.user_id, u.records_stamp, u.first_name, u.last_name, u.email, "
        f"a.id, a.outcome, a.due_on "
        f"FROM {Cycle._meta.db_table} y "
        f"JOIN {Certification._meta.db_table} c ON c.id = y.certification_id "
        f"JOIN {User._meta.db_table} u ON u.id = c.user_id "
        f"LEFT JOIN {Audit._meta.db_table} a ON a.cycle_id = y.id "
        f"WHERE y.id = %s AND (%s OR c.user_id = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [cycle_id, everyone, viewer_id])
        return cursor.fetchone()


def evaluation(
    user,
    *,
    today: datetime.date | None = None,
    stamp: str | None = None,
    certifications=None,
) -> Evaluation:
    """A person's evaluation, from the cache when their records have not changed since (1
    query); otherwise evaluated (10 queries, 8 when the caller passes in the `certifications_of`
    rows it read).

    The stamp is read first (a caller that passes in rows passes the stamp it read before
    them): a write committed while this evaluates leaves a value under a stamp nobody will ask
    for again, never a stale value under the new one."""
    from django.core.cache import cache

    today = today or timezone.localdate()
    user_id = user if isinstance(user, int) else user.pk
    if stamp is None:
        stamp = records_stamp(user_id)
    key = f"evaluation:{EVALUATION_SHAPE}:{user_id}:{stamp}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = _evaluate(user_id, today, certifications)
        cache.set(key, found, EVALUATION_SECONDS)
    return found


class Snapshot:
    """Everything a page needs about one user on one day, each part read when first used:
    the certifications (read at once), the (cached) evaluation, the CPR/AED cards and a window
    on the ledger as rows. A page whose parts come from the fragment cache reads only the
    stamp, the certifications and the certifiers."""

    def __init__(self, user, *, today, stamp, window, ids, certifications=None):
        self.user_id = user if isinstance(user, int) else user.pk
        self.today = today
        self.stamp = stamp
        if certifications is not None:
            self.certifications = certifications
        self._window, self._ids = window, ids

    @cached_property
    def certifications(self) -> list[Certification]:
        """Read when first asked for: a page served from its cached parts never asks."""
        return list(certifications_of(self.user_id))

    @cached_property
    def _certs_by_id(self) -> dict[int, Certification]:
        return {c.pk: c for c in self.certifications}

    @cached_property
    def evaluation(self) -> Evaluation:
        return evaluation(
            self.user_id, today=self.today, stamp=self.stamp, certifications=self.certifications
        )

    @cached_property
    def certifiers(self) -> dict[int, rules.Certifier]:
        """The rules of the person's certifiers (what the add form needs), cached on their own
        so that a page served from fragments does not read the whole evaluation."""
        from django.core.cache import cache

        key = f"certifiers:{EVALUATION_SHAPE}:{self.user_id}:{self.stamp}"
        found = cache.get(key)
        if found is None:
            found = self.evaluation.certifiers
            cache.set(key, found, EVALUATION_SECONDS)
        return found

    @cached_property
    def cert_data(self) -> tuple[rules.CertificationData, ...]:
        return tuple(certification_data(c) for c in self.certifications)

    @cached_property
    def cards(self) -> list[CprCard]:
        return list(_cards_of(self.user_id))

    @cached_property
    def entries(self) -> list[CreditEntry]:
        """The window: the latest entries, all of them, or those asked for."""
        window = None if self._ids is not None else self._window
        return ledger_of(self.user_id, window=window, ids=self._ids)

    @property
    def results(self) -> tuple[rules.CycleResult, ...]:
        return self.evaluation.results

    @property
    def nowhere(self) -> tuple[rules.NotCounted, ...]:
        return self.evaluation.nowhere

    @property
    def rules_by_certifier(self) -> dict[int, rules.Certifier]:
        return self.certifiers

    @property
    def entries_total(self) -> int:
        return self.evaluation.entry_count

    @property
    def windowed(self) -> bool:
        """True when the page shows only part of the ledger."""
        return len(self.entries) < self.entries_total

    @property
    def fragment_key(self) -> str:
        """What the cached parts of a page about this person vary on (with the page's own
        variations): their records and the day."""
        mode = "all" if self._window is None and self._ids is None else self._window
        return f"{EVALUATION_SHAPE}:{self.user_id}:{self.stamp}:{self.today.isoformat()}:{mode}"

    def certification(self, certification_id: int) -> Certification:
        return self._certs_by_id[certification_id]

    def is_locked(self, entry: CreditEntry) -> bool:
        return entry.pk in self.evaluation.locked

    def cards_by_certification(self):
        """Each certification with its current result and its past (read-only) cycles."""
        groups: dict[int, dict] = {}
        for result in self.results:
            cert = self._certs_by_id.get(result.certification.id)
            if cert is None:
                continue
            group = groups.setdefault(cert.pk, {"certification": cert, "current": None, "past": []})
            if result.is_current:
                group["current"] = result
            else:
                group["past"].append(result)
        for group in groups.values():
            current = group["current"]
            if current is not None:
                group["glance"] = rules.glance(current)
                certifier = self.certifiers[current.certification.certifier_id]
                group["timeline"] = rules.timeline(group["past"], current, certifier, self.today)
        return [groups[c.pk] for c in self.certifications if c.pk in groups]


def snapshot(
    user,
    *,
    today: datetime.date | None = None,
    window: int | None = LEDGER_WINDOW,
    ids=None,
    stamp: str | None = None,
) -> Snapshot:
    """A user's record for a page: the stamp (1 query, none when the caller read it with the
    person at the start of this request and wrote nothing since); the rest as the page reads
    it (see `Snapshot`): the certifications (2), the evaluation (none more when cached, 8 when
    not), the cards (1) and a window on the ledger (`ledger_of`: the latest `window` rows,
    `window=None` for all of them, `ids` for only those)."""
    user_id = user if isinstance(user, int) else user.pk
    return Snapshot(
        user_id,
        today=today or timezone.localdate(),
        stamp=stamp or records_stamp(user_id),
        window=window,
        ids=ids,
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
        unit = result.unit
        for counted in result.counted:
            counts.setdefault(counted.entry.id, []).append(
                (name, rules.amount(counted.credit, unit))
            )
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
        if entry.is_provider_reported and entry.course_id:
            detail.append(f"Reported by {entry.course.provider.name}")
        elif entry.source != CreditEntry.Source.SELF_REPORTED:
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
                "credit_text": claims_text(entry, view.certifiers),
                "counts": entry_counts,
                "reasons": entry_reasons,
                "count_lines": [f"{name} (+{credit})" for name, credit in entry_counts],
                "reason_lines": [f"{name}: does not count — {why}" for name, why in entry_reasons],
                "locked": view.is_locked(entry)
                or entry.source in CreditEntry.OWNER_READ_ONLY
                or entry.is_provider_reported,
                "hidden": entry.hidden_at is not None,
                "edit_url": f"{urls['edit'][0]}{pk}{urls['edit'][1]}",
                "delete_url": f"{urls['delete'][0]}{pk}{urls['delete'][1]}",
                "certificate_url": f"{urls['certificate'][0]}{pk}{urls['certificate'][1]}",
            }
        )
    return rows


def renewal_effects(group: dict, today: datetime.date) -> dict:
    """What recording a renewal now does: the cycle that closes (with its total), what will
    count toward nothing (credit beyond the requirement, credit completed before the next
    cycle starts), and what already does not count in it."""
    result = group["current"]
    glance = group["glance"]
    next_starts_on = result.cycle.next_starts_on
    return {
        "result": result,
        "glance": glance,
        "next_starts_on": next_starts_on,
        "gap": (today, next_starts_on - datetime.timedelta(days=1))
        if today < next_starts_on - datetime.timedelta(days=1)
        else None,
        "not_counted": result.not_counted,
    }


def claims_text(entry: CreditEntry, certifiers: dict[int, rules.Certifier]) -> str:
    """What the entry gives each of the person's certifiers: "0.3 CEC ACE · 0.3 CEU NASM"."""
    parts = []
    for claim in entry.claims.all():
        certifier = certifiers.get(claim.certifier_id)
        if certifier is not None:
            parts.append(f"{rules.amount(claim.credit, certifier.unit)} {certifier.code}")
    return " · ".join(parts) if parts else str(entry.credit)


def entry_title(entry: CreditEntry) -> str:
    if entry.course_id:
        return entry.course.title
    if entry.program_id:
        return str(entry.program)
    if entry.cpr_card_id:
        card = entry.cpr_card
        return f"CPR/AED card {card.issued_on:%m/%d/%Y} – {card.expires_on:%m/%d/%Y}"
    return entry.title or entry.get_kind_display()


PROVIDER_WORD = (
    "Reported by the course provider: its credit, date and course are the provider's word and "
    "cannot be changed here. You can hide it from your totals, or dispute it to the reviewers."
)


def entry_lock(entry: CreditEntry) -> str | None:
    """Why an entry is read-only, or None when its owner may change it."""
    if entry.source in CreditEntry.OWNER_READ_ONLY:
        return CreditEntry.OWNER_READ_ONLY[entry.source]
    if entry.is_provider_reported:
        return PROVIDER_WORD
    certs = [certification_data(c) for c in certifications_of(entry.user_id)]
    cycle = rules.locking_cycle(entry_data(entry), certs)
    if cycle is not None:
        return (
            f"This credit belongs to a cycle renewed on {cycle.renewed_on:%m/%d/%Y}; "
            "it is read-only now."
        )
    return None


def course_activity(course, sessions, day: datetime.date, kind: str | None = None):
    """A catalog course (and the sessions attended) as the rules' facts."""
    if kind is None:
        kind = rules.CONFERENCE if course.is_conference else rules.APPROVED_COURSE
    return rules.Activity(
        kind=kind,
        completion_date=day,
        contact_hours=catalog_selectors.contact_hours_of(course, sessions),
        approvals=catalog_selectors.approvals_of(course, sessions),
        course_label=course.number or course.title,
        home_study=course.delivery_format == Course.Format.HOME_STUDY,
    )


def course_repeats(
    user, course, claims, day: datetime.date, certifications, earlier=None
) -> tuple[rules.Refusal, ...]:
    """The no-repeat rule for a course about to be logged with these `claims`: a refusal per
    certifier that already has it in a cycle holding `day`. `earlier`: the person's entries of
    the course (rules' entries), read here when not given."""
    if earlier is None:
        logged = CreditEntry.objects.owned_by(user).filter(course=course, hidden_at__isnull=True)
        earlier = [entry_data(e) for e in logged.prefetch_related("claims")]
    if not earlier:
        return ()
    candidate = rules.EntryData(
        id=0, kind=rules.APPROVED_COURSE, completion_date=day, claims=tuple(claims),
        course_id=course.pk,
    )  # fmt: skip
    return rules.repeat_conflicts(entry=candidate, existing=earlier, certifications=certifications)


def course_preview(user, course, sessions, day: datetime.date | None) -> dict:
    """Before "Add CECs": what the course adds to each of the person's certifications whose
    current cycle holds the day (today, until a date is typed), and why not elsewhere."""
    if course.is_conference and not sessions:
        return {}
    day = day or timezone.localdate()
    certifications = [certification_data(c) for c in certifications_of(user)]
    certifiers = rulebook.certifiers_data({c.certifier_id for c in certifications})
    claims, refusals = rules.claims_for(course_activity(course, sessions, day), certifiers)
    holding = [c for c, _cycle in rules.current_cycles_holding(certifications, day)]
    held_ids = {c.certifier_id for c in holding}
    # No repeats: a certifier that already has this course in the cycle gets nothing more.
    repeats = course_repeats(user, course, claims, day, certifications)
    if repeats:
        blocked = {r.certifier_id for r in repeats}
        claims = tuple(c for c in claims if c.certifier_id not in blocked)
        refusals = tuple(refusals) + tuple(repeats)
    return {
        "adds": rules.claims_line(
            [c for c in claims if c.certifier_id in held_ids], holding, certifiers
        ),
        "refused": rules.refusal_lines(
            [r for r in refusals if r.certifier_id in held_ids], certifiers
        ),
    }


def still_counting(view: Snapshot, result: rules.CycleResult, *, limit: int = 50) -> list[dict]:
    """Approved courses that would still add credit to this cycle, most first: approved by
    the certifier (or taken by its rules without approval), valid on a day before the
    deadline, not logged in the cycle yet, in a category with room left."""
    certifier = view.certifiers[result.certification.certifier_id]
    rule_set = certifier.rules_on(result.cycle.starts_on)
    course_rules = [rule_set.activity(k) for k in rules.COURSE_KINDS]
    course_rules = [r for r in course_rules if r is not None]
    if not course_rules or result.is_closed:
        return []
    today = view.today
    logged = {
        e.course_id
        for e in view.evaluation.ledger
        if e.course_id
        and result.cycle.holds(e.completion_date)
        and e.claim_for(certifier.id) is not None
    }
    courses = Course.objects.with_approvals().exclude(pk__in=logged)
    if all(r.needs_approval for r in course_rules):
        home = catalog_selectors.home_certifier()
        courses = courses.approved_by(certifier.id, home.pk if home else None, on=today)
    else:
        courses = courses.current(today)
    courses = courses.select_related("provider").prefetch_related("sessions")
    found = []
    for course in courses.order_by("-cec_value", "number")[: limit * 4]:
        sessions = list(course.sessions.all()) if course.is_conference else []
        day = min(today, result.cycle.ends_on)
        claims, _refusals = rules.claims_for(
            course_activity(course, sessions, day), {certifier.id: certifier}
        )
        added = sum((rules.would_add(result, certifier, c) for c in claims), rules.ZERO)
        if added > 0:
            found.append(
                {"course": course, "adds": rules.amount(added, certifier.unit), "n": added}
            )
    found.sort(key=lambda row: (-row["n"], row["course"].number or ""))
    return found[:limit]


def adds_line(entry: CreditEntry) -> str:
    """What a new entry adds to the owner's current cycles holding its date, in words, as the
    rules count it (caps, repeats, what a certifier takes): "+0.2 CEC to ACE CPT and ACE HC;
    nothing to NASM CPT (…)". From the cache (which the next page then reads too), except in
    a transaction, which may still write: then evaluated anew and not cached."""
    today = timezone.localdate()
    if connection.in_atomic_block:
        found = _evaluate(entry.user_id, today, None)
    else:
        found = evaluation(entry.user_id, today=today)
    counted: dict[tuple[int, Decimal], list[str]] = {}
    nothing: list[str] = []
    for result in found.results:
        cycle = result.cycle
        if not result.is_current or not cycle.starts_on <= entry.completion_date <= cycle.ends_on:
            continue
        name = result.certification.name
        credit = sum((c.credit for c in result.counted if c.entry.id == entry.pk), rules.ZERO)
        if credit > 0:
            counted.setdefault((result.certification.certifier_id, credit), []).append(name)
            continue
        reasons = [n.reason for n in result.not_counted if n.entry.id == entry.pk]
        nothing.append(f"nothing to {name}" + (f" ({reasons[0]})" if reasons else ""))
    added = [
        f"+{rules.amount(credit, found.certifiers[certifier_id].unit)} to {rules.join_names(names)}"
        for (certifier_id, credit), names in counted.items()
    ]
    return "; ".join(added + nothing)


ENTRY_FIELDS = (
    "user_id",
    *RULE_COLUMNS,
)


def ledgers_data(
    user_ids, *, since: datetime.date, until: datetime.date | None = None
) -> dict[int, list[rules.EntryData]]:
    """Many people's ledger entries completed from `since` (to `until`), as the rules'
    entries by user, in 2 queries: plain values (a model instance per row would cost more
    than the rules) and the claims through one join, not a prefetch whose list of entry ids
    would grow past what a database takes. The same mapping as `entry_data`."""
    dates = {"completion_date__gte": since}
    if until is not None:
        dates["completion_date__lte"] = until
    within = CreditEntry.objects.counted().filter(user_id__in=user_ids, **dates)
    claims = _claims_by_entry(EntryCredit.objects.filter(entry__in=within))
    by_user: dict[int, list[rules.EntryData]] = {}
    for values in within.order_by().values(*ENTRY_FIELDS):
        by_user.setdefault(values["user_id"], []).append(_entry_from_values(values, claims))
    return by_user
