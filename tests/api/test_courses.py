"""The courses endpoints and the public lookup, and the API's one error shape."""

import datetime
import json
from decimal import Decimal

import pytest

from catalog.models import Course
from notices.models import Email
from tests.api.factories import bearer, make_token
from tests.catalog.factories import (
    ConferenceFactory,
    CourseApprovalFactory,
    CourseFactory,
    PendingCourseFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses"


def _post(client, body, auth, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(COURSES, data, content_type="application/json", headers=auth, **extra)


def _assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


def test_list_pages_through_the_providers_own_courses(client, staff, auth):
    for _ in range(3):
        CourseFactory(provider=staff.provider)
    CourseFactory()  # another provider's
    first = client.get(COURSES, {"page_size": 2}, headers=auth).json()
    assert first["count"] == 3 and len(first["items"]) == 2
    second = client.get(COURSES, {"page_size": 2, "page": 2}, headers=auth).json()
    assert len(second["items"]) == 1
    ids = {c["id"] for c in first["items"] + second["items"]}
    assert ids == set(staff.provider.courses.values_list("pk", flat=True))
    assert client.get(COURSES, {"page": 99}, headers=auth).json()["items"] == []


def test_list_costs_the_same_queries_at_one_and_at_thirty_courses(
    client, staff, auth, django_assert_max_num_queries
):
    CourseApprovalFactory(course=CourseFactory(provider=staff.provider))
    client.get(COURSES, headers=auth)  # the token's last use is written once a minute
    with django_assert_max_num_queries(8) as one:
        client.get(COURSES, headers=auth)
    for _ in range(29):
        CourseApprovalFactory(course=CourseFactory(provider=staff.provider))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(COURSES, headers=auth).json()["items"]) == 30


def test_a_course_reads_with_every_certifiers_approval(client, staff, auth):
    course = CourseFactory(provider=staff.provider, number="CA31415", cec_value=Decimal("0.5"))
    CourseApprovalFactory(
        course=course,
        number="NASM-2718",
        credit=Decimal("0.4"),
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2026, 12, 31),
    )
    data = client.get(f"{COURSES}/{course.pk}", headers=auth).json()
    assert data["number"] == "CA31415" and data["status"] == "approved"
    home, nasm = data["approvals"]
    assert (home["certifier"], home["number"], home["credit"]) == ("ace", "CA31415", "0.5")
    assert home["valid_from"] == "2024-01-01" and home["valid_to"] == "2030-12-31"
    assert (nasm["certifier"], nasm["number"], nasm["credit"]) == ("nasm", "NASM-2718", "0.4")
    assert (nasm["valid_from"], nasm["valid_to"]) == ("2025-01-01", "2026-12-31")
    assert nasm["unit"] == "CEUs"


def test_registering_a_course_puts_it_in_the_review_queue(client, staff, auth):
    body = {
        "title": "  Kettlebell basics ",
        "delivery_format": "online",
        "cec_value": "0.3",
        "description": "Swings and presses.",
    }
    response = _post(client, body, auth)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "pending" and data["number"] is None
    assert data["title"] == "Kettlebell basics" and data["contact_hours"] == "3.00"
    course = Course.objects.get(pk=data["id"])
    assert course in Course.objects.review_queue()
    assert course.provider == staff.provider and course.submitted_by == staff
    assert Email.objects.filter(kind="course_submitted").exists()


def test_registering_a_conference_with_sessions(client, staff, auth):
    body = {
        "title": "Summit",
        "delivery_format": "conference",
        "sessions": [
            {"code": "s1", "title": "Keynote", "cec_value": 0.2},
            {"code": "S2", "title": "Mobility", "cec_value": "0.1", "contact_hours": 1.5},
        ],
    }
    data = _post(client, body, auth).json()
    assert [s["code"] for s in data["sessions"]] == ["S1", "S2"]
    assert data["sessions"][1]["contact_hours"] == "1.50"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"delivery_format": "online", "cec_value": "0.3"}, "title"),
        ({"title": "   ", "delivery_format": "online", "cec_value": "0.3"}, "title"),
        ({"title": "x" * 301, "delivery_format": "online", "cec_value": "0.3"}, "title"),
        ({"title": "A\x00B", "delivery_format": "online", "cec_value": "0.3"}, "title"),
        ({"title": "T", "delivery_format": "webinar", "cec_value": "0.3"}, "delivery_format"),
        ({"title": "T", "delivery_format": "online", "cec_value": "-1"}, "cec_value"),
        ({"title": "T", "delivery_format": "online", "cec_value": "0.25"}, "cec_value"),
        ({"title": "T", "delivery_format": "online", "cec_value": "abc"}, "cec_value"),
    ],
)
def test_a_malformed_course_is_422_naming_the_field_and_stores_nothing(client, auth, body, field):
    error = _assert_error(_post(client, body, auth), 422, "invalid")
    assert any(field in d["loc"] or field in d["message"] for d in error["details"])
    assert not Course.objects.exists()


def test_a_course_needs_its_value_and_a_conference_its_sessions(client, auth):
    error = _assert_error(_post(client, {"title": "T", "delivery_format": "online"}, auth), 422)
    assert error["details"][0]["loc"] == ["body", "online", "cec_value"]
    body = {"title": "T", "delivery_format": "conference", "sessions": []}
    error = _assert_error(_post(client, body, auth), 422)
    assert error["details"][0]["loc"] == ["body", "conference", "sessions"]
    assert not Course.objects.exists()


