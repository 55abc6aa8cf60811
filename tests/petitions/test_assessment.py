from decimal import Decimal

import pytest

from petitions.assessment import assess_request, grade_meets, kind_for
from petitions.models import Petition
from tests.petitions.helpers import recent, submit
from tracker import rulebook, rules
from tracker.models import ActivityRule, Kind

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


def cap(certifier, kind, *, prep=False):
    data = rulebook.certifiers_data({certifier.pk})[certifier.pk]
    return rules.petition_limit(data, kind, recent(), is_prep_course=prep)


def test_caps_come_from_the_rule(certifier):
    assert cap(certifier, Kind.COLLEGE) == Decimal("2.0")
    assert cap(certifier, Kind.COLLEGE, prep=True) == Decimal("0.5")
    ActivityRule.objects.filter(rule_set__certifier=certifier, kind=Kind.COLLEGE).update(
        entry_cap=Decimal("3.0")
    )
    assert cap(certifier, Kind.COLLEGE) == Decimal("3.0")
    assert cap(certifier, Kind.PETITION) is None


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
    ActivityRule.objects.filter(rule_set__certifier=certifier, kind=Kind.BROADENING).delete()
    result = assess_request(user=professional, petition_type="ncca", completion_date=recent())
    assert "type" in result.errors


def test_service_refuses_an_unknown_type(professional, certification):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        submit(professional, type="bogus")
    assert not Petition.objects.exists()
