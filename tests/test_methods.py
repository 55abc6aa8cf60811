"""Every URL of the site, found by the URL resolver through the access tables: it answers 405
to any method it does not take, and a request too large or malformed gets the site's own page.

A URL is walked as a role that may use it (the access table says which), so that the answer
comes from the method check, not from a login redirect or a 403.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse

from tests import access
from tests.test_access import ROUTES, world  # noqa: F401  (the walk's shared world)

NEVER_TAKEN = ["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
USABLE = (access.PAGE, access.NOT_ALLOWED, access.REDIRECT, 400)
FORM = "application/x-www-form-urlencoded"
PREFERENCE = ("admin", "reviewer", "provider_staff", "professional", "anonymous")


def _walkable():
    seen, routes = set(), []
    for route in ROUTES:
        if route.name == "admin:index" or route.name in seen:
            continue  # Django's own admin is not walked
        if route.name.startswith("api-v1:"):
            continue  # the API answers with a token, not a role: tests/api walks its methods
        seen.add(route.name)
        routes.append(route)
    return routes


def _role(route) -> str:
    for outcome in USABLE:
        for role in PREFERENCE:
            if route.expect[role] == outcome:
                return role
    raise AssertionError(f"{route.name}: no role may use it; the walk cannot check its methods")


def _visit(client, objects, route):
    client.logout()
    role = _role(route)
    user = objects.users[role]
    if user is not None:
        client.force_login(user)
    kwargs = route.kwargs(objects) if route.kwargs else {}
    return reverse(route.name, kwargs=kwargs)


def _allowed(response) -> set[str]:
    return {m.strip() for m in response.get("Allow", "").split(",") if m.strip()}


@pytest.fixture
def walked(client, world):  # noqa: F811
    """(route, url, methods it takes) for every URL, as a role that may use it."""
    found = []
    for route in _walkable():
        url = _visit(client, world, route)
        response = client.generic("DELETE", url)
        found.append((route, url, _allowed(response), response.status_code))
    return found


def test_every_url_refuses_the_methods_it_does_not_take(client, world, walked):  # noqa: F811
    failures = []
    for route, url, allowed, delete_status in walked:
        if delete_status != 405 or not allowed:
            failures.append(f"{route.name} ({url}): DELETE answered {delete_status}")
            continue
        _visit(client, world, route)
        for method in NEVER_TAKEN + ["GET", "HEAD", "POST"]:
            if method in allowed:
                continue
            status = client.generic(method, url).status_code
            if status != 405:
                failures.append(f"{route.name} ({url}): {method} answered {status}, not 405")
        if "GET" in allowed and "HEAD" not in allowed:
            failures.append(f"{route.name} ({url}): takes GET but not HEAD")
        if allowed - {"GET", "HEAD", "POST"}:
            failures.append(f"{route.name} ({url}): takes {sorted(allowed)}")
    assert not failures, "\n".join(failures)


def _post_everywhere(objects, walked, body):
    """POST `body` to every URL that takes POST, checking form tokens as production does (so
    the body is read before any view runs, as it is there)."""
    client = Client(enforce_csrf_checks=True)
    answers = []
    for route, url, allowed, _ in walked:
        # A view exempt from form tokens (one-click unsubscribe) reads no body unless it needs one.
        if "POST" in allowed and not getattr(resolve(url).func, "csrf_exempt", False):
            _visit(client, objects, route)
            # A form token cookie, as a browser has: the token in the body is then read.
            client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
            answers.append((route, url, client.post(url, body, content_type=FORM)))
    assert len(answers) > 20
    return answers


def test_a_form_too_large_gets_the_sites_413_page(world, walked):  # noqa: F811
    too_big = "note=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    failures = [
        f"{route.name} ({url}): {response.status_code}"
        for route, url, response in _post_everywhere(world, walked, too_big)
        if response.status_code != 413 or "What you sent is too large" not in response.text
    ]
    assert not failures, "\n".join(failures)


def test_a_form_with_too_many_fields_gets_the_sites_400_page(world, walked):  # noqa: F811
    many = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    failures = [
        f"{route.name} ({url}): {response.status_code}"
        for route, url, response in _post_everywhere(world, walked, many)
        if response.status_code != 400 or "could not be read" not in response.text
    ]
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_a_form_without_its_token_says_what_to_do(professional):
    client = Client(enforce_csrf_checks=True)
    client.force_login(professional)
    response = client.post(reverse("tracker:certification-add"), {"csrfmiddlewaretoken": "forged"})
    assert response.status_code == 403
    assert "reload the page" in response.text