def test_the_catalog_services_refusals_are_422_too(client, auth):
    """What only the catalog's service knows: two sessions with one code ("a1" is "A1")."""
    sessions = [
        {"code": "A1", "title": "One", "cec_value": "0.1"},
        {"code": "a1", "title": "Two", "cec_value": "0.1"},
    ]
    body = {"title": "T", "delivery_format": "conference", "sessions": sessions}
    error = _assert_error(_post(client, body, auth), 422, "invalid")
    assert "its own code" in error["message"]
    assert not Course.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2", "\xff\xfe", "null", "[]", '"text"'])
def test_a_body_that_is_not_a_json_object_is_422(client, auth, raw):
    _assert_error(_post(client, raw, auth), 422)
    assert not Course.objects.exists()


def test_a_body_far_over_the_limit_is_413_before_it_is_read(client, auth, settings):
    settings.API_MAX_BODY_BYTES = 10_000
    body = {
        "title": "T",
        "delivery_format": "online",
        "cec_value": "0.3",
        "description": "x" * 20_000,
    }
    error = _assert_error(_post(client, body, auth), 413, "payload_too_large")
    assert "10,000 bytes" in error["message"]
    assert not Course.objects.exists()


def test_a_method_not_allowed_is_405_in_the_error_shape(client, auth, staff):
    course = CourseFactory(provider=staff.provider)
    response = client.delete(f"{COURSES}/{course.pk}", headers=auth)
    _assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
    assert Course.objects.filter(pk=course.pk).exists()


def test_an_unknown_api_path_is_404_in_the_error_shape(client, auth):
    _assert_error(client.get("/api/v1/nothing-here", headers=auth), 404, "not_found")
    error = _assert_error(client.get(f"{COURSES}/abc", headers=auth), 422)
    assert error["details"][0]["loc"] == ["path", "course_id"]


def test_an_id_too_large_for_the_database_is_422_not_a_server_error(client, auth):
    _assert_error(client.get(f"{COURSES}/{2**70}", headers=auth), 422)


def test_calls_over_the_rate_limit_are_429_per_token(client, staff, settings):
    settings.API_RATE_LIMIT = "3/min"
    _, first = make_token(staff, name="First")
    _, second = make_token(staff, name="Second")
    for _ in range(3):
        assert client.get(COURSES, headers=bearer(first)).status_code == 200
    refused = client.get(COURSES, headers=bearer(first))
    _assert_error(refused, 429, "rate_limited")
    assert int(refused["Retry-After"]) > 0
    # Another token has its own budget.
    assert client.get(COURSES, headers=bearer(second)).status_code == 200


def test_a_refused_registration_stores_nothing_at_the_rate_limit(client, auth, settings):
    settings.API_RATE_LIMIT = "1/min"
    body = {"title": "T", "delivery_format": "online", "cec_value": "0.3"}
    assert _post(client, body, auth).status_code == 201
    _assert_error(_post(client, body, auth), 429)
    assert Course.objects.count() == 1


# --- Public lookup --------------------------------------------------------------------------


def test_public_lookup_needs_no_token_and_gives_only_public_facts(client):
    course = CourseFactory(number="CA27182", title="Mobility", description="internal notes")
    CourseApprovalFactory(course=course, number="NASM-777")
    response = client.get("/api/v1/public/courses/ca 27182")
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == "CA27182" and data["title"] == "Mobility"
    assert data["provider"] == course.provider.name and data["current"] is True
    assert [a["number"] for a in data["approvals"]] == ["NASM-777"]
    for private in ("id", "description", "submitted_at", "rejection_reason", "contact_email"):
        assert private not in data
    assert course.provider.contact_email not in response.text


def test_public_lookup_lists_a_conferences_sessions(client):
    conference = ConferenceFactory(number="CEP123456")
    SessionFactory(course=conference, code="A1", cec_value=Decimal("0.2"))
    data = client.get("/api/v1/public/courses/CEP123456").json()
    assert data["sessions"] == [
        {"code": "A1", "title": data["sessions"][0]["title"], "cec_value": "0.2"}
    ]


def test_public_lookup_hides_courses_that_are_not_public(client):
    PendingCourseFactory(number=None)
    rejected = CourseFactory(number="CA11111", status=Course.Status.REJECTED)
    _assert_error(client.get(f"/api/v1/public/courses/{rejected.number}"), 404, "not_found")
    _assert_error(client.get("/api/v1/public/courses/CA99999"), 404)
    error = _assert_error(client.get("/api/v1/public/courses/CX12"), 422)
    assert "CEP, CP, CA, CS or CL" in error["message"]


def test_public_lookup_is_rate_limited_per_address(client, settings):
    settings.API_PUBLIC_RATE_LIMIT = "2/min"
    course = CourseFactory()
    for _ in range(2):
        assert client.get(f"/api/v1/public/courses/{course.number}").status_code == 200
    _assert_error(client.get(f"/api/v1/public/courses/{course.number}"), 429)


def test_the_422_message_names_the_fields_at_fault(client, auth):
    body = {"title": "", "delivery_format": "online", "cec_value": "0.3"}
    error = _assert_error(_post(client, body, auth), 422, "invalid")
    assert error["message"].startswith("The request is not valid: online.title:")
    assert error["details"][0]["loc"] == ["body", "online", "title"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cec_value": "3600"}, "cec_value"),  # 36,000 hours: more than any course
        ({"cec_value": "999.9"}, None),  # the largest: 9,999 hours
        (
            {
                "delivery_format": "conference",
                "sessions": [{"code": "S1", "title": "Keynote", "cec_value": "1200"}],
            },
            "cec_value",
        ),
    ],
)
def test_a_course_worth_more_than_any_course_is_refused_and_nothing_stored(
    client, staff, auth, body, field
):
    body = {"title": "Marathon", "delivery_format": "online"} | body
    before = Course.objects.count()
    response = _post(client, body, auth)
    if field is None:
        assert response.status_code == 201, response.content
        return
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    assert Course.objects.count() == before
