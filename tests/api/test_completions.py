"""Completions reported through the API: checked and posted by the reporting services (the
same path as a roster upload), idempotent by key, and blind to other providers."""

import datetime
import json
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from reporting.models import ReportedCompletion, RosterBatch
from tests.accounts.factories import ProfessionalFactory
from tests.api.factories import bearer, make_token
from tests.catalog.factories import CourseFactory
from tracker import services as tracker_services
from tracker.models import CreditEntry, Program

pytestmark = pytest.mark.django_db

COMPLETIONS = "/api/v1/completions"


@pytest.fixture
def course(staff):
    return CourseFactory(
        provider=staff.provider,
        number="CA24680",
        cec_value=Decimal("0.3"),
        approved_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2035, 12, 31),
    )


@pytest.fixture
def pro():
    person = ProfessionalFactory(email="rivera@pro.example.com", last_name="Rivera")
    tracker_services.certification_add(
        user=person,
        program=Program.objects.get(certifier__code="ace", abbreviation="CPT"),
        earned_on=timezone.localdate() - relativedelta(months=6),
        number="ACE-778899",
    )
    return person


def _day(days_ago=10):
    return (timezone.localdate() - relativedelta(days=days_ago)).isoformat()


def _post(client, rows, auth, key=None):
    headers = dict(auth)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        COMPLETIONS, json.dumps({"rows": rows}), content_type="application/json", headers=headers
    )


@pytest.fixture
def post(client, auth, django_capture_on_commit_callbacks):
    """POST completions and run what the commit enqueued (the post, with the immediate
    backend)."""

    def _send(rows, key=None, headers=None):
        with django_capture_on_commit_callbacks(execute=True):
            return _post(client, rows, headers or auth, key)

    return _send


def test_matched_claimable_and_refused_rows_and_the_credit_posted(post, course, pro, client, auth):
    rows = [
        {"course_number": "ca 24680", "email": "RIVERA@pro.example.com", "completion_date": _day()},
        {"course_number": "CA24680", "email": "later@pro.example.com", "completion_date": _day()},
        {"course_number": "CA24680", "email": "x@pro.example.com", "completion_date": _day(-5)},
        {"course_number": "CA24680", "email": "not-an-email", "completion_date": _day()},
    ]
    response = post(rows, key="batch-1")
    assert response.status_code == 202, response.content
    data = response.json()
    assert [r["verdict"] for r in data["rows"]] == ["matched", "claimable", "refused", "refused"]
    assert "future" in data["rows"][2]["reason"]
    assert "not an email" in data["rows"][3]["reason"]
    entry = CreditEntry.objects.get(user=pro)
    assert entry.source == CreditEntry.Source.PROVIDER and entry.course == course
    # The result reads back, posted.
    again = client.get(f"{COMPLETIONS}/{data['id']}", headers=auth).json()
    assert again["status"] == "posted"
    assert again["counts"] == {"matched": 1, "claimable": 1, "refused": 2, "posted": 1}
    assert again["rows"][0]["posted"] is True


def test_the_same_idempotency_key_returns_the_same_batch_and_stores_nothing(post, course, pro):
    rows = [{"course_number": "CA24680", "email": pro.email, "completion_date": _day()}]
    first = post(rows, key="k-123")
    # The same rows, their fields in another order: the same request.
    second = post([dict(reversed(rows[0].items()))], key="k-123")
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json()["id"] == first.json()["id"]
    assert RosterBatch.objects.count() == 1 and ReportedCompletion.objects.count() == 1
    assert CreditEntry.objects.filter(user=pro).count() == 1


def test_a_used_idempotency_key_with_other_rows_is_refused_and_stores_nothing(post, course, pro):
    rows = [{"course_number": "CA24680", "email": pro.email, "completion_date": _day()}]
    first = post(rows, key="k-456")
    other = [{"course_number": "CA24680", "email": pro.email, "completion_date": _day(12)}]
    refused = post(other, key="k-456")
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key was sent before with other rows" in error["message"]
    assert f"batch {first.json()['id']}" in error["message"]
    assert RosterBatch.objects.count() == 1 and ReportedCompletion.objects.count() == 1
    # With a key of their own, the other rows are a batch of their own.
    assert post(other, key="k-789").status_code == 202


