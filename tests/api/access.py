from reporting.models import RosterBatch
from reporting.services import stage
from tests.access import (
    NOT_ALLOWED,
    NOT_FOUND,
    REDIRECT,
    Route,
    everyone,
    provider_staff_only,
    public,
)
from tests.api.factories import make_token
from tests.catalog.factories import CourseFactory

UNAUTHORIZED = 401


def build(world):
    world.own_token, _ = make_token(world.provider_staff, name="Own system")
    world.other_token, _ = make_token(name="Another provider's system")
    world.own_api_course = CourseFactory(provider=world.provider_staff.provider)
    if not hasattr(world, "course"):
        world.course = CourseFactory()
    world.batch = stage(
        world.provider_staff.provider,
        [{"course_number": world.own_api_course.number, "email": "a@example.com"}],
        source=RosterBatch.Source.API,
    )


def own_token(w):
    return {"pk": w.own_token.pk}


def other_token(w):
    return {"pk": w.other_token.pk}


# The API answers a token, never the session: a signed-in person's browser gets 401 from
# every endpoint that needs one (and the public lookup, the schema and the docs as anyone).
token_only = everyone(UNAUTHORIZED)

ROUTES = [
    Route("api:tokens", provider_staff_only()),
    Route("api:token-revoke", provider_staff_only() | {"provider_staff": NOT_ALLOWED}, own_token),
    Route(
        "api:token-revoke",
        provider_staff_only() | {"provider_staff": REDIRECT},
        own_token,
        method="post",
    ),
    # Another provider's token: not found, and not revoked.
    Route(
        "api:token-revoke",
        provider_staff_only() | {"provider_staff": NOT_FOUND},
        other_token,
        method="post",
    ),
    Route("api-v1:courses", token_only),
    Route("api-v1:courses", token_only, method="post", data={"title": "x"}),
    Route("api-v1:course", token_only, lambda w: {"course_id": w.own_api_course.pk}),
    Route("api-v1:completions", everyone(NOT_ALLOWED)),
    Route("api-v1:completions", token_only, method="post", data={"rows": []}),
    Route("api-v1:completion-batch", token_only, lambda w: {"batch_id": w.batch.pk}),
    Route("api-v1:public-course", public(), lambda w: {"number": w.course.number}),
    Route("api-v1:public-course", everyone(NOT_FOUND), lambda w: {"number": "CA99999"}),
    Route("api-v1:openapi-json", public()),
    Route("api-v1:openapi-view", public()),
    # ninja's root exists only to place the API; it answers 404, in the API's JSON shape.
    Route("api-v1:api-root", everyone(NOT_FOUND)),
]
