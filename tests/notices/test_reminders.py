"""Reminders: each mark on its day, exactly once, by a clock handed to the scan (no date is
mocked). The timeline: ACE CPT earned 03/10/2024, deadline 03/31/2026, grace to 09/30/2026."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from notices import reminders
from notices import services as notices
from notices import tasks as notice_tasks
from notices.models import Email, Preferences, Reminder
from petitions.models import Petition
from tests.accounts.factories import (
    AdminFactory,
    ProfessionalFactory,
    ProviderStaffFactory,
    ReviewerFactory,
)
from tests.catalog.factories import CourseFactory, ProviderFactory
from tests.petitions.factories import PetitionFactory
from tests.tracker.factories import CprCardFactory, CreditEntryFactory
from tracker import services
from tracker.models import Program

D = datetime.date
EARNED = D(2024, 3, 10)
DEADLINE = D(2026, 3, 31)
GRACE_ENDS = D(2026, 9, 30)
ONE_DAY = datetime.timedelta(days=1)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """A moment of that local day: what `tick` hands the scan."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def twice(day: datetime.date) -> int:
    """Two scans on one day (the job runs every minute): what they queued in all."""
    return reminders.scan(now=at(day)) + reminders.scan(now=at(day, 17))


def marks(subject: str) -> list[tuple[str, bool]]:
    """(mark, emailed?) recorded for a subject, in the order recorded."""
    rows = Reminder.objects.filter(subject=subject).order_by("pk")
    return [(r.mark, r.email_id is not None) for r in rows]


def ace_cpt(user, earned_on=EARNED):
    program = Program.objects.get(certifier__code="ace", name="Certified Personal Trainer")
    return services.certification_add(
        user=user, program=program, earned_on=earned_on, today=D(2025, 6, 1)
    )


@pytest.fixture
def cycle(professional):
    return ace_cpt(professional).cycles.get()


@pytest.fixture
def subject(cycle):
    return f"cycle:{cycle.pk}"


# --- The pure part -----------------------------------------------------------------------------


def test_the_marks_of_a_cycle():
    found = reminders.cycle_marks(DEADLINE, GRACE_ENDS)
    assert [(m.name, m.due_on) for m in found] == [
        ("90d", D(2025, 12, 31)),
        ("30d", D(2026, 3, 1)),
        ("7d", D(2026, 3, 24)),
        ("grace", D(2026, 4, 1)),
        ("lapse", D(2026, 10, 1)),
    ]


def test_no_grace_period_means_no_grace_mark():
    found = reminders.cycle_marks(DEADLINE, DEADLINE)
    assert [m.name for m in found] == ["90d", "30d", "7d", "lapse"]
    assert found[-1].due_on == DEADLINE + ONE_DAY


def test_the_plan_sends_the_most_urgent_due_mark_and_skips_the_rest():
    found = reminders.cycle_marks(DEADLINE, GRACE_ENDS)
    plan = reminders.plan("cycle:1", found, today=D(2026, 3, 26), recorded={"90d"})
    assert plan.send.name == "7d"
    assert [m.name for m in plan.skipped] == ["30d"]
    assert reminders.plan("cycle:1", found, today=D(2026, 3, 26), recorded={"7d"}) is None
    assert reminders.plan("cycle:1", found, today=D(2025, 12, 30)) is None
    # A lapse more than a month old is not announced.
    assert reminders.plan("cycle:1", found, today=D(2026, 11, 15)) is None


# --- A cycle's reminders, day by day -----------------------------------------------------------


def walk() -> list[datetime.date]:
    """Every tenth day from 12/01/2025 to 11/15/2026, and the days before and after each mark."""
    days = {D(2025, 12, 1) + datetime.timedelta(days=n) for n in range(0, 350, 10)}
    for mark in reminders.cycle_marks(DEADLINE, GRACE_ENDS):
        days |= {mark.due_on + datetime.timedelta(days=n) for n in (-1, 0, 1)}
    return sorted(days)


