"""Acceptance 2: two approvals of one petition at the same moment credit the ledger once."""

import threading
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction

from petitions import services
from petitions.models import Petition
from tests.accounts.factories import ReviewerFactory
from tests.petitions.helpers import submit
from tests.tracker.factories import CertificationFactory
from tracker.models import CreditEntry, Kind


@pytest.fixture
def petition(professional):
    CertificationFactory(user=professional)
    return submit(professional)


def approve_together(petition, reviewers, hold_seconds=0.3, monkeypatch=None):
    """Each reviewer approves in its own thread (own connection), released by one barrier."""
    barrier = threading.Barrier(len(reviewers))
    outcomes = {}

    def run(reviewer):
        try:
            own = Petition.objects.get(pk=petition.pk)
            barrier.wait(timeout=10)
            services.petition_approve(petition=own, reviewer=reviewer, credit=Decimal("0.5"))
            outcomes[reviewer.pk] = "approved"
        except services.AlreadyDecided as exc:
            outcomes[reviewer.pk] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[reviewer.pk] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(r,)) for r in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approve_at_the_same_moment(petition, monkeypatch):
    # Hold each approval inside its transaction a moment, so the two truly overlap.
    real_credit_add = services.credit_add

    def slow_credit_add(**kwargs):
        time.sleep(0.3)
        return real_credit_add(**kwargs)

    monkeypatch.setattr(services, "credit_add", slow_credit_add)
    first, second = ReviewerFactory(), ReviewerFactory()
    mail.outbox.clear()

    outcomes = approve_together(petition, [first, second])

    results = list(outcomes.values())
    assert results.count("approved") == 1, results
    (loser,) = [r for r in results if r != "approved"]
    assert isinstance(loser, services.AlreadyDecided), repr(loser)
    assert "already decided" in " ".join(loser.messages)
    assert CreditEntry.objects.filter(petition=petition).count() == 1
    assert CreditEntry.objects.filter(user=petition.user, kind=Kind.PETITION).count() == 1
    assert len(mail.outbox) == 1
    petition.refresh_from_db()
    assert petition.status == "approved"
    assert petition.events.filter(to_status="approved").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_approve_and_deny_at_the_same_moment(petition):
    reviewer = ReviewerFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def act(fn):
        try:
            own = Petition.objects.get(pk=petition.pk)
            barrier.wait(timeout=10)
            fn(own)
            outcomes.append("done")
        except services.AlreadyDecided:
            outcomes.append("already decided")
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act, args=(lambda p: services.petition_approve(petition=p, reviewer=reviewer),)
        ),
        threading.Thread(
            target=act,
            args=(lambda p: services.petition_deny(petition=p, reviewer=reviewer, reason="No"),),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already decided", "done"]
    petition.refresh_from_db()
    expected = 1 if petition.status == "approved" else 0
    assert CreditEntry.objects.filter(petition=petition).count() == expected


@pytest.mark.django_db(transaction=True)
def test_double_click_commits_once(petition):
    """The same reviewer posting twice in a row: the second sees the decision."""
    reviewer = ReviewerFactory()
    mail.outbox.clear()
    services.petition_approve(petition=petition, reviewer=reviewer)
    with pytest.raises(services.AlreadyDecided):
        services.petition_approve(petition=petition, reviewer=reviewer)
    assert CreditEntry.objects.filter(petition=petition).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reopened_by_hand_still_cannot_credit_twice(petition, reviewer):
    """Even if the status were reset behind the code's back, the ledger is not credited again."""
    services.petition_approve(petition=petition, reviewer=reviewer)
    Petition.objects.filter(pk=petition.pk).update(status="submitted", credit_awarded=None)
    with pytest.raises(services.AlreadyDecided):
        services.petition_approve(petition=petition, reviewer=reviewer)
    assert CreditEntry.objects.filter(petition=petition).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_entry_for_one_petition(petition, reviewer):
    services.petition_approve(petition=petition, reviewer=reviewer)
    entry = CreditEntry.objects.get(petition=petition)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEntry.objects.create(
            user=entry.user,
            kind=Kind.PETITION,
            completion_date=entry.completion_date,
            credit=Decimal("0.5"),
            source=CreditEntry.Source.PETITION,
            petition=petition,
        )
