"""A petition filed in the browser; the task worker (the database queue, as `make run` runs it)
sends the receipt with no further command."""

import datetime
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from notices.models import Email
from petitions.samples import pdf_bytes
from tests.accounts.factories import ProfessionalFactory
from tests.tracker.factories import CertificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filing_a_petition_emails_a_receipt_through_the_worker(page, login, worker):
    professional = ProfessionalFactory()
    CertificationFactory(user=professional)
    completed = (datetime.date.today() - datetime.timedelta(days=10)).strftime("%m/%d/%Y")
    login(professional)
    page.goto("/petitions/new/")
    page.get_by_label("Type of activity").select_option("live_workshop")
    page.get_by_label("Course title").fill("Mobility for runners")
    page.get_by_label("Provider name").fill("Independent Studio")
    page.get_by_label("Completion date").fill(completed)
    page.get_by_label("Contact hours").fill("3")
    page.get_by_label("Description").fill("A three-hour hands-on workshop.")
    page.get_by_label("Supporting documents").set_input_files(
        [{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_role("button", name="File the petition").click()
    expect(page.locator("main")).to_contain_text("Mobility for runners")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not mail.outbox:
        time.sleep(0.2)
    receipts = [m for m in mail.outbox if professional.email in m.to]
    assert receipts, "the worker sent no receipt"
    assert "Mobility for runners" in receipts[0].subject + receipts[0].body
    assert any(professional.email in e.to for e in Email.objects.filter(status="sent"))
