"""Walk every URL of the site as each role and check each gets what it should."""

import importlib
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import access
from tests.accounts.factories import (
    AdminFactory,
    ProfessionalFactory,
    ProviderStaffFactory,
    ReviewerFactory,
)

APPS = ["accounts", "catalog", "tracker", "petitions", "notices", "reporting", "api"]


def _tables():
    routes, builders = [], []
    for app in APPS:
        try:
            module = importlib.import_module(f"tests.{app}.access")
        except ModuleNotFoundError:
            continue
        routes.extend(module.ROUTES)
        if hasattr(module, "build"):
            builders.append(module.build)
    return routes, builders


def _url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns == "admin":
                continue  # Django's own admin: one entry (admin:index) stands for it.
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            names |= _url_names(pattern, full)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                names.add(f"<unnamed {pattern.pattern}>")
            else:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


ROUTES, BUILDERS = _tables()


def test_every_url_is_in_the_access_table():
    declared = {route.name for route in ROUTES} - {"admin:index"}
    actual = _url_names()
    missing = sorted(actual - declared)
    stale = sorted(declared - actual)
    assert not missing, (
        f"URLs with no access expectations (add them to tests/<app>/access.py): {missing}"
    )
    assert not stale, f"Access table names URLs that no longer exist: {stale}"


def test_every_route_states_every_role():
    for route in ROUTES:
        assert set(route.expect) == set(access.ROLES), f"{route.name} must state all roles"


@pytest.fixture
def world(db):
    w = SimpleNamespace(
        professional=ProfessionalFactory(),
        provider_staff=ProviderStaffFactory(),
        reviewer=ReviewerFactory(),
        admin=AdminFactory(),
    )
    w.users = {
        "anonymous": None,
        "professional": w.professional,
        "provider_staff": w.provider_staff,
        "reviewer": w.reviewer,
        "admin": w.admin,
    }
    for build in BUILDERS:
        build(w)
    return w


def _outcome(response):
    if response.status_code in (301, 302):
        login_path = reverse(settings.LOGIN_URL)
        if response["Location"].startswith(login_path):
            return access.LOGIN
        return access.REDIRECT
    if response.status_code == 200:
        return access.PAGE
    return response.status_code


@pytest.mark.parametrize("role", access.ROLES)
def test_access_walk(client, world, role):
    user = world.users[role]
    failures = []
    for route in ROUTES:
        client.logout()
        if user is not None:
            client.force_login(user)
        kwargs = route.kwargs(world) if route.kwargs else {}
        url = reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")
        response = getattr(client, route.method)(url, route.data)
        got = _outcome(response)
        if got != route.expect[role]:
            failures.append(f"{route.name} ({url}): expected {route.expect[role]}, got {got}")
    assert not failures, f"As {role}:\n" + "\n".join(failures)


def _walk(client, user, world, routes):
    got = {}
    for index, route in enumerate(routes):
        client.force_login(user)
        kwargs = route.kwargs(world) if route.kwargs else {}
        url = reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")
        got[index] = (url, _outcome(getattr(client, route.method)(url, route.data)))
    return got


def test_one_permission_granted_to_one_person_opens_exactly_its_pages(client, world):
    """Access goes by permission, not by group: someone granted only "review petitions",
    directly, reaches the petition queue and every petition page a reviewer does, and
    everywhere else gets what a professional with nothing of their own gets."""
    from django.contrib.auth.models import Permission

    granted = ProfessionalFactory()
    granted.user_permissions.add(
        Permission.objects.get(content_type__app_label="petitions", codename="review_petition")
    )
    plain = ProfessionalFactory()
    as_plain = _walk(client, plain, world, ROUTES)
    as_granted = _walk(client, granted, world, ROUTES)
    failures = []
    for index, route in enumerate(ROUTES):
        url, got = as_granted[index]
        # The reviewers' home shows the queues of the permissions one holds.
        opened = route.name.startswith("petitions:") or route.name == "review-home"
        expected = route.expect["reviewer"] if opened else None
        expected = expected if expected is not None else as_plain[index][1]
        if got != expected:
            failures.append(f"{route.name} ({url}): expected {expected}, got {got}")
    assert not failures, "\n".join(failures)
    assert as_granted[ROUTES.index(next(r for r in ROUTES if r.name == "petitions:queue"))][1] == (
        access.PAGE
    )
