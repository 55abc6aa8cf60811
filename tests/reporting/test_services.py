"""Checking and posting a roster: who a row names, why a row is refused, and that the same
completion is never posted twice."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import ValidationError

from reporting import services
from reporting.models import ReportedCompletion, RosterBatch
from reporting.services import IdempotencyKeyReused
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import CourseFactory
from tests.reporting.conftest import confirm, row
from tracker.models import CreditEntry

pytestmark = pytest.mark.django_db
D = Decimal


def stage(provider, rows, **kwargs):
    kwargs.setdefault("source", RosterBatch.Source.UPLOAD)
    return services.stage(provider, rows, **kwargs)


def verdicts(batch):
    return list(batch.completions.order_by("row").values_list("verdict", "reason"))


def test_matches_by_email_or_by_certification_number_and_last_name(provider, course, dual):
    batch = stage(
        provider,
        [
            row(email="DUAL@pro.example.com"),
            row(
                certification_number="ace-778899", last_name="rivera", completion_date="2025-01-02"
            ),
            row(certification_number="ACE-778899", last_name="Smith"),
            row(email="nobody@example.com"),
        ],
        course=course,
    )
    rows = list(batch.completions.order_by("row"))
    assert [r.verdict for r in rows] == ["matched", "matched", "claimable", "claimable"]
    assert rows[0].user == dual and rows[1].user == dual
    assert (batch.matched, batch.claimable, batch.refused) == (2, 2, 0)
    assert CreditEntry.objects.count() == 0  # nothing posted before confirmation


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"email": "x@example.com", "course_number": "CA99999"}, "the row names CA99999"),
        ({"email": "not-an-email"}, "is not an email address"),
        ({"email": "", "last_name": "Rivera"}, "Give the professional's email"),
        (
            {"email": "x@example.com", "completion_date": "2019-12-31"},
            "before the course's approval",
        ),
        ({"email": "x@example.com", "completion_date": "2036-01-01"}, "in the future"),
        ({"email": "x@example.com", "completion_date": "31/12/2024"}, "is not a date"),
        ({"email": "x@example.com", "completion_date": ""}, "date is missing"),
        ({"email": '=HYPERLINK("http://x")'}, "formulas are not accepted"),
        ({"email": "x@example.com", "hours": "@SUM(A1)"}, "formulas are not accepted"),
        ({"email": "x@example.com", "hours": "lots"}, "is not a number"),
        ({"email": "x@example.com", "sessions": "A1"}, "has no sessions"),
    ],
)
def test_refuses_a_bad_row_with_its_reason(provider, course, values, reason):
    batch = stage(provider, [row(**values)], course=course)
    [(verdict, why)] = verdicts(batch)
    assert verdict == "refused"
    assert reason in why


def test_another_providers_course_is_refused_per_row_and_never_posted(provider, course, dual):
    theirs = CourseFactory(number="CA13579")
    batch = stage(
        provider,
        [
            row(email=dual.email, course_number="CA13579"),
            row(email=dual.email, course_number="CA24680"),
        ],
        source=RosterBatch.Source.API,
    )
    assert [v for v, _ in verdicts(batch)] == ["refused", "matched"]
    assert "CA13579 is not one of" in verdicts(batch)[0][1]
    confirm(batch)
    assert list(CreditEntry.objects.values_list("course", flat=True)) == [course.pk]
    assert not CreditEntry.objects.filter(course=theirs).exists()
    with pytest.raises(ValidationError):
        stage(provider, [row(email=dual.email)], course=theirs)


def test_conference_sessions_are_checked(provider, conference, dual):
    batch = stage(
        provider,
        [
            row(email=dual.email, sessions="A1; Mobility"),
            row(email="b@example.com", sessions="Z9"),
            row(email="c@example.com"),
        ],
        course=conference,
    )
    rows = list(batch.completions.order_by("row"))
    assert rows[0].verdict == "matched" and rows[0].sessions == ["A1", "B2"]
    assert "Unknown session “Z9”" in rows[1].reason
    assert "Name the sessions attended" in rows[2].reason
    confirm(batch)
    entry = CreditEntry.objects.get(user=dual)
    assert entry.credit == D("0.3")  # the sum of the sessions attended
    assert sorted(entry.sessions.values_list("code", flat=True)) == ["A1", "B2"]


def test_confirm_posts_provider_credit_to_every_certification_with_history_and_email(
    provider, course, dual, staff
):
    batch = stage(provider, [row(email=dual.email)], course=course, by=staff)
    confirm(batch, by=staff)
    batch.refresh_from_db()
    assert batch.status == "posted" and batch.posted == 1
    entry = CreditEntry.objects.get(user=dual)
    assert entry.source == CreditEntry.Source.PROVIDER
    claims = {c.certifier.code: c.credit for c in entry.claims.select_related("certifier")}
    assert (claims["ace"], claims["nasm"]) == (D("0.3"), D("0.3"))
    (change,) = entry.history.all()
    assert change.history_user == staff and change.history_type == "+"
    label = change.history_by_label
    assert provider.name in label
    assert staff.email in label or staff.get_full_name() in label
    assert [m.to for m in mail.outbox] == [[dual.email]]
    assert provider.name in mail.outbox[0].subject


def test_api_batches_are_recorded_under_the_token_label(provider, course, dual):
    batch = stage(
        provider, [row(email=dual.email, course_number="ca 24680")],
        source=RosterBatch.Source.API, label="lms-sync",
    )  # fmt: skip
    confirm(batch)
    (change,) = CreditEntry.history.filter(user_id=dual.pk)
    assert change.history_user is None
    assert change.history_by_label == f"{provider.name} (API token lms-sync)"


def test_the_same_completion_twice_posts_nothing_new(provider, course, dual):
    first = stage(provider, [row(email=dual.email)], course=course)
    confirm(first)
    again = stage(
        provider,
        [row(email=dual.email), row(certification_number="NASM-778899", last_name="RIVERA")],
        course=course,
    )
    assert [v for v, _ in verdicts(again)] == ["refused", "refused"]
    assert "Duplicate of an earlier report" in verdicts(again)[0][1]
    confirm(again)
    assert CreditEntry.objects.filter(user=dual).count() == 1
    # Within one roster too.
    same = stage(provider, [row(email="z@example.com"), row(email="Z@example.com")], course=course)
    assert [v for v, _ in verdicts(same)] == ["claimable", "refused"]


def test_confirm_and_post_are_idempotent(provider, course, dual):
    batch = stage(provider, [row(email=dual.email)], course=course)
    confirm(batch)
    confirm(batch)
    services.post(batch.pk)
    assert CreditEntry.objects.filter(user=dual).count() == 1
    assert RosterBatch.objects.get(pk=batch.pk).posted == 1


def test_two_checked_rosters_of_one_completion_post_once(provider, course, dual):
    one = stage(provider, [row(email=dual.email)], course=course)
    two = stage(provider, [row(email=dual.email)], course=course)
    confirm(one)
    confirm(two)
    assert CreditEntry.objects.filter(user=dual).count() == 1
    [(verdict, reason)] = verdicts(two)
    assert verdict == "refused" and "Duplicate" in reason


def test_a_row_the_rules_refuse_is_refused_when_posting(provider, course, dual, today):
    """The professional logged the course themselves in this cycle, after the roster was
    checked: no repeat."""
    from tracker import services as tracker_services

    batch = stage(provider, [row(email=dual.email)], course=course)
    assert verdicts(batch) == [("matched", "")]
    tracker_services.credit_add(
        user=dual, kind="approved_course", course=course,
        completion_date=today - relativedelta(days=40),
    )  # fmt: skip
    confirm(batch)
    [(verdict, reason)] = verdicts(batch)
    assert verdict == "refused" and reason.startswith("Not posted:")
    assert CreditEntry.objects.filter(user=dual).count() == 1


def test_a_repeat_is_refused_when_the_roster_is_checked(provider, course, dual, today):
    """The professional logged the course already: the preview says so, before anything is
    posted, with the rules' reason; the count to post is right."""
    from tracker import services as tracker_services

    tracker_services.credit_add(
        user=dual, kind="approved_course", course=course,
        completion_date=today - relativedelta(days=40),
    )  # fmt: skip
    other = ProfessionalFactory()
    batch = stage(provider, [row(email=dual.email), row(email=other.email)], course=course)
    [(first, reason), (second, _)] = verdicts(batch)
    assert first == "refused" and "counts once per cycle" in reason
    assert second == "matched" and batch.matched == 1
    confirm(batch)
    assert CreditEntry.objects.filter(user=dual).count() == 1


