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


class TestACertifierOfTheirOwn:
    """A person holding certifications from several certifiers petitions one of them: the one
    they choose, or else the first whose rules take the kind of activity."""

    @pytest.fixture
    def two_certifiers(self, professional):
        from tests.tracker.factories import seeded_certifier
        from tracker import services as tracker_services
        from tracker.models import Program

        for code, abbreviation in (("ace", "CPT"), ("acsm", "CPT")):
            seeded_certifier(code)
            tracker_services.certification_add(
                user=professional,
                program=Program.objects.get(certifier__code=code, abbreviation=abbreviation),
                earned_on=recent(200),
            )
        return professional

    def test_without_a_choice_the_petition_goes_to_a_certifier_that_takes_it(self, two_certifiers):
        petition = submit(two_certifiers, type=Petition.Type.LIVE_WORKSHOP)
        assert petition.certification.program.certifier.code == "ace"

    def test_the_certifier_chosen_decides_the_rule_and_the_credit(self, two_certifiers):
        from tracker.models import Certifier

        ace, acsm = (Certifier.objects.get(code=code) for code in ("ace", "acsm"))
        college = {
            "type": Petition.Type.COLLEGE,
            "credit_hours": Decimal("1"),
            "grade": "B",
            "contact_hours": None,
        }
        toward_ace = submit(two_certifiers, certifier_id=ace.pk, **college)
        assert toward_ace.certification.program.certifier == ace
        assert toward_ace.credit_requested == Decimal("1.0")  # ACE: 1.0 per credit hour
        toward_acsm = submit(two_certifiers, certifier_id=acsm.pk, **college)
        assert toward_acsm.certification.program.certifier == acsm
        assert toward_acsm.credit_requested == Decimal("10.0")  # ACSM: 10 per credit hour

    def test_a_certifier_that_does_not_take_the_kind_says_so(self, two_certifiers):
        from django.core.exceptions import ValidationError

        from tracker.models import Certifier

        acsm = Certifier.objects.get(code="acsm")
        with pytest.raises(ValidationError, match="ACSM does not take petitions"):
            submit(two_certifiers, type=Petition.Type.LIVE_WORKSHOP, certifier_id=acsm.pk)
        assert not Petition.objects.exists()

    def test_a_certifier_the_person_does_not_hold_is_refused(self, two_certifiers):
        from django.core.exceptions import ValidationError

        from tests.tracker.factories import seeded_certifier

        nasm = seeded_certifier("nasm")
        with pytest.raises(ValidationError, match="from the certifier you chose"):
            submit(two_certifiers, certifier_id=nasm.pk)
        assert not Petition.objects.exists()

    def test_the_form_asks_only_someone_with_two_certifiers(self, two_certifiers):
        from petitions.forms import PetitionForm
        from tests.tracker.factories import CertificationFactory

        form = PetitionForm(user=two_certifiers)
        assert [label for _, label in form.fields["certifier"].choices][1:] == [
            "American College of Sports Medicine",
            "American Council on Exercise",
        ]
        assert "certifier" not in PetitionForm(user=CertificationFactory().user).fields
