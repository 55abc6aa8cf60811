"""Reminders: one `scan` over 10,000 professionals holding 20,000 certifications beside the same
scan over 1,000 (every tenth of them), each with the queries it made.

Each person holds two certifications (ACE, NASM, AFAA, ACSM) with their current cycle, a few
ledger entries (about a third have met one requirement) and, seven in ten, a CPR/AED card.
Deadlines spread as they would: most over the next two years, one in sixteen passed (in
grace, or lapsed). The first scan is the heaviest a deployment sees (nothing sent yet: every
due mark goes out); the next one, a minute later, is what every tick costs.
"""

import datetime
import random
import time
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

PEOPLE = 10_000
PROGRAMS = (
    ("ace", "Certified Personal Trainer"),
    ("ace", "Group Fitness Instructor"),
    ("ace", "Health Coach"),
    ("nasm", "Certified Personal Trainer"),
    ("afaa", "Certified Group Fitness Instructor"),
    ("acsm", "Certified Personal Trainer"),
)
GOAL_SECONDS = 10.0


def _programs():
    from tracker import rulebook
    from tracker.models import Program

    certifiers = rulebook.certifiers_data()
    programs = [
        Program.objects.select_related("certifier").get(certifier__code=code, name=name)
        for code, name in PROGRAMS
    ]
    return programs, certifiers


def _deadline_offset(rng: random.Random) -> int:
    """Days from today to a current cycle's deadline: one in sixteen passed (up to 8 months
    ago: in grace, or lapsed), the others over the next two years."""
    if rng.random() < 1 / 16:
        return -rng.randrange(1, 240)
    return rng.randrange(0, 730)


def _cycle(certifier, today, offset):
    from tracker import rules

    due = today + datetime.timedelta(days=offset)
    earned_on = due - relativedelta(months=certifier.cycle_months)
    return earned_on, rules.first_cycle(certifier, earned_on)


