"""Pages use the same number of queries with 10 courses as with 1,000."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Course, Session
from tests.catalog.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def fill(size, provider=None, status=Course.Status.APPROVED, conferences=True):
    providers = [provider] if provider else ProviderFactory.create_batch(5)
    approved = status == Course.Status.APPROVED
    courses = [
        Course(
            number=f"CA{10000 + i}" if approved else None,
            title=f"Course {i} strength",
            provider=providers[i % len(providers)],
            delivery_format=(
                Course.Format.CONFERENCE if conferences and i % 10 == 0 else Course.Format.ONLINE
            ),
            cec_value=None if conferences and i % 10 == 0 else Decimal("0.3"),
            status=status,
            approved_on=datetime.date(2024, 1, 1) if approved else None,
            expires_on=datetime.date(2028, 12, 31) if approved else None,
        )
        for i in range(size)
    ]
    Course.objects.bulk_create(courses)
    conference_ids = Course.objects.filter(delivery_format="conference").values_list(
        "pk", flat=True
    )
    Session.objects.bulk_create(
        Session(course_id=pk, code=f"S{n}", title="s", cec_value=Decimal("0.2"))
        for pk in conference_ids
        for n in range(3)
    )


def warm_permissions(client):
    """A first page reads the person's permissions; later pages find them in the cache."""
    client.get(reverse("home"))


def count(client, url, data=None, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {}, **kwargs)
    assert response.status_code == 200
    return len(ctx.captured_queries)


CATALOG_QUERIES = [{}, {"q": "strength"}, {"format": "online", "page": "2"}, {"q": "CA10005"}]


@pytest.mark.parametrize("params", CATALOG_QUERIES)
def test_catalog_page_queries_do_not_grow(client, django_assert_num_queries, params):
    url = reverse("catalog:course-list")
    fill(10)
    small = count(client, url, params)
    Course.objects.all().delete()
    fill(1000)
    with django_assert_num_queries(small):
        client.get(url, params)
    assert small <= 3  # the catalog's version, the search index and the page; nothing per row
    # Asked again with nothing changed: the catalog's version, and the page from the cache.
    with django_assert_num_queries(1):
        client.get(url, params)


def test_catalog_page_signed_in(client, professional, django_assert_num_queries):
    client.force_login(professional)
    warm_permissions(client)
    url = reverse("catalog:course-list")
    fill(10)
    small = count(client, url)
    Course.objects.all().delete()
    fill(1000)
    with django_assert_num_queries(small):
        client.get(url)


def test_provider_course_list(client, provider_staff, django_assert_num_queries):
    client.force_login(provider_staff)
    warm_permissions(client)
    url = reverse("catalog:provider-courses")
    fill(10, provider=provider_staff.provider, status=Course.Status.PENDING)
    small = count(client, url)
    Course.objects.all().delete()
    fill(1000, provider=provider_staff.provider, status=Course.Status.PENDING)
    with django_assert_num_queries(small):
        client.get(url)
    with django_assert_num_queries(small):
        client.get(url, {"page": "7"})


def test_review_queue(client, reviewer, django_assert_num_queries):
    client.force_login(reviewer)
    warm_permissions(client)
    url = reverse("catalog:review-queue")
    fill(10, status=Course.Status.PENDING)
    small = count(client, url)
    Course.objects.all().delete()
    fill(1000, status=Course.Status.PENDING)
    with django_assert_num_queries(small):
        client.get(url)
    with django_assert_num_queries(small):
        client.get(url, {"page": "last"})


@pytest.mark.parametrize("number", ["CA10001", "CA10000", "CA99999", "junk"])
def test_lookup_endpoints(client, django_assert_num_queries, number):
    # CA10000 is a conference (sessions are a second query), CA10001 a single course.
    fill(10)
    expected = {"CA10001": 1, "CA10000": 2, "CA99999": 1, "junk": 0}[number]
    with django_assert_num_queries(expected):
        client.get(reverse("catalog:lookup-json"), {"number": number})
    # The page also reads the catalog's version; asked again, only that: the answer is cached.
    for queries in (expected + 1, 1):
        with django_assert_num_queries(queries):
            client.get(
                reverse("catalog:lookup"), {"number": number}, headers={"HX-Request": "true"}
            )
    Course.objects.all().delete()
    fill(1000)
    with django_assert_num_queries(expected):
        client.get(reverse("catalog:lookup-json"), {"number": number})
    with django_assert_num_queries(expected + 1):
        client.get(reverse("catalog:lookup"), {"number": number}, headers={"HX-Request": "true"})


def test_lookup_uses_the_number_index():
    fill(10)
    sql = str(Course.objects.select_related("provider").filter(number="CA10001").query)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}".replace("CA10001", "'CA10001'"))
            plan = " ".join(str(r) for r in cursor.fetchall())
            assert "USING INDEX" in plan and "SCAN catalog_course" not in plan
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}".replace("CA10001", "'CA10001'"))
            plan = " ".join(r[0] for r in cursor.fetchall())
            assert "Index" in plan
