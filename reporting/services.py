"""Provider-reported credit: check a roster (`stage`), post it (`confirm`, then the worker's
`post`), read its result (`result`); a professional claims or declines an unmatched row
(`claim_accept`, `claim_decline`) and disputes posted credit (`dispute_open`), which a reviewer
decides (`dispute_uphold`, `dispute_withdraw`).

Posting is one path (`_post_row`): the tracker's `credit_add` with source "provider", so the
rules credit every certification the course counts toward and the history records who
reported it. The same completion (course, professional, date, sessions) is posted once: a
"duplicate of an earlier report" refusal when checked, and a unique constraint when posted.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower, Trim, Upper
from django.urls import reverse
from django.utils import timezone

from catalog.models import Course, Provider, Session
from notices.services import absolute, email_many_later
from tracker import freshness, rulebook, rules
from tracker import selectors as tracker_selectors
from tracker import services as tracker_services
from tracker.models import Certification, CreditEntry, Kind

from .models import Dispute, ReportedCompletion, RosterBatch

log = logging.getLogger(__name__)

MAX_ROWS = 10_000
# The line of the file a row came from (set by the roster reader).
LINE = "_line"
MAX_HOURS = Decimal("999.99")
FORMULA_STARTS = ("=", "+", "-", "@")
CHUNK = 500
PROGRESS_EVERY = 100
Verdict = ReportedCompletion.Verdict
Status = RosterBatch.Status


# --- Checking one row -------------------------------------------------------------------------


class Refusal(ValueError):
    """Why a row is refused, in a sentence for the provider."""


def _text(value, limit: int) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())[:limit]


def _refuse_formulas(raw: Mapping) -> None:
    """A spreadsheet formula is never evaluated nor kept: the row is refused, naming the cell."""
    for name, value in raw.items():
        if name == LINE:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, str) and item.strip().startswith(FORMULA_STARTS):
                raise Refusal(
                    f"The {str(name).replace('_', ' ')} cell starts with “{item.strip()[0]}”: "
                    "formulas are not accepted; enter the value itself."
                )


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value, 40)
    if not text:
        raise Refusal("The completion date is missing.")
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Refusal(f"“{text}” is not a date: write it as YYYY-MM-DD or MM/DD/YYYY.")


def _hours(value) -> Decimal | None:
    text = _text(value, 40)
    if not text:
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise Refusal(f"Hours “{text}” is not a number.") from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise Refusal(f"Hours must be more than 0 and at most {MAX_HOURS}.")
    if hours != hours.quantize(Decimal("0.01")):
        raise Refusal("Hours take at most two decimals.")
    return hours


def _sessions_of(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").replace("|", ",").split(",")
    return [code for code in (_text(v, 300) for v in value) if code]


@dataclass
class _Known:
    """What the check of one roster needs, loaded once: the provider's courses by number, the
    people the rows name, and the completions reported before."""

    provider: Provider
    course: Course | None
    today: datetime.date
    courses: dict[str, Course] = field(default_factory=dict)
    sessions: dict[int, dict[str, Session]] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    by_number: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)


def _course_of(raw: Mapping, known: _Known) -> Course:
    number = "".join(_text(raw.get("course_number"), 40).split()).upper()
    if known.course is not None:
        if number and number != (known.course.number or ""):
            raise Refusal(f"This roster is for {known.course.number}; the row names {number}.")
        return known.course
    if not number:
        raise Refusal("The course number is missing.")
    course = known.courses.get(number)
    if course is None:
        # Another provider's course is as unknown here as a number that does not exist.
        raise Refusal(f"{number} is not one of {known.provider.name}'s courses.")
    return course


def _check_course(course: Course, day: datetime.date, codes: list[str], known: _Known):
    if course.status != Course.Status.APPROVED:
        raise Refusal(f"{course.number or course.title} is not an approved course.")
    if course.approved_on and day < course.approved_on:
        raise Refusal(
            f"{day:%m/%d/%Y} is before the course's approval window "
            f"({course.approved_on:%m/%d/%Y}–{_us(course.expires_on)})."
        )
    if course.expires_on and day > course.expires_on:
        raise Refusal(
            f"{day:%m/%d/%Y} is after the course's approval window "
            f"({_us(course.approved_on)}–{course.expires_on:%m/%d/%Y})."
        )
    if not course.is_conference:
        if codes:
            raise Refusal(f"{course.number} is a single course: it has no sessions.")
        return []
    if not codes:
        raise Refusal("Name the sessions attended: this course is a conference.")
    own = known.sessions.get(course.pk, {})
    found = []
    for code in codes:
        session = own.get(code.upper()) or own.get(code.casefold())
        if session is None:
            raise Refusal(f"Unknown session “{code}” of {course.number}.")
        found.append(session.code)
    return sorted(set(found))


def _us(day: datetime.date | None) -> str:
    return f"{day:%m/%d/%Y}" if day else "open"


def _identity(raw: Mapping, known: _Known) -> tuple[str, str, str, int | None]:
    """(email, certification number, last name, matched user id)."""
    email = _text(raw.get("email"), 254).lower()
    number = _text(raw.get("certification_number"), 50).upper()
    last = _text(raw.get("last_name"), 150)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Refusal(f"“{email[:80]}” is not an email address.") from None
    if not email and not (number and last):
        raise Refusal("Give the professional's email, or certification number and last name.")
    user_id = known.by_email.get(email) if email else None
    if user_id is None and number and last:
        ids = known.by_number.get((number, last.casefold()), set())
        if len(ids) == 1:
            user_id = next(iter(ids))
    return email, number, last, user_id


def completion_key(course_id: int, identity: str, day: datetime.date, sessions) -> str:
    return f"{course_id}|{identity}|{day.isoformat()}|{','.join(sorted(sessions))}"[:400]


def _identity_key(email: str, number: str, last: str, user_id: int | None) -> str:
    if user_id is not None:
        return f"u{user_id}"
    if email:
        return f"e:{email}"
    return f"n:{number}:{last.casefold()}"


def check_row(raw: Mapping, known: _Known) -> dict:
    """One row's verdict and cleaned values (a ReportedCompletion's fields)."""
    values = {
        LINE: raw.get(LINE),
        "course_number": _text(raw.get("course_number"), 30),
        "email": _text(raw.get("email"), 254),
        "certification_number": _text(raw.get("certification_number"), 50),
        "last_name": _text(raw.get("last_name"), 150),
        "sessions": _sessions_of(raw.get("sessions"))[:50],
    }
    try:
        _refuse_formulas(raw)
        course = _course_of(raw, known)
        values["course"] = course
        values["course_number"] = course.number or ""
        day = parse_date(raw.get("completion_date"))
        values["completion_date"] = day
        if day > known.today:
            raise Refusal(f"{day:%m/%d/%Y} is in the future.")
        values["sessions"] = _check_course(course, day, values["sessions"], known)
        values["hours"] = _hours(raw.get("hours"))
        email, number, last, user_id = _identity(raw, known)
        values.update(email=email, certification_number=number, last_name=last, user_id=user_id)
        key = completion_key(
            course.pk, _identity_key(email, number, last, user_id), day, values["sessions"]
        )
        values["key"] = key
        if key in known.seen:
            raise Refusal("Duplicate of an earlier report of the same completion.")
        known.seen.add(key)
    except Refusal as refusal:
        values.update(verdict=Verdict.REFUSED, reason=str(refusal)[:500], user_id=None)
        return values
    values["verdict"] = Verdict.MATCHED if user_id is not None else Verdict.CLAIMABLE
    return values


# --- Loading what a roster names, in a fixed number of queries --------------------------------


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load(rows: list[Mapping], known: _Known) -> None:
    courses = Course.objects.filter(provider=known.provider).exclude(number__isnull=True)
    known.courses = {c.number: c for c in courses}
    if known.course is not None:
        known.courses[known.course.number or ""] = known.course
    conference_ids = [c.pk for c in known.courses.values() if c.is_conference]
    for session in Session.objects.filter(course_id__in=conference_ids):
        own = known.sessions.setdefault(session.course_id, {})
        own[session.code.upper()] = session
        own[session.title.casefold()] = session
    emails = {_text(r.get("email"), 254).lower() for r in rows} - {""}
    numbers = {_text(r.get("certification_number"), 50).upper() for r in rows} - {""}
    User = get_user_model()
    for chunk in _chunks(sorted(emails)):
        for pk, email in User.objects.filter(email__in=chunk, is_active=True).values_list(
            "pk", "email"
        ):
            known.by_email[email.lower()] = pk
    for chunk in _chunks(sorted(numbers)):
        held = (
            Certification.objects.annotate(upper_number=Upper("number"))
            .filter(upper_number__in=chunk, user__is_active=True)
            .values_list("upper_number", "user__last_name", "user_id")
        )
        for number, last, user_id in held:
            known.by_number.setdefault((number, (last or "").strip().casefold()), set()).add(
                user_id
            )


def _earlier(keys: list[str], batch: RosterBatch) -> set[str]:
    """Keys already reported in a confirmed roster (posted or waiting to be claimed)."""
    found: set[str] = set()
    for chunk in _chunks(keys):
        found.update(
            ReportedCompletion.objects.filter(
                key__in=chunk,
                batch__status__in=[Status.POSTING, Status.POSTED],
            )
            .exclude(verdict=Verdict.REFUSED)
            .exclude(batch=batch)
            .values_list("key", flat=True)
        )
    return found


# --- Stage ------------------------------------------------------------------------------------


class IdempotencyKeyReused(ValidationError):
    """The idempotency key of an earlier batch, sent with other rows."""


def rows_digest(rows: Iterable[Mapping]) -> str:
    """The rows as sent, whatever the order of each row's fields: what an idempotency key
    stands for."""
    text = json.dumps(list(rows), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _existing_batch(provider: Provider, idempotency_key: str, digest: str) -> RosterBatch | None:
    if not idempotency_key:
        return None
    found = RosterBatch.objects.filter(provider=provider, idempotency_key=idempotency_key).first()
    if found is not None and found.rows_digest and found.rows_digest != digest:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was sent before with other rows: send these with a new key "
            f"(batch {found.pk} holds what was sent with it)."
        )
    return found


def stage(
    provider: Provider,
    rows: Iterable[Mapping],
    *,
    source: str,
    by=None,
    label: str = "",
    idempotency_key: str = "",
    course: Course | None = None,
    filename: str = "",
    file=None,
    today: datetime.date | None = None,
) -> RosterBatch:
    """Check every row of a roster and store each verdict; post nothing.

    Matched rows name a professional (by email, or by certification number and last name,
    case-insensitively); claimable rows name nobody yet; refused rows say why. The same
    `idempotency_key` for the same provider with the same rows returns the batch it first made;
    with other rows it is refused (`IdempotencyKeyReused`) and nothing is stored.
    """
    idempotency_key = _text(idempotency_key, 200)
    rows = list(rows)
    digest = rows_digest(rows) if idempotency_key else ""
    existing = _existing_batch(provider, idempotency_key, digest)
    if existing is not None:
        return existing
    if source not in RosterBatch.Source.values:
        raise ValidationError("Unknown roster source.")
    if course is not None and course.provider_id != provider.pk:
        raise ValidationError({"course": "Choose one of your own courses."})
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            f"A roster holds at most {MAX_ROWS:,} rows; this one has {len(rows):,}."
        )
    known = _Known(provider=provider, course=course, today=today or timezone.localdate())
    _load(rows, known)
    checked = [check_row(raw, known) for raw in rows]
    try:
        with transaction.atomic():
            batch = RosterBatch.objects.create(
                provider=provider,
                course=course,
                source=source,
                created_by=by if getattr(by, "pk", None) else None,
                label=_text(label, 200),
                idempotency_key=idempotency_key,
                rows_digest=digest,
                filename=_text(filename, 200),
                status=Status.CHECKING,
                rows=len(rows),
            )
            if file is not None:
                batch.file.save(batch.filename or "roster", file, save=True)
            _refuse_earlier(checked, batch)
            _refuse_logged(checked, known)
            _store(batch, checked)
    except IntegrityError:
        # The same idempotency key, sent twice at once: the first one's batch.
        existing = _existing_batch(provider, idempotency_key, digest)
        if existing is None:
            raise
        return existing
    return batch


def _logged_before(matched: list[dict]) -> dict[tuple[int, int], list[rules.EntryData]]:
    """The ledger entries (shown in totals) of these rows' professionals for these rows'
    courses, by (person, course): one query per chunk of people."""
    users = sorted({v["user_id"] for v in matched})
    courses = {v["course"].pk for v in matched}
    found: dict[tuple[int, int], list[rules.EntryData]] = {}
    for chunk in _chunks(users):
        entries = CreditEntry.objects.filter(
            user_id__in=chunk, course_id__in=courses, hidden_at__isnull=True
        ).prefetch_related("claims")
        for entry in entries:
            key = (entry.user_id, entry.course_id)
            found.setdefault(key, []).append(tracker_selectors.entry_data(entry))
    return found


def _refuse_logged(checked: list[dict], known: _Known) -> None:
    """No repeats, said before anything is posted: a matched row whose professional already has
    the course in a cycle holding its date, for every certifier it would count toward, is
    refused with the rules' reason (posting it would be refused the same way)."""
    matched = [v for v in checked if v["verdict"] == Verdict.MATCHED]
    earlier = _logged_before(matched) if matched else {}
    if not earlier:
        return
    certifiers = rulebook.certifiers_data()
    held: dict[int, list[rules.CertificationData]] = {}
    worth: dict[tuple, tuple[rules.Claim, ...]] = {}  # by course, sessions and day
    for values in matched:
        user_id, course, day = values["user_id"], values["course"], values["completion_date"]
        entries = earlier.get((user_id, course.pk))
        if not entries:
            continue
        if user_id not in held:
            held[user_id] = [
                tracker_selectors.certification_data(c)
                for c in tracker_selectors.certifications_of(user_id)
            ]
        what = (course.pk, tuple(values["sessions"]), day)
        if what not in worth:
            own = known.sessions.get(course.pk, {})
            sessions = [own[code.upper()] for code in values["sessions"] if code.upper() in own]
            activity = tracker_selectors.course_activity(course, sessions, day)
            worth[what] = rules.claims_for(activity, certifiers)[0]
        ids = {c.certifier_id for c in held[user_id]}
        claims = [c for c in worth[what] if c.certifier_id in ids]
        repeats = tracker_selectors.course_repeats(
            user_id, course, claims, day, held[user_id], earlier=entries
        )
        blocked = {r.certifier_id for r in repeats}
        if repeats and all(c.certifier_id in blocked for c in claims):
            reason = " ".join(dict.fromkeys(r.reason for r in repeats))
            values.update(verdict=Verdict.REFUSED, reason=reason[:500], user_id=None)


