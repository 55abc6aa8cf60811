"""Every page of the access walk, as every role that may see it, on a desktop and on a phone:
axe-core finds no accessibility violation, and no page is wider than a phone's screen.

The pages come from the access tables (`tests/<app>/access.py`), so a new page joins this
test as soon as it joins the walk. One login per role; one browser tab per role, reused.
"""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests import access
from tests.accounts.factories import (
    PASSWORD,
    AdminFactory,
    ProfessionalFactory,
    ProviderStaffFactory,
    ReviewerFactory,
)
from tests.test_access import BUILDERS, ROUTES
from tracker import seeding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe" / "axe.min.js").read_text()
DESKTOP = {"width": 1280, "height": 900}
PHONES = ({"width": 390, "height": 844}, {"width": 360, "height": 740})

# Run through the debugging protocol, outside the page's Content-Security-Policy, and report
# each violated rule with the elements that break it.
AXE_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help} — ` +
    v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | '));
}
"""
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _world():
    seeding.ensure_seeded()  # transactional tests empty the tables the migrations seeded
    world = SimpleNamespace(
        professional=ProfessionalFactory(),
        provider_staff=ProviderStaffFactory(),
        reviewer=ReviewerFactory(),
        admin=AdminFactory(),
    )
    world.users = {
        "anonymous": None,
        "professional": world.professional,
        "provider_staff": world.provider_staff,
        "reviewer": world.reviewer,
        "admin": world.admin,
    }
    for build in BUILDERS:
        build(world)
    return world


def pages_for(world, role) -> list[str]:
    """The addresses the walk expects `role` to see as a page (GET, 200), each once."""
    urls = []
    for route in ROUTES:
        if route.method != "get" or route.expect[role] != access.PAGE:
            continue
        if route.name.startswith("admin:") or route.name == "api-v1:openapi-view":
            continue  # Django's own admin and the API's Swagger UI are not ours to restyle
        kwargs = route.kwargs(world) if route.kwargs else {}
        url = reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")
        if url not in urls:
            urls.append(url)
    return urls


def _log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _is_document(response) -> bool:
    """A whole HTML page (not a CSV, a file, a feed or an htmx fragment)."""
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return False
    return "<title>" in response.text()


def test_every_page_has_no_axe_violation_and_fits_a_phone(_browser, live_server):
    world = _world()
    violations, too_wide, checked = [], [], []
    for role in access.ROLES:
        context = _browser.new_context(base_url=live_server.url, viewport=DESKTOP)
        context.set_default_timeout(15_000)
        page = context.new_page()
        if world.users[role] is not None:
            _log_in(page, world.users[role])
        for url in pages_for(world, role):
            page.set_viewport_size(DESKTOP)
            try:
                response = page.goto(url)
            except PlaywrightError as error:  # a CSV or a certificate: a download
                if "Download is starting" in str(error):
                    continue
                raise
            if not _is_document(response):
                continue
            checked.append((role, url))
            page.evaluate(AXE)
            violations.extend(f"{role} {url} @1280: {v}" for v in page.evaluate(AXE_RUN))
            for phone in PHONES:
                page.set_viewport_size(phone)
                scroll, inner = page.evaluate(WIDTH)
                if scroll > inner:
                    too_wide.append(f"{role} {url} @{phone['width']}: {scroll}px wide")
            page.set_viewport_size(PHONES[0])
            violations.extend(f"{role} {url} @390: {v}" for v in page.evaluate(AXE_RUN))
        context.close()

    roles_seen = {role for role, _url in checked}
    assert roles_seen == set(access.ROLES), f"some role saw no page: {roles_seen}"
    assert len(checked) > 40, f"the walk found too few pages: {checked}"
    problems = too_wide + violations
    assert not problems, (
        f"On {len(checked)} pages, too wide for a phone or failing axe-core:\n"
        + "\n".join(problems)
    )
