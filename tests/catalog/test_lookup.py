import datetime
from decimal import Decimal

import pytest

from catalog.models import Course
from catalog.numbers import EXPECTED_FORM
from catalog.services import course_lookup
from tests.catalog.factories import ConferenceFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 1)


@pytest.fixture
def ca23456():
    return CourseFactory(number="CA23456", cec_value=Decimal("0.3"))


def test_spaces_and_lower_case_find_the_course(ca23456):
    result = course_lookup(" ca 23456 ", on=ON)
    assert result.ok and result.reason == "ok"
    assert result.number == "CA23456"
    assert result.course == ca23456
    assert result.cec_value == Decimal("0.3")
    assert "0.3 CECs" in result.message


def test_a_phones_full_width_characters_are_the_same_number(ca23456):
    result = course_lookup("ｃａ ２３４５６", on=ON)
    assert result.ok and result.course == ca23456 and result.number == "CA23456"


def test_case_variant_of_an_existing_number(ca23456):
    result = course_lookup("cA23456", on=ON)
    assert result.ok and result.course == ca23456


def test_six_digit_number():
    course = CourseFactory(number="CEP123456")
    result = course_lookup("CEP123456", on=ON)
    assert result.ok and result.course == course


@pytest.mark.parametrize(
    "text",
    [
        "CX12345",
        "CA1234",
        "CA1234567",
        "CA12345X",
        "",
        "   ",
        "x" * 2000,
        "ä€漢" * 700,
        "CA٢٣٤٥٦",
    ],  # other scripts' digits are not a course number's
)
def test_malformed_numbers_show_the_expected_form(text):
    result = course_lookup(text, on=ON)
    assert not result.ok
    assert result.reason == "malformed"
    assert result.course is None and result.number == ""
    assert EXPECTED_FORM in result.message
    assert len(result.message) < 300


def test_not_found():
    result = course_lookup("CA99999", on=ON)
    assert (result.ok, result.reason, result.number) == (False, "not_found", "CA99999")
    assert "CA99999" in result.message and "petition" in result.message


@pytest.mark.parametrize(
    ("status", "reason", "phrase"),
    [
        (Course.Status.PENDING, "pending", "waiting for approval"),
        (Course.Status.REJECTED, "rejected", "not approved"),
        (Course.Status.RETIRED, "retired", "retired"),
    ],
)
def test_status_reasons(status, reason, phrase):
    CourseFactory(number="CS12345", status=status)
    result = course_lookup("CS12345", on=ON)
    assert (result.ok, result.reason) == (False, reason)
    assert phrase in result.message


def test_expired_gives_the_dates():
    CourseFactory(
        number="CL12345",
        approved_on=datetime.date(2022, 1, 1),
        expires_on=datetime.date(2023, 12, 31),
    )
    result = course_lookup("CL12345", on=ON)
    assert (result.ok, result.reason) == (False, "expired")
    assert "01/01/2022" in result.message and "12/31/2023" in result.message
    assert "06/01/2026" in result.message


def test_not_yet_valid():
    CourseFactory(number="CL12346", approved_on=datetime.date(2027, 1, 1))
    result = course_lookup("CL12346", on=ON)
    assert (result.ok, result.reason) == (False, "not_yet_valid")
    assert "01/01/2027" in result.message


def test_window_edges_are_inclusive():
    CourseFactory(
        number="CL12347",
        approved_on=datetime.date(2024, 1, 1),
        expires_on=datetime.date(2025, 12, 31),
    )
    assert course_lookup("CL12347", on=datetime.date(2024, 1, 1)).ok
    assert course_lookup("CL12347", on=datetime.date(2025, 12, 31)).ok
    assert not course_lookup("CL12347", on=datetime.date(2026, 1, 1)).ok


def test_conference_lists_its_sessions():
    conference = ConferenceFactory(number="CP10001")
    SessionFactory(course=conference, code="A1", cec_value=Decimal("0.2"))
    SessionFactory(course=conference, code="A2", cec_value=Decimal("0.4"))
    result = course_lookup("cp 10001", on=ON)
    assert result.ok and result.is_conference
    assert [s.code for s in result.sessions] == ["A1", "A2"]
    assert result.cec_value is None


def test_every_reason_has_its_own_message():
    CourseFactory(number="CA10001")
    CourseFactory(number="CA10002", status=Course.Status.PENDING)
    CourseFactory(number="CA10003", status=Course.Status.REJECTED)
    CourseFactory(number="CA10004", status=Course.Status.RETIRED)
    CourseFactory(number="CA10005", expires_on=datetime.date(2025, 1, 1))
    CourseFactory(number="CA10006", approved_on=datetime.date(2027, 1, 1))
    texts = ["CA10001", "CA1", "CA99999", "CA10002", "CA10003", "CA10004", "CA10005", "CA10006"]
    results = [course_lookup(t, on=ON) for t in texts]
    assert [r.reason for r in results] == [
        "ok",
        "malformed",
        "not_found",
        "pending",
        "rejected",
        "retired",
        "expired",
        "not_yet_valid",
    ]
    assert len({r.message for r in results}) == 8


def test_lookup_is_one_query(django_assert_num_queries):
    CourseFactory(number="CA23456")
    with django_assert_num_queries(1):
        course_lookup("CA23456", on=ON)
    with django_assert_num_queries(1):
        course_lookup("CA99999", on=ON)
    with django_assert_num_queries(0):
        course_lookup("nonsense", on=ON)


def test_conference_lookup_is_two_queries(django_assert_num_queries):
    conference = ConferenceFactory(number="CP10001")
    SessionFactory.create_batch(3, course=conference)
    with django_assert_num_queries(2):
        course_lookup("CP10001", on=ON)


def test_default_date_is_today():
    CourseFactory(
        number="CA10007",
        expires_on=datetime.date(2000, 1, 1),
        approved_on=datetime.date(1999, 1, 1),
    )
    assert course_lookup("CA10007").reason == "expired"


@pytest.mark.parametrize(
    "text",
    ["CA23456", "CEP123456", "CL00001", "CX12345", "CA1234", "CA1234567", "CEP12", "cp12345"],
)
def test_the_catalogs_number_syntax_is_the_home_certifiers_data(text):
    """The numbers this portal assigns follow the home certifier's (ACE's) pattern as data."""
    import re

    from catalog.numbers import NUMBER_RE
    from tracker.models import Certifier

    home = Certifier.objects.get(assigns_catalog_numbers=True)
    assert bool(re.fullmatch(home.course_number_pattern, text)) == bool(NUMBER_RE.fullmatch(text))
