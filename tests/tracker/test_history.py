"""History of everything that matters: who changed what, when and why, deletions included,
seen by its owner and by reviewers, never by anyone else."""

import importlib
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from catalog import services as catalog_services
from catalog.models import CourseApproval
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import CourseFactory, ProviderFactory
from tracker import services
from tracker.models import (
    Certification,
    Certifier,
    CprCard,
    CreditEntry,
    Cycle,
    EntryCredit,
    Kind,
    RuleSet,
)

pytestmark = pytest.mark.django_db


def talk(user, today, credit="0.2", title="Workshop talk"):
    return services.credit_add(
        user=user, kind=Kind.PRESENTING, title=title, credit=D(credit), completion_date=today
    )


def test_a_certification_and_its_cycles_are_recorded_with_who_added_them(professional, cpt, today):
    cert = services.certification_add(
        user=professional, program=cpt, earned_on=today - relativedelta(years=3)
    )
    row = cert.history.get()
    assert (row.history_type, row.history_user, row.program) == ("+", professional, cpt)
    cycles = Cycle.history.filter(certification_id=cert.pk)
    assert cycles.count() == cert.cycles.count() >= 1
    assert {c.history_user for c in cycles} == {professional}


def test_a_renewal_is_recorded_with_who_renewed_and_why(holder, reviewer, today):
    cert = holder.certifications.get()
    services.credit_add(
        user=holder,
        kind=Kind.COLLEGE,
        title="Anatomy",
        credit_hours=D("2"),
        grade="B",
        completion_date=today,
    )
    closed = cert.cycles.get(renewed_on__isnull=True)
    services.cycle_renew(certification=cert, on=today, actor=holder)
    renewal = closed.history.filter(history_type="~").order_by("history_id").first()
    assert renewal.renewed_on == today and renewal.history_user == holder
    assert "Renewed in the portal" in renewal.history_change_reason
    opened = Cycle.objects.get(certification=cert, renewed_on__isnull=True)
    assert opened.history.get().history_user == holder


def test_a_renewal_done_with_the_certifier_says_so(holder, today):
    cert = holder.certifications.get()
    closed = cert.cycles.get(renewed_on__isnull=True)
    services.cycle_record_renewal(certification=cert, renewed_on=today, actor=holder)
    reasons = [r.history_change_reason for r in closed.history.filter(history_type="~")]
    assert any("done with the certifier" in (r or "") for r in reasons)


def test_a_cpr_card_is_recorded(professional, today):
    card = services.cpr_card_add(
        user=professional, issued_on=today, expires_on=today + relativedelta(years=2)
    )
    assert card.history.get().history_user == professional


def test_a_ledger_entry_keeps_every_change_and_its_deletion(holder, today):
    entry = talk(holder, today)
    services.credit_update(entry=entry, actor=holder, credit=D("0.4"), today=today)
    # Saving with nothing different leaves no history row.
    services.credit_update(entry=entry, actor=holder, credit=D("0.4"), today=today)
    services.credit_delete(entry=entry, actor=holder)
    rows = list(CreditEntry.history.filter(id=entry.pk).order_by("history_id"))
    assert [(r.history_type, r.credit) for r in rows] == [
        ("+", D("0.2")),
        ("~", D("0.4")),
        ("-", D("0.4")),
    ]
    assert {r.history_user for r in rows} == {holder}
    # What it gave the certifier is kept too: posted, changed, withdrawn.
    posted = EntryCredit.history.filter(entry_id=entry.pk).order_by("history_id")
    assert [(p.history_type, p.credit) for p in posted] == [
        ("+", D("0.2")),
        ("~", D("0.4")),
        ("-", D("0.4")),
    ]


def test_a_course_approval_records_who_added_and_removed_it(reviewer):
    course = CourseFactory(number="CA23456", cec_value=D("0.3"))
    nasm = Certifier.objects.get(code="nasm")
    approval = catalog_services.course_approval_add(
        course=course, certifier=nasm, number=nasm.course_number_example or "X1", by=reviewer
    )
    catalog_services.course_approval_remove(approval=approval, by=reviewer)
    rows = CourseApproval.history.filter(id=approval.pk).order_by("history_id")
    assert [(r.history_type, r.history_user) for r in rows] == [("+", reviewer), ("-", reviewer)]


def test_provider_staff_changes_are_recorded(reviewer):
    provider = ProviderFactory()
    person = ProfessionalFactory()
    known = list(person.history.values_list("history_id", flat=True))
    catalog_services.provider_add_staff(provider=provider, email=person.email, by=reviewer)
    catalog_services.provider_remove_staff(provider=provider, user=person, by=reviewer)
    changes = person.history.exclude(history_id__in=known).order_by("history_id")
    assert [(c.provider_id, c.history_user) for c in changes] == [
        (provider.pk, reviewer),
        (None, reviewer),
    ]
    assert "Taken off the staff" in changes.last().history_change_reason


def test_a_login_is_not_a_change_of_the_person(client, professional):
    before = professional.history.count()
    client.post(reverse("accounts:login"), {"username": professional.email, "password": "x"})
    client.force_login(professional)
    professional.refresh_from_db()
    assert professional.history.count() == before
    assert not hasattr(professional.history.model, "password")


