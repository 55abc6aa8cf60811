"""The provider API, version 1: `/api/v1/`. Endpoints read like the web pages they mirror:
scope the query to the token's provider (404 for anything else), hand checked input to the
same services the forms use, answer with a typed schema or the one error shape."""

from __future__ import annotations

import logging
from typing import Annotated

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from ninja import Header, NinjaAPI, Path, Query, Status, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from catalog import services as catalog_services
from catalog.models import Course, CourseApproval, Session
from catalog.numbers import MAX_INPUT
from reporting import services as reporting
from reporting.models import RosterBatch
from tracker.models import Certifier

from .auth import AddressRateThrottle, TokenAuth, TokenRateThrottle, require_scope
from .errors import ApiError, detail, error_response
from .models import Scope
from .schemas import (
    BatchOut,
    CompletionsIn,
    CourseOut,
    CoursePage,
    ErrorOut,
    PageIn,
    PublicCourseOut,
    Registration,
)

log = logging.getLogger(__name__)

DESCRIPTION = """
The CEC Portal API for course providers: read your courses and their approvals, register
courses (they wait for a reviewer, as on the web form), report completions in batches, and look
up any public course by its number.

**Authentication.** Provider staff create tokens on the provider's *API tokens* page; send one as
`Authorization: Bearer cecp_…`. The secret is shown once. Each token carries scopes:
`courses:read`, `courses:write`, `completions:write`, `completions:read`.

**Errors** always have the same body:
`{"error": {"code": "…", "message": "…", "details": [{"loc": […], "message": "…"}]}}`.
401 no, unknown or revoked token · 403 a scope the token lacks · 404 not found, or another
provider's · 405 wrong method · 413 body over the size limit · 422 body or parameters not valid ·
429 too many calls (see `Retry-After`).
"""

MAX_ID = 2**63 - 1
CourseId = Annotated[int, Path(ge=1, le=MAX_ID)]


def errors(*statuses: int) -> dict:
    return dict.fromkeys(statuses, ErrorOut)


api = NinjaAPI(
    title="CEC Portal provider API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


# --- The one error shape --------------------------------------------------------------------


def _where(loc) -> list:
    """["body", "body", "title"] (the source, then the parameter's name) as ["body", "title"]."""
    loc = list(loc)
    if loc[:2] == ["body", "body"]:
        del loc[1]
    return loc


def _validation_details(exc: NinjaValidationError) -> list[dict]:
    return [detail(_where(e.get("loc", ())), e.get("msg", "Not valid.")) for e in exc.errors]


def _field(loc: list) -> str:
    """["body", "rows", "3", "email"] as rows.3.email; the source alone when that is all."""
    return ".".join(loc[1:]) or ".".join(loc) or "request"


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    details = _validation_details(exc)
    said = "; ".join(f"{_field(d['loc'])}: {d['message']}" for d in details[:3])
    more = f" (and {len(details) - 3} more)" if len(details) > 3 else ""
    return error_response(422, f"The request is not valid: {said}{more}.", details=details)


@api.exception_handler(DjangoValidationError)
def _refused(request, exc):
    if hasattr(exc, "error_dict"):
        details = [detail(["body", name], m) for name, ms in exc.message_dict.items() for m in ms]
    else:
        details = []
    return error_response(422, " ".join(exc.messages), details=details)


@api.exception_handler(reporting.IdempotencyKeyReused)
def _key_reused(request, exc):
    return error_response(422, " ".join(exc.messages), code="idempotency_key_reused")


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return error_response(401, headers={"WWW-Authenticate": 'Bearer realm="api"'})


@api.exception_handler(Throttled)
def _throttled(request, exc):
    return error_response(429)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400:  # a body that is not JSON
        return error_response(422, "The body is not valid JSON.", code="malformed_body")
    return error_response(exc.status_code, str(exc))


@api.exception_handler(ApiError)
def _api_error(request, exc):
    return error_response(exc.status, exc.message, code=exc.code, details=exc.details)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(404)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return error_response(413)


@api.exception_handler(Exception)
def _server_error(request, exc):
    log.exception("API error on %s %s", request.method, request.path)
    return error_response(500)


# --- Courses --------------------------------------------------------------------------------


def _certifiers() -> dict[int, Certifier]:
    return {c.pk: c for c in Certifier.objects.all()}


def _home(certifiers: dict[int, Certifier]) -> Certifier | None:
    return next((c for c in certifiers.values() if c.assigns_catalog_numbers), None)


def _approvals(course: Course, certifiers: dict[int, Certifier]) -> list[dict]:
    """The home certifier's approval (the course's own number) first, then the others'."""
    rows = []
    home = _home(certifiers)
    if home is not None and course.number:
        rows.append(
            {
                "certifier": home.code,
                "certifier_name": home.name,
                "number": course.number,
                "credit": course.cec_value,
                "unit": home.unit_plural,
                "category": "",
                "valid_from": course.approved_on,
                "valid_to": course.expires_on,
            }
        )
    for approval in course.approvals.all():
        certifier = certifiers[approval.certifier_id]
        rows.append(
            {
                "certifier": certifier.code,
                "certifier_name": certifier.name,
                "number": approval.number,
                "credit": approval.credit,
                "unit": certifier.unit_plural,
                "category": approval.category,
                "valid_from": approval.valid_from,
                "valid_to": approval.valid_to,
            }
        )
    return rows


def _course_out(course: Course, certifiers: dict[int, Certifier]) -> dict:
    return {
        "id": course.pk,
        "number": course.number,
        "title": course.title,
        "description": course.description,
        "delivery_format": course.delivery_format,
        "status": course.status,
        "cec_value": course.cec_value,
        "contact_hours": course.contact_hours,
        "approved_on": course.approved_on,
        "expires_on": course.expires_on,
        "rejection_reason": course.rejection_reason,
        "submitted_at": course.submitted_at,
        "sessions": [
            {
                "code": s.code,
                "title": s.title,
                "cec_value": s.cec_value,
                "contact_hours": s.contact_hours,
            }
            for s in course.sessions.all()
        ],
        "approvals": _approvals(course, certifiers),
    }


def _own_courses(token):
    return Course.objects.filter(provider_id=token.provider_id).prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("code")),
        Prefetch("approvals", queryset=CourseApproval.objects.order_by("certifier_id")),
    )


