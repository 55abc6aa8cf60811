"""Provider staff create an API token (shown once), use it, revoke it; the API's docs render
from the app's own files, calling nothing outside."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import ProviderStaffFactory
from tests.catalog.factories import CourseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_is_created_shown_once_used_and_revoked(page, login, live_server):
    staff = ProviderStaffFactory()
    CourseFactory(provider=staff.provider, title="Kettlebell basics")
    login(staff)
    page.goto("/catalog/provider/courses/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("LMS export")
    page.get_by_label("Register courses (they wait for a reviewer)").uncheck()
    page.get_by_label("Read the provider's courses and their approvals").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("The new token").input_value()
    assert secret.startswith("cecp_")
    expect(page.get_by_text("shown only this once")).to_be_visible()

    api = page.context.request
    headers = {"Authorization": f"Bearer {secret}"}
    listed = api.get(f"{live_server.url}/api/v1/courses", headers=headers)
    assert listed.status == 200
    assert listed.json()["items"][0]["title"] == "Kettlebell basics"

    page.goto("/api/tokens/")
    expect(page.get_by_label("The new token")).to_have_count(0)
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke “LMS export”").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    assert api.get(f"{live_server.url}/api/v1/courses", headers=headers).status == 401


def test_the_docs_render_without_calling_outside(page, live_server):
    host = urlparse(live_server.url).netloc
    outside, blocked = [], []
    page.on("request", lambda r: urlparse(r.url).netloc not in (host, "") and outside.append(r.url))
    page.on("console", lambda m: "security policy" in m.text.lower() and blocked.append(m.text))
    page.goto("/api/v1/docs")
    expect(page.get_by_text("CEC Portal provider API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/completions").first).to_be_visible()
    assert not outside, outside
    assert not blocked, blocked
