"""The admin is not a side door: posted credit, history rows and decided petitions cannot be
changed there, and every model the admin shows is classified, so a new one must be too."""

from decimal import Decimal as D

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from petitions import services as petition_services
from tests.petitions.factories import PetitionFactory
from tracker import selectors, services
from tracker.models import CreditEntry, Cycle, Kind

READ_ONLY = "read-only"  # no add, change or delete, ever
RECORDS = "records"  # a log of what went out: no add or change; old rows may be purged
OPEN_ONLY = "open only"  # no add or delete; changed only while not closed (history kept)
TRACKED = "tracked"  # editable, and every change lands in the model's history
EDITABLE = "editable"  # reference data with no bearing on anyone's standing

EXPECTED = {
    # The ledger and what it posts.
    "tracker.CreditEntry": READ_ONLY,
    "tracker.EntryCredit": READ_ONLY,
    # Audits change only on the audit pages (tracker.audits).
    "tracker.Audit": READ_ONLY,
    "tracker.AuditItem": READ_ONLY,
    "tracker.AuditSample": READ_ONLY,
    "tracker.HistoricalAudit": READ_ONLY,
    "tracker.HistoricalAuditItem": READ_ONLY,
    # Petitions change only through their services (the review queue).
    "petitions.Petition": READ_ONLY,
    "petitions.Document": READ_ONLY,
    "petitions.PetitionEvent": READ_ONLY,
    # History rows of every tracked model.
    "accounts.HistoricalUser": READ_ONLY,
    "tracker.HistoricalCertifier": READ_ONLY,
    "tracker.HistoricalRuleSet": READ_ONLY,
    "tracker.HistoricalCategory": READ_ONLY,
    "tracker.HistoricalActivityRule": READ_ONLY,
    "tracker.HistoricalProrationBand": READ_ONLY,
    "tracker.HistoricalCertification": READ_ONLY,
    "tracker.HistoricalCycle": READ_ONLY,
    "tracker.HistoricalCprCard": READ_ONLY,
    "tracker.HistoricalCreditEntry": READ_ONLY,
    "tracker.HistoricalEntryCredit": READ_ONLY,
    "catalog.HistoricalCourseApproval": READ_ONLY,
    # Rule rows are edited on their rule set's page, which checks the whole set.
    "tracker.Category": READ_ONLY,
    "tracker.ActivityRule": READ_ONLY,
    "tracker.ProrationBand": READ_ONLY,
    "catalog.ImportBatch": READ_ONLY,
    # Provider-reported credit changes only through its services (rosters, the API, disputes).
    "reporting.RosterBatch": READ_ONLY,
    "reporting.ReportedCompletion": READ_ONLY,
    "reporting.Dispute": READ_ONLY,
    # API tokens are made and revoked on the provider's own page.
    "api.ApiToken": READ_ONLY,
    "catalog.ImportRow": READ_ONLY,
    "notices.Email": RECORDS,
    "notices.Reminder": RECORDS,
    # Uploads waiting to be confirmed on an add form: not credit, purged a day after.
    "tracker.CertificateReading": RECORDS,
    "tracker.Cycle": OPEN_ONLY,
    "accounts.User": TRACKED,
    "tracker.Certifier": TRACKED,
    "tracker.RuleSet": TRACKED,
    "tracker.Certification": TRACKED,
    "tracker.CprCard": TRACKED,
    "catalog.CourseApproval": TRACKED,
    "auth.Group": EDITABLE,
    "tracker.Program": EDITABLE,
    "catalog.Provider": EDITABLE,
    "catalog.Course": EDITABLE,
    "catalog.Session": EDITABLE,
    "catalog.NumberSequence": EDITABLE,
    "notices.Preferences": EDITABLE,
    "axes.AccessAttempt": EDITABLE,
    "axes.AccessLog": EDITABLE,
    "axes.AccessFailureLog": EDITABLE,
    "django_tasks_database.DBTaskResult": READ_ONLY,
}


def _rights(model_admin, request, obj=None):
    return (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request, obj),
        model_admin.has_delete_permission(request, obj),
    )


def test_every_admin_model_is_classified():
    registered = {model._meta.label for model in admin.site._registry}
    assert registered - set(EXPECTED) == set(), "Classify the new admin models in EXPECTED"
    assert set(EXPECTED) - registered == set(), "EXPECTED names models the admin no longer has"


@pytest.mark.django_db
def test_each_admin_model_allows_what_its_class_says(site_admin):
    request = RequestFactory().get("/")
    request.user = site_admin
    wrong = []
    for model, model_admin in admin.site._registry.items():
        label, kind = model._meta.label, EXPECTED[model._meta.label]
        add, change, delete = _rights(model_admin, request)
        tracked = hasattr(model, "history")
        expected = {
            READ_ONLY: (False, False, False),
            RECORDS: (False, False, delete),
            OPEN_ONLY: (False, change, False),
            TRACKED: (add, True, delete),
            EDITABLE: (add, True, delete),
        }[kind]
        if (add, change, delete) != expected:
            wrong.append(f"{label}: {kind} but add/change/delete = {(add, change, delete)}")
        if kind == TRACKED and not tracked:
            wrong.append(f"{label}: editable in the admin, so its changes need a history")
    assert not wrong, "\n".join(wrong)


