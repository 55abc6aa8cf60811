"""Reminders, each sent exactly once.

`scan(now=...)` is a periodic job (settings.PERIODIC_JOBS, run every minute by `tick`). It sends:

* for each professional's current cycle not yet met: a reminder 90, 30 and 7 days before the
  deadline, "grace" the day after it (when the certifier gives a grace period) and "lapse" the
  day after the grace period ends — subject "cycle:<id>";
* "card-expiring", 60 days before a CPR/AED card expires when it expires before a current
  cycle's deadline (and no other card of the person covers that deadline) — "card:<id>";
* "120d" and "30d" before a course approval expires, to the provider's staff — "course:<id>";
* "petitions", a weekly digest of the petitions past the reviewers' target — "digest:2026-W05".

Exactly once: the `Reminder` rows for (subject, mark) are inserted first, in the transaction
that then queues the emails; the unique constraint refuses a second insert, so of two scans
running at the same moment only one sends. A batch's rows go in with one insert, which the
constraint refuses whole when another scan recorded any of them first: the batch is then
rolled back and sent again a savepoint per subject, so that only those are left out. A scan
that did not run for a while sends only the most urgent mark due for each subject and records
the earlier ones without an email (`email` None), so they never go out late. A met cycle's
mark is also recorded without an email: there is nothing to remind, and it need not be looked
at again.

Deadline and card reminders honour `Preferences.reminders`; approval notices and digests honour
`Preferences.digests` (no preferences row: both on). A notice for several people (a provider's
staff, the reviewers) goes to each as their own copy, with their own unsubscribe link.

Cost: the people worth a look are found in SQL (an open cycle whose 90-day mark has come and
whose lapse is at most a month old; a card within 60 days of expiring before an open cycle's
deadline; both without those who turned reminders off). They are handled `BATCH_SIZE` at a
time: one query for the marks already recorded and, when something is due, six to load the
people, their certifications, open cycles, ledger entries with claims and cards, evaluated with
the pure rules; then one transaction for the batch: one insert for its reminders, one for
their emails, one update linking them; once it commits, one more for the emails' tasks (an
insert each with the database queue). Only when another scan got to some of the batch first
does it cost, per subject, a savepoint, its rows and its release, and per subject emailed its
emails and link (`bench/bench_reminders.py` states the bound).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import REVIEW_PETITIONS, holders_of
from catalog.models import Course
from petitions.models import Petition
from tracker import rulebook, rules, selectors
from tracker.models import Certification, CprCard, Cycle, Program
from tracker.selectors import certification_name

from .models import Reminder
from .services import LISTS, absolute, email_many_later

BATCH_SIZE = 500
ONE_DAY = datetime.timedelta(days=1)

# Days before a deadline, and the mark recorded for each, least urgent first.
DEADLINE_MARKS = ((90, "90d"), (30, "30d"), (7, "7d"))
GRACE = "grace"
LAPSE = "lapse"
# A lapse older than this is no news: a scan that was down longer does not announce it.
LAPSE_NOTICE_DAYS = 30
CARD_MARK = "card-expiring"
CARD_DAYS = 60
COURSE_MARKS = ((120, "120d"), (30, "30d"))
DIGEST_MARK = "petitions"
# The oldest overdue petitions a digest names (it counts them all).
DIGEST_LISTED = 20

DEADLINE_KIND = "reminder_deadline"
KINDS = {GRACE: "reminder_grace", LAPSE: "reminder_lapse"}


# --- What is due (pure) -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    name: str
    due_on: datetime.date
    until: datetime.date  # the last day it is still worth sending


@dataclass(frozen=True, slots=True)
class Plan:
    """The mark to send now for one subject, and the earlier ones it makes moot."""

    subject: str
    send: Mark
    skipped: tuple[Mark, ...] = ()


def countdown(day: datetime.date, marks: Sequence[tuple[int, str]]) -> list[Mark]:
    """Marks `days` before `day`, each worth sending until `day` itself."""
    return [Mark(name, day - datetime.timedelta(days=days), day) for days, name in marks]


def cycle_marks(deadline: datetime.date, grace_ends_on: datetime.date) -> list[Mark]:
    """A cycle's marks, least urgent first: the countdown to the deadline, "grace" the day
    after it (only when there is a grace period), "lapse" the day after the grace ends."""
    marks = countdown(deadline, DEADLINE_MARKS)
    if grace_ends_on > deadline:
        marks.append(Mark(GRACE, deadline + ONE_DAY, grace_ends_on))
    lapse = grace_ends_on + ONE_DAY
    marks.append(Mark(LAPSE, lapse, lapse + datetime.timedelta(days=LAPSE_NOTICE_DAYS)))
    return marks


def plan(
    subject: str, marks: Sequence[Mark], *, today: datetime.date, recorded: Iterable[str] = ()
) -> Plan | None:
    """What to send today: the most urgent mark due, unless it is recorded already or too old
    to be worth sending; the earlier due marks not recorded yet are skipped with it."""
    recorded = set(recorded)
    due = [mark for mark in marks if mark.due_on <= today]
    if not due:
        return None
    latest = due[-1]
    if latest.name in recorded or today > latest.until:
        return None
    return Plan(subject, latest, tuple(m for m in due[:-1] if m.name not in recorded))


def digest_subject(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"digest:{year}-W{week:02d}"


# --- Sending once ---------------------------------------------------------------------------


Emails = Callable[[Reminder], list[dict]]


@dataclass(frozen=True, slots=True)
class Send:
    """A reminder ready to go: its plan, whose it is, and the emails it queues, as
    `email_later`'s arguments for the reminder recorded (None: the mark is recorded with no
    email, there being nothing to remind)."""

    plan: Plan
    user: User | None = None
    emails: Emails | None = None

    def rows(self) -> list[Reminder]:
        """The mark sent now first, then the ones it makes moot: recorded without an email,
        never sent later."""
        subject, user = self.plan.subject, self.user
        marks = (self.plan.send, *self.plan.skipped)
        return [Reminder(subject=subject, mark=m.name, user=user, due_on=m.due_on) for m in marks]


def _queue(recorded: Sequence[tuple[Reminder, Send]]) -> int:
    """Store the emails of reminders just recorded (one insert), link each reminder to its
    first email (one update); they leave once the transaction commits. Returns the emails
    queued."""
    owners, items = [], []
    for reminder, send in recorded:
        for item in send.emails(reminder) if send.emails else ():
            owners.append(reminder)
            items.append(item)
    emails = email_many_later(items)
    linked: dict[int, Reminder] = {}
    for reminder, email in zip(owners, emails, strict=True):
        if email is not None and reminder.pk not in linked:
            reminder.email = email
            linked[reminder.pk] = reminder
    if linked:
        Reminder.objects.bulk_update(list(linked.values()), ["email"])
    return sum(email is not None for email in emails)


def _send_once(send: Send) -> int:
    """Record the mark (and the ones it makes moot) first, then queue its emails, all in one
    savepoint: when another scan recorded any of them first, the unique constraint refuses
    the rows, this rolls back and nothing is sent. Returns the emails queued."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.bulk_create(send.rows())[0]
            return _queue([(reminder, send)])
    except IntegrityError:
        return 0  # another scan sent it (or settled it): nothing more to do here


