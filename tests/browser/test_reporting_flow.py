"""Provider-reported credit in the browser, on the demo data: provider staff upload a roster
for a course approved by ACE and NASM, see matched, claimable and refused rows, confirm, and
the worker posts it; the ACE+NASM professional's My CECs shows the credit as reported by the
provider, counting toward both certifications; the same roster again posts nothing. Then a
person who signs up later with the claimable email is offered the credit and accepts it."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from tracker.models import CreditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE = "CA23460"
PROVIDER = "Acme Fitness Education"


def roster(tmp_path):
    day = (timezone.localdate() - datetime.timedelta(days=3)).strftime("%m/%d/%Y")
    path = tmp_path / "attendance.csv"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + (
            "Email,Certification Number,Last Name,Completion Date\r\n"
            f"dual@example.com,,,{day}\r\n"
            f"casey.later@example.com,,,{day}\r\n"
            f"not an email,,,{day}\r\n"
        ).encode()
    )
    return path


def log_in(page, email, password=DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def upload(page, path):
    page.goto("/reporting/rosters/")
    page.get_by_label("Course").select_option(
        label=f"{COURSE} — Functional Training for Everyday Movement"
    )
    page.get_by_label("Roster file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url(re.compile(r"/reporting/rosters/\d+/$"))


def test_a_roster_is_previewed_confirmed_posted_and_not_posted_twice(page, worker, tmp_path):
    call_command("demo")
    path = roster(tmp_path)
    log_in(page, "provider@example.com")
    upload(page, path)
    expect(page.locator(".count-matched")).to_have_text("1")
    expect(page.locator(".count-claimable")).to_have_text("1")
    expect(page.locator(".count-refused")).to_have_text("1")
    expect(page.locator(".roster-row.verdict-refused")).to_contain_text("not an email address")
    expect(page.locator(".roster-row.verdict-claimable")).to_contain_text("casey.later@example.com")
    assert not CreditEntry.objects.filter(course__number=COURSE, user__email="dual@example.com")
    page.get_by_role("button", name=re.compile("Confirm: post 1 matched")).click()
    expect(page.locator("#roster-progress")).to_have_attribute(
        "data-status", "posted", timeout=60_000
    )
    expect(page.locator(".count-posted")).to_have_text("1")

    log_out(page)
    log_in(page, "dual@example.com")
    page.goto("/my/cecs/")
    line = page.locator(".ledger-row", has_text=COURSE)
    expect(line).to_contain_text(f"Reported by {PROVIDER}")
    expect(line).to_contain_text("ACE CPT (+0.2")
    expect(line).to_contain_text("NASM CPT (+0.2")
    expect(line).to_contain_text("Hide or dispute")

    log_out(page)
    log_in(page, "provider@example.com")
    upload(page, path)
    expect(page.locator(".count-matched")).to_have_text("0")
    expect(page.locator(".roster-row").first).to_contain_text("Duplicate of an earlier report")
    expect(page.locator(".count-refused")).to_have_text("3")
    # Nothing left to post: confirming is not offered.
    expect(page.get_by_role("button", name=re.compile("Confirm: post 0 matched"))).to_be_disabled()
    assert (
        CreditEntry.objects.filter(course__number=COURSE, user__email="dual@example.com").count()
        == 1
    )


def test_someone_who_signs_up_later_is_offered_the_credit_and_accepts_it(page, worker):
    call_command("demo")  # its roster keeps jordan.new@example.com claimable
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("jordan.new@example.com")
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("New")
    page.locator("#id_password1").fill("jordans-own-passphrase-1")
    page.locator("#id_password2").fill("jordans-own-passphrase-1")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(lambda url: "/signup/" not in url)
    page.goto("/my/cecs/")
    offer = page.locator(".claimable-offer")
    expect(offer).to_contain_text(f"{PROVIDER} reported that you completed {COURSE}")
    assert not CreditEntry.objects.filter(user__email="jordan.new@example.com").exists()
    offer.get_by_role("button", name="Accept").click()
    expect(page.locator(".ledger-row", has_text=COURSE)).to_contain_text(f"Reported by {PROVIDER}")
    expect(page.locator(".claimable-offer")).to_have_count(0)
    person = User.objects.get(email="jordan.new@example.com")
    assert CreditEntry.objects.get(user=person).source == CreditEntry.Source.PROVIDER
