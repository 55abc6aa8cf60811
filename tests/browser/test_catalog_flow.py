"""A provider registers a conference, a reviewer approves it, and the catalog shows it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from catalog.models import Course
from tests.accounts.factories import ProviderStaffFactory, ReviewerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SESSIONS = [
    ("S1", "Opening keynote", "0.2"),
    ("S2", "Mobility lab", "0.3"),
    ("S3", "Coaching", "0.4"),
]


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Log in")).to_be_visible()


def register(page, title, *, sessions=(), cec=""):
    page.goto("/catalog/provider/courses/")
    page.get_by_role("link", name="Register a course").click()
    page.locator("#id_title").fill(title)
    page.get_by_label("Delivery format").select_option("conference" if sessions else "live")
    if cec:
        page.locator("#id_cec_value").fill(cec)
    for i, (code, session_title, value) in enumerate(sessions):
        page.locator(f'[name="sessions-{i}-code"]').fill(code)
        page.locator(f'[name="sessions-{i}-title"]').fill(session_title)
        page.locator(f'[name="sessions-{i}-cec_value"]').fill(value)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(f"“{title}” is registered")).to_be_visible()


def approve(page, title, prefix="CP"):
    page.goto("/catalog/review/")
    page.get_by_role("row", name=re.compile(re.escape(title))).get_by_role(
        "link", name="Review"
    ).click()
    page.get_by_label("Number prefix").select_option(prefix)
    page.get_by_label("Approved on").fill("01/01/2026")
    page.get_by_label("Expires on").fill("12/31/2027")
    page.get_by_role("button", name="Approve and assign a number").click()
    message = page.get_by_text(re.compile(f"Approved “{re.escape(title)}” as {prefix}\\d+"))
    expect(message).to_be_visible()
    return re.search(f"{prefix}\\d+", message.inner_text()).group(0)


def test_conference_registered_approved_and_listed(page, login):
    staff = ProviderStaffFactory()
    reviewer = ReviewerFactory()

    login(staff)
    register(page, "Fitness Summit 2026", sessions=SESSIONS)
    row = page.get_by_role("row", name=re.compile("Fitness Summit 2026"))
    expect(row.get_by_text("Pending review")).to_be_visible()
    log_out(page)

    login(reviewer)
    first = approve(page, "Fitness Summit 2026")
    log_out(page)

    # Anyone can find it in the public catalog by its new number, with its sessions.
    page.goto("/catalog/")
    page.get_by_label("Number, title words or provider").fill(first.lower())
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=first).click()
    expect(page.get_by_role("heading", name=f"{first} Fitness Summit 2026")).to_be_visible()
    sessions = page.locator("#sessions tbody tr")
    expect(sessions).to_have_count(3)
    for code, title, value in SESSIONS:
        expect(page.locator("#sessions")).to_contain_text(f"{code}{title}{value}")
    expect(page.locator("#sessions tfoot")).to_contain_text("0.9")

    # A second registration gets a different number.
    login(staff)
    register(page, "Stretching Essentials", cec="0.5")
    log_out(page)
    login(reviewer)
    second = approve(page, "Stretching Essentials")
    assert second != first
    assert set(Course.objects.values_list("number", flat=True)) == {first, second}

    # The provider sees both numbers and was emailed each decision.
    log_out(page)
    login(staff)
    page.goto("/catalog/provider/courses/")
    expect(page.get_by_role("cell", name=first)).to_be_visible()
    expect(page.get_by_role("cell", name=second)).to_be_visible()
    assert sum(first in m.subject or second in m.subject for m in mail.outbox) == 2
