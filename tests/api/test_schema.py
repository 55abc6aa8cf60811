"""The API's OpenAPI document: valid, served with its docs by the app itself (no CDN), and
honoured by the app — schemathesis generates requests from it (every operation, with a valid
token and with none, well-formed and malformed) and checks each answer against it."""

import json
import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from reporting.models import RosterBatch
from reporting.services import stage
from tests.api.factories import bearer, make_token
from tests.catalog.factories import ConferenceFactory, CourseApprovalFactory, SessionFactory

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/openapi.json"
# Per operation and per run below: a bounded few hundred requests in all.
EXAMPLES = 20
# Every other check runs. This one expects any request the schema allows to succeed; the
# catalog's and the rosters' rules (a conference's session codes distinct, a credit in tenths,
# a date inside the approval window) are answered with the documented 422 instead.
EXCLUDED = [positive_data_acceptance]


def test_the_schema_is_valid_openapi_3(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    validate(document)
    paths = set(document["paths"])
    assert {
        "/api/v1/courses",
        "/api/v1/courses/{course_id}",
        "/api/v1/completions",
        "/api/v1/completions/{batch_id}",
        "/api/v1/public/courses/{number}",
    } <= paths
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_are_served_by_the_app_with_no_external_address(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.text
    assert "swagger-ui-bundle.js" in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    assert not external, external
    assert "cdn" not in html.lower()
    # Swagger UI's own online validator is switched off: the page calls nothing outside.
    settings_json = re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1)
    assert json.loads(settings_json)["validatorUrl"] is None
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


# --- schemathesis -------------------------------------------------------------------------


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, in the test's own database transaction (as Django's
    test client does, the connection is not closed at the end of each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def provider_world(staff, settings):
    settings.API_RATE_LIMIT = "100000/min"
    settings.API_PUBLIC_RATE_LIMIT = "100000/min"
    conference = ConferenceFactory(provider=staff.provider, number="CEP123456")
    SessionFactory(course=conference, code="A1")
    CourseApprovalFactory(course__provider=staff.provider)
    stage(
        staff.provider,
        [{"course_number": "CEP123456", "email": "x@example.com"}],
        source=RosterBatch.Source.API,
    )
    _, secret = make_token(staff)
    return secret


def _run(operation, *, mode, headers):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

    check()


@pytest.mark.schemathesis
@pytest.mark.parametrize(
    ("mode", "with_token"),
    [
        (GenerationMode.POSITIVE, True),
        (GenerationMode.POSITIVE, False),
        (GenerationMode.NEGATIVE, True),
    ],
    ids=["valid-token", "no-token", "malformed-with-token"],
)
def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(
    wsgi_app, provider_world, mode, with_token
):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    headers = bearer(provider_world) if with_token else {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6
    for operation in operations:
        _run(operation, mode=mode, headers=headers)