def _refuse_earlier(checked: list[dict], batch: RosterBatch) -> None:
    earlier = _earlier([v["key"] for v in checked if v["verdict"] != Verdict.REFUSED], batch)
    for values in checked:
        if values["verdict"] != Verdict.REFUSED and values["key"] in earlier:
            values.update(
                verdict=Verdict.REFUSED,
                reason="Duplicate of an earlier report: this completion is already reported.",
                user_id=None,
            )


FIELDS = (
    "course_number",
    "email",
    "certification_number",
    "last_name",
    "sessions",
    "completion_date",
    "hours",
    "verdict",
    "reason",
    "key",
    "user_id",
    "course",
)


BLANK = {"reason": "", "key": "", "sessions": [], "course_number": "", "email": "",
         "certification_number": "", "last_name": ""}  # fmt: skip


def _store(batch: RosterBatch, checked: list[dict]) -> None:
    counts = dict.fromkeys(Verdict.values, 0)
    lines = [values.get(LINE) for values in checked]
    if not all(isinstance(n, int) and n > 0 for n in lines) or len(set(lines)) != len(lines):
        lines = list(range(1, len(checked) + 1))
    objects = []
    for line, values in zip(lines, checked, strict=True):
        counts[values["verdict"]] += 1
        objects.append(
            ReportedCompletion(
                batch=batch,
                row=line,
                **{k: values.get(k, BLANK.get(k)) for k in FIELDS},
            )
        )
    for chunk in _chunks(objects, 2000):
        ReportedCompletion.objects.bulk_create(chunk)
    batch.matched = counts[Verdict.MATCHED]
    batch.claimable = counts[Verdict.CLAIMABLE]
    batch.refused = counts[Verdict.REFUSED]
    batch.status = Status.CHECKED
    batch.save(update_fields=["matched", "claimable", "refused", "status"])


