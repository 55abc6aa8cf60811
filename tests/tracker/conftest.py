import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tests.tracker.factories import CprCardFactory
from tracker import services
from tracker.models import Certifier, Program


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def ace(db):
    return Certifier.objects.get(code="ace")


@pytest.fixture
def cpt(ace):
    return Program.objects.get(certifier=ace, name="Certified Personal Trainer")


@pytest.fixture
def gfi(ace):
    return Program.objects.get(certifier=ace, name="Group Fitness Instructor")


@pytest.fixture
def hc(ace):
    return Program.objects.get(certifier=ace, name="Health Coach")


@pytest.fixture
def holder(professional, cpt, today):
    """A professional holding ACE CPT earned a year ago, with a current two-year CPR/AED card."""
    services.certification_add(
        user=professional, program=cpt, earned_on=today - relativedelta(years=1)
    )
    CprCardFactory(
        user=professional,
        issued_on=today - relativedelta(months=2),
        expires_on=today + relativedelta(years=2),
    )
    return professional


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder)
    return client


def us(day: datetime.date) -> str:
    return day.strftime("%m/%d/%Y")
