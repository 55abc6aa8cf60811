from decimal import Decimal

import pytest

from petitions.models import Petition
from petitions.rules import assess_request, cap_for, grade_meets, kind_for
from tests.petitions.helpers import recent, submit
from tracker.models import Kind, KindRule

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("grade", "minimum", "ok"),
    [
        ("A", "C", True),
        ("C", "C", True),
        ("C+", "C", True),
        ("C-", "C", False),
        ("F", "C", False),
        ("", "C", False),
        ("Z", "C", False),
        ("D", "", True),
    ],
)
def test_grade_meets(grade, minimum, ok):
    assert grade_meets(grade, minimum) is ok


def test_kinds():
    assert kind_for("college") == Kind.COLLEGE
    assert kind_for("ncca") == Kind.BROADENING
    assert kind_for("conference") == Kind.PETITION


def test_caps_come_from_the_rule(certifier):
    college = KindRule.objects.get(certifier=certifier, kind=Kind.COLLEGE)
    assert cap_for(college, petition_type="college", is_prep_course=False) == Decimal("2.0")
    assert cap_for(college, petition_type="college", is_prep_course=True) == Decimal("0.5")
    college.entry_cap = Decimal("3.0")
    college.save()
    assert cap_for(college, petition_type="college", is_prep_course=False) == Decimal("3.0")
    petition = KindRule.objects.get(certifier=certifier, kind=Kind.PETITION)
    assert cap_for(petition, petition_type="live_workshop", is_prep_course=False) is None


def test_assessment_names_cycles_and_suggestion(professional, certification):
    result = assess_request(
        user=professional,
        petition_type="distance",
        completion_date=recent(),
        contact_hours=Decimal("12"),
    )
    assert not result.errors
    assert result.certification == certification
    assert result.suggested == result.credit == Decimal("1.2")


def test_shared_credit_lists_every_current_cycle(professional, certification):
    from tests.tracker.factories import CertificationFactory, ProgramFactory

    other = CertificationFactory(
        user=professional, program=ProgramFactory(certifier=certification.program.certifier)
    )
    result = assess_request(
        user=professional,
        petition_type="distance",
        completion_date=recent(),
        contact_hours=Decimal("2"),
    )
    assert {c.pk for c, _ in result.cycles} == {certification.pk, other.pk}


def test_a_kind_the_certifier_does_not_allow(professional, certifier):
    KindRule.objects.filter(certifier=certifier, kind=Kind.BROADENING).update(allowed=False)
    result = assess_request(user=professional, petition_type="ncca", completion_date=recent())
    assert "type" in result.errors


def test_service_refuses_an_unknown_type(professional, certification):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        submit(professional, type="bogus")
    assert not Petition.objects.exists()
