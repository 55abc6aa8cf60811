"""Reading a certificate: the upload is read in the background and prefills the add form,
which the professional confirms. Certificates are drawn by `tracker.samples`."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import CourseApprovalFactory, CourseFactory, certifier
from tests.tracker.conftest import us
from tracker import reading, readings, samples
from tracker.models import CertificateReading, CreditEntry

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"


@pytest.fixture
def completed(today):
    return today - datetime.timedelta(days=30)


@pytest.fixture
def course(db):
    return CourseFactory(number="CA23456", cec_value=Decimal("0.3"), title="Functional Training")


@pytest.fixture
def lines(completed):
    return samples.certificate_lines(number="CA23456", completed=completed, credit="0.3")


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Send a certificate to be read (the reading runs after the commit, as the worker would)
    and follow the pages to the prefilled form."""

    def send(client, data, name, content_type, purpose="course"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("tracker:reading-start"),
                {"file": SimpleUploadedFile(name, data, content_type), "purpose": purpose},
            )
        if response.status_code != 302:
            return response
        return client.get(response["Location"], follow=True)

    return send


def value_of(html: str, name: str) -> str:
    output = re.search(rf'<output[^>]*name="{name}"[^>]*>([^<]*)</output>', html)
    if output:  # a box the page fills in by itself (the CECs), shown as output
        return output.group(1).strip()
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag, f"no {name} field"
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return found.group(1) if found else ""


def problems_of(html: str) -> str:
    block = re.search(r'id="reading-problems">(.*?)</ul>', html, re.S)
    return block.group(1) if block else ""


# --- Clean certificates: everything prefilled ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "content_type", "name"),
    [("pdf", PDF, "certificate.pdf"), ("png", PNG, "certificate.png")],
)
def test_a_clean_certificate_prefills_number_date_and_cecs(
    upload, holder_client, course, lines, completed, kind, content_type, name
):
    data = samples.certificate_pdf(lines) if kind == "pdf" else samples.certificate_png(lines)
    response = upload(holder_client, data, name, content_type)
    html = response.content.decode()
    assert response.status_code == 200
    assert "?reading=" in response.redirect_chain[-1][0]
    assert value_of(html, "course_number") == "CA23456"
    assert value_of(html, "completion_date") == us(completed)
    assert value_of(html, "credit") == "0.3"
    assert "The certificate says 0.3 CEC" in html
    assert problems_of(html) == ""
    # Read, not credited: nothing is in the ledger until the professional confirms.
    assert not CreditEntry.objects.exists()


def test_confirming_adds_the_entry_with_the_file_as_its_certificate(
    upload, holder_client, holder, course, lines, completed
):
    data = samples.certificate_pdf(lines)
    upload(holder_client, data, "my certificate.pdf", PDF)
    item = CertificateReading.objects.get()
    response = holder_client.post(
        reverse("tracker:credit-add"),
        {
            "course_number": "CA23456",
            "completion_date": us(completed),
            "token": str(uuid.uuid4()),
            "reading": item.pk,
        },
    )
    assert response.status_code == 302
    entry = CreditEntry.objects.get()
    assert (entry.course, entry.credit, entry.completion_date) == (
        course,
        Decimal("0.3"),
        completed,
    )
    assert entry.certificate_name == "my certificate.pdf"
    with entry.certificate.open("rb") as handle:
        assert handle.read() == data
    # The reading is used up: its row and its stored copy are gone.
    assert not CertificateReading.objects.exists()


def test_the_professional_corrects_what_was_read_before_adding(
    upload, holder_client, course, lines, completed
):
    upload(holder_client, samples.certificate_pdf(lines), "c.pdf", PDF)
    item = CertificateReading.objects.get()
    corrected = completed - datetime.timedelta(days=1)
    holder_client.post(
        reverse("tracker:credit-add"),
        {
            "course_number": "CA23456",
            "completion_date": us(corrected),
            "token": str(uuid.uuid4()),
            "reading": item.pk,
        },
    )
    assert CreditEntry.objects.get().completion_date == corrected