@api.get(
    "/courses",
    response={200: CoursePage, **errors(401, 403, 422, 429)},
    url_name="courses",
    tags=["courses"],
    summary="List the provider's courses",
)
def list_courses(request, paging: Query[PageIn]):
    """The token's provider's courses, newest registration first, with their sessions and
    every certifier's approval. Scope `courses:read`."""
    token = require_scope(request, Scope.COURSES_READ)
    courses = _own_courses(token).order_by("-submitted_at", "-pk")
    start = (paging.page - 1) * paging.page_size
    certifiers = _certifiers()
    return {
        "count": courses.count(),
        "page": paging.page,
        "page_size": paging.page_size,
        "items": [_course_out(c, certifiers) for c in courses[start : start + paging.page_size]],
    }


@api.get(
    "/courses/{course_id}",
    response={200: CourseOut, **errors(401, 403, 404, 422, 429)},
    url_name="course",
    tags=["courses"],
    summary="Read one of the provider's courses",
)
def read_course(request, course_id: CourseId):
    """One course of the token's provider; another provider's course is not found (404).
    Scope `courses:read`."""
    token = require_scope(request, Scope.COURSES_READ)
    course = _own_courses(token).filter(pk=course_id).first()
    if course is None:
        raise Http404
    return _course_out(course, _certifiers())


@api.post(
    "/courses",
    response={201: CourseOut, **errors(401, 403, 413, 422, 429)},
    url_name="courses",
    tags=["courses"],
    summary="Register a course",
)
def register_course(request, body: Registration):
    """Register a course (or a conference with its sessions) for the token's provider. It
    waits for a reviewer in the same queue as a registration made on the web form; its number
    is assigned on approval. Scope `courses:write`."""
    token = require_scope(request, Scope.COURSES_WRITE)
    course = catalog_services.course_register(
        provider=token.provider,
        submitted_by=token.created_by,
        title=body.title,
        description=body.description,
        delivery_format=body.delivery_format,
        cec_value=getattr(body, "cec_value", None),
        contact_hours=getattr(body, "contact_hours", None),
        sessions=[s.model_dump() for s in getattr(body, "sessions", ())],
    )
    return Status(201, _course_out(_own_courses(token).get(pk=course.pk), _certifiers()))


# --- Public lookup --------------------------------------------------------------------------