def test_reporting_the_same_completion_again_without_a_key_posts_nothing_new(post, course, pro):
    rows = [{"course_number": "CA24680", "email": pro.email, "completion_date": _day()}]
    post(rows)
    second = post(rows).json()
    assert second["rows"][0]["verdict"] == "refused"
    assert "Duplicate" in second["rows"][0]["reason"]
    assert CreditEntry.objects.filter(user=pro).count() == 1


def test_a_provider_cannot_post_credit_for_another_providers_course(post, pro):
    theirs = CourseFactory(number="CA13579")
    rows = [{"course_number": theirs.number, "email": pro.email, "completion_date": _day()}]
    data = post(rows).json()
    assert data["rows"][0]["verdict"] == "refused"
    assert "not one of" in data["rows"][0]["reason"]
    assert theirs.title not in json.dumps(data)
    assert not CreditEntry.objects.filter(user=pro).exists()


def test_another_providers_batch_is_not_found(client, post, course, pro):
    batch_id = post(
        [{"course_number": "CA24680", "email": pro.email, "completion_date": _day()}]
    ).json()["id"]
    _, theirs = make_token(name="Theirs")
    response = client.get(f"{COMPLETIONS}/{batch_id}", headers=bearer(theirs))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert pro.email not in response.text


def test_the_result_tells_nothing_about_the_professional(client, post, course, pro, auth):
    data = post([{"course_number": "CA24680", "email": pro.email, "completion_date": _day()}])
    text = client.get(f"{COMPLETIONS}/{data.json()['id']}", headers=auth).text
    for private in (pro.email, pro.first_name, "ACE-778899", str(pro.pk)):
        assert private not in text


@pytest.mark.parametrize(
    "body",
    [
        {"rows": []},
        {"rows": "CA24680"},
        {"rows": [{"email": "a@b.example"}]},
        {"rows": [{"course_number": "CA24680", "completion_date": "12/31/2025x"}]},
        {"rows": [{"course_number": "CA24680", "completion_date": "2025-01-01", "hours": -1}]},
        {"rows": [{"course_number": "CA\x0024680", "completion_date": "2025-01-01"}]},
    ],
)
def test_a_malformed_batch_is_422_and_stores_nothing(client, auth, course, body):
    response = client.post(
        COMPLETIONS, json.dumps(body), content_type="application/json", headers=auth
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]
    assert not RosterBatch.objects.exists()


def test_more_than_1000_rows_is_422_and_stores_nothing(client, auth, course, pro):
    row = {"course_number": "CA24680", "email": pro.email, "completion_date": _day()}
    response = _post(client, [row] * 1001, auth)
    assert response.status_code == 422
    assert "1000" in json.dumps(response.json())
    assert not RosterBatch.objects.exists()


def test_a_body_far_over_the_limit_is_413_and_stores_nothing(client, auth, course, settings):
    settings.API_MAX_BODY_BYTES = 50_000
    row = {"course_number": "CA24680", "email": "a@b.example", "completion_date": _day()}
    response = _post(client, [row] * 1000, auth)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not RosterBatch.objects.exists()


def test_a_bad_idempotency_key_is_422(client, auth, course):
    row = {"course_number": "CA24680", "email": "a@b.example", "completion_date": _day()}
    response = _post(client, [row], auth, key="x" * 201)
    assert response.status_code == 422
    assert not RosterBatch.objects.exists()


def test_completions_need_their_scope(client, staff, course, pro):
    _, read_only = make_token(staff, scopes=["courses:read", "completions:read"], name="RO")
    row = {"course_number": "CA24680", "email": pro.email, "completion_date": _day()}
    response = _post(client, [row], bearer(read_only))
    assert response.status_code == 403
    assert not RosterBatch.objects.exists()


def test_a_revoked_token_posts_nothing(client, staff, course, pro):
    from api.services import token_revoke

    token, secret = make_token(staff, name="Old")
    token_revoke(token=token, by=staff)
    row = {"course_number": "CA24680", "email": pro.email, "completion_date": _day()}
    assert _post(client, [row], bearer(secret)).status_code == 401
    assert not RosterBatch.objects.exists()


def test_the_history_names_the_provider_and_the_token(post, course, pro, token_and_secret):
    post([{"course_number": "CA24680", "email": pro.email, "completion_date": _day()}])
    batch = RosterBatch.objects.get()
    assert batch.source == RosterBatch.Source.API
    assert batch.who == f"{course.provider.name} (API token {token_and_secret[0].name})"
