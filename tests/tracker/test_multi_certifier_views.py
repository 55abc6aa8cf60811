"""My CECs with several certifiers: what a course adds before it is logged, what can still
count, a certification earned long ago, and a renewal recorded after the fact."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from catalog.services import course_approval_add
from tests.catalog.factories import CourseFactory
from tests.tracker.conftest import us
from tracker import services
from tracker.models import Certification, Cycle, Program

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def nasm_cpt(db):
    return Program.objects.get(certifier__code="nasm", abbreviation="CPT")


@pytest.fixture
def dual(holder, nasm_cpt, today):
    """ACE CPT (a year ago) and NASM CPT (four months ago)."""
    services.certification_add(
        user=holder, program=nasm_cpt, earned_on=today - relativedelta(months=4)
    )
    return holder


def test_the_lookup_says_what_the_course_adds_to_each_certification(
    client, dual, nasm_cpt, reviewer
):
    course = CourseFactory(number="CA23456", cec_value=D("0.3"), contact_hours=D("3"))
    CourseFactory(number="CA23457", cec_value=D("0.5"), contact_hours=D("5"))
    course_approval_add(course=course, certifier=nasm_cpt.certifier, number="N-3001", by=reviewer)
    client.force_login(dual)
    html = client.get(reverse("tracker:course-lookup"), {"course_number": "ca 23456"}).content
    html = html.decode()
    assert "+0.3 CEC to ACE CPT; +0.3 CEU to NASM CPT" in html  # NASM: 3 hours → 0.3 CEU
    html = client.get(reverse("tracker:course-lookup"), {"course_number": "CA23457"})
    html = html.content.decode()
    assert "+0.5 CEC to ACE CPT" in html and "NASM CPT" not in html.split("lookup-adds")[1][:80]
    assert "Not approved by NASM — petition" in html


def test_a_course_not_approved_by_nasm_counts_for_ace_and_says_why_not_for_nasm(
    client, dual, today
):
    CourseFactory(number="CA23457", cec_value=D("0.5"))
    client.force_login(dual)
    response = client.post(
        reverse("tracker:credit-add"),
        {"course_number": "CA23457", "completion_date": us(today), "token": "7" * 32},
        follow=True,
    )
    page = response.content.decode()
    assert "Added CA23457" in page
    assert "NASM CPT: does not count — Not approved by NASM — petition" in page


def test_what_can_still_count_lists_courses_that_would_add_most_first(
    client, dual, nasm_cpt, reviewer, today
):
    ace_cert = dual.certifications.get(program__certifier__code="ace")
    nasm_cert = dual.certifications.get(program=nasm_cpt)
    CourseFactory(number="CA30001", cec_value=D("0.8"), title="Big course")
    CourseFactory(number="CA30002", cec_value=D("0.2"), title="Small course")
    logged = CourseFactory(number="CA30003", cec_value=D("0.9"), title="Logged already")
    CourseFactory(number="CA30004", cec_value=D("1.0"), title="Expired approval",
                  expires_on=today - datetime.timedelta(days=1))  # fmt: skip
    nasm_only = CourseFactory(number="CA30005", cec_value=D("0.4"), title="NASM too")
    course_approval_add(
        course=nasm_only, certifier=nasm_cpt.certifier, number="N-4001", credit=D("0.6"),
        by=reviewer,
    )  # fmt: skip
    services.credit_add(user=dual, kind="approved_course", course=logged,
                        completion_date=today - datetime.timedelta(days=3))  # fmt: skip
    client.force_login(dual)
    page = client.get(reverse("tracker:still-counts", args=[ace_cert.pk])).content.decode()
    titles = [t for t in ("Big course", "NASM too", "Small course") if t in page]
    assert titles == ["Big course", "NASM too", "Small course"]
    assert page.index("Big course") < page.index("NASM too") < page.index("Small course")
    assert "Logged already" not in page and "Expired approval" not in page
    assert "+0.8 CEC" in page
    # NASM's list holds only what NASM approved, in CEUs.
    page = client.get(reverse("tracker:still-counts", args=[nasm_cert.pk])).content.decode()
    assert "NASM too" in page and "+0.6 CEU" in page
    assert "Big course" not in page and "Small course" not in page


def test_what_can_still_count_is_the_owners_only(client, dual, professional):
    cert = dual.certifications.first()
    from tests.accounts.factories import ProfessionalFactory

    client.force_login(ProfessionalFactory())
    assert client.get(reverse("tracker:still-counts", args=[cert.pk])).status_code == 404


def test_adding_a_certification_earned_long_ago_shows_it_lapsed(client, professional, cpt):
    client.force_login(professional)
    earned = datetime.date.today() - relativedelta(years=3, months=2)
    client.post(
        reverse("tracker:certification-add"),
        {"program": cpt.pk, "earned_on": us(earned), "number": ""},
    )
    page = client.get(reverse("tracker:dashboard")).content.decode()
    assert "Lapsed" in page and "On track" not in page
    cert = Certification.objects.get(user=professional)
    response = client.post(
        reverse("tracker:cycle-record-renewal", args=[cert.pk]),
        {"renewed_on": us(earned + relativedelta(years=2))},
    )
    assert response.status_code == 302
    page = client.get(reverse("tracker:dashboard")).content.decode()
    assert "Lapsed" not in page
    assert cert.cycles.filter(renewed_outside=True).count() == 1


@pytest.mark.parametrize(
    ("renewed", "message"),
    [(-400, "cannot come before the date earned"), (400, "cannot be in the future")],
)
def test_a_bad_last_renewal_date_is_refused_and_nothing_saved(
    client, professional, cpt, renewed, message
):
    client.force_login(professional)
    earned = datetime.date.today() - relativedelta(years=1)
    response = client.post(
        reverse("tracker:certification-add"),
        {
            "program": cpt.pk,
            "earned_on": us(earned),
            "last_renewed_on": us(earned + datetime.timedelta(days=renewed)),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Certification.objects.filter(user=professional).exists()
    assert not Cycle.objects.exists()
