import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from catalog.models import Course, CourseApproval, Provider, Session
from tracker.models import Certifier


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    contact_email = factory.Sequence(lambda n: f"contact{n}@provider.example.com")
    website = "https://provider.example.com"


class CourseFactory(DjangoModelFactory):
    """An approved course with a number, by default."""

    class Meta:
        model = Course

    number = factory.Sequence(lambda n: f"CA{20000 + n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    provider = factory.SubFactory(ProviderFactory)
    delivery_format = Course.Format.ONLINE
    cec_value = Decimal("0.3")
    status = Course.Status.APPROVED
    approved_on = datetime.date(2024, 1, 1)
    expires_on = datetime.date(2030, 12, 31)


class ConferenceFactory(CourseFactory):
    delivery_format = Course.Format.CONFERENCE
    cec_value = None


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(ConferenceFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    title = factory.Sequence(lambda n: f"Session {n}")
    cec_value = Decimal("0.2")


class PendingCourseFactory(CourseFactory):
    """A registration waiting for a reviewer: no number, no approval window."""

    number = None
    status = Course.Status.PENDING
    approved_on = None
    expires_on = None


def certifier(code: str) -> Certifier:
    """A seeded certifier (the tracker's migrations seed every one of `tracker.seed`)."""
    return Certifier.objects.get(code=code)


class CourseApprovalFactory(DjangoModelFactory):
    """NASM's approval of an approved course; credit None: the rules convert the hours."""

    class Meta:
        model = CourseApproval

    course = factory.SubFactory(CourseFactory)
    certifier = factory.LazyFunction(lambda: certifier("nasm"))
    number = factory.Sequence(lambda n: f"NASM-{1000 + n}")
    credit = None