def test_another_certifiers_approval_number_is_matched_in_the_catalog(
    upload, holder_client, course, completed
):
    approval = CourseApprovalFactory(course=course, certifier=certifier("nasm"), number="NASM-4321")
    lines = samples.certificate_lines(number=approval.number, completed=completed, unit="CEUs")
    html = upload(holder_client, samples.certificate_pdf(lines), "nasm.pdf", PDF).content.decode()
    assert value_of(html, "course_number") == "NASM-4321"


# --- Bad input: the form opens with what was read and says what was not -----------------------


def test_a_noisy_photo_prefills_what_it_can_and_says_what_it_could_not_read(
    upload, holder_client, course, lines, completed
):
    # Turned, soft, grainy, and a glare over the line with the CECs.
    photo = samples.certificate_photo(lines, glare_over=7)
    html = upload(holder_client, photo, "IMG_0001.jpg", JPEG).content.decode()
    assert value_of(html, "course_number") == "CA23456"
    assert value_of(html, "completion_date") == us(completed)
    assert "No CECs could be read from the certificate." in problems_of(html)
    # The catalog still gives the course's CECs.
    assert value_of(html, "credit") == "0.3"


def test_a_clean_photo_reads_everything(upload, holder_client, course, lines, completed):
    html = upload(
        holder_client, samples.certificate_photo(lines), "IMG_0002.jpg", JPEG
    ).content.decode()
    assert value_of(html, "course_number") == "CA23456"
    assert value_of(html, "completion_date") == us(completed)
    assert "The certificate says 0.3 CEC" in html


def test_a_blurry_photo_opens_an_empty_form_saying_nothing_could_be_read(
    upload, holder_client, lines
):
    photo = samples.certificate_photo(lines, blur=9)
    html = upload(holder_client, photo, "blurry.jpg", JPEG).content.decode()
    problems = problems_of(html)
    assert "No course number" in problems
    assert "No completion date could be read" in problems
    assert "No CECs could be read" in problems
    assert value_of(html, "course_number") == ""
    assert not CreditEntry.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_on_the_form(upload, holder_client):
    fake = b"MZ\x90\x00 a program, renamed"
    response = upload(holder_client, fake, "certificate.jpg", JPEG)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not a PDF, JPEG or PNG file" in html
    assert 'id="add-cecs-form"' in html
    assert not CertificateReading.objects.exists()


def test_a_pdf_without_text_says_so(upload, holder_client):
    html = upload(holder_client, samples.blank_pdf(), "scan.pdf", PDF).content.decode()
    assert "The PDF holds no text and no picture of a certificate to read." in problems_of(html)


def test_a_number_not_in_the_catalog_is_prefilled_and_flagged(upload, holder_client, completed):
    lines = samples.certificate_lines(number="CA99999", completed=completed)
    html = upload(holder_client, samples.certificate_pdf(lines), "c.pdf", PDF).content.decode()
    assert value_of(html, "course_number") == "CA99999"
    assert "no approved course has that number" in problems_of(html)


def test_another_certifiers_certificate_says_the_number_is_unknown(
    upload, holder_client, completed
):
    lines = samples.certificate_lines(number="NSCA-XY1234567", completed=completed, unit="CEUs")
    html = upload(holder_client, samples.certificate_pdf(lines), "c.pdf", PDF).content.decode()
    assert "No course number this portal knows could be read" in problems_of(html)
    assert value_of(html, "completion_date") == us(completed)


# --- The request never waits for OCR ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_upload_only_queues_the_reading_and_the_page_waits_for_it(
    client, database_queue, completed
):
    pro = ProfessionalFactory()
    client.force_login(pro)
    photo = samples.certificate_png(samples.certificate_lines(completed=completed))
    response = client.post(
        reverse("tracker:reading-start"),
        {"file": SimpleUploadedFile("c.png", photo, PNG), "purpose": "course"},
    )
    item = CertificateReading.objects.get()
    assert response["Location"] == reverse("tracker:reading", args=[item.pk])
    assert item.status == CertificateReading.Status.PENDING
    waiting = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    readings.reading_run(item.pk)
    done = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == f"{reverse('tracker:dashboard')}?reading={item.pk}"


