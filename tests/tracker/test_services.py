import datetime
import uuid
from decimal import Decimal

import pytest

from tests.catalog.factories import CourseFactory
from tests.petitions.factories import PetitionFactory
from tracker import services
from tracker.models import Certifier, CreditEntry, EntryChange, Kind, Program

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 20)


@pytest.fixture
def ace():
    return Certifier.objects.get(code="ace")


@pytest.fixture
def cpt(ace):
    return Program.objects.get(certifier=ace, name="Certified Personal Trainer")


@pytest.fixture
def gfi(ace):
    return Program.objects.get(certifier=ace, name="Group Fitness Instructor")


@pytest.fixture
def holder(professional, cpt):
    services.certification_add(
        user=professional, program=cpt, earned_on=datetime.date(2025, 3, 15), today=TODAY
    )
    return professional


def test_certification_add_opens_the_first_cycle(professional, cpt):
    cert = services.certification_add(
        user=professional, program=cpt, earned_on=datetime.date(2025, 3, 15), today=TODAY
    )
    (cycle,) = cert.cycles.all()
    assert (cycle.starts_on, cycle.ends_on) == (
        datetime.date(2025, 3, 15),
        datetime.date(2027, 3, 31),
    )
    assert cycle.credits_required == Decimal("2.0")


def test_credit_add_course_takes_the_course_value_and_is_audited(holder):
    course = CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
    entry = services.credit_add(
        user=holder,
        kind=Kind.APPROVED_COURSE,
        course=course,
        completion_date=datetime.date(2026, 4, 1),
        credit=Decimal("9.9"),
        today=TODAY,
    )
    assert entry.credit == Decimal("0.3")
    assert entry.certifier.code == "ace"
    change = EntryChange.objects.get(entry=entry)
    assert change.action == "created" and change.after["credit"] == "0.3"


def test_petition_credit(holder):
    petition = PetitionFactory(user=holder)
    entry = services.credit_add(
        user=holder,
        kind=Kind.PETITION,
        completion_date=petition.completion_date,
        credit=Decimal("0.5"),
        title=petition.course_title,
        source=CreditEntry.Source.PETITION,
        petition=petition,
        actor=holder,
    )
    again = services.credit_add(
        user=holder,
        kind=Kind.PETITION,
        completion_date=petition.completion_date,
        credit=Decimal("0.5"),
        title=petition.course_title,
        source=CreditEntry.Source.PETITION,
        petition=petition,
        actor=holder,
    )
    assert entry.pk == again.pk
    assert CreditEntry.objects.count() == 1


def test_token_is_idempotent(holder):
    token = uuid.uuid4()
    a = services.credit_add(
        user=holder,
        kind=Kind.PRESENTING,
        credit=Decimal("0.2"),
        completion_date=datetime.date(2026, 4, 1),
        submission_token=token,
        today=TODAY,
    )
    b = services.credit_add(
        user=holder,
        kind=Kind.PRESENTING,
        credit=Decimal("0.2"),
        completion_date=datetime.date(2026, 4, 1),
        submission_token=str(token),
        today=TODAY,
    )
    assert a.pk == b.pk