def _send_batch(sends: Sequence[Send]) -> int:
    """Every reminder of the batch recorded with one insert, which the unique constraint
    refuses whole when another scan recorded any of them first; then their emails."""
    rows = [send.rows() for send in sends]
    Reminder.objects.bulk_create([row for group in rows for row in group])
    return _queue([(group[0], send) for group, send in zip(rows, sends, strict=True)])


def send_all(sends: Iterable[Send]) -> int:
    """Send a batch in one transaction, in subject order: one insert for its reminders, one
    for its emails, one update linking them, and two scans at once take the rows' locks in
    the same order (no deadlock). When another scan recorded any of the rows first, the
    transaction rolls back whole and the batch is sent again a savepoint per reminder, so
    that only those are left out. The emails leave once the batch commits. Returns the
    emails queued."""
    sends = sorted(sends, key=lambda s: s.plan.subject)
    if not sends:
        return 0
    try:
        with transaction.atomic():
            return _send_batch(sends)
    except IntegrityError:
        with transaction.atomic():
            return sum(_send_once(send) for send in sends)


def _recorded(subjects: Iterable[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    rows = (
        Reminder.objects.filter(subject__in=list(subjects))
        .order_by()
        .values_list("subject", "mark")
    )
    for subject, mark in rows:
        found.setdefault(subject, set()).add(mark)
    return found


def _chunks(items: Sequence, size: int | None = None):
    size = size or BATCH_SIZE
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _footer(list_name: str) -> dict:
    return {"list_label": LISTS[list_name], "profile_url": absolute(reverse("accounts:profile"))}


# --- Professionals: cycles and cards --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Due:
    """A cycle or a card the SQL found worth a look."""

    id: int
    user_id: int
    certifier_id: int | None
    starts_on: datetime.date | None
    ends_on: datetime.date  # a cycle's deadline; a card's expiry


@dataclass(slots=True)
class _Person:
    user: User
    certifications: list[rules.CertificationData]
    entries: list[rules.EntryData]
    cards: list[rules.CprCardData]


def _wants_reminders(prefix: str) -> Q:
    return Q(**{f"{prefix}is_active": True}) & ~Q(
        **{f"{prefix}notice_preferences__reminders": False}
    )


def _due_cycles(today: datetime.date, certifiers: dict[int, rules.Certifier]) -> list[_Due]:
    """Open cycles whose 90-day mark has come and whose lapse is at most a month old (by the
    longest grace period of their certifier), of people who want reminders."""
    if not certifiers:
        return []
    window = Q()
    for certifier in certifiers.values():
        grace = max((r.grace_months for r in certifier.rule_sets), default=0)
        oldest = today - relativedelta(months=grace, days=LAPSE_NOTICE_DAYS + 1)
        window |= Q(certification__program__certifier_id=certifier.id, ends_on__gte=oldest)
    rows = (
        Cycle.objects.filter(
            window,
            _wants_reminders("certification__user__"),
            renewed_on__isnull=True,
            ends_on__lte=today + datetime.timedelta(days=DEADLINE_MARKS[0][0]),
        )
        .order_by()
        .values_list(
            "pk",
            "certification__user_id",
            "certification__program__certifier_id",
            "starts_on",
            "ends_on",
        )
    )
    return [_Due(*row) for row in rows]


def _due_cards(today: datetime.date) -> list[_Due]:
    """Cards within 60 days of expiring, before the deadline of an open cycle of their owner,
    of people who want reminders."""
    before_deadline = Cycle.objects.filter(
        certification__user=OuterRef("user"),
        renewed_on__isnull=True,
        ends_on__gt=OuterRef("expires_on"),
    )
    rows = (
        CprCard.objects.filter(
            _wants_reminders("user__"),
            Exists(before_deadline),
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=CARD_DAYS),
        )
        .order_by()
        .values_list("pk", "user_id", "expires_on")
    )
    return [_Due(pk, user_id, None, None, expires_on) for pk, user_id, expires_on in rows]


def program_names() -> dict[int, str]:
    """Each program's name as the portal writes it ("ACE CPT"), by program id: one query."""
    programs = Program.objects.select_related("certifier")
    return {p.pk: certification_name(Certification(program=p)) for p in programs}


def _load(
    user_ids: Iterable[int], *, ledgers: Iterable[int], since: datetime.date, names: dict
) -> dict[int, _Person]:
    """The people, their certifications with the open cycles, their cards and, for `ledgers`,
    the ledger entries from `since` on with their claims, as the rules' dataclasses: six
    queries. Rows are read as plain values: a model instance per row would cost more than
    the rules themselves (the same mapping as tracker.selectors, without the instances)."""
    user_ids = list(user_ids)
    users = User.objects.filter(pk__in=user_ids).only("pk", "email", "first_name")
    people = {user.pk: _Person(user, [], [], []) for user in users}
    cycles: dict[int, list[rules.CycleData]] = {}
    open_cycles = Cycle.objects.filter(
        certification__user_id__in=user_ids, renewed_on__isnull=True
    ).values_list("pk", "certification_id", "starts_on", "ends_on")
    for pk, certification_id, starts_on, ends_on in open_cycles.order_by():
        cycles.setdefault(certification_id, []).append(rules.CycleData(pk, starts_on, ends_on))
    certifications = Certification.objects.filter(user_id__in=user_ids).values_list(
        "pk", "user_id", "program_id", "program__certifier_id", "earned_on"
    )
    for pk, user_id, program_id, certifier_id, earned_on in certifications.order_by("pk"):
        if program_id not in names:  # a program added since the scan began
            names.update(program_names())
        people[user_id].certifications.append(
            rules.CertificationData(
                pk,
                certifier_id,
                program_id,
                names[program_id],
                earned_on,
                tuple(cycles.get(pk, ())),
            )
        )
    ledgers = [pk for pk in ledgers if pk in people]
    if ledgers:
        for user_id, entries in selectors.ledgers_data(ledgers, since=since).items():
            people[user_id].entries.extend(entries)
    cards = CprCard.objects.filter(user_id__in=list(people)).values_list(
        "pk", "user_id", "issued_on", "expires_on"
    )
    for pk, user_id, issued_on, expires_on in cards.order_by("-expires_on", "-pk"):
        people[user_id].cards.append(rules.CprCardData(pk, issued_on, expires_on))
    return people


def _cycle_plans(due: Sequence[_Due], today, certifiers, recorded) -> list[tuple[_Due, Plan]]:
    plans = []
    for cycle in due:
        certifier = certifiers[cycle.certifier_id]
        rule_set = certifier.rules_on(cycle.starts_on)
        grace_ends_on = rules.grace_end(certifier, rule_set, cycle.ends_on)
        subject = f"cycle:{cycle.id}"
        found = plan(
            subject,
            cycle_marks(cycle.ends_on, grace_ends_on),
            today=today,
            recorded=recorded.get(subject, ()),
        )
        if found is not None:
            plans.append((cycle, found))
    return plans


def _card_plans(due: Sequence[_Due], today, recorded) -> list[tuple[_Due, Plan]]:
    plans = []
    for card in due:
        subject = f"card:{card.id}"
        marks = countdown(card.ends_on, ((CARD_DAYS, CARD_MARK),))
        found = plan(subject, marks, today=today, recorded=recorded.get(subject, ()))
        if found is not None:
            plans.append((card, found))
    return plans


def _people(today: datetime.date, certifiers: dict[int, rules.Certifier]) -> int:
    by_user: dict[int, list[_Due]] = {}
    cards_by_user: dict[int, list[_Due]] = {}
    for cycle in _due_cycles(today, certifiers):
        by_user.setdefault(cycle.user_id, []).append(cycle)
    for card in _due_cards(today):
        cards_by_user.setdefault(card.user_id, []).append(card)
    sent = 0
    names: dict[int, str] = {}
    for chunk in _chunks(sorted(set(by_user) | set(cards_by_user))):
        cycles = [c for user_id in chunk for c in by_user.get(user_id, ())]
        cards = [c for user_id in chunk for c in cards_by_user.get(user_id, ())]
        subjects = [f"cycle:{c.id}" for c in cycles] + [f"card:{c.id}" for c in cards]
        recorded = _recorded(subjects)
        cycle_plans = _cycle_plans(cycles, today, certifiers, recorded)
        card_plans = _card_plans(cards, today, recorded)
        if cycle_plans or card_plans:
            names = names or program_names()
            sent += _remind_batch(cycle_plans, card_plans, today, certifiers, names)
    return sent


def _remind_batch(cycle_plans, card_plans, today, certifiers, names) -> int:
    ledgers = {cycle.user_id for cycle, _ in cycle_plans}
    since = min((cycle.starts_on for cycle, _ in cycle_plans), default=today)
    people = _load(
        ledgers | {card.user_id for card, _ in card_plans},
        ledgers=ledgers,
        since=since,
        names=names,
    )
    link = absolute(reverse("tracker:dashboard"))
    sends: list[Send] = []
    by_user: dict[int, list[tuple[_Due, Plan]]] = {}
    for cycle, found in cycle_plans:
        by_user.setdefault(cycle.user_id, []).append((cycle, found))
    for user_id, plans in by_user.items():
        person = people.get(user_id)
        if person is not None:
            sends += _cycle_sends(person, plans, today, certifiers, link)
    for card, found in card_plans:
        person = people.get(card.user_id)
        if person is not None:
            sends += _card_sends(person, card, found, certifiers, link)
    return send_all(sends)


def _cycle_sends(person: _Person, plans, today, certifiers, link: str) -> list[Send]:
    """Evaluate the person's certifications whose current cycle has a mark due."""
    wanted = {cycle.id for cycle, _ in plans}
    certifications = [
        c for c in person.certifications if c.current_cycle and c.current_cycle.id in wanted
    ]
    results = rules.evaluate(
        certifications=certifications,
        entries=person.entries,
        cpr_cards=person.cards,
        certifiers=certifiers,
        today=today,
        current_only=True,
    )
    by_cycle = {r.cycle.id: r for r in results if r.is_current and not r.is_closed}
    sends = []
    for cycle, found in plans:
        result = by_cycle.get(cycle.id)
        if result is None:  # renewed, or no longer the current cycle
            continue
        certifier = certifiers[cycle.certifier_id]
        # A met cycle needs no reminder: its mark is recorded without one.
        emails = None if result.met else _cycle_email(person.user, result, found, certifier, link)
        sends.append(Send(found, person.user, emails))
    return sends


def _cycle_email(user, result: rules.CycleResult, found: Plan, certifier, link: str):
    needed = [rules.amount(result.remaining, result.unit)] if result.remaining > 0 else []
    also = list(result.shortfalls)
    if result.cpr_required and not result.cpr_ok:
        also.append("A current adult CPR/AED card (with a live skills check).")
    context = {
        "name": user.first_name,
        "certification": result.certification.name,
        "certifier": certifier.code,
        "deadline": rules.us_date(result.deadline),
        "grace_ends_on": rules.us_date(result.grace_ends_on),
        "has_grace": result.grace_ends_on > result.deadline,
        "days_left": result.days_left,
        "needed": needed[0] if needed else "",
        "also_needed": also,
        "link": link,
        **_footer("reminders"),
    }
    return _to_one(user, KINDS.get(found.send.name, DEADLINE_KIND), context)


def _to_one(user: User, kind: str, context: dict) -> Emails:
    """The person's reminder, with their unsubscribe link."""

    def emails(reminder: Reminder) -> list[dict]:
        return [
            {
                "kind": kind,
                "to": [user.email],
                "context": context,
                "user": user,
                "unsubscribe_list": "reminders",
                "about": f"notices.Reminder:{reminder.pk}",
            }
        ]

    return emails


def card_deadlines(
    card: rules.CprCardData, person: _Person, certifiers: dict[int, rules.Certifier]
) -> list[tuple[str, datetime.date]]:
    """The current cycles (name, deadline) the card runs out before: those whose certifier
    needs a card and that no other card of the person covers."""
    found = []
    for certification in person.certifications:
        cycle = certification.current_cycle
        if cycle is None or cycle.ends_on <= card.expires_on:
            continue
        certifier = certifiers.get(certification.certifier_id)
        if (
            certifier is None
            or certifier.rules_on(cycle.starts_on).cpr_window == rules.CprWindow.NONE
        ):
            continue
        if any(o.id != card.id and o.current_on(cycle.ends_on) for o in person.cards):
            continue
        found.append((certification.name, cycle.ends_on))
    return sorted(found, key=lambda item: item[1])


def _card_sends(person: _Person, due: _Due, found: Plan, certifiers, link: str) -> list[Send]:
    card = next((c for c in person.cards if c.id == due.id), None)
    if card is None:
        return []
    deadlines = card_deadlines(card, person, certifiers)
    if not deadlines:  # another card covers every deadline: nothing to say, for now
        return []
    user = person.user
    context = {
        "name": user.first_name,
        "expires_on": rules.us_date(card.expires_on),
        "deadlines": [(name, rules.us_date(day)) for name, day in deadlines],
        "link": link,
        **_footer("reminders"),
    }
    return [Send(found, user, _to_one(user, "reminder_card", context))]


# --- Provider staff: course approvals expiring ----------------------------------------------


def _wants_digests() -> Q:
    return Q(is_active=True) & ~Q(notice_preferences__digests=False)


def _courses(today: datetime.date) -> int:
    courses = list(
        Course.objects.approved()
        .filter(
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=COURSE_MARKS[0][0]),
        )
        .only("pk", "number", "title", "expires_on", "provider_id")
        .order_by("pk")
    )
    sent = 0
    for chunk in _chunks(courses):
        recorded = _recorded(f"course:{c.pk}" for c in chunk)
        plans = []
        for course in chunk:
            subject = f"course:{course.pk}"
            marks = countdown(course.expires_on, COURSE_MARKS)
            found = plan(subject, marks, today=today, recorded=recorded.get(subject, ()))
            if found is not None:
                plans.append((course, found))
        if plans:
            sent += _remind_staff(plans, today)
    return sent


