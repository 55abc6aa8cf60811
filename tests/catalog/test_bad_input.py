"""Malformed values through every catalog form: a message, nothing changed, never a 500."""

import pytest
from django.urls import reverse

from accounts.models import User
from catalog.models import Course, Provider, Session
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import PendingCourseFactory
from tests.catalog.test_views import conference, registration

pytestmark = pytest.mark.django_db

BAD_TEXT = ["", "   ", "\x00", "x" * 5000]
BAD_DECIMALS = ["", "abc", "-1", "0", "0.05", "1e10", "NaN", "Infinity", "1,5", "\x00", "9" * 50]
BAD_DATES = ["", "13/45/2020", "2020-13-01", "00/00/0000", "99999", "02/30/2026", "\x00"]


def snapshot():
    return (
        list(Course.objects.order_by("pk").values()),
        list(Session.objects.order_by("pk").values()),
        list(Provider.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values_list("pk", "provider_id")),
    )


def assert_refused(response, before):
    assert response.status_code in (200, 400), response.status_code
    body = response.content.decode()
    assert "invalid-feedback" in body or "alert-danger" in body or "errorlist" in body
    assert snapshot() == before


REGISTRATION_CASES = (
    [("title", v) for v in BAD_TEXT]
    + [("delivery_format", v) for v in ["", "bogus", "CONFERENCE", "\x00"]]
    + [("cec_value", v) for v in BAD_DECIMALS]
    + [("description", "y" * 10_001), ("description", "\x00")]
)


@pytest.mark.parametrize(("field", "value"), REGISTRATION_CASES)
def test_registration_form(client, provider_staff, field, value):
    client.force_login(provider_staff)
    before = snapshot()
    response = client.post(
        reverse("catalog:provider-course-create"), registration(**{field: value})
    )
    assert_refused(response, before)


SESSION_CASES = (
    [("sessions-0-code", v) for v in ["", "a b", "x" * 30, "\x00", "é!"]]
    + [("sessions-0-title", v) for v in ["", "\x00", "t" * 301]]
    + [("sessions-0-cec_value", v) for v in BAD_DECIMALS]
    + [("sessions-1-code", "S1")]  # the same code twice
    + [("sessions-TOTAL_FORMS", v) for v in ["abc", "-1", ""]]
)


@pytest.mark.parametrize(("field", "value"), SESSION_CASES)
def test_conference_sessions(client, provider_staff, field, value):
    client.force_login(provider_staff)
    before = snapshot()
    response = client.post(reverse("catalog:provider-course-create"), conference(**{field: value}))
    assert_refused(response, before)


def test_conference_without_sessions(client, provider_staff):
    client.force_login(provider_staff)
    before = snapshot()
    response = client.post(
        reverse("catalog:provider-course-create"),
        registration(delivery_format="conference", cec_value=""),
    )
    assert_refused(response, before)
    assert "at least one session" in response.content.decode()


def test_huge_total_forms_is_capped(client, provider_staff):
    client.force_login(provider_staff)
    before = snapshot()
    response = client.post(
        reverse("catalog:provider-course-create"),
        conference(**{"sessions-TOTAL_FORMS": "1000000", "sessions-0-cec_value": "x"}),
    )
    assert_refused(response, before)


@pytest.mark.parametrize(("field", "value"), REGISTRATION_CASES[:12])
def test_edit_form(client, provider_staff, field, value):
    course = PendingCourseFactory(provider=provider_staff.provider)
    client.force_login(provider_staff)
    before = snapshot()
    response = client.post(
        reverse("catalog:provider-course-edit", args=[course.pk]),
        registration(**{field: value}),
    )
    assert_refused(response, before)


APPROVE_CASES = (
    [("number_prefix", v) for v in ["", "CX", "ca", "CEPP", "\x00"]]
    + [("approved_on", v) for v in BAD_DATES]
    + [("expires_on", v) for v in BAD_DATES]
    + [("expires_on", "12/31/2025")]  # before approved_on
)


@pytest.mark.parametrize(("field", "value"), APPROVE_CASES)
def test_approve_form(client, reviewer, field, value):
    course = PendingCourseFactory()
    client.force_login(reviewer)
    before = snapshot()
    data = {"number_prefix": "CA", "approved_on": "01/01/2026", "expires_on": "12/31/2027"}
    response = client.post(
        reverse("catalog:review-approve", args=[course.pk]), data | {field: value}
    )
    assert_refused(response, before)


@pytest.mark.parametrize("value", [*BAD_TEXT[:3], "r" * 2001])
def test_reject_form(client, reviewer, value):
    course = PendingCourseFactory()
    client.force_login(reviewer)
    before = snapshot()
    response = client.post(reverse("catalog:review-reject", args=[course.pk]), {"reason": value})
    assert_refused(response, before)


PROVIDER_CASES = (
    [("name", v) for v in ["", "  ", "\x00", "n" * 201, "existing co"]]
    + [("contact_email", v) for v in ["", "not-an-email", "a@", "\x00"]]
    + [("website", v) for v in ["javascript:alert(1)", "not a url", "ftp://x"]]
)


@pytest.mark.parametrize(("field", "value"), PROVIDER_CASES)
def test_provider_form(client, reviewer, field, value):
    Provider.objects.create(name="Existing Co", contact_email="e@example.com")
    client.force_login(reviewer)
    before = snapshot()
    data = {"name": "New Co", "contact_email": "new@example.com", "website": ""}
    response = client.post(reverse("catalog:provider-list"), data | {field: value})
    assert_refused(response, before)


@pytest.mark.parametrize(
    "value", ["", "nobody@example.com", "not-an-email", "\x00", "x" * 300 + "@example.com"]
)
def test_staff_form(client, reviewer, provider_staff, value):
    ProfessionalFactory()
    client.force_login(reviewer)
    before = snapshot()
    response = client.post(
        reverse("catalog:provider-detail", args=[provider_staff.provider_id]), {"email": value}
    )
    assert_refused(response, before)


def test_staff_of_another_provider(client, reviewer, provider_staff):
    other = Provider.objects.create(name="Other", contact_email="o@example.com")
    client.force_login(reviewer)
    before = snapshot()
    response = client.post(
        reverse("catalog:provider-detail", args=[other.pk]), {"email": provider_staff.email}
    )
    assert_refused(response, before)
