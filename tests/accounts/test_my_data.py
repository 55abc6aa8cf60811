"""My data: the export holds every record and file of its owner and nothing of anyone
else's; closing an account erases what may be erased and keeps approved petitions,
anonymised; a petition still being decided needs an explicit yes."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts import mydata, services
from notices.models import Preferences, Reminder
from notices.services import email_later
from petitions import services as petition_services
from petitions.models import Document, Petition
from tests.accounts.factories import PASSWORD, ProfessionalFactory
from tests.petitions.helpers import stored_files, submit
from tests.tracker.factories import CprCardFactory
from tracker import services as tracker_services
from tracker.models import (
    CertificateReading,
    Certification,
    CreditEntry,
    Kind,
    Program,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def cpt(db):
    return Program.objects.get(certifier__code="ace", name="Certified Personal Trainer")


@pytest.fixture
def holder(professional, cpt, today):
    tracker_services.certification_add(
        user=professional, program=cpt, earned_on=today - relativedelta(years=1)
    )
    return professional


PROJECT_APPS = {"accounts", "catalog", "tracker", "petitions", "notices", "reporting", "api"}


def _png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def _person_with_everything(cpt, today, reviewer, *, approve=True):
    person = ProfessionalFactory()
    tracker_services.certification_add(
        user=person, program=cpt, earned_on=today - relativedelta(years=1)
    )
    CprCardFactory(user=person)
    entry = tracker_services.credit_add(
        user=person,
        kind=Kind.PRESENTING,
        title=f"Talk by {person.email}",
        credit=Decimal("0.2"),
        completion_date=today,
        certificate=_png(f"{person.pk}-cert.png"),
    )
    tracker_services.credit_update(entry=entry, actor=person, note="edited")
    approved = submit(person, course_title=f"Approved for {person.pk}")
    if approve:
        petition_services.petition_approve(petition=approved, reviewer=reviewer)
    Preferences.objects.create(user=person)
    reading = CertificateReading(user=person, file_name="photo.png")
    reading.file.save("photo.png", _png("photo.png"), save=False)
    reading.save()
    Reminder.objects.create(user=person, subject=f"cycle:{person.pk}", mark="90d", due_on=today)
    email_later(
        kind="renewal_recorded",
        to=[person.email],
        context={"name": person.email, "certification": "CPT", "link": "http://testserver/"},
    )
    return person


@pytest.fixture
def two_people(cpt, today, reviewer):
    return (
        _person_with_everything(cpt, today, reviewer),
        _person_with_everything(cpt, today, reviewer),
    )


# Sections the people of these tests have nothing in (no provider reported for them, no audit).
NOTHING_OF_THEIRS = {
    "provider_reports",
    "disputes",
    "audits",
    "audit_items",
    "audit_history",
    "audit_item_history",
}


def _export(client, person):
    client.force_login(person)
    response = client.get(reverse("accounts:my-data-export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_export_holds_every_record_and_file_of_its_owner_only(client, two_people):
    me, other = two_people
    archive = _export(client, me)
    data = json.loads(archive.read("records.json"))
    for section in mydata.SECTIONS:
        mine = {o.pk for o in section.records(me)}
        theirs = {o.pk for o in section.records(other)}
        exported = {row["pk"] for row in data[section.name]}
        assert exported == mine, section.name
        assert mine or section.name in NOTHING_OF_THEIRS, section.name
        assert not exported & theirs, section.name
    assert "password" not in data["account"][0]["fields"]
    assert data["account"][0]["fields"]["email"] == me.email
    text = archive.read("records.json").decode()
    assert other.email not in text
    # Every file of mine, byte for byte; none of theirs.
    names = archive.namelist()
    my_entry = CreditEntry.objects.get(user=me, kind=Kind.PRESENTING)
    (cert_path,) = [n for n in names if n.startswith("files/ledger/")]
    assert archive.read(cert_path) == my_entry.certificate.open("rb").read()
    my_documents = Document.objects.filter(petition__user=me)
    petition_files = [n for n in names if n.startswith("files/petition_documents/")]
    assert len(petition_files) == my_documents.count() == 2
    stored_names = {n.rsplit("-", 1)[-1] for n in names if n.startswith("files/")}
    assert {d.file.name.rsplit("/", 1)[-1] for d in my_documents} <= stored_names
    theirs = {d.file.name.rsplit("/", 1)[-1] for d in Document.objects.filter(petition__user=other)}
    theirs.add(CreditEntry.objects.get(user=other, kind=Kind.PRESENTING).certificate.name)
    assert not {t.rsplit("/", 1)[-1] for t in theirs} & stored_names


def test_every_model_that_points_at_a_person_is_exported_or_says_why_not(db):
    user_model = get_user_model()
    exported_models = {
        section.records(ProfessionalFactory.build(pk=0)).model._meta.label
        for section in mydata.SECTIONS
    }
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if getattr(field, "related_model", None) is user_model and field.concrete:
                label = model._meta.label
                if label in exported_models or label in mydata.NOT_EXPORTED:
                    continue
                if f"{label}.{field.name}" in mydata.NOT_EXPORTED:
                    continue
                if field.name in mydata.NOT_EXPORTED_FIELDS:
                    continue
                missing.append(f"{label}.{field.name}")
    assert not missing, f"Export these in accounts/mydata.py or say why not: {missing}"


def test_closing_an_account_erases_it_and_keeps_approved_petitions_anonymised(
    client, two_people, _private_media, django_capture_on_commit_callbacks
):
    me, other = two_people
    my_email = me.email
    my_certifications = list(Certification.objects.filter(user=me).values_list("pk", flat=True))
    erased_entries = list(
        CreditEntry.objects.filter(user=me, petition__isnull=True).values_list("pk", flat=True)
    )
    assert Certification.history.filter(id__in=my_certifications).exists()
    kept = Petition.objects.get(user=me, status=Petition.Status.APPROVED)
    kept_entry = CreditEntry.objects.get(petition=kept)
    files_before = set(stored_files(_private_media))
    my_certificate = CreditEntry.objects.get(user=me, kind=Kind.PRESENTING).certificate.path
    client.force_login(me)
    page = client.get(reverse("accounts:account-delete")).content.decode()
    assert "Kept, anonymised" in page and kept.course_title in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:account-delete"), {"password": PASSWORD, "understood": "on"}
        )
    assert response.status_code == 302
    me.refresh_from_db()
    assert not me.is_active and not me.has_usable_password()
    assert me.email.endswith("@deleted.invalid") and not me.get_full_name()
    # Kept: the approved petition, the credit it posted and its history.
    assert Petition.objects.filter(pk=kept.pk, user=me).exists()
    assert CreditEntry.objects.filter(pk=kept_entry.pk).exists()
    assert CreditEntry.history.filter(id=kept_entry.pk).exists()
    # Erased with them: the history of what was erased, and every row naming their email.
    assert not CreditEntry.history.filter(id__in=erased_entries).exists()
    assert not Certification.history.filter(id__in=my_certifications).exists()
    assert not get_user_model().history.filter(email=my_email).exists()
    assert not get_user_model().history.filter(id=me.pk).exists()
    assert get_user_model().history.filter(id=other.pk).exists()
    # Erased: everything else, with its files.
    assert not Certification.objects.filter(user=me).exists()
    assert list(CreditEntry.objects.filter(user=me)) == [kept_entry]
    assert not Preferences.objects.filter(user=me).exists()
    assert not mydata._emails_to(me).exists() and mydata._emails_to(other).exists()
    files_after = set(stored_files(_private_media))
    assert my_certificate not in {str(p) for p in files_after}
    # The certificate and the reading's photo; the kept petition's files stay.
    assert len(files_before - files_after) == 2
    # The other person is untouched, and the closed account cannot sign in.
    assert CreditEntry.objects.filter(user=other).count() == 2
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": me.email, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_an_account_with_nothing_to_keep_is_removed_entirely(client, cpt, today, reviewer):
    person = _person_with_everything(cpt, today, reviewer, approve=False)
    open_petition = Petition.objects.get(user=person)
    client.force_login(person)
    page = client.get(reverse("accounts:account-delete")).content.decode()
    assert "Still being decided" in page and open_petition.course_title in page
    # Without the explicit yes for the open petition, nothing happens.
    response = client.post(
        reverse("accounts:account-delete"), {"password": PASSWORD, "understood": "on"}
    )
    assert response.status_code == 200 and "still being decided" in response.content.decode()
    assert get_user_model().objects.filter(pk=person.pk, is_active=True).exists()
    response = client.post(
        reverse("accounts:account-delete"),
        {"password": PASSWORD, "understood": "on", "withdraw_open": "on"},
    )
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    assert not Petition.objects.filter(pk=open_petition.pk).exists()
    # Nothing of them stays in any history either.
    assert not get_user_model().history.filter(id=person.pk).exists()
    assert not CreditEntry.history.filter(user_id=person.pk).exists()
    assert not Certification.history.filter(user_id=person.pk).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"password": "wrong", "understood": "on"}, "That is not your password."),
        ({"password": PASSWORD}, "Tick the box to confirm."),
        ({"password": "x" * 5000, "understood": "on"}, "Ensure this value has at most"),
    ],
)
def test_a_bad_confirmation_changes_nothing(client, holder, data, message):
    client.force_login(holder)
    response = client.post(reverse("accounts:account-delete"), data)
    assert response.status_code == 200 and message in response.content.decode()
    holder.refresh_from_db()
    assert holder.is_active and Certification.objects.filter(user=holder).exists()


def test_staff_accounts_are_closed_by_an_administrator(client, reviewer, provider_staff):
    for person in (reviewer, provider_staff):
        client.force_login(person)
        response = client.post(
            reverse("accounts:account-delete"), {"password": PASSWORD, "understood": "on"}
        )
        assert "closed by an administrator" in response.content.decode()
        assert get_user_model().objects.filter(pk=person.pk, is_active=True).exists()
    with pytest.raises(services.ValidationError):
        services.delete_account(reviewer)
