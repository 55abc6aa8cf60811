"""CPR/AED cards keep pictures of both sides; the transcript as a PDF with the page's totals;
the cycle's certificates as a ZIP for an auditor."""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
from tests.catalog.factories import CourseFactory
from tests.tracker.conftest import us
from tracker import samples, services
from tracker.models import CprCard, Cycle, Kind


def _png(name="side.png"):
    return SimpleUploadedFile(name, samples.certificate_png(["Adult CPR/AED"], width=300))


# --- Card pictures ----------------------------------------------------------------------------


def _card_post(client, today, **files):
    return client.post(
        reverse("tracker:cpr-card-add"),
        {
            "issued_on": us(today - relativedelta(days=10)),
            "expires_on": us(today + relativedelta(years=2)),
            "provider_name": "Red Cross",
            **files,
        },
    )


def test_a_card_keeps_pictures_of_its_front_and_back_shown_only_to_its_owner(
    pro_client, professional, client, today
):
    response = _card_post(
        pro_client, today, front_image=_png("front.png"), back_image=_png("back.png")
    )
    assert response.status_code == 302
    card = CprCard.objects.get(user=professional)
    assert card.front_image and card.back_image
    page = pro_client.get(reverse("tracker:dashboard")).content.decode()
    front_url = reverse("tracker:cpr-card-image", args=[card.pk, "front"])
    back_url = reverse("tracker:cpr-card-image", args=[card.pk, "back"])
    assert front_url in page and back_url in page
    shown = pro_client.get(front_url)
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["Cache-Control"] == "private, no-store"
    for someone in (ProfessionalFactory(), ReviewerFactory()):
        client.force_login(someone)
        assert client.get(front_url).status_code == 404


def test_a_card_side_must_be_a_photo(pro_client, professional, today):
    pdf = SimpleUploadedFile("front.pdf", samples.certificate_pdf(["Adult CPR/AED"]))
    response = _card_post(pro_client, today, front_image=pdf)
    assert "must be a photo (JPEG or PNG)" in response.content.decode()
    assert not CprCard.objects.exists()


def test_a_card_side_that_is_not_a_picture_is_refused(pro_client, today):
    fake = SimpleUploadedFile("back.jpg", b"<html>not a picture</html>")
    response = _card_post(pro_client, today, back_image=fake)
    assert "is not a PDF, JPEG or PNG file" in response.content.decode()
    assert not CprCard.objects.exists()


