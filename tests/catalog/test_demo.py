import datetime
from decimal import Decimal

import pytest

from accounts import demo as accounts_demo
from catalog import demo
from catalog.importer import EXAMPLE, CourseImport
from catalog.models import Course, CourseApproval, Provider, Session
from catalog.services import course_lookup

pytestmark = pytest.mark.django_db


def state():
    return (
        list(Course.objects.order_by("pk").values()),
        list(Session.objects.order_by("pk").values()),
        list(Provider.objects.order_by("pk").values()),
        list(CourseApproval.objects.order_by("pk").values()),
    )


def test_demo_catalog_is_idempotent_and_has_what_others_need():
    accounts_demo.load()
    demo.load()
    first = state()
    demo.load()
    assert state() == first

    for day in (datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)):
        ca = course_lookup("CA23456", on=day)
        assert ca.ok and ca.cec_value == Decimal("0.3")
        assert course_lookup("CEP123456", on=day).ok
        summit = course_lookup("cp10001", on=day)
        assert summit.ok and summit.is_conference
        assert 3 <= len(summit.sessions) <= 4
        assert all(Decimal("0.2") <= s.cec_value <= Decimal("0.4") for s in summit.sessions)

    today = datetime.date(2026, 6, 1)
    assert course_lookup("CL10002", on=today).reason == "retired"
    assert course_lookup("CA10003", on=today).reason == "expired"
    statuses = set(Course.objects.values_list("status", flat=True))
    assert {"approved", "pending", "rejected", "retired"} <= statuses

    # CA23456 (left unlogged by the tracker demo) is also NASM's, by its contact hours.
    nasm = course_lookup("nasm-ca23456", on=datetime.date(2026, 6, 1))
    assert nasm.ok and nasm.course.number == "CA23456"
    assert nasm.approval.certifier.code == "nasm" and nasm.approval.credit is None
    assert nasm.course.contact_hours == Decimal("3")

    staff = accounts_demo.demo_user("provider_staff")
    assert staff.provider is not None
    assert Course.objects.pending().filter(submitted_by=staff).exists()


def test_the_documented_example_imports_cleanly():
    Provider.objects.create(name="Acme Fitness Education", contact_email="a@example.com")
    importer = CourseImport(EXAMPLE.splitlines(keepends=True))
    assert importer.run() == []
    assert importer.summary.created == 2 and importer.summary.sessions == 1
