"""The petition form and the review page, as people actually use them."""

import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from petitions.models import Petition
from petitions.samples import pdf_bytes
from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
from tests.petitions.factories import PetitionFactory
from tests.tracker.factories import CertificationFactory
from tracker.models import CreditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suggestion_still_follows_the_hours_after_a_refused_upload(page, login):
    professional = ProfessionalFactory()
    CertificationFactory(user=professional)
    completed = (datetime.date.today() - datetime.timedelta(days=14)).strftime("%m/%d/%Y")
    login(professional)
    page.goto("/petitions/new/")
    page.get_by_label("Type of activity").select_option("live_workshop")
    page.get_by_label("Course title").fill("Kettlebell coaching")
    page.get_by_label("Provider name").fill("Independent Studio")
    page.get_by_label("Completion date").fill(completed)
    page.get_by_label("Contact hours").fill("5")
    page.get_by_label("Description").click()
    expect(page.get_by_label("Credit requested")).to_have_value("0.5")
    page.get_by_label("Description").fill("Technique.")
    page.get_by_label("Supporting documents").set_input_files(
        [{"name": "page.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"}]
    )
    page.get_by_role("button", name="File the petition").click()
    expect(page.get_by_text("“page.pdf” is not a PDF")).to_be_visible()
    assert not Petition.objects.exists()

    # The credit came from the suggestion, so it keeps following the hours.
    page.get_by_label("Contact hours").fill("8")
    page.get_by_label("Description").click()
    expect(page.get_by_label("Credit requested")).to_have_value("0.8")

    # A credit the person typed is theirs: the hours no longer change it.
    page.get_by_label("Credit requested").fill("0.6")
    page.get_by_label("Contact hours").fill("9")
    page.get_by_label("Description").click()
    expect(page.locator("#petition-preview")).to_contain_text("0.9")
    expect(page.get_by_label("Credit requested")).to_have_value("0.6")


def test_double_click_on_approve_credits_once(page, login):
    petition = PetitionFactory()
    CertificationFactory(user=petition.user)
    petition.documents.create(
        label="certificate.pdf", content_type="application/pdf", size=len(pdf_bytes())
    )
    login(ReviewerFactory())
    page.goto(f"/petitions/queue/{petition.pk}/")
    page.get_by_role("button", name="Approve").dblclick()
    expect(page.locator("#decision")).to_contain_text("0.5 awarded")
    assert CreditEntry.objects.filter(petition=petition).count() == 1
    assert len(mail.outbox) == 1