# --- Confirm and post -------------------------------------------------------------------------


@transaction.atomic
def confirm(batch: RosterBatch, *, by=None) -> RosterBatch:
    """Post every matched row of a checked batch, in the background; unmatched rows wait to be
    claimed. Confirming twice (or a batch already posted) posts nothing more."""
    batch = RosterBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status in (Status.POSTING, Status.POSTED):
        return batch
    if batch.status != Status.CHECKED:
        raise ValidationError("This roster cannot be confirmed: " + batch.get_status_display())
    batch.status = Status.POSTING
    batch.confirmed_at = timezone.now()
    batch.confirmed_by = by if getattr(by, "pk", None) else None
    batch.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    transaction.on_commit(lambda: _enqueue(batch.pk), robust=True)
    return batch


def _enqueue(batch_id: int) -> None:
    from .tasks import post_batch

    post_batch.enqueue(batch_id)


@transaction.atomic
def discard(batch: RosterBatch) -> None:
    """Drop a checked batch nobody confirmed; nothing was posted."""
    batch = RosterBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Status.CHECKED:
        raise ValidationError("Only a roster waiting for confirmation can be discarded.")
    if batch.file:
        name, storage = batch.file.name, batch.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    batch.delete()


def _post_row(row: ReportedCompletion, *, user, actor, by_label: str) -> CreditEntry:
    """The one way a reported completion enters a ledger: the tracker's own `credit_add`,
    source "provider", then the row keeps the entry (unique per completion). Raises
    ValidationError (the rules' reason) or IntegrityError (already posted)."""
    with transaction.atomic():
        if ReportedCompletion.objects.filter(key=row.key, entry__isnull=False).exists():
            raise IntegrityError("completion already posted")
        course = row.course
        sessions = []
        if row.sessions:
            sessions = list(Session.objects.filter(course=course, code__in=row.sessions))
        entry = tracker_services.credit_add(
            user=user,
            kind=Kind.CONFERENCE if course.is_conference else Kind.APPROVED_COURSE,
            course=course,
            sessions=sessions,
            completion_date=row.completion_date,
            contact_hours=row.hours,
            source=CreditEntry.Source.PROVIDER,
            actor=actor,
            by_label=by_label,
            note=f"Reported by {course.provider.name}.",
        )
        row.entry = entry
        row.user = user
        row.save(update_fields=["entry", "user", "key", "claimed_at"])
    return entry