def _public_out(course: Course, lookup, certifiers: dict[int, Certifier]) -> dict:
    home = _home(certifiers)
    unit = home.unit_plural if home else "CECs"
    return {
        "number": course.number,
        "title": course.title,
        "provider": course.provider.name,
        "delivery_format": course.delivery_format,
        "status": course.status,
        "cec_value": course.cec_value,
        "contact_hours": course.contact_hours,
        "approved_on": course.approved_on,
        "expires_on": course.expires_on,
        "current": lookup.ok,
        "message": lookup.message,
        "sessions": [
            {"code": s.code, "title": s.title, "cec_value": s.cec_value}
            for s in course.sessions.order_by("code")
        ],
        "approvals": [
            {**row, "unit": row["unit"] or unit}
            for row in _approvals(course, certifiers)
            if row["number"] != course.number
        ],
    }


@api.get(
    "/public/courses/{number}",
    auth=None,
    throttle=[AddressRateThrottle()],
    response={200: PublicCourseOut, **errors(404, 422, 429)},
    url_name="public-course",
    tags=["public"],
    summary="Look up a public course by its number",
)
def public_course(request, number: Annotated[str, Path(max_length=MAX_INPUT)]):
    """Public catalog facts of an approved (or retired) course, by its number (`ca 23456` is
    CA23456), with its sessions and other certifiers' approvals. No token needed. A number
    that is not one of the catalog's is not found; a text that cannot be a number is 422."""
    lookup = catalog_services.course_lookup(number, on=timezone.localdate())
    if lookup.reason == "malformed":
        raise ApiError(422, lookup.message, details=[detail(["path", "number"], lookup.message)])
    course = lookup.course
    if course is None or course.status not in (Course.Status.APPROVED, Course.Status.RETIRED):
        raise ApiError(404, f"No public course has the number {lookup.number or number}.")
    return _public_out(course, lookup, _certifiers())


# --- Completions ----------------------------------------------------------------------------

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Any unique text (a UUID): sending the same rows with the same key again "
        "returns the batch they first made and stores nothing new; other rows with a key "
        "already used are refused (422).",
    ),
]
BatchId = Annotated[int, Path(ge=1, le=MAX_ID)]


@api.post(
    "/completions",
    response={200: BatchOut, 202: BatchOut, **errors(401, 403, 413, 422, 429)},
    url_name="completions",
    tags=["completions"],
    summary="Report completions",
)
def post_completions(request, body: CompletionsIn, idempotency_key: IdempotencyKey = None):
    """Report up to 1,000 completions of the provider's own courses. Each row is checked:
    *matched* (a professional found by email, or certification number and last name: posted
    to their ledger as provider-reported credit, in the background), *claimable* (nobody
    matches yet: offered to the professional when they sign up) or *refused* with its reason
    (not one of your courses, a date outside the approval window or in the future, an unknown
    session, a completion already reported). Answers 202 with the batch; the same rows with the
    same `Idempotency-Key` again answer 200 with that same batch, and other rows with a key
    already used answer 422, storing nothing. Scope `completions:write`."""
    token = require_scope(request, Scope.COMPLETIONS_WRITE)
    key = idempotency_key or ""
    replay = (
        bool(key)
        and RosterBatch.objects.filter(provider_id=token.provider_id, idempotency_key=key).exists()
    )
    batch = reporting.stage(
        token.provider,
        [row.model_dump() for row in body.rows],
        source=RosterBatch.Source.API,
        label=token.name,
        idempotency_key=key,
    )
    if batch.status == RosterBatch.Status.CHECKED:
        batch = reporting.confirm(batch)
    return Status(200 if replay else 202, reporting.result(batch))


@api.get(
    "/completions/{batch_id}",
    response={200: BatchOut, **errors(401, 403, 404, 422, 429)},
    url_name="completion-batch",
    tags=["completions"],
    summary="Read a batch's result",
)
def read_completions(request, batch_id: BatchId):
    """What became of each row of a batch the provider reported: its verdict, the reason of a
    refusal, and whether it is posted. Another provider's batch is not found (404). Scope
    `completions:read` or `completions:write`."""
    token = require_scope(request, Scope.COMPLETIONS_READ, Scope.COMPLETIONS_WRITE)
    batch = RosterBatch.objects.of_provider(token.provider_id).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return reporting.result(batch)


def urls():
    """The API's URL patterns, for the project's urls. Every API view is exempt from the
    site's login requirement: a token (or nothing, for the public lookup) is its
    authentication, never the session."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns, app_name, namespace
