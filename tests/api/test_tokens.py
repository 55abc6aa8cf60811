"""API tokens: hashed at rest, shown once, revoked at once, scoped, and blind to other
providers."""

import hashlib

import pytest
from django.urls import reverse

from api.models import ApiToken, Scope
from tests.accounts.factories import ProviderStaffFactory
from tests.api.factories import bearer, make_token
from tests.catalog.factories import CourseFactory

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses"


def test_only_a_hash_of_the_secret_is_stored(staff):
    token, secret = make_token(staff)
    row = ApiToken.objects.values().get(pk=token.pk)
    stored = " ".join(str(value) for value in row.values())
    assert secret not in stored
    assert secret[13:] not in stored  # not even the part after the visible prefix
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(row["prefix"])


def test_the_secret_is_shown_once_on_the_page_that_creates_it(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("api:tokens"), {"name": "LMS export", "scopes": [Scope.COURSES_READ]}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("cecp_") and secret in response.text
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(provider=staff.provider, name="LMS export")
    assert token.scopes == [Scope.COURSES_READ] and token.created_by == staff
    # Never again: the list shows the prefix only.
    again = client.get(reverse("api:tokens"))
    assert secret not in again.text
    assert token.prefix in again.text
    # The secret works.
    assert client.get(COURSES, headers=bearer(secret)).status_code == 200


def test_a_token_form_with_bad_input_says_why_and_creates_nothing(client, staff):
    client.force_login(staff)
    response = client.post(reverse("api:tokens"), {"name": "x" * 101, "scopes": ["admin:all"]})
    assert response.status_code == 200
    assert "at most 100 characters" in response.text
    assert "Select a valid choice" in response.text
    make_token(staff, name="Taken")
    response = client.post(reverse("api:tokens"), {"name": "taken", "scopes": ["courses:read"]})
    assert "already named" in response.text
    assert ApiToken.objects.count() == 1


def test_revocation_is_effective_for_the_very_next_call(client, staff):
    token, secret = make_token(staff)
    assert client.get(COURSES, headers=bearer(secret)).status_code == 200
    client.force_login(staff)
    response = client.post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    client.logout()
    refused = client.get(COURSES, headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == staff


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer cecp_not-a-real-token",
        "Bearer " + "cecp_" + "x" * 500,
    ],
)
def test_no_or_unknown_token_is_401_in_the_error_shape(client, staff, header):
    headers = {"Authorization": header} if header else {}
    response = client.get(COURSES, headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_a_right_prefix_with_a_wrong_secret_is_refused(client, staff):
    _, secret = make_token(staff)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    assert client.get(COURSES, headers=bearer(forged)).status_code == 401


@pytest.mark.parametrize(
    ("scopes", "method", "path", "allowed"),
    [
        ([Scope.COURSES_WRITE], "get", COURSES, False),
        ([Scope.COURSES_READ], "get", COURSES, True),
        ([Scope.COURSES_READ], "post", COURSES, False),
        ([Scope.COMPLETIONS_WRITE], "post", COURSES, False),
        ([Scope.COURSES_WRITE], "post", COURSES, True),
    ],
)
def test_scopes_are_enforced(client, staff, scopes, method, path, allowed):
    _, secret = make_token(staff, scopes=scopes)
    body = {"title": "Kettlebells", "delivery_format": "online", "cec_value": "0.3"}
    response = getattr(client, method)(
        path,
        body if method == "post" else None,
        content_type="application/json",
        headers=bearer(secret),
    )
    if allowed:
        assert response.status_code in (200, 201)
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "missing_scope"
        assert staff.provider.courses.count() == 0


def test_another_providers_course_is_not_found(client, staff):
    _, secret = make_token(staff)
    other = CourseFactory()
    response = client.get(f"{COURSES}/{other.pk}", headers=bearer(secret))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert other.title not in response.text
    listed = client.get(COURSES, headers=bearer(secret)).json()
    assert listed["count"] == 0


def test_staff_cannot_revoke_or_see_another_providers_tokens(client, staff):
    other, _ = make_token(ProviderStaffFactory(), name="Theirs")
    client.force_login(staff)
    assert client.post(reverse("api:token-revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
    assert "Theirs" not in client.get(reverse("api:tokens")).text


def test_revoking_one_token_leaves_the_others_working(client, staff):
    """Revoking one token leaves the provider's other tokens working."""
    first, first_secret = make_token(staff, name="One")
    _, second_secret = make_token(staff, name="Two")
    client.force_login(staff)
    client.post(reverse("api:token-revoke", args=[first.pk]))
    assert client.get(COURSES, headers=bearer(first_secret)).status_code == 401
    assert client.get(COURSES, headers=bearer(second_secret)).status_code == 200


def test_last_use_is_recorded(client, staff):
    token, secret = make_token(staff)
    assert token.last_used_at is None
    client.get(COURSES, headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_suspended_providers_tokens_are_refused(client, staff):
    from catalog.models import Provider

    _, secret = make_token(staff)
    Provider.objects.filter(pk=staff.provider_id).update(status=Provider.Status.SUSPENDED)
    response = client.get(COURSES, headers=bearer(secret))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "provider_suspended"