def test_same_idempotency_key_returns_the_same_batch(provider, course, dual):
    first = stage(provider, [row(email=dual.email)], course=course, idempotency_key="k-1")
    second = stage(provider, [row(email=dual.email)], course=course, idempotency_key="k-1")
    assert first.pk == second.pk
    assert RosterBatch.objects.count() == 1


def test_same_idempotency_key_with_other_rows_is_refused(provider, course, dual):
    first = stage(provider, [row(email=dual.email)], course=course, idempotency_key="k-1")
    with pytest.raises(IdempotencyKeyReused, match=f"batch {first.pk}"):
        stage(provider, [row(email="other@example.com")], course=course, idempotency_key="k-1")
    assert RosterBatch.objects.count() == 1
    # Another provider's key of the same text is theirs.
    other = CourseFactory(number="CA99001")
    assert stage(other.provider, [row(email=dual.email)], course=other, idempotency_key="k-1")


def test_too_many_rows_are_refused_whole(provider, course):
    with pytest.raises(ValidationError, match="at most 10,000"):
        stage(provider, [row(email="a@example.com")] * 10_001, course=course)
    assert not RosterBatch.objects.exists()


def test_result_counts_each_verdict(provider, course, dual):
    batch = stage(
        provider,
        [row(email=dual.email), row(email="new@example.com"), row(email="bad")],
        course=course,
    )
    confirm(batch)
    found = services.result(RosterBatch.objects.get(pk=batch.pk))
    assert found["status"] == "posted"
    assert found["counts"] == {"matched": 1, "claimable": 1, "refused": 1, "posted": 1}
    assert [r["verdict"] for r in found["rows"]] == ["matched", "claimable", "refused"]
    assert found["rows"][2]["reason"]