def post(batch_id: int) -> str:
    """The worker's half of `confirm`: post each matched row not posted yet (safe to run
    twice), refuse with its reason a row the rules will not credit, tell each professional
    once, and mark the batch posted."""
    batch = RosterBatch.objects.select_related("provider", "created_by").filter(pk=batch_id).first()
    if batch is None or batch.status not in (Status.POSTING, Status.POSTED):
        return "nothing to post"
    actor = batch.confirmed_by or batch.created_by
    by_label = batch.who
    pending = (
        batch.completions.filter(verdict=Verdict.MATCHED, entry__isnull=True)
        .select_related("course__provider", "user")
        .order_by("row")
    )
    done = batch.completions.filter(entry__isnull=False).count()
    with rulebook.held():
        done, posted_now = _post_pending(batch, pending, actor, by_label, done)
    _tell(posted_now, batch)
    refused = batch.completions.filter(verdict=Verdict.REFUSED).count()
    matched = batch.completions.filter(verdict=Verdict.MATCHED).count()
    with transaction.atomic():
        RosterBatch.objects.filter(pk=batch.pk).update(
            status=Status.POSTED,
            posted=done,
            matched=matched,
            refused=refused,
            posted_at=batch.posted_at or timezone.now(),
        )
        _touch_claimants(batch.completions.filter(verdict=Verdict.CLAIMABLE))
    return f"posted {len(posted_now)}"