def test_the_card_form_offers_the_camera_first(pro_client):
    html = pro_client.get(reverse("tracker:cpr-card-add")).content.decode()
    for name in ("front_image", "back_image", "file"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'capture="environment"' in tag
        assert "accept=" in tag


def test_a_photo_of_a_card_prefills_its_dates_and_becomes_its_front(
    pro_client, professional, today, django_capture_on_commit_callbacks
):
    issued, expires = today - relativedelta(months=1), today + relativedelta(months=23)
    lines = ["Adult CPR/AED", "Heartsaver", f"Issue date: {us(issued)}", f"Renew by: {us(expires)}"]
    photo = samples.certificate_png(lines)
    with django_capture_on_commit_callbacks(execute=True):
        started = pro_client.post(
            reverse("tracker:reading-start"),
            {"file": SimpleUploadedFile("card.png", photo), "purpose": "cpr"},
        )
    html = pro_client.get(started["Location"], follow=True).content.decode()
    assert f'value="{us(issued)}"' in html
    assert f'value="{us(expires)}"' in html
    reading = re.search(r'name="reading" value="(\d+)"', html).group(1)
    pro_client.post(
        reverse("tracker:cpr-card-add"),
        {"issued_on": us(issued), "expires_on": us(expires), "reading": reading},
    )
    card = CprCard.objects.get(user=professional)
    with card.front_image.open("rb") as handle:
        assert handle.read() == photo


# --- Transcript PDF and certificates ZIP -----------------------------------------------------


@pytest.fixture
def cycle_with_credit(holder, today):
    course = CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    services.credit_add(
        user=holder,
        kind=Kind.APPROVED_COURSE,
        course=course,
        completion_date=today - datetime.timedelta(days=20),
        certificate=SimpleUploadedFile("course.pdf", samples.certificate_pdf(["CA23456"])),
    )
    services.credit_add(
        user=holder,
        kind=Kind.PRESENTING,
        title="Talk at the gym",
        credit=Decimal("0.4"),
        completion_date=today - datetime.timedelta(days=5),
    )
    return Cycle.objects.get(certification__user=holder)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_transcript_has_the_totals_of_the_page(holder_client, cycle_with_credit):
    page = holder_client.get(reverse("tracker:transcript", args=[cycle_with_credit.pk]))
    html = page.content.decode()
    total = re.search(r'id="transcript-total"><strong>([\d.]+)</strong>', html).group(1)
    assert total == "0.7"
    response = holder_client.get(reverse("tracker:transcript-pdf", args=[cycle_with_credit.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    text = _pdf_text(response.content)
    assert re.search(r"Counted\s*0\.7 CECs", text)
    assert re.search(r"Total\s*0\.7", text)
    assert "CA23456" in text and "Talk at the gym" in text
    # The rows' credits add up to the total the page shows.
    for row_credit in ("0.3", "0.4"):
        assert row_credit in text


def test_a_reviewer_gets_the_pdf_transcript_another_professional_does_not(
    client, cycle_with_credit
):
    url = reverse("tracker:transcript-pdf", args=[cycle_with_credit.pk])
    client.force_login(ReviewerFactory())
    assert client.get(url).status_code == 200
    client.force_login(ProfessionalFactory())
    assert client.get(url).status_code == 404


def test_without_weasyprint_the_pdf_link_explains_and_the_page_still_works(
    holder_client, cycle_with_credit, monkeypatch
):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'pango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    response = holder_client.get(reverse("tracker:transcript-pdf", args=[cycle_with_credit.pk]))
    assert response.status_code == 503
    assert "transcript page" in response.content.decode()


def test_the_zip_holds_the_transcript_the_certificates_and_a_list(
    holder_client, holder, cycle_with_credit
):
    response = holder_client.get(reverse("tracker:certificates-zip", args=[cycle_with_credit.pk]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert any(n.startswith("transcript-") and n.endswith(".pdf") for n in names)
    certificates = [n for n in names if n.startswith("certificates/")]
    assert len(certificates) == 1 and "CA23456" in certificates[0]
    assert archive.read(certificates[0]).startswith(b"%PDF-")
    listing = list(csv.reader(io.StringIO(archive.read("contents.csv").decode())))
    assert listing[1][0] == certificates[0]
    assert listing[1][3] == "course.pdf"
    # The card pictures the cycle relied on go with it.
    card = holder.cpr_cards.get()
    card.front_image.save("f.png", _png(), save=True)
    again = holder_client.get(reverse("tracker:certificates-zip", args=[cycle_with_credit.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(again.streaming_content))).namelist()
    assert any(n.startswith("cpr-aed/") and n.endswith("-front.png") for n in names)


def test_the_zip_is_the_owners_only(client, cycle_with_credit):
    url = reverse("tracker:certificates-zip", args=[cycle_with_credit.pk])
    for someone in (ProfessionalFactory(), ReviewerFactory()):
        client.force_login(someone)
        assert client.get(url).status_code == 404


def test_making_a_pdf_transcript_leaves_truncated_images_refused(holder_client, holder):
    """WeasyPrint switches Pillow to accepting truncated images when it is imported; the
    upload checks must still refuse a cut-off photo after a PDF has been made."""
    from PIL import ImageFile

    from tests.petitions import files
    from tracker import uploads

    cycle = holder.certifications.get().cycles.get()
    holder_client.get(reverse("tracker:transcript-pdf", args=[cycle.pk]))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    image = files.jpeg()
    content = image.read()
    cut = SimpleUploadedFile("cut.jpg", content[: len(content) // 2], "image/jpeg")
    with pytest.raises(ValidationError):
        uploads.check_certificate(cut)
