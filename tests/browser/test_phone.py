"""On a 390 px phone, with the demo data: each role lands on its work, no page scrolls
sideways, and every ledger, queue and catalog action is on screen and works."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, DEMO_USERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _phone(_browser, live_server, role=None):
    context = _browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    if role:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(DEMO_USERS[role][0])
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def fits(page):
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner, f"{page.url} is {scroll}px wide on a {inner}px screen"


def on_screen(locator):
    """Visible, and inside the screen's width once scrolled to (not cut off at the side)."""
    expect(locator).to_be_visible()
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


@pytest.fixture
def demo(db):
    call_command("demo", verbosity=0)


def test_professional_progress_first_then_ledger_actions(_browser, live_server, demo):
    page = _phone(_browser, live_server, "professional")
    expect(page).to_have_url(re.compile(r"/my/cecs/$"))  # lands on My CECs
    fits(page)
    glance = page.locator("#glance .glance-line").first
    on_screen(glance.locator(".status-badge"))
    progress_top = page.locator("#progress").bounding_box()["y"]
    form_top = page.locator("#add-cecs-form").bounding_box()["y"]
    assert progress_top < form_top, "on a phone, progress comes before the add form"

    row = page.locator("tr.ledger-row", has=page.get_by_role("link", name="Edit")).first
    edit, delete = row.get_by_role("link", name="Edit"), row.get_by_role("link", name="Delete")
    on_screen(edit)
    on_screen(delete)
    edit.click()
    expect(page).to_have_url(re.compile(r"/entries/\d+/edit/$"))
    fits(page)
    page.go_back()
    row.get_by_role("link", name="Delete").click()
    expect(page.locator("#delete-effects")).to_contain_text("loses")
    fits(page)
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(r"/my/cecs/$"))


def test_reviewer_queues_actions_on_a_phone(_browser, live_server, demo):
    page = _phone(_browser, live_server, "reviewer")
    expect(page).to_have_url(re.compile(r"/review/$"))  # lands on the queues
    expect(page.locator("#count-petitions")).to_have_text(re.compile(r"^\d+$"))
    fits(page)

    page.get_by_role("link", name="Open the petition queue").click()
    fits(page)
    course_link = page.locator("table.queue tbody tr a").first
    on_screen(course_link)
    status = page.locator("table.queue tbody tr").first.locator("td").last
    on_screen(status)
    course_link.click()
    expect(page).to_have_url(re.compile(r"/petitions/queue/\d+/$"))
    fits(page)

    page.goto("/review/")
    page.get_by_role("link", name="Open course registrations").click()
    fits(page)
    review = page.get_by_role("link", name="Review").first
    on_screen(review)
    review.click()
    expect(page).to_have_url(re.compile(r"/catalog/review/\d+/$"))
    fits(page)


def test_catalog_rows_show_every_column_and_open_on_a_phone(_browser, live_server, demo):
    page = _phone(_browser, live_server)
    page.goto("/catalog/")
    fits(page)
    row = page.locator("table.table-stack tbody tr").first
    cecs = row.locator("td").nth(4)
    on_screen(cecs)
    expect(cecs).to_have_attribute("data-label", "CECs")
    number = row.locator("td").first.get_by_role("link")
    on_screen(number)
    number.click()
    expect(page).to_have_url(re.compile(r"/catalog/courses/\d+/$"))
    fits(page)


def test_provider_withdraw_asks_first_on_a_phone(_browser, live_server, demo):
    page = _phone(_browser, live_server, "provider_staff")
    expect(page).to_have_url(re.compile(r"/catalog/provider/courses/$"))  # lands on courses
    fits(page)
    withdraw = page.get_by_role("link", name="Withdraw…").first
    on_screen(withdraw)
    withdraw.click()
    expect(page.locator("#withdraw-effects")).to_contain_text("leaves the reviewers' queue")
    fits(page)
    page.get_by_role("button", name="Withdraw the registration").click()
    expect(page.locator(".alert")).to_contain_text("is withdrawn")
