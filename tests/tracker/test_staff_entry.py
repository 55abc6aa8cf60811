"""Staff-assisted entry: a reviewer finds a professional and enters an approved course from
the certificate they sent in; the entry is marked as entered by staff, read-only to its
owner, the reviewer named in its history, and the professional is emailed."""

import io
import uuid
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalog.services import course_approval_add
from notices.models import Email
from tests.catalog.factories import CourseFactory
from tests.tracker.conftest import us
from tracker import services
from tracker.models import CreditEntry, Program

pytestmark = pytest.mark.django_db
D = Decimal


def _png(name="certificate.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


@pytest.fixture
def dual(holder, today):
    nasm = Program.objects.get(certifier__code="nasm", abbreviation="CPT")
    services.certification_add(user=holder, program=nasm, earned_on=today - relativedelta(months=4))
    return holder


@pytest.fixture
def course(reviewer):
    course = CourseFactory(number="CA23456", cec_value=D("0.3"), contact_hours=D("3"))
    nasm = Program.objects.get(certifier__code="nasm", abbreviation="CPT").certifier
    course_approval_add(course=course, certifier=nasm, number="N-3001", by=reviewer)
    return course


def _post(client, person, course, day, **extra):
    data = {
        "token": str(uuid.uuid4()),
        "course_number": course.number,
        "completion_date": us(day),
        "certificate": _png(),
        "note": "Emailed to support",
    } | extra
    return client.post(reverse("tracker:professional", args=[person.pk]), data)


def test_a_reviewer_finds_a_professional_by_email_name_or_number(client, reviewer, holder):
    holder.first_name, holder.last_name = "Dana", "Rivera"
    holder.save()
    cert = holder.certifications.get()
    cert.number = "ACE-778899"
    cert.save()
    client.force_login(reviewer)
    url = reverse("tracker:professionals")
    for q in (holder.email[:6], "rivera", "ace-778899"):
        page = client.get(url, {"q": q}).content.decode()
        assert reverse("tracker:professional", args=[holder.pk]) in page, q
    page = client.get(url, {"q": "zz"}).content.decode()
    assert "Type at least 3 characters." in page
    page = client.get(url, {"q": "nobody-like-this"}).content.decode()
    assert "No professional matches" in page


def test_staff_entry_posts_to_every_certification_and_names_the_reviewer(
    client, reviewer, dual, course, today
):
    client.force_login(reviewer)
    response = _post(client, dual, course, today - relativedelta(days=3))
    assert response.status_code == 302
    entry = CreditEntry.objects.get(user=dual)
    assert entry.source == CreditEntry.Source.STAFF
    assert entry.certificate and entry.note == "Emailed to support"
    claims = {c.certifier.code: c.credit for c in entry.claims.select_related("certifier")}
    assert claims["ace"] == D("0.3") and claims["nasm"] == D("0.3")
    change = entry.history.get()
    assert change.history_user == reviewer and change.user == dual
    assert "Entered by staff" in change.history_change_reason
    # The professional is told.
    email = Email.objects.get(kind="credit_entered_by_staff")
    assert "CA23456" in email.subject
    # Their ledger says who entered it; the history names the reviewer; it is read-only.
    client.force_login(dual)
    assert "Entered by staff" in client.get(reverse("tracker:dashboard")).content.decode()
    page = client.get(reverse("tracker:entry-edit", args=[entry.pk])).content.decode()
    assert "read-only" in page and f"by {reviewer.get_full_name()} (staff)" in page
    response = client.post(
        reverse("tracker:entry-edit", args=[entry.pk]),
        {"completion_date": us(today), "note": "changed"},
    )
    entry.refresh_from_db()
    assert entry.note == "Emailed to support"
    client.post(reverse("tracker:entry-delete", args=[entry.pk]))
    assert CreditEntry.objects.filter(pk=entry.pk).exists()


def test_the_service_refuses_the_owner_changing_staff_credit(reviewer, dual, course, today):
    entry = services.staff_credit_add(
        user=dual,
        actor=reviewer,
        kind="approved_course",
        course=course,
        completion_date=today,
        certificate=_png(),
        note="By post",
    )
    with pytest.raises(services.ValidationError):
        services.credit_update(entry=entry, actor=dual, completion_date=today)
    with pytest.raises(services.ValidationError):
        services.credit_delete(entry=entry, actor=dual)


def test_bad_staff_entries_change_nothing(client, reviewer, dual, course, today):
    client.force_login(reviewer)
    cases = [
        {"certificate": ""},
        {"note": ""},
        {"course_number": "ZZ99999"},
        {"completion_date": "13/45/2026"},
        {"completion_date": us(today + relativedelta(days=2))},
        {"note": "x" * 501},
    ]
    for extra in cases:
        response = _post(client, dual, course, today, **extra)
        assert response.status_code == 200, extra
        assert "is-invalid" in response.content.decode() or "alert-danger" in (
            response.content.decode()
        ), extra
    assert not CreditEntry.objects.filter(user=dual).exists()
    assert not mail.outbox and not Email.objects.exists()


def test_a_double_submit_enters_and_emails_once(client, reviewer, dual, course, today):
    client.force_login(reviewer)
    token = str(uuid.uuid4())
    for _ in range(2):
        _post(client, dual, course, today, token=token)
    assert CreditEntry.objects.filter(user=dual).count() == 1
    assert Email.objects.filter(kind="credit_entered_by_staff").count() == 1


def test_staff_cannot_enter_for_staff_or_reach_it_without_the_role(
    client, reviewer, provider_staff, dual, course, today
):
    client.force_login(reviewer)
    assert client.get(reverse("tracker:professional", args=[provider_staff.pk])).status_code == 404
    assert client.get(reverse("tracker:professional", args=[reviewer.pk])).status_code == 404
    client.force_login(dual)
    assert _post(client, dual, course, today).status_code == 403
    assert not CreditEntry.objects.filter(user=dual).exists()
