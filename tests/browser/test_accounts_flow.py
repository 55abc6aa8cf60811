import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_log_out_reset_password_and_log_in_again(page):
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Email").fill("sam.lee@example.com")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Lee")
    page.locator("#id_password1").fill("first-passphrase-for-sam")
    page.locator("#id_password2").fill("first-passphrase-for-sam")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Welcome! Add your certifications")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Log in")).to_be_visible()

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("sam.lee@example.com")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam.lee@example.com"]
    # The link is on the site's address (SITE_URL); here the live server's, on its path.
    link = re.search(r"(https?://[^/\s]+)(/\S+)", mail.outbox[0].body)
    assert link.group(1) == settings.SITE_URL
    page.goto(link.group(2))
    page.locator("#id_new_password1").fill("second-passphrase-for-sam")
    page.locator("#id_new_password2").fill("second-passphrase-for-sam")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()

    page.get_by_role("link", name="Log in").last.click()
    page.get_by_label("Email").fill("sam.lee@example.com")
    page.get_by_label("Password").fill("first-passphrase-for-sam")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("do not match an account")).to_be_visible()

    page.get_by_label("Password").fill("second-passphrase-for-sam")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="sam.lee@example.com")).to_be_visible()