# --- Nobody else's reading --------------------------------------------------------------------


def test_another_persons_reading_is_not_found_and_not_attached(
    upload, client, holder, course, lines, completed
):
    other = ProfessionalFactory()
    client.force_login(other)
    upload(client, samples.certificate_pdf(lines), "theirs.pdf", PDF)
    theirs = CertificateReading.objects.get()
    client.force_login(holder)
    assert client.get(reverse("tracker:reading", args=[theirs.pk])).status_code == 404
    page = client.get(f"{reverse('tracker:dashboard')}?reading={theirs.pk}").content.decode()
    assert "theirs.pdf" not in page
    client.post(
        reverse("tracker:credit-add"),
        {
            "course_number": "CA23456",
            "completion_date": us(completed),
            "token": str(uuid.uuid4()),
            "reading": theirs.pk,
        },
    )
    assert not CreditEntry.objects.get().certificate
    assert CertificateReading.objects.filter(pk=theirs.pk).exists()


def test_readings_nobody_confirmed_are_deleted_after_a_day(holder, lines):
    from django.utils import timezone

    item = readings.reading_start(
        user=holder,
        upload=SimpleUploadedFile("c.pdf", samples.certificate_pdf(lines), PDF),
    )
    storage, name = item.file.storage, item.file.name
    assert storage.exists(name)
    readings.readings_sweep(now=timezone.now() + relativedelta(days=2))
    assert not CertificateReading.objects.exists()


# --- What the text says (no database) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Completion date: 03/15/2026", datetime.date(2026, 3, 15)),
        ("Completed on March 15, 2026", datetime.date(2026, 3, 15)),
        ("Date: 15 March 2026", datetime.date(2026, 3, 15)),
        ("Awarded 2026-03-15", datetime.date(2026, 3, 15)),
    ],
)
def test_dates_are_read_in_the_usual_forms(text, day):
    assert reading.parse(text, today=datetime.date(2026, 12, 1)).completion_date == day


def test_the_labelled_date_wins_and_a_future_date_is_not_prefilled():
    text = "Printed 11/30/2026\nCompletion date: 03/15/2026"
    assert reading.parse(text, today=datetime.date(2026, 12, 1)).completion_date == (
        datetime.date(2026, 3, 15)
    )
    found = reading.parse("Completion date: 03/15/2027", today=datetime.date(2026, 12, 1))
    assert found.completion_date is None
    assert found.future_date == datetime.date(2027, 3, 15)


@pytest.mark.parametrize(
    ("text", "numbers", "credit"),
    [
        ("Course number: CA 23456\n0.3 CECs", ["CA23456"], Decimal("0.3")),
        # OCR reads zeros as O and ones as I.
        ("Course no. CEP1O23I5", ["CEP102315"], None),
        ("CEUs: 1,5\nNASM-CA23456", ["NASM-CA23456", "CA23456"], Decimal("1.5")),
        ("Credit: 0.25 CECs", [], None),
    ],
)
def test_numbers_and_credit_are_read_from_text(text, numbers, credit):
    found = reading.parse(text, today=datetime.date(2026, 12, 1))
    assert found.numbers[: len(numbers)] == numbers
    assert found.credit == credit


@given(
    day=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2026, 12, 1)),
    tenths=st.integers(min_value=1, max_value=999),
    prefix=st.sampled_from(["CEP", "CP", "CA", "CS", "CL"]),
    digits=st.integers(min_value=10_000, max_value=999_999),
    spaced=st.booleans(),
)
def test_whatever_a_clean_certificate_says_is_read_back_exactly(
    day, tenths, prefix, digits, spaced
):
    credit = Decimal(tenths) / 10
    number = f"{prefix}{digits}"
    text = "\n".join(
        samples.certificate_lines(
            number=f"{prefix} {digits}" if spaced else number, completed=day, credit=credit
        )
    )
    found = reading.parse(text, today=datetime.date(2026, 12, 1))
    assert found.numbers[0] == number
    assert found.completion_date == day
    assert found.credit == credit