def test_each_mark_goes_out_once_on_its_day(professional, subject):
    sent_on = {}
    for day in walk():
        before = set(Reminder.objects.filter(subject=subject).values_list("mark", flat=True))
        queued = twice(day)
        after = set(Reminder.objects.filter(subject=subject).values_list("mark", flat=True))
        assert queued == len(after - before), day
        for mark in after - before:
            sent_on[mark] = day
    assert sent_on == {
        "90d": D(2025, 12, 31),
        "30d": D(2026, 3, 1),
        "7d": D(2026, 3, 24),
        "grace": D(2026, 4, 1),
        "lapse": D(2026, 10, 1),
    }
    assert marks(subject) == [(m, True) for m in ("90d", "30d", "7d", "grace", "lapse")]
    emails = Email.objects.filter(to=[professional.email])
    assert emails.count() == 5
    assert (
        Reminder.objects.values("subject", "mark").annotate(n=Count("pk")).filter(n__gt=1).count()
        == 0
    )


def test_the_90_day_reminder_says_what_is_needed(professional, subject):
    assert twice(D(2025, 12, 30)) == 0
    assert twice(D(2025, 12, 31)) == 1
    assert twice(D(2026, 1, 1)) == 0
    email = Reminder.objects.get(subject=subject, mark="90d").email
    assert email.kind == "reminder_deadline"
    assert email.to == [professional.email]
    assert "ACE" in email.subject and "03/31/2026" in email.subject
    assert "90 days" in email.subject
    assert "03/31/2026" in email.body_text
    assert "You still need 2.0 CECs to renew." in email.body_text
    assert "http://testserver/my/cecs/" in email.body_text
    assert "http://testserver/my/cecs/" in email.body_html
    assert "/notices/unsubscribe/" in email.body_text
    assert (email.user_id, email.unsubscribe_list) == (professional.pk, "reminders")


def test_grace_and_lapse_say_what_they_mean(professional, subject):
    assert twice(D(2026, 4, 1)) == 1
    grace = Reminder.objects.get(subject=subject, mark="grace").email
    assert grace.kind == "reminder_grace"
    text = " ".join(grace.body_text.split())
    assert "09/30/2026" in grace.subject
    assert "courtesy" in text and "not extended" in text
    assert "it expired on 03/31/2026" in text
    assert "You still need 2.0 CECs" in text
    assert twice(D(2026, 10, 1)) == 1
    lapse = Reminder.objects.get(subject=subject, mark="lapse").email
    assert lapse.kind == "reminder_lapse"
    text = " ".join(lapse.body_text.split())
    assert "has lapsed" in text and "grace period for a late renewal ended on 09/30/2026" in text


def test_a_gap_of_weeks_sends_the_most_urgent_mark_only(subject):
    assert twice(D(2025, 12, 31)) == 1  # 90d
    # The job stops, and runs again with 5 days left: 30d and 7d are both due.
    assert twice(D(2026, 3, 26)) == 1
    assert marks(subject) == [("90d", True), ("7d", True), ("30d", False)]
    # The skipped 30-day reminder never goes out later.
    for day in (D(2026, 3, 27), D(2026, 3, 30), D(2026, 3, 31)):
        assert twice(day) == 0
    assert Email.objects.count() == 2


def test_a_first_scan_days_before_the_deadline_sends_one_reminder_not_three(subject):
    assert twice(D(2026, 3, 26)) == 1
    assert marks(subject) == [("7d", True), ("90d", False), ("30d", False)]
    assert Email.objects.count() == 1


def test_a_first_scan_in_grace_sends_the_grace_reminder_only(subject):
    assert twice(D(2026, 5, 15)) == 1
    assert [m for m, emailed in marks(subject) if emailed] == ["grace"]
    assert {m for m, emailed in marks(subject) if not emailed} == {"90d", "30d", "7d"}


def test_turned_off_reminders_send_nothing(professional, subject):
    Preferences.objects.create(user=professional, reminders=False)
    for day in (D(2025, 12, 31), D(2026, 3, 1), D(2026, 4, 1), D(2026, 10, 1)):
        assert twice(day) == 0
    assert not Reminder.objects.exists()
    assert not Email.objects.exists()


def test_turned_back_on_the_most_urgent_mark_comes(professional, subject):
    preferences = Preferences.objects.create(user=professional, reminders=False)
    assert twice(D(2026, 1, 10)) == 0
    preferences.reminders = True
    preferences.save()
    assert twice(D(2026, 3, 5)) == 1
    assert marks(subject) == [("30d", True), ("90d", False)]


