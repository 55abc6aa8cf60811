import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from catalog.services import course_approval_add
from tests.accounts.factories import ProfessionalFactory, ProviderStaffFactory
from tests.catalog.factories import ConferenceFactory, CourseFactory, SessionFactory
from tracker import services as tracker_services
from tracker.models import Program


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def staff(db):
    return ProviderStaffFactory()


@pytest.fixture
def provider(staff):
    return staff.provider


@pytest.fixture
def course(provider, reviewer):
    """A course of the provider approved by ACE (its number) and by NASM."""
    found = CourseFactory(
        provider=provider,
        number="CA24680",
        cec_value=Decimal("0.3"),
        contact_hours=Decimal("3"),
        approved_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2035, 12, 31),
    )
    nasm = Program.objects.get(certifier__code="nasm", abbreviation="CPT").certifier
    course_approval_add(course=found, certifier=nasm, number="N-24680", by=reviewer)
    return found


@pytest.fixture
def conference(provider):
    event = ConferenceFactory(provider=provider, number="CEP135790")
    SessionFactory(course=event, code="A1", title="Strength", cec_value=Decimal("0.2"))
    SessionFactory(course=event, code="B2", title="Mobility", cec_value=Decimal("0.1"))
    return event


@pytest.fixture
def dual(today):
    """A professional holding ACE CPT and NASM CPT, both earned within the last year."""
    person = ProfessionalFactory(email="dual@pro.example.com", last_name="Rivera")
    for code, months in (("ace", 12), ("nasm", 4)):
        program = Program.objects.get(certifier__code=code, abbreviation="CPT")
        tracker_services.certification_add(
            user=person,
            program=program,
            earned_on=today - relativedelta(months=months),
            number=f"{code.upper()}-778899",
        )
    return person


def row(**values):
    base = {"completion_date": (timezone.localdate() - relativedelta(days=10)).isoformat()}
    return base | values


def confirm(batch, **kwargs):
    """Confirm and let the after-commit enqueue (the immediate backend: the post) run."""
    from django.test import TestCase

    from reporting import services

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.confirm(batch, **kwargs)


def accept(**kwargs):
    from django.test import TestCase

    from reporting import services

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.claim_accept(**kwargs)
