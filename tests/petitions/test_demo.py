import datetime

import pytest
from django.core import mail

from accounts import demo as accounts_demo
from petitions import demo
from petitions.models import Document, Petition, PetitionEvent
from tests.petitions.helpers import stored_files
from tests.tracker.factories import CertificationFactory
from tracker.models import CreditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return accounts_demo.load()


def counts():
    return (
        Petition.objects.count(),
        Document.objects.count(),
        PetitionEvent.objects.count(),
        CreditEntry.objects.count(),
    )


def test_without_a_certification_nothing_is_made(users):
    assert demo.load() == []
    assert counts() == (0, 0, 0, 0)


def test_loads_each_state_once(users, _private_media):
    professional = users["professional"]
    CertificationFactory(user=professional)
    demo.load()
    first = counts()
    files_after_first = stored_files(_private_media)
    demo.load()
    assert counts() == first
    assert stored_files(_private_media) == files_after_first
    assert mail.outbox == []

    petitions = Petition.objects.filter(user=professional)
    statuses = set(petitions.values_list("status", flat=True))
    assert {"submitted", "approved", "denied", "info_requested"} <= statuses
    assert any(p.is_overdue() for p in petitions.filter(status="submitted"))
    approved = petitions.get(status="approved")
    assert approved.ledger_entry.credit == approved.credit_awarded
    denied = petitions.get(status="denied")
    assert denied.decision_reason
    for petition in petitions:
        assert petition.documents.exists()
        assert petition.completion_date <= datetime.date.today()
    types = set(Document.objects.values_list("content_type", flat=True))
    assert types == {"application/pdf", "image/png", "image/jpeg"}
    assert len(files_after_first) == Document.objects.count()