def test_a_claimable_completion_is_offered_then_accepted(provider, course, today):
    batch = stage(provider, [row(email="later@example.com")], course=course)
    confirm(batch)
    assert not CreditEntry.objects.exists()  # never posted to a guess
    person = ProfessionalFactory(email="later@example.com")
    [offer] = services.offers_for(person)
    entry = services.claim_accept(completion=offer, user=person)
    assert entry.user == person and entry.source == CreditEntry.Source.PROVIDER
    assert not services.offers_for(person).exists()
    offer.refresh_from_db()
    assert offer.entry == entry and offer.claimed_at is not None
    with pytest.raises(ValidationError):
        services.claim_accept(completion=offer, user=person)


def test_offered_by_certification_number_and_declined(provider, course, today):
    from tracker import services as tracker_services
    from tracker.models import Program

    batch = stage(
        provider, [row(certification_number="ACE-5550001", last_name="Okafor")], course=course
    )
    confirm(batch)
    person = ProfessionalFactory(last_name="okafor")
    assert not services.offers_for(person).exists()
    tracker_services.certification_add(
        user=person,
        program=Program.objects.get(certifier__code="ace", abbreviation="CPT"),
        earned_on=today - relativedelta(months=6),
        number="ace-5550001",
    )
    [offer] = services.offers_for(person)
    services.claim_decline(completion=offer, user=person)
    assert not services.offers_for(person).exists()
    assert not CreditEntry.objects.exists()


def test_someone_else_cannot_claim(provider, course):
    batch = stage(provider, [row(email="owner@example.com")], course=course)
    confirm(batch)
    offer = ReportedCompletion.objects.get()
    stranger = ProfessionalFactory()
    with pytest.raises(ValidationError):
        services.claim_accept(completion=offer, user=stranger)
    assert not CreditEntry.objects.exists()


def test_unconfirmed_rosters_offer_nothing(provider, course):
    stage(provider, [row(email="wait@example.com")], course=course)
    assert not services.offers_for(ProfessionalFactory(email="wait@example.com")).exists()


def test_dates_in_us_format_and_date_objects(provider, course, dual):
    batch = stage(
        provider,
        [
            row(email=dual.email, completion_date="01/15/2025"),
            row(email="a@example.com", completion_date=datetime.date(2025, 2, 1)),
        ],
        course=course,
    )
    dates = list(batch.completions.order_by("row").values_list("completion_date", flat=True))
    assert dates == [datetime.date(2025, 1, 15), datetime.date(2025, 2, 1)]