def _remind_staff(plans: list[tuple[Course, Plan]], today: datetime.date) -> int:
    staff: dict[int, list[User]] = {}
    people = User.objects.filter(
        _wants_digests(), provider_id__in={course.provider_id for course, _ in plans}
    ).order_by("pk")
    for person in people:
        staff.setdefault(person.provider_id, []).append(person)
    sends = []
    for course, found in plans:
        recipients = staff.get(course.provider_id)
        if not recipients:  # nobody to tell yet: looked at again on the next scan
            continue
        context = {
            "number": course.number,
            "title": course.title,
            "expires_on": rules.us_date(course.expires_on),
            "days_left": (course.expires_on - today).days,
            "link": absolute(reverse("catalog:provider-course-detail", args=[course.pk])),
            **_footer("digests"),
        }
        sends.append(Send(found, None, _to_each(recipients, "approval_expiring", context)))
    return send_all(sends)


def _to_each(recipients: Iterable[User], kind: str, context: dict):
    """One email per person, each with its own unsubscribe link."""

    def emails(reminder: Reminder) -> list[dict]:
        return [
            {
                "kind": kind,
                "to": [person.email],
                "context": {"name": person.first_name, **context},
                "user": person,
                "unsubscribe_list": "digests",
                "about": f"notices.Reminder:{reminder.pk}",
            }
            for person in recipients
        ]

    return emails