def test_a_new_rule_version_is_recorded(ace):
    from tracker.admin import copy_rule_set

    original = RuleSet.objects.filter(certifier=ace).order_by("effective_from").last()
    new = copy_rule_set(original, original.effective_from + relativedelta(years=5))
    assert new.history.get().history_type == "+"
    assert new.categories.first().history.get().history_type == "+"
    new.grace_months = 7
    new.save()
    assert new.history.first().grace_months == 7


def test_an_admin_change_names_the_admin_and_says_where(client, site_admin, holder):
    cert = holder.certifications.get()
    client.force_login(site_admin)
    url = reverse("admin:tracker_certification_change", args=[cert.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        "user": cert.user_id,
        "program": cert.program_id,
        "earned_on": cert.earned_on.isoformat(),
        "number": "ACE-777",
        "cycles-TOTAL_FORMS": "0",
        "cycles-INITIAL_FORMS": "0",
    }
    assert set(form.fields) <= set(data)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = Certification.objects.get(pk=cert.pk).history.first()
    assert row.number == "ACE-777" and row.history_user == site_admin
    assert row.history_change_reason == "Changed in the admin."


# --- Who sees a history -------------------------------------------------------------------


@pytest.fixture
def deleted(holder, today):
    entry = talk(holder, today, title="Deleted talk")
    services.credit_delete(entry=entry, actor=holder)
    return entry


def test_the_owner_sees_a_deleted_entry_in_their_history(holder_client, deleted):
    page = holder_client.get(reverse("tracker:history")).content.decode()
    assert "Deleted talk" in page and "Deleted from the ledger." in page
    assert "Renewal cycle" in page and "Certification" in page


def test_a_reviewer_sees_a_professionals_deleted_entry(client, reviewer, holder, deleted):
    client.force_login(reviewer)
    url = reverse("tracker:professional-history", args=[holder.pk])
    page = client.get(url).content.decode()
    assert "Deleted talk" in page and "Deleted" in page
    detail = client.get(reverse("tracker:professional", args=[holder.pk])).content.decode()
    assert url in detail


def test_no_one_else_sees_anothers_history(client, holder, deleted, provider_staff):
    other = ProfessionalFactory()
    client.force_login(other)
    assert "Deleted talk" not in client.get(reverse("tracker:history")).content.decode()
    url = reverse("tracker:professional-history", args=[holder.pk])
    assert client.get(url).status_code == 403
    client.force_login(provider_staff)
    assert client.get(url).status_code == 403


def test_the_history_page_costs_the_same_queries_for_a_long_history(client, holder, today):
    def queries_for_page():
        client.force_login(holder)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("tracker:history")).status_code == 200
        return len(captured)

    talk(holder, today)
    short = queries_for_page()
    for n in range(40):
        entry = talk(holder, today, credit="0.1", title=f"Talk {n}")
        services.credit_update(entry=entry, actor=holder, credit=D("0.2"), today=today)
    assert CreditEntry.history.filter(user_id=holder.pk).count() > 80
    # At most three queries per kind of record on the page, however long the history.
    assert queries_for_page() <= short
    page_two = client.get(reverse("tracker:history"), {"page": 2}).content.decode()
    assert "Page 2 of" in page_two


def test_the_earlier_change_log_is_carried_into_the_history():
    migration = importlib.import_module("tracker.migrations.0012_entry_changes_to_history")
    import datetime

    at = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    change = SimpleNamespace(
        entry_pk=41, owner_id=7, actor_id=9, action="deleted", at=at, before=None, after=None,
        by_label="", reason="",
    )  # fmt: skip
    said = {
        "kind": "approved_course",
        "course": "CA23456",
        "certifier": "ACE",
        "title": "",
        "completion_date": "2025-12-01",
        "credit": "0.3",
        "source": "self",
        "certificate": "cert.pdf",
    }
    row = migration._row(change, said, ({"CA23456": 3}, {"ace": 1}))
    assert row["id"] == 41 and row["user_id"] == 7 and row["history_user_id"] == 9
    assert row["history_type"] == "-" and row["credit"] == D("0.3")
    assert (row["course_id"], row["certifier_id"]) == (3, 1)
    assert row["completion_date"] == datetime.date(2025, 12, 1)
    assert row["history_date"] == at
    # Provider credit: who sent it, and why it was hidden or withdrawn, come along.
    sent = SimpleNamespace(
        entry_pk=42, owner_id=7, actor_id=None, action="updated", at=at, before=None, after=None,
        by_label="Acme Fitness (API token lms-sync)", reason="Left early",
    )  # fmt: skip
    row = migration._row(sent, {**said, "source": "provider", "hidden": "Left early"}, ({}, {}))
    assert row["history_by_label"] == "Acme Fitness (API token lms-sync)"
    assert row["history_change_reason"] == "Left early" and row["history_user_id"] is None
    assert row["hidden_reason"] == "Left early" and row["hidden_at"] == at


def test_every_card_change_is_visible_to_its_owner(holder_client, holder, today):
    card = CprCard.objects.filter(user=holder).first()
    card.provider_name = "Red Cross"
    card.save()
    page = holder_client.get(reverse("tracker:history")).content.decode()
    assert "CPR/AED card" in page and "Red Cross" in page