def _touch_claimants(rows) -> None:
    """The people these unmatched rows are (or were) offered to, by email or by certification
    number: My CECs shows offers from a cache kept under their records stamp
    (tracker.freshness). Called in the transaction that changes the rows or their batch, so
    that no page caches the offers as they were under the new stamp."""
    emails = rows.exclude(email="").annotate(lowered=Lower("email")).values("lowered")
    numbers = rows.exclude(certification_number="").values("certification_number")
    holders = (
        Certification.objects.annotate(normal=Upper(Trim("number")))
        .filter(normal__in=numbers)
        .values("user_id")
    )
    people = (
        get_user_model()
        .objects.annotate(lowered=Lower("email"))
        .filter(Q(lowered__in=emails) | Q(pk__in=holders))
    )
    freshness.touch(people.values_list("pk", flat=True))


def _post_pending(batch, pending, actor, by_label: str, done: int):
    posted_now: list[ReportedCompletion] = []
    # The ids first: the rows change as they are posted, which a cursor over them must not see.
    ids = list(pending.values_list("pk", flat=True))
    rows = (row for chunk in _chunks(ids) for row in pending.filter(pk__in=chunk))
    for number, row in enumerate(rows, start=1):
        try:
            _post_row(row, user=row.user, actor=actor, by_label=by_label)
        except ValidationError as error:
            _refuse_late(row, "Not posted: " + " ".join(error.messages))
        except IntegrityError:
            _refuse_late(row, "Duplicate of an earlier report: this completion is already posted.")
        else:
            posted_now.append(row)
            done += 1
        if number % PROGRESS_EVERY == 0:
            RosterBatch.objects.filter(pk=batch.pk).update(posted=done)
    return done, posted_now


