import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from petitions.models import Petition
from tests.accounts.factories import ProfessionalFactory
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("petitions:queue")


def filed(days_ago, **kwargs):
    petition = PetitionFactory(**kwargs)
    Petition.objects.filter(pk=petition.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago, hours=1)
    )
    return petition


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def titles(response):
    """The courses of the petitions listed, as the page shows them (cached or not)."""
    return re.findall(r'<a href="/petitions/queue/\d+/">([^<]*)</a>', response.content.decode())


class TestQueue:
    def test_oldest_first_with_age_and_overdue(self, reviewer_client):
        filed(3, course_title="New")
        filed(45, course_title="Old")
        filed(20, course_title="Middle")
        response = reviewer_client.get(QUEUE)
        assert titles(response) == ["Old", "Middle", "New"]
        rows = response.context["queue"]["rows"]
        assert [r["age"] for r in rows] == [45, 20, 3]
        assert [r["overdue"] for r in rows] == [True, False, False]
        assertContains(response, 'class="overdue table-warning"', count=1)
        assertContains(response, "Overdue")
        assertContains(response, "10 left of 30")

    def test_decided_and_withdrawn_are_not_in_the_open_queue(self, reviewer_client):
        filed(1, course_title="Open one")
        filed(2, course_title="Done", status="denied", decision_reason="No")
        assert titles(reviewer_client.get(QUEUE)) == ["Open one"]
        assert titles(reviewer_client.get(QUEUE, {"status": "denied"})) == ["Done"]
        assert len(titles(reviewer_client.get(QUEUE, {"status": "all"}))) == 2

    def test_filters_by_type_and_age(self, reviewer_client):
        filed(40, course_title="Late college", type="college")
        filed(40, course_title="Late workshop")
        filed(25, course_title="Due soon")
        filed(2, course_title="Fresh")
        assert titles(reviewer_client.get(QUEUE, {"type": "college"})) == ["Late college"]
        assert titles(reviewer_client.get(QUEUE, {"age": "overdue"})) == [
            "Late college",
            "Late workshop",
        ]
        assert titles(reviewer_client.get(QUEUE, {"age": "due_soon"})) == ["Due soon"]
        assert titles(reviewer_client.get(QUEUE, {"age": "on_track"})) == ["Due soon", "Fresh"]
        response = reviewer_client.get(QUEUE, {"age": "overdue", "type": "live_workshop"})
        assert titles(response) == ["Late workshop"]

    @pytest.mark.parametrize(
        "query",
        [
            {"status": "bogus"},
            {"type": "'; drop table"},
            {"age": "9999"},
            {"page": "abc"},
            {"page": "-5"},
            {"page": "99999"},
            {"status": ["open", "all"], "type": "\x00"},
        ],
    )
    def test_bad_filters_never_fail(self, reviewer_client, query):
        filed(1, course_title="Still here")
        response = reviewer_client.get(QUEUE, query)
        assert response.status_code == 200
        assertContains(response, "Still here")

    def test_paginated_with_querystring(self, reviewer_client):
        user = ProfessionalFactory()
        for n in range(30):
            filed(40 - n, user=user, course_title=f"P{n:02d}", type="college")
        first = reviewer_client.get(QUEUE, {"type": "college"})
        assert len(titles(first)) == 25
        last_shown = Petition.objects.get(course_title="P24").pk
        assertContains(first, f"?type=college&amp;after={last_shown}")
        second = reviewer_client.get(QUEUE, {"type": "college", "after": last_shown})
        assert titles(second) == [f"P{n:02d}" for n in range(25, 30)]
        assertNotContains(second, ">P00<")
        back = reviewer_client.get(
            QUEUE, {"type": "college", "before": second.context["queue"]["page_obj"].before}
        )
        assert titles(back) == [f"P{n:02d}" for n in range(25)]
        # An old page-numbered link still opens that page.
        assert titles(reviewer_client.get(QUEUE, {"type": "college", "page": 2})) == titles(second)


def queries_for_queue(client, count):
    user = ProfessionalFactory()
    now = timezone.now()
    Petition.objects.bulk_create(
        Petition(
            user=user,
            type=Petition.Type.CONFERENCE if n % 3 else Petition.Type.COLLEGE,
            course_title=f"Petition {n}",
            provider_name="Somewhere",
            completion_date=datetime.date.today(),
            contact_hours=5,
            credit_requested="0.5",
            description="x",
            submitted_at=now - datetime.timedelta(hours=n * 3),
        )
        for n in range(count)
    )
    client.get(reverse("home"))  # warm the session and the person's permissions
    with CaptureQueriesContext(connection) as captured:
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert len(titles(response)) == min(count, 25)
    # Asked again with nothing changed: the page comes from the cache, the same.
    with CaptureQueriesContext(connection) as again:
        assert titles(client.get(QUEUE)) == titles(response)
    assert len(again) < len(captured)
    return len(captured)


def test_acceptance_5_queue_query_count_is_constant(client, reviewer, django_assert_num_queries):
    client.force_login(reviewer)
    at_10 = queries_for_queue(client, 10)
    Petition.objects.all().delete()
    at_1000 = queries_for_queue(client, 1000)
    assert at_10 == at_1000
    with django_assert_num_queries(at_10):
        client.get(QUEUE, {"age": "overdue", "type": "college", "page": "2"})
