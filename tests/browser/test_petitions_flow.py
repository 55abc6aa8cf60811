"""Acceptance 1: a petition from filing to approval, clicked through in Chromium."""

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from petitions.models import Petition
from petitions.samples import jpeg_bytes, pdf_bytes
from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
from tests.tracker.factories import CertificationFactory
from tracker.models import CreditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def progress(page, certification):
    """The total shown on My CECs for the certification, and its bar's width."""
    page.goto("/my/cecs/")
    card = page.locator(f"#certification-{certification.pk}")
    bar = card.locator(".progress-bar")
    return card.locator(".progress-total").inner_text(), bar.get_attribute("data-width")


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Log in")).to_be_visible()


def test_file_review_approve_and_see_the_credit(page, login):
    professional = ProfessionalFactory(first_name="Pat", last_name="Rivera")
    certification = CertificationFactory(user=professional)
    reviewer = ReviewerFactory()
    completed = (datetime.date.today() - datetime.timedelta(days=14)).strftime("%m/%d/%Y")

    # The professional files a petition with a PDF and a JPEG.
    login(professional)
    assert progress(page, certification) == ("0.0", "0%")
    page.goto("/petitions/")
    page.get_by_role("link", name="File a petition").click()
    page.get_by_label("Type of activity").select_option("live_workshop")
    page.get_by_label("Course title").fill("Kettlebell coaching intensive")
    page.get_by_label("Provider name").fill("Independent Studio")
    page.get_by_label("Completion date").fill(completed)
    page.get_by_label("Contact hours").fill("5")
    page.get_by_label("Description").click()  # leaving the field sends the preview
    preview = page.locator("#petition-preview")
    expect(preview).to_contain_text("Counts toward")
    expect(preview).to_contain_text(str(certification.program))
    expect(page.get_by_label("Credit requested")).to_have_value("0.5")
    page.get_by_label("Description").fill("Six hands-on sessions on kettlebell technique.")
    page.get_by_label("Supporting documents").set_input_files(
        [
            {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
            {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()},
        ]
    )
    page.get_by_role("button", name="File the petition").click()
    expect(page.get_by_text("Your petition was filed")).to_be_visible()
    petition = Petition.objects.get(user=professional)
    assert petition.documents.count() == 2
    log_out(page)

    # A reviewer opens the queue and the petition, and looks at both documents.
    login(reviewer)
    page.goto("/petitions/queue/")
    row = page.locator(f"tr[data-petition='{petition.pk}']")
    expect(row).to_contain_text("0 days")
    row.get_by_role("link", name="Kettlebell coaching intensive").click()
    expect(page.get_by_role("heading", name="Kettlebell coaching intensive")).to_be_visible()

    image = page.get_by_role("img", name="photo.jpg")
    expect(image).to_be_visible()
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle())
    pdf_link = page.get_by_role("link", name="certificate.pdf")
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment")
    assert pdf.headers["x-content-type-options"] == "nosniff"
    assert pdf.body().startswith(b"%PDF-")

    # The reviewer approves with 0.5.
    credit = page.get_by_label("Credit to award")
    expect(credit).to_have_value("0.5")
    credit.fill("0.5")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved. The credit is in the professional's ledger")).to_be_visible()
    expect(page.locator("#decision")).to_contain_text("0.5 awarded")
    assert CreditEntry.objects.filter(petition=petition).count() == 1

    # The professional is told by email.
    # The receipt when it was filed, then the decision.
    receipt, decision = mail.outbox
    assert receipt.to == decision.to == [professional.email]
    assert re.search(r"received|filed", receipt.subject, re.I)
    assert re.search(r"approved", decision.subject, re.I)
    log_out(page)

    # The professional sees the petition approved and the progress moved by 0.5.
    login(professional)
    page.goto("/petitions/")
    expect(page.locator("[data-status='approved']")).to_have_text("Approved")
    expect(page.get_by_text("Awarded 0.5")).to_be_visible()
    # 0.5 of the 2.0 required.
    assert progress(page, certification) == ("0.5", "25%")