def _refuse_late(row: ReportedCompletion, reason: str) -> None:
    ReportedCompletion.objects.filter(pk=row.pk).update(
        verdict=Verdict.REFUSED, reason=reason[:500], user=None
    )


def _tell(rows: list[ReportedCompletion], batch: RosterBatch) -> None:
    """One email per professional: the credit the provider posted for them."""
    by_user: dict[int, list[ReportedCompletion]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, []).append(row)
    link = absolute(reverse("tracker:dashboard"))
    items = [
        {
            "kind": "credit_reported",
            "to": [mine[0].user.email],
            "context": {
                "name": mine[0].user.get_short_name() or mine[0].user.email,
                "provider": batch.provider.name,
                "completions": [
                    {"course": r.course, "date": r.completion_date, "sessions": r.sessions}
                    for r in mine
                ],
                "link": link,
            },
            "about": f"roster:{batch.pk}:user:{user_id}",
        }
        for user_id, mine in by_user.items()
    ]
    with transaction.atomic():
        email_many_later(items)


# --- Result -----------------------------------------------------------------------------------


def result(batch: RosterBatch) -> dict:
    """Counts by verdict and each row's verdict and reason (what the API returns)."""
    rows = list(
        batch.completions.order_by("row").values_list("row", "verdict", "reason", "entry_id")
    )
    counts = dict.fromkeys(Verdict.values, 0)
    for _row, verdict, _reason, _entry in rows:
        counts[verdict] += 1
    return {
        "id": batch.pk,
        "status": batch.status,
        "counts": counts | {"posted": sum(1 for r in rows if r[3] is not None)},
        "rows": [
            {"row": row, "verdict": verdict, "reason": reason, "posted": entry is not None}
            for row, verdict, reason, entry in rows
        ],
    }


# --- Claimable completions --------------------------------------------------------------------


def _numbers(numbers) -> list[str]:
    return [n.strip().upper() for n in numbers if n and n.strip()]


def numbers_of(user) -> list[str]:
    return _numbers(Certification.objects.filter(user=user).values_list("number", flat=True))


def offers_key(user) -> str:
    """What the offers to a person depend on besides their records stamp: their email and last
    name (the rows a roster offers them are matched by these)."""
    text = f"{user.email.casefold()}\n{(user.last_name or '').strip().casefold()}"
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def offers_for(user, *, numbers=None):
    """What providers reported that this person may claim. `numbers`: their certification
    numbers, when the caller has already read their certifications."""
    if not user.is_authenticated:
        return ReportedCompletion.objects.none()
    numbers = numbers_of(user) if numbers is None else _numbers(numbers)
    return ReportedCompletion.objects.claimable_for(user, numbers=numbers).order_by(
        "completion_date", "pk"
    )


