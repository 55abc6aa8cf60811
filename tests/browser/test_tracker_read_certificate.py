"""Capture and read a certificate in a browser, on a phone-sized screen: upload a photo, the
worker reads it while the page waits, the form opens prefilled, the professional confirms,
and the entry is in the ledger with the photo as its certificate."""

import re
import time
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import CourseFactory
from tracker import samples, seeding, services
from tracker.models import CertificateReading, CreditEntry, Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_photo_of_a_certificate_prefills_the_form_and_is_kept_with_the_entry(
    page, login, worker, tmp_path
):
    today = timezone.localdate()
    seeding.ensure_seeded()  # transactional tests empty the tables the migration seeded
    pro = ProfessionalFactory()
    program = Program.objects.get(certifier__code="ace", abbreviation="CPT")
    services.certification_add(user=pro, program=program, earned_on=today - relativedelta(years=1))
    course = CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    completed = today - relativedelta(days=12)
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(
        samples.certificate_photo(samples.certificate_lines(number="CA23456", completed=completed))
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(60_000)
    login(pro)
    page.goto("/my/cecs/")
    picker = page.locator("#read-certificate-form input[type=file]")
    # A phone opens the back camera first, and still offers photos and PDFs.
    expect(picker).to_have_attribute("capture", "environment")
    expect(picker).to_have_attribute("accept", "image/*,application/pdf")
    picker.set_input_files(str(photo))
    started = time.monotonic()
    page.get_by_role("button", name="Read the certificate").click()
    page.wait_for_url(re.compile(r"/my/cecs/read/\d+/$"))
    assert time.monotonic() - started < 5, "the upload waited for the reading"
    expect(page.locator("#reading-status")).to_contain_text("Reading IMG_2041.jpg")

    # The page asks every second; when the worker is done, the form opens filled in.
    page.wait_for_url(re.compile(r"/my/cecs/\?reading=\d+$"))
    expect(page.locator("#reading-notice")).to_contain_text("Read from IMG_2041.jpg")
    expect(page.get_by_label("Course number")).to_have_value("CA23456")
    expect(page.get_by_label("Completion date")).to_have_value(completed.strftime("%m/%d/%Y"))
    expect(page.locator("#id_credit")).to_have_text("0.3")  # the CECs box is an output
    assert not CreditEntry.objects.exists(), "nothing is credited before the professional confirms"

    page.get_by_role("button", name="Add CECs").click()
    expect(page.locator("#notice")).to_contain_text("Added CA23456")
    entry = CreditEntry.objects.get(user=pro)
    assert entry.course == course and entry.completion_date == completed
    assert entry.certificate_name == "IMG_2041.jpg"
    row = page.locator(f"#entry-{entry.pk}")
    expect(row.get_by_role("link", name="Certificate")).to_be_visible()
    assert not CertificateReading.objects.exists()
