"""The dashboard (My CECs) and its exports run a fixed number of queries, whatever the size."""

import datetime
import uuid
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Course, Session
from tests.catalog.factories import ConferenceFactory, ProviderFactory
from tests.tracker.conftest import us
from tests.tracker.factories import CprCardFactory
from tracker import freshness, selectors, services
from tracker.models import CreditEntry, Cycle, EntryCredit, Kind, Program

pytestmark = pytest.mark.django_db


def fill(user, count, today):
    """`count` ledger lines of every shape: courses, conference sessions, presenting, CPR/AED."""
    provider = ProviderFactory()
    courses = Course.objects.bulk_create(
        Course(
            number=f"CS{300000 + i}",
            title=f"Course {i}",
            provider=provider,
            cec_value=Decimal("0.1"),
            status=Course.Status.APPROVED,
            approved_on=datetime.date(2020, 1, 1),
            expires_on=datetime.date(2035, 1, 1),
        )
        for i in range(count)
    )
    conference = ConferenceFactory()
    sessions = [
        Session.objects.create(course=conference, code=f"S{i}", title="s", cec_value=Decimal("0.1"))
        for i in range(2)
    ]
    card = CprCardFactory(user=user)
    ace_id = user.certifications.first().program.certifier_id
    entries = []
    for i, course in enumerate(courses):
        shape = i % 4
        entry = CreditEntry(
            user=user,
            kind=Kind.APPROVED_COURSE,
            course=course,
            credit=Decimal("0.1"),
            completion_date=today - datetime.timedelta(days=i % 300),
            certifier_id=ace_id,
        )
        if shape == 1:
            entry.kind, entry.course, entry.title = Kind.PRESENTING, None, f"Talk {i}"
        elif shape == 2:
            entry.kind, entry.course = Kind.CONFERENCE, conference
        elif shape == 3:
            entry.kind, entry.course, entry.cpr_card = Kind.CPR_AED, None, card
        entries.append(entry)
    CreditEntry.objects.bulk_create(entries)
    for entry in CreditEntry.objects.filter(user=user, kind=Kind.CONFERENCE):
        entry.sessions.set(sessions)
    # What each entry gives every certifier the person holds (three of them), as posted.
    held = set(user.certifications.values_list("program__certifier_id", flat=True))
    EntryCredit.objects.bulk_create(
        EntryCredit(entry=entry, certifier_id=certifier_id, category="courses", credit=entry.credit)
        for entry in CreditEntry.objects.filter(user=user)
        for certifier_id in held
    )


@pytest.fixture
def many_certifications(holder, gfi, hc, today):
    services.certification_add(user=holder, program=gfi, earned_on=today - relativedelta(months=3))
    services.certification_add(user=holder, program=hc, earned_on=today - relativedelta(months=30))
    # Three certifiers: ACE (three certifications), NASM and NSCA, from the seeded rules.
    for code, abbreviation in [("nasm", "CPT"), ("nsca", "CSCS")]:
        services.certification_add(
            user=holder,
            program=Program.objects.get(certifier__code=code, abbreviation=abbreviation),
            earned_on=today - relativedelta(months=4),
        )
    assert len(set(holder.certifications.values_list("program__certifier", flat=True))) == 3
    return holder


def count(client, method, url, data=None, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code in (200, 302), response.status_code
    return len(ctx.captured_queries)


PAGES = [
    ("dashboard", lambda w: reverse("tracker:dashboard")),
    ("csv", lambda w: reverse("tracker:export-csv")),
    ("transcript", lambda w: reverse("tracker:transcript", args=[w.cycle_id])),
    ("lookup", lambda w: reverse("tracker:course-lookup") + "?course_number=CS300000"),
    ("still-counts", lambda w: reverse("tracker:still-counts", args=[w.certification_id])),
]


@pytest.mark.parametrize(("label", "url"), PAGES)
def test_pages_run_the_same_queries_at_1_and_500_entries(
    client, many_certifications, today, django_assert_num_queries, label, url
):
    user = many_certifications
    client.force_login(user)
    # A cycle that holds today, so that the entries (dated up to today) are in its transcript.
    current = Cycle.objects.filter(
        certification__user=user, starts_on__lte=today, ends_on__gte=today
    ).first()
    world = type("W", (), {"cycle_id": current.pk, "certification_id": current.certification_id})

    def cold_and_warm():
        """Queries with the evaluation to make, then with it cached."""
        cache.clear()
        return count(client, "get", url(world)), count(client, "get", url(world))

    fill(user, 1, today)
    client.get(url(world))  # warm caches (content types, sessions)
    small = cold_and_warm()
    CreditEntry.objects.filter(user=user).delete()
    Course.objects.filter(number__startswith="CS3").delete()
    fill(user, 500, today)
    freshness.touch([user.pk])  # bulk_create sends no signal
    assert CreditEntry.objects.filter(user=user).count() == 500
    assert cold_and_warm() == small
    cold, warm = small
    assert cold <= 24 and warm <= 16, f"{label}: {small} queries"
    assert warm <= cold


def test_a_cached_evaluation_is_read_in_one_query(client, many_certifications, today):
    user = many_certifications
    fill(user, 50, today)
    freshness.touch([user.pk])
    with CaptureQueriesContext(connection) as cold:
        first = selectors.evaluation(user, today=today)
    with CaptureQueriesContext(connection) as warm:
        again = selectors.evaluation(user, today=today)
    assert len(warm.captured_queries) == 1 < len(cold.captured_queries)
    assert again == first


def test_adding_cecs_with_htmx_runs_the_same_queries_at_1_and_500(
    client, many_certifications, today
):
    user = many_certifications
    client.force_login(user)
    numbers = iter(f"CA{40000 + i}" for i in range(10))

    def add():
        course = Course.objects.create(
            number=next(numbers),
            title="New",
            provider=ProviderFactory(),
            cec_value=Decimal("0.3"),
            status=Course.Status.APPROVED,
        )
        data = {
            "course_number": course.number,
            "completion_date": us(today),
            "token": str(uuid.uuid4()),
        }
        n = count(client, "post", reverse("tracker:credit-add"), data, HTTP_HX_REQUEST="true")
        assert CreditEntry.objects.filter(user=user, course=course).exists()
        return n

    fill(user, 1, today)
    add()
    small = add()
    CreditEntry.objects.filter(user=user).delete()
    Course.objects.filter(number__startswith="CS3").delete()
    fill(user, 500, today)
    assert add() == small