def _offered(completion: ReportedCompletion, user) -> ReportedCompletion:
    found = offers_for(user).select_for_update(of=("self",)).filter(pk=completion.pk).first()
    if found is None:
        raise ValidationError("This credit is not offered to you (any more).")
    return found


@transaction.atomic
def claim_accept(*, completion: ReportedCompletion, user) -> CreditEntry:
    """The professional says "that was me": the completion is posted to their ledger through
    the same path as a confirmed roster's, under their identity."""
    row = _offered(completion, user)
    row.key = completion_key(
        row.course_id, _identity_key("", "", "", user.pk), row.completion_date, row.sessions
    )
    row.claimed_at = timezone.now()
    try:
        entry = _post_row(row, user=user, actor=user, by_label=row.batch.who)
    except IntegrityError:
        raise ValidationError("This completion is already on your record.") from None
    ReportedCompletion.objects.filter(pk=row.pk).update(verdict=Verdict.MATCHED)
    _touch_claimants(ReportedCompletion.objects.filter(pk=row.pk))  # anyone else it was offered to
    RosterBatch.objects.filter(pk=row.batch_id).update(
        matched=F("matched") + 1, claimable=F("claimable") - 1, posted=F("posted") + 1
    )
    return entry


@transaction.atomic
def claim_decline(*, completion: ReportedCompletion, user) -> None:
    """ "Not me": never offered to this person again."""
    row = _offered(completion, user)
    row.declined_by = user
    row.declined_at = timezone.now()
    row.save(update_fields=["declined_by", "declined_at"])
    freshness.touch([user.pk])  # the offer leaves their cached My CECs


# --- Disputes ---------------------------------------------------------------------------------


def _summary(entry: CreditEntry) -> str:
    course = entry.course
    name = f"{course.number} {course.title}" if course else entry.title
    return f"{name}, completed {entry.completion_date:%m/%d/%Y}"[:400]


@transaction.atomic
def dispute_open(*, entry: CreditEntry, user, note: str) -> Dispute:
    """A professional tells the reviewers that provider-reported credit is wrong."""
    if entry.user_id != user.pk:
        raise ValidationError("You can dispute only your own credit.")
    if not entry.is_provider_reported:
        raise ValidationError("Only provider-reported credit is disputed; change this one.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Tell the reviewers what is wrong."})
    if Dispute.objects.open().filter(entry=entry).exists():
        raise ValidationError("This credit is already disputed; a reviewer will decide.")
    try:
        with transaction.atomic():
            return Dispute.objects.create(
                entry=entry, summary=_summary(entry), opened_by=user, note=note[:2000]
            )
    except IntegrityError:
        raise ValidationError("This credit is already disputed; a reviewer will decide.") from None


def _open_dispute(dispute: Dispute) -> Dispute:
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError("This dispute is already decided.")
    return dispute


def _decided(dispute: Dispute, status: str, *, by, note: str) -> Dispute:
    dispute.status = status
    dispute.decided_by = by
    dispute.decided_at = timezone.now()
    dispute.decision_note = (note or "").strip()[:2000]
    dispute.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return dispute


@transaction.atomic
def dispute_uphold(*, dispute: Dispute, by, note: str = "") -> Dispute:
    """The reviewer keeps the credit as the provider reported it."""
    dispute = _open_dispute(dispute)
    return _decided(dispute, Dispute.Status.UPHELD, by=by, note=note)


@transaction.atomic
def dispute_withdraw(*, dispute: Dispute, by, note: str = "") -> Dispute:
    """The reviewer removes the credit from the ledger (recorded in its history)."""
    dispute = _open_dispute(dispute)
    if dispute.entry_id is not None:
        reason = f"Withdrawn by a reviewer after a dispute. {note}".strip()
        tracker_services.credit_withdraw(entry=dispute.entry, actor=by, reason=reason)
    return _decided(dispute, Dispute.Status.WITHDRAWN, by=by, note=note)