def test_a_met_cycle_sends_nothing(professional, subject):
    CreditEntryFactory(
        user=professional,
        course=CourseFactory(cec_value=Decimal("2.0")),
        completion_date=D(2025, 5, 1),
    )
    for day in (D(2025, 12, 31), D(2026, 3, 1), D(2026, 3, 24), D(2026, 4, 1), D(2026, 10, 1)):
        assert twice(day) == 0
    assert not Email.objects.exists()
    # Each mark is settled without an email, so the scan need not look at it again.
    assert all(not emailed for _mark, emailed in marks(subject))


def test_a_renewed_cycle_sends_nothing_and_the_next_one_is_followed(professional, cycle, subject):
    CreditEntryFactory(
        user=professional,
        course=CourseFactory(cec_value=Decimal("2.0")),
        completion_date=D(2025, 5, 1),
    )
    CprCardFactory(user=professional, issued_on=D(2025, 1, 1), expires_on=D(2027, 1, 1))
    services.cycle_renew(certification=cycle.certification, on=D(2026, 2, 1))
    for day in (D(2026, 3, 1), D(2026, 4, 1), D(2026, 10, 1)):
        assert twice(day) == 0
    assert not Reminder.objects.filter(subject=subject).exists()


def test_a_deactivated_account_gets_nothing(professional, subject):
    professional.is_active = False
    professional.save()
    assert twice(D(2025, 12, 31)) == 0


def test_only_the_people_due_are_loaded(professional, subject, django_assert_max_num_queries):
    # Two more people: one far from the deadline, one not due yet.
    ace_cpt(ProfessionalFactory(), earned_on=D(2025, 1, 5))
    ace_cpt(ProfessionalFactory(), earned_on=D(2024, 4, 2))
    twice(D(2025, 12, 31))
    assert Reminder.objects.filter(mark="90d").count() == 1
    # A scan with nothing to send: the rules (5), the cycles and cards due (2), what is
    # recorded (1), the courses (1), the digest (2).
    with django_assert_max_num_queries(11):
        assert reminders.scan(now=at(D(2026, 1, 2))) == 0


def test_a_batch_costs_a_fixed_number_of_queries(db, django_assert_num_queries, monkeypatch):
    people = [ProfessionalFactory() for _ in range(6)]
    for person in people:
        ace_cpt(person)
        CreditEntryFactory(user=person, completion_date=D(2025, 5, 1))
        CprCardFactory(user=person, issued_on=D(2024, 1, 1), expires_on=D(2026, 2, 15))
    monkeypatch.setattr(reminders, "BATCH_SIZE", 3)
    # The rules (5), the cycles and cards due (2), the programs' names (1), courses (1), the
    # digest (2).
    fixed = 11
    # What was sent (1); the people, certifications, open cycles, claims, entries, cards (6);
    # the batch's transaction (2: here a savepoint and its release, inside the test's own
    # transaction); the reminder rows, the emails, their links (3). Nothing per reminder or
    # per email: each email's task is queued after the commit.
    per_batch = 1 + 6 + 2 + 3
    sent = 12  # each person: the 90-day reminder and the card's
    with django_assert_num_queries(fixed + 2 * per_batch):
        assert reminders.scan(now=at(D(2025, 12, 31))) == sent
    assert Reminder.objects.exclude(email=None).count() == sent
    assert all(r.email.about == f"notices.Reminder:{r.pk}" for r in Reminder.objects.all())


def test_a_batch_another_scan_got_to_first_is_sent_a_reminder_at_a_time(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    """Another scan records one of the batch's reminders between this scan's look at what is
    recorded and its insert: the batch's insert is refused whole and rolled back (its emails
    with it), then each reminder goes on its own, all but that one."""
    people = [ProfessionalFactory() for _ in range(3)]
    cycles = [ace_cpt(person).cycles.get() for person in people]
    taken = f"cycle:{cycles[1].pk}"
    real_recorded = reminders._recorded

    def recorded_then_the_other_scan(subjects):
        found = real_recorded(subjects)
        Reminder.objects.create(subject=taken, mark="90d", user=people[1], due_on=D(2025, 12, 31))
        return found

    monkeypatch.setattr(reminders, "_recorded", recorded_then_the_other_scan)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.scan(now=at(D(2025, 12, 31))) == 2
    assert Email.objects.count() == 2
    assert Reminder.objects.get(subject=taken).email is None
    emailed = Reminder.objects.exclude(email=None).order_by("subject")
    assert [r.subject for r in emailed] == sorted(f"cycle:{c.pk}" for c in (cycles[0], cycles[2]))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people[0].email, people[2].email])