def _build(numbers, programs, certifiers, today, seed):
    """People `numbers` (ints) with their certifications, cycles, ledgers and cards."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import PROFESSIONAL
    from tracker.models import Certification, CprCard, CreditEntry, Cycle, EntryCredit, Kind

    rng = random.Random(seed)
    users = User.objects.bulk_create(
        [
            User(email=f"bench-reminders-{n}@example.com", first_name=f"Pro{n}", password="!")
            for n in numbers
        ],
        batch_size=1000,
    )
    group = Group.objects.get_or_create(name=PROFESSIONAL)[0]
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=1000
    )
    certifications, cycle_data = [], []
    for i, user in enumerate(users):
        first = i % len(programs)
        for program in (programs[first], programs[(first + 2) % len(programs)]):
            certifier = certifiers[program.certifier_id]
            earned_on, cycle = _cycle(certifier, today, _deadline_offset(rng))
            certifications.append(Certification(user=user, program=program, earned_on=earned_on))
            cycle_data.append(cycle)
    Certification.objects.bulk_create(certifications, batch_size=1000)
    Cycle.objects.bulk_create(
        [
            Cycle(certification=c, starts_on=data.starts_on, ends_on=data.ends_on)
            for c, data in zip(certifications, cycle_data, strict=True)
        ],
        batch_size=1000,
    )
    entries, claims = [], []
    for certification, cycle in zip(certifications, cycle_data, strict=True):
        certifier = certifiers[certification.program.certifier_id]
        rule_set = certifier.rules_on(cycle.starts_on)
        category = rule_set.activity(Kind.APPROVED_COURSE).category
        met = rng.random() < 0.33
        pieces = [rule_set.required] if met else [Decimal("0.5")] * rng.randrange(0, 3)
        for credit in pieces:
            span = max((min(today, cycle.ends_on) - cycle.starts_on).days, 1)
            entry = CreditEntry(
                user_id=certification.user_id,
                kind=Kind.APPROVED_COURSE,
                title="Bench course",
                completion_date=cycle.starts_on + datetime.timedelta(days=rng.randrange(span)),
                credit=credit,
            )
            entries.append(entry)
            claims.append((entry, certifier.id, category, credit))
    CreditEntry.objects.bulk_create(entries, batch_size=1000)
    EntryCredit.objects.bulk_create(
        [
            EntryCredit(entry=e, certifier_id=c, category=cat, credit=credit)
            for e, c, cat, credit in claims
        ],
        batch_size=1000,
    )
    cards = []
    for user in users:
        if rng.random() < 0.7:
            expires_on = today + datetime.timedelta(days=rng.randrange(-100, 800))
            issued_on = expires_on - relativedelta(years=2)
            cards.append(CprCard(user=user, issued_on=issued_on, expires_on=expires_on))
    CprCard.objects.bulk_create(cards, batch_size=1000)
    return len(users), len(certifications), len(entries), len(cards)


def _scan(now):
    """One scan: (seconds, emails queued, queries)."""
    from notices import reminders

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        sent = reminders.scan(now=now)
        seconds = time.perf_counter() - start
    return seconds, sent, queries


def query_bound(people: int, emails: int, batch: int) -> int:
    """The most queries a scan makes (with no course or petition due, as here, and no other
    scan at the same time): 11 to find who is due (5 for the rules, 2 for cycles and cards, 1
    for the programs' names, 1 for courses, 2 for the digest); per batch of people found, 1 for
    what was sent, 6 to load them, 3 to send (the reminder rows, the emails, their links) and,
    on SQLite, the BEGIN of its transaction and of its tasks' (2); per email, its task (1).
    Nothing per subject recorded. Courses due add 2 per 500 courses, a digest 2."""
    return 11 + 12 * -(-people // batch) + emails


def _subjects() -> int:
    from notices.models import Reminder

    return Reminder.objects.values("subject").distinct().count()


def _forget_sent():
    """Back to a database where nothing was sent yet."""
    from django_tasks_db.models import DBTaskResult

    from notices.models import Email, Reminder

    Reminder.objects.all().delete()
    Email.objects.all().delete()
    DBTaskResult.objects.all().delete()


def run(bench):
    from notices import reminders

    programs, certifiers = _programs()
    now = timezone.now()
    today = timezone.localdate(now)
    tenth = PEOPLE // 10
    built = _build(range(0, PEOPLE, 10), programs, certifiers, today, seed=1)
    print(
        f"  built {built[0]:,} people, {built[1]:,} certifications, {built[2]:,} entries, "
        f"{built[3]:,} cards",
        flush=True,
    )
    small_first = _scan(now)
    small_subjects = _subjects()
    small_next = _scan(now + datetime.timedelta(minutes=1))
    _forget_sent()
    more = _build((n for n in range(PEOPLE) if n % 10), programs, certifiers, today, seed=2)
    print(
        f"  built {more[0]:,} more people, {more[1]:,} certifications, {more[2]:,} entries, "
        f"{more[3]:,} cards",
        flush=True,
    )
    large_first = _scan(now)
    large_subjects = _subjects()
    large_next = _scan(now + datetime.timedelta(minutes=1))

    bench.report(
        f"scan, first run @ {PEOPLE:,} people (target < {GOAL_SECONDS:.0f} s)",
        large_first[0],
        "s",
        small_first[0],
        f"@ {tenth:,} people",
    )
    bench.report(
        f"scan, a minute later (nothing new) @ {PEOPLE:,} people",
        large_next[0] * 1000,
        "ms",
        small_next[0] * 1000,
        f"@ {tenth:,} people",
    )
    for label, people, (_seconds, sent, queries), subjects in (
        (f"first run @ {PEOPLE:,}", PEOPLE, large_first, large_subjects),
        (f"first run @ {tenth:,}", tenth, small_first, small_subjects),
        (f"a minute later @ {PEOPLE:,}", PEOPLE, large_next, 0),
        (f"a minute later @ {tenth:,}", tenth, small_next, 0),
    ):
        bound = query_bound(people, sent, reminders.BATCH_SIZE)
        print(
            f"  {label:<28} {sent:>6,} emails, {subjects:>6,} subjects recorded, "
            f"{queries:>7,} queries (bound {bound:,})",
            flush=True,
        )
        if queries > bound:
            print("  WARNING: more queries than the bound.", flush=True)
    if large_first[0] >= GOAL_SECONDS:
        print("  WARNING: the first scan is over its 10 s target.", flush=True)
