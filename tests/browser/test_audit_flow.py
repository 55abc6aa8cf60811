"""An audit clicked through in Chromium: a reviewer samples renewals, the professional is told
and sends proof of each credit, the reviewer decides each, and the renewal shows the outcome."""

import datetime
import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
from tests.tracker.test_audits import renewed_person
from tracker import seeding
from tracker.models import Audit, Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Log in")).to_be_visible()


def test_sample_notify_send_proof_decide_and_see_the_outcome(page, login):
    seeding.ensure_seeded()  # transactional tests empty the tables the migration seeded
    today = datetime.date.today()
    cpt = Program.objects.get(certifier__code="ace", name="Certified Personal Trainer")
    professional, cycle = renewed_person(
        cpt, today, user=ProfessionalFactory(first_name="Ana", last_name="Lopez")
    )
    reviewer = ReviewerFactory()
    us_today = today.strftime("%m/%d/%Y")

    # The reviewer samples the renewals recorded today: one, from a seed they choose.
    login(reviewer)
    page.get_by_role("button", name="Review").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audits").click()
    form = page.locator("#sample-form")
    form.get_by_label("Renewals recorded from").fill(us_today)
    form.locator("#id_renewed_to").fill(us_today)
    form.get_by_label("or number of renewals").fill("1")
    form.get_by_label("Seed").fill("2026")
    form.get_by_role("button", name="Start the audits").click()
    expect(page.locator(".alert-success")).to_contain_text("1 of 1 renewal(s) sampled (seed 2026)")
    expect(page.locator("#audit-queue")).to_contain_text("Ana Lopez")
    audit = Audit.objects.get(cycle=cycle)
    log_out(page)

    # The professional is emailed, with a link to what is asked.
    sent = [m for m in mail.outbox if professional.email in m.to]
    assert any("proof due" in m.subject.lower() for m in sent)
    link = re.search(r"/my/cecs/audits/\d+/", sent[-1].body).group(0)
    login(professional)
    page.goto(link)
    expect(page.locator("#audit-outcome")).to_have_text("Open: proof requested")
    rows = page.locator("#audit-items tbody tr")
    expect(rows).to_have_count(audit.items.count())
    for item in audit.items.all():
        row = page.locator(f"#item-{item.pk}")
        row.locator("input[type=file]").set_input_files(
            {"name": f"certificate-{item.pk}.png", "mimeType": "image/png", "buffer": png_bytes()}
        )
        row.get_by_role("button", name="Send").click()
        expect(page.locator(".alert-success")).to_contain_text("The proof is sent.")
        expect(page.locator(f"#item-{item.pk}")).to_contain_text(f"certificate-{item.pk}.png")
    log_out(page)

    # The reviewer rejects the college course's proof, with a reason, and accepts the talk.
    login(reviewer)
    page.goto(f"/my/review/audits/{audit.pk}/")
    college = audit.items.get(entry__kind="college")
    talk = audit.items.exclude(pk=college.pk).get()
    row = page.locator(f"#item-{college.pk}")
    row.get_by_role("button", name="Reject").click()
    expect(page.locator(".alert-danger")).to_contain_text("Say why the proof is rejected.")
    row = page.locator(f"#item-{college.pk}")
    row.get_by_label("Reason").fill("The transcript shows no grade.")
    row.get_by_role("button", name="Reject").click()
    expect(page.locator(f"#item-{college.pk}")).to_contain_text("The transcript shows no grade.")
    page.locator(f"#item-{talk.pk}").get_by_role("button", name="Accept").click()
    expect(page.locator("#audit-outcome")).to_have_text("Failed")
    log_out(page)

    # The renewal shows the outcome, and the rejected credit no longer counts in it.
    login(professional)
    page.goto(f"/my/cecs/cycles/{cycle.pk}/transcript/")
    expect(page.locator("#transcript-audit")).to_contain_text("Failed")
    expect(page.locator("main")).to_contain_text("Rejected in an audit: The transcript shows")
    assert any("failed" in m.subject.lower() for m in mail.outbox if professional.email in m.to)