# --- The side doors the admin used to have --------------------------------------------------


@pytest.fixture
def renewed(holder, reviewer, today):
    """A petition approved for 0.4, counted in a renewed cycle."""
    petition = PetitionFactory(
        user=holder,
        certification=holder.certifications.get(),
        credit_requested=D("0.4"),
        completion_date=today,
    )
    petition_services.petition_approve(petition=petition, reviewer=reviewer)
    services.credit_add(
        user=holder,
        kind=Kind.COLLEGE,
        title="Anatomy",
        credit_hours=D("2"),
        grade="B",
        completion_date=today,
    )
    cert = holder.certifications.get()
    closed = cert.cycles.get(renewed_on__isnull=True)
    services.cycle_renew(certification=cert, on=today, actor=holder)
    petition.refresh_from_db()
    return petition, closed


def _total(holder, cycle):
    view = selectors.snapshot(holder)
    return next(r for r in view.results if r.cycle.id == cycle.pk).total


@pytest.mark.django_db
def test_posted_petition_credit_cannot_be_changed_in_the_admin(client, site_admin, renewed):
    petition, closed = renewed
    entry = petition.ledger_entry
    before = _total(petition.user, closed)
    client.force_login(site_admin)
    url = reverse("admin:tracker_creditentry_change", args=[entry.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="credit"' not in page.text  # shown, not editable
    response = client.post(url, {"credit": "1.4", "kind": entry.kind, "user": entry.user_id})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.credit == D("0.4") and entry.history.count() == 1
    assert _total(petition.user, closed) == before
    delete = reverse("admin:tracker_creditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert CreditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_a_decided_petition_and_its_events_cannot_be_changed_in_the_admin(
    client, site_admin, renewed
):
    petition, _closed = renewed
    client.force_login(site_admin)
    url = reverse("admin:petitions_petition_change", args=[petition.pk])
    assert client.post(url, {"status": "denied"}).status_code == 403
    event = petition.events.last()
    event_url = reverse("admin:petitions_petitionevent_change", args=[event.pk])
    assert client.post(event_url, {"note": "rewritten"}).status_code == 403
    gone = reverse("admin:petitions_petitionevent_delete", args=[event.pk])
    assert client.post(gone, {"post": "yes"}).status_code == 403
    petition.refresh_from_db()
    event.refresh_from_db()
    assert petition.status == "approved" and event.note != "rewritten"
    add = reverse("admin:petitions_petition_add")
    assert client.get(add).status_code == 403


@pytest.mark.django_db
def test_history_rows_cannot_be_changed_or_deleted_in_the_admin(client, site_admin, renewed):
    petition, closed = renewed
    row = petition.ledger_entry.history.get()
    client.force_login(site_admin)
    change = reverse("admin:tracker_historicalcreditentry_change", args=[row.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"credit": "1.4"}).status_code == 403
    delete = reverse("admin:tracker_historicalcreditentry_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.credit == D("0.4")


@pytest.mark.django_db
def test_a_renewed_cycle_cannot_be_changed_in_the_admin(client, site_admin, renewed):
    _petition, closed = renewed
    client.force_login(site_admin)
    url = reverse("admin:tracker_cycle_change", args=[closed.pk])
    response = client.post(url, {"ends_on": "2099-01-01"})
    assert response.status_code == 403
    closed.refresh_from_db()
    assert closed.ends_on.year != 2099


@pytest.mark.django_db
def test_an_open_cycles_end_corrected_in_the_admin_is_recorded(client, site_admin, holder):
    cycle = Cycle.objects.get(certification__user=holder, renewed_on__isnull=True)
    client.force_login(site_admin)
    url = reverse("admin:tracker_cycle_change", args=[cycle.pk])
    new_end = cycle.ends_on.replace(day=1)
    response = client.post(url, {"ends_on": new_end.isoformat()})
    assert response.status_code == 302
    row = cycle.history.first()
    assert row.ends_on == new_end and row.history_user == site_admin
    assert row.history_change_reason == "End corrected in the admin."


@pytest.mark.django_db
def test_a_petitions_ledger_line_and_its_petition_cannot_disagree(holder, renewed, today):
    petition, _closed = renewed
    # A line that names a petition is a petition line; a petition line names its petition.
    for wrong in (
        {"kind": Kind.PRESENTING, "source": "self", "petition": PetitionFactory(user=holder)},
        {"kind": Kind.PETITION, "source": "petition", "petition": None},
        {"kind": Kind.PRESENTING, "source": "petition", "petition": None},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            CreditEntry.objects.create(user=holder, completion_date=today, credit=D("0.1"), **wrong)
    # A second line for the same petition: refused by the one-to-one link.
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEntry.objects.create(
            user=holder,
            completion_date=today,
            credit=D("0.1"),
            kind=Kind.PETITION,
            source="petition",
            petition=petition,
        )
    # Its owner cannot drop it either (the service refuses: it is read-only to them).
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="read-only"):
        services.credit_delete(entry=CreditEntry.objects.get(petition=petition), actor=holder)