def test_many_emails_are_stored_at_once_and_enqueued_after_the_commit(
    db,
    notice_templates,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    def item(address):
        return {"kind": "test_notice", "to": [address], "context": {"title": "T", "link": "/"}}

    enqueued = []

    class QueueFailingOnce:
        def enqueue(self, email_id):
            enqueued.append(email_id)
            if len(enqueued) == 2:
                raise RuntimeError("queue down")

    monkeypatch.setattr(notice_tasks, "send_email", QueueFailingOnce())
    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_num_queries(1):
            emails = notices.email_many_later([item("a@example.com"), item(""), item("b@x.org")])
        assert enqueued == []  # not before the commit
    first, nobody, second = emails
    assert nobody is None
    assert list(Email.objects.order_by("pk")) == [first, second]
    assert (first.to, first.subject) == (["a@example.com"], "About T")
    # All in one go failed at the second: then each on its own.
    assert enqueued == [first.pk, second.pk, first.pk, second.pk]


# --- CPR/AED cards -----------------------------------------------------------------------------


def test_a_card_expiring_before_the_deadline_is_reminded_60_days_ahead(professional, cycle):
    card = CprCardFactory(user=professional, issued_on=D(2024, 2, 1), expires_on=D(2026, 2, 15))
    assert twice(D(2025, 12, 16)) == 0
    assert twice(D(2025, 12, 17)) == 1
    assert twice(D(2025, 12, 18)) == 0
    reminder = Reminder.objects.get(subject=f"card:{card.pk}")
    assert reminder.mark == "card-expiring"
    email = reminder.email
    assert email.kind == "reminder_card"
    assert "02/15/2026" in email.subject
    assert "renewal deadline 03/31/2026" in email.body_text
    # The deadline reminder says the card is missing too.
    assert twice(D(2025, 12, 31)) == 1
    deadline = Reminder.objects.get(subject=f"cycle:{cycle.pk}", mark="90d").email
    assert "CPR/AED card" in deadline.body_text


def test_a_card_covered_by_a_newer_one_is_not_reminded(professional, cycle):
    CprCardFactory(user=professional, issued_on=D(2024, 2, 1), expires_on=D(2026, 2, 15))
    CprCardFactory(user=professional, issued_on=D(2025, 11, 1), expires_on=D(2027, 11, 1))
    assert twice(D(2025, 12, 17)) == 0
    assert not Reminder.objects.filter(subject__startswith="card:").exists()


def test_a_card_expiring_after_the_deadline_is_not_reminded(professional, cycle):
    CprCardFactory(user=professional, issued_on=D(2024, 6, 1), expires_on=D(2026, 6, 1))
    assert twice(D(2026, 4, 2)) == 1  # the grace reminder only
    assert not Reminder.objects.filter(subject__startswith="card:").exists()


def test_card_reminders_follow_the_reminders_preference(professional, cycle):
    Preferences.objects.create(user=professional, reminders=False)
    CprCardFactory(user=professional, issued_on=D(2024, 2, 1), expires_on=D(2026, 2, 15))
    assert twice(D(2025, 12, 17)) == 0


# --- Course approvals --------------------------------------------------------------------------


@pytest.fixture
def provider(db):
    return ProviderFactory()


def test_an_expiring_approval_is_told_to_the_providers_staff(provider):
    keen = ProviderStaffFactory(provider=provider)
    quiet = ProviderStaffFactory(provider=provider)
    Preferences.objects.create(user=quiet, digests=False)
    ProviderStaffFactory()  # another provider's staff
    course = CourseFactory(provider=provider, expires_on=D(2026, 6, 30))
    assert twice(D(2026, 3, 1)) == 0
    assert twice(D(2026, 3, 2)) == 1
    assert twice(D(2026, 3, 3)) == 0
    assert twice(D(2026, 5, 31)) == 1
    assert twice(D(2026, 6, 30)) == 0
    assert marks(f"course:{course.pk}") == [("120d", True), ("30d", True)]
    emails = Email.objects.filter(kind="approval_expiring")
    assert [e.to for e in emails] == [[keen.email], [keen.email]]
    email = emails.first()
    assert course.number in email.subject and "06/30/2026" in email.subject
    assert (email.user_id, email.unsubscribe_list) == (keen.pk, "digests")
    assert f"/catalog/provider/courses/{course.pk}/" in email.body_text


def test_each_staff_member_gets_their_own_copy(provider):
    staff = [ProviderStaffFactory(provider=provider) for _ in range(2)]
    CourseFactory(provider=provider, expires_on=D(2026, 6, 30))
    assert twice(D(2026, 3, 2)) == 2
    emails = Email.objects.filter(kind="approval_expiring").order_by("pk")
    assert [e.to for e in emails] == [[s.email] for s in staff]
    assert [e.user_id for e in emails] == [s.pk for s in staff]


def test_an_approval_found_late_sends_the_30_day_notice_only(provider):
    ProviderStaffFactory(provider=provider)
    course = CourseFactory(provider=provider, expires_on=D(2026, 6, 30))
    assert twice(D(2026, 6, 10)) == 1
    assert marks(f"course:{course.pk}") == [("30d", True), ("120d", False)]


def test_retired_and_lasting_approvals_are_left_alone(provider):
    ProviderStaffFactory(provider=provider)
    CourseFactory(provider=provider, expires_on=D(2026, 6, 30), status="retired")
    CourseFactory(provider=provider, expires_on=D(2030, 12, 31))
    assert twice(D(2026, 6, 10)) == 0


# --- The reviewers' digest ---------------------------------------------------------------------


def overdue_petition(days: int, now: datetime.datetime) -> Petition:
    petition = PetitionFactory()
    Petition.objects.filter(pk=petition.pk).update(submitted_at=now - datetime.timedelta(days=days))
    return petition


def test_a_weekly_digest_of_overdue_petitions(reviewer):
    monday = D(2026, 2, 2)
    quiet = ReviewerFactory()
    Preferences.objects.create(user=quiet, digests=False)
    admin = AdminFactory()
    old = overdue_petition(45, at(monday))
    overdue_petition(10, at(monday))  # within the target
    assert twice(monday) == 2  # the reviewer and the admin, each their own copy
    assert twice(monday + ONE_DAY) == 0
    reminder = Reminder.objects.get(subject="digest:2026-W06")
    assert reminder.mark == "petitions"
    emails = Email.objects.filter(kind="digest_petitions").order_by("pk")
    assert sorted(e.to[0] for e in emails) == sorted([reviewer.email, admin.email])
    body = emails[0].body_text
    assert "1 open petition has waited longer than the 30-day target" in body
    assert old.course_title in body and f"/petitions/queue/{old.pk}/" in body
    assert "/petitions/queue/?age=overdue" in body
    # The next week, a new digest while it is still overdue.
    assert twice(monday + datetime.timedelta(days=7)) == 2
    assert Reminder.objects.filter(subject="digest:2026-W07").exists()
    # Decided: no digest the week after.
    Petition.objects.filter(pk=old.pk).update(status=Petition.Status.DENIED, decision_reason="x")
    assert twice(monday + datetime.timedelta(days=14)) == 0


def test_no_overdue_petitions_no_digest(reviewer):
    overdue_petition(5, at(D(2026, 2, 2)))
    assert twice(D(2026, 2, 2)) == 0
    assert not Reminder.objects.exists()


# --- Two scans at the same moment (PostgreSQL) ---------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_the_same_moment_send_each_reminder_once(monkeypatch):
    people = [ProfessionalFactory() for _ in range(4)]
    for person in people:
        ace_cpt(person)
    # Hold the batch's emails a moment inside its transaction, so that the two scans truly
    # overlap.
    real_email_many_later = reminders.email_many_later

    def slow_email_many_later(items):
        time.sleep(0.2)
        return real_email_many_later(items)

    monkeypatch.setattr(reminders, "email_many_later", slow_email_many_later)
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(reminders.scan(now=at(D(2026, 3, 26))))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(n, int) for n in outcomes), outcomes
    assert sum(outcomes) == 4
    assert Reminder.objects.filter(mark="7d").exclude(email=None).count() == 4
    assert Reminder.objects.filter(mark__in=["90d", "30d"], email=None).count() == 8
    assert Email.objects.count() == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