# --- Reviewers: the weekly digest of overdue petitions --------------------------------------


def reviewers():
    """Who may review petitions (through a group, granted directly, or an admin) and wants
    digests."""
    return (
        User.objects.filter(_wants_digests())
        .filter(pk__in=holders_of(REVIEW_PETITIONS).values("pk"))
        .order_by("pk")
    )


def _digest(now: datetime.datetime, today: datetime.date) -> int:
    subject = digest_subject(today)
    if Reminder.objects.filter(subject=subject, mark=DIGEST_MARK).exists():
        return 0
    target = settings.PETITION_TARGET_DAYS
    overdue = Petition.objects.open().aged("overdue", now=now, target_days=target)
    count = overdue.count()
    if not count:
        return 0
    recipients = list(reviewers())
    if not recipients:
        return 0
    monday = today - datetime.timedelta(days=today.weekday())
    week = Plan(subject, Mark(DIGEST_MARK, monday, monday + datetime.timedelta(days=6)))
    review = "petitions:review"
    listed = [
        {
            "title": petition.course_title,
            "submitted_on": rules.us_date(timezone.localdate(petition.submitted_at)),
            "days": petition.age_days(now),
            "link": absolute(reverse(review, args=[petition.pk])),
        }
        for petition in overdue.first_come_first_served()[:DIGEST_LISTED]
    ]
    context = {
        "count": count,
        "target": target,
        "petitions": listed,
        "more": count - len(listed),
        "week": subject.removeprefix("digest:"),
        "link": absolute(reverse("petitions:queue") + "?age=overdue"),
        **_footer("digests"),
    }
    return send_all([Send(week, None, _to_each(recipients, "digest_petitions", context))])


# --- The job --------------------------------------------------------------------------------


def scan(*, now: datetime.datetime) -> int:
    """Send every reminder due at `now` that was not sent yet; returns the emails queued."""
    today = timezone.localdate(now)
    certifiers = rulebook.certifiers_data()
    return _people(today, certifiers) + _courses(today) + _digest(now, today)
