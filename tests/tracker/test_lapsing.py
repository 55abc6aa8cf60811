"""Reviewers' "close to lapsing" list: who is on it and why (the rules decide), its filters,
counts, CSV, pages, and a fixed number of queries whatever the number of professionals."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import CourseFactory
from tests.tracker.factories import (
    CertificationFactory,
    CprCardFactory,
    CreditEntryFactory,
    ProgramFactory,
)
from tracker import lapsing, rulebook
from tracker.models import Certifier, Cycle, Kind, Program

pytestmark = pytest.mark.django_db

URL = reverse("tracker:lapsing")
CSV_URL = reverse("tracker:lapsing-csv")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def nasm_cpt(db):
    nasm = Certifier.objects.get(code="nasm")
    return Program.objects.filter(certifier=nasm).first() or ProgramFactory(
        certifier=nasm, name="Certified Personal Trainer", abbreviation="CPT"
    )


def holding(program, today, *, due_in, user=None, card=True, **names):
    """A professional whose current cycle of `program` ends `due_in` days from today
    (negative: that many days ago), with a CPR/AED card current on the deadline."""
    user = user or ProfessionalFactory(**names)
    deadline = today + datetime.timedelta(days=due_in)
    starts_on = deadline - relativedelta(months=24) + datetime.timedelta(days=1)
    certification = CertificationFactory(
        user=user, program=program, earned_on=starts_on, first_cycle=False
    )
    cycle = Cycle.objects.create(certification=certification, starts_on=starts_on, ends_on=deadline)
    if card:
        CprCardFactory(
            user=user,
            issued_on=deadline - relativedelta(months=6),
            expires_on=deadline + relativedelta(years=1),
        )
    return cycle


def credit(cycle, amount, *, kind=Kind.APPROVED_COURSE):
    """An entry in the cycle: an approved course worth `amount`, or a `kind` without one."""
    course = CourseFactory(cec_value=Decimal(amount)) if kind == Kind.APPROVED_COURSE else None
    return CreditEntryFactory(
        user=cycle.certification.user,
        kind=kind,
        course=course,
        title="" if course else "Workshop",
        credit=Decimal(amount),
        completion_date=cycle.starts_on + datetime.timedelta(days=30),
    )


def months_ago(today, months):
    """How many days ago the same day was, `months` months back."""
    return (today - (today - relativedelta(months=months))).days


def listed(today, days=lapsing.DEFAULT_DAYS, certifier_id=None):
    return lapsing.rows(
        rulebook.certifiers_data(), today=today, days=days, certifier_id=certifier_id
    )


class TestWhoIsListed:
    def test_due_soon_and_not_met_is_at_risk_with_what_remains(self, cpt, today):
        cycle = holding(cpt, today, due_in=30, first_name="Ana", last_name="Lima")
        credit(cycle, "0.5")
        (row,) = listed(today)
        assert row.status == lapsing.AT_RISK and row.status_label == "At risk"
        assert (row.name, row.certification) == ("Ana Lima", "ACE CPT")
        assert row.email == cycle.certification.user.email
        assert row.deadline_text == cycle.ends_on.strftime("%m/%d/%Y")
        assert row.days_text == "30 days left"
        assert row.remaining == "1.5 CECs" and not row.cpr_missing

    def test_ready_to_renew_is_not_listed(self, cpt, today):
        credit(holding(cpt, today, due_in=30), "2.0")
        assert listed(today) == []

    def test_met_without_a_current_card_is_still_at_risk(self, cpt, today):
        credit(holding(cpt, today, due_in=30, card=False), "2.0")
        (row,) = listed(today)
        assert row.status == lapsing.AT_RISK and row.cpr_missing
        assert row.remaining == "0.0 CECs"

    def test_the_window_is_the_reviewers_choice(self, cpt, today):
        holding(cpt, today, due_in=120)
        assert listed(today) == []
        (row,) = listed(today, days=150)
        assert row.status == lapsing.AT_RISK and row.days_text == "120 days left"

    def test_due_today(self, cpt, today):
        holding(cpt, today, due_in=0)
        (row,) = listed(today)
        assert row.days_text == "due today" and row.status == lapsing.AT_RISK

    def test_in_grace_even_when_met(self, cpt, today):
        credit(holding(cpt, today, due_in=-10), "2.0")
        (row,) = listed(today)
        assert row.status == lapsing.GRACE and row.status_label == "In grace period"
        assert row.days_text == "10 days past" and row.days_past == 10

    def test_lapsed_recently_but_not_long_ago(self, cpt, today):
        # ACE's grace is six months: a deadline seven months ago lapsed about a month ago.
        recent = holding(cpt, today, due_in=-months_ago(today, 7))
        holding(cpt, today, due_in=-800)
        (row,) = listed(today)
        assert row.cycle_id == recent.pk and row.status == lapsing.LAPSED
        assert row.status_label == "Lapsed" and row.grace_ends_on < today

    def test_only_the_current_cycle_counts(self, cpt, today):
        # An old unrenewed cycle followed by a newer open one: the newer one is current.
        old = holding(cpt, today, due_in=-30)
        Cycle.objects.create(
            certification=old.certification,
            starts_on=old.ends_on + datetime.timedelta(days=1),
            ends_on=old.ends_on + relativedelta(months=24),
        )
        # A renewed cycle is never current.
        renewed = holding(cpt, today, due_in=20)
        Cycle.objects.filter(pk=renewed.pk).update(renewed_on=today)
        assert listed(today) == []

    def test_each_certification_is_a_row_soonest_first(self, cpt, gfi, nasm_cpt, today):
        pro = ProfessionalFactory()
        holding(cpt, today, due_in=60, user=pro)
        holding(gfi, today, due_in=20, user=pro, card=False)
        holding(nasm_cpt, today, due_in=40)
        found = listed(today)
        assert [r.certification for r in found] == ["ACE GFI", "NASM CPT", "ACE CPT"]
        assert [r.days_left for r in found] == [20, 40, 60]

    def test_certifier_filter(self, cpt, nasm_cpt, today):
        holding(cpt, today, due_in=10)
        holding(nasm_cpt, today, due_in=10)
        nasm = Certifier.objects.get(code="nasm")
        assert [r.certification for r in listed(today, certifier_id=nasm.pk)] == ["NASM CPT"]


class TestPage:
    @pytest.fixture
    def mix(self, cpt, today):
        holding(cpt, today, due_in=5, first_name="Risky", last_name="One")
        holding(cpt, today, due_in=45, first_name="Risky", last_name="Two")
        holding(cpt, today, due_in=-20, first_name="Grace", last_name="Period")
        holding(cpt, today, due_in=-months_ago(today, 7))

    def test_counts_and_rows(self, reviewer_client, mix):
        response = reviewer_client.get(URL)
        assert response.status_code == 200
        counts = {s.value: n for s, _label, n in response.context["counts"]}
        assert counts == {"at_risk": 2, "grace": 1, "lapsed": 1}
        assert response.context["total"] == 4
        body = response.content.decode()
        assert "Risky One" in body and "5 days left" in body and "20 days past" in body
        assert response.context["problems"] == []

    def test_status_filter_keeps_the_counts(self, reviewer_client, mix):
        response = reviewer_client.get(URL, {"status": "grace"})
        assert [r.name for r in response.context["page_obj"]] == ["Grace Period"]
        counts = {s.value: n for s, _label, n in response.context["counts"]}
        assert counts == {"at_risk": 2, "grace": 1, "lapsed": 1}

    def test_days_filter(self, reviewer_client, mix):
        response = reviewer_client.get(URL, {"days": "10", "status": "at_risk"})
        assert [r.name for r in response.context["page_obj"]] == ["Risky One"]

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"days": "abc"}, "Enter a whole number of days"),
            ({"days": "0"}, "at least 1 day"),
            ({"days": "-5"}, "at least 1 day"),
            ({"days": "100000"}, f"at most {lapsing.MAX_DAYS} days"),
            ({"days": "1.5"}, "Enter a whole number of days"),
            ({"certifier": "zzz"}, "No certifier has the code “zzz”"),
            ({"status": "bogus"}, "“bogus” is not one of at_risk, grace or lapsed"),
        ],
    )
    def test_a_bad_filter_is_reported_and_the_default_used(
        self, reviewer_client, mix, query, message
    ):
        response = reviewer_client.get(URL, query)
        assert response.status_code == 200
        (problem,) = response.context["problems"]
        assert message in problem
        assert message in response.content.decode().replace("&ldquo;", "“")
        assert response.context["page_obj"].paginator.count == 4

    def test_bad_page_numbers_give_a_page(self, reviewer_client, mix):
        for page in ("abc", "-1", "99999"):
            assert reviewer_client.get(URL, {"page": page}).status_code == 200

    def test_pages_of_fifty(self, reviewer_client, cpt, today):
        for i in range(lapsing.PER_PAGE + 3):
            holding(cpt, today, due_in=1 + i % 80, card=False)
        first = reviewer_client.get(URL)
        assert len(first.context["page_obj"]) == lapsing.PER_PAGE
        second = reviewer_client.get(URL, {"page": 2})
        assert len(second.context["page_obj"]) == 3
        assert 'href="?page=2"' in first.content.decode()

    def test_others_are_refused(self, client, professional, provider_staff):
        for user in (professional, provider_staff):
            client.force_login(user)
            assert client.get(URL).status_code == 403
            assert client.get(CSV_URL).status_code == 403

    def test_reviewers_find_it_in_the_menu(self, reviewer_client):
        assert URL in reviewer_client.get(reverse("review-home")).content.decode()


class TestCsv:
    def read(self, response):
        return list(csv.reader(io.StringIO(response.content.decode())))

    def test_same_rows_as_the_page(self, reviewer_client, cpt, nasm_cpt, today):
        holding(cpt, today, due_in=5, first_name="=cmd", last_name="Person")
        holding(nasm_cpt, today, due_in=-3)
        holding(cpt, today, due_in=300)
        response = reviewer_client.get(CSV_URL)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        header, *lines = self.read(response)
        assert header == [
            "Name",
            "Email",
            "Certification",
            "Deadline",
            "Days left",
            "Days past",
            "Remaining",
            "CPR/AED",
            "Status",
        ]
        assert [line[2] for line in lines] == ["NASM CPT", "ACE CPT"]
        assert lines[1][0] == "'=cmd Person"  # a formula is never run by a spreadsheet
        assert lines[1][3:7] == [
            (today + datetime.timedelta(days=5)).strftime("%m/%d/%Y"),
            "5",
            "0",
            "2.0 CECs",
        ]
        assert lines[0][4:6] == ["0", "3"] and lines[0][8] == "In grace period"
        page = reviewer_client.get(URL)
        assert [r.email for r in page.context["page_obj"]] == [line[1] for line in lines]

    def test_filters_apply(self, reviewer_client, cpt, nasm_cpt, today):
        holding(cpt, today, due_in=5)
        holding(nasm_cpt, today, due_in=5)
        _, *lines = self.read(reviewer_client.get(CSV_URL, {"certifier": "nasm"}))
        assert [line[2] for line in lines] == ["NASM CPT"]
        _, *lines = self.read(reviewer_client.get(CSV_URL, {"status": "grace"}))
        assert lines == []

    def test_a_bad_filter_is_a_400_saying_why(self, reviewer_client):
        response = reviewer_client.get(CSV_URL, {"days": "lots", "certifier": "x"})
        assert response.status_code == 400
        text = response.content.decode()
        assert "Enter a whole number of days" in text and "No certifier has the code" in text


class TestQueries:
    @pytest.mark.parametrize("professionals", [1, 30])
    def test_fixed_number_of_queries(
        self, reviewer_client, cpt, nasm_cpt, today, professionals, django_assert_num_queries
    ):
        for i in range(professionals):
            cycle = holding(cpt, today, due_in=i % 60 - 10)
            credit(cycle, "0.5")
            credit(cycle, "0.3", kind=Kind.PUBLISHING)
            if i % 3 == 0:
                holding(nasm_cpt, today, due_in=20, user=cycle.certification.user)
        # Session, user and permissions (their own and their groups'); the certifiers' rules
        # (5); candidates, their entries and claims, and their cards (4).
        with django_assert_num_queries(13):
            response = reviewer_client.get(URL)
        assert response.context["total"] >= professionals
        # The reviewer's permissions now come from the cache (accounts.backends).
        with django_assert_num_queries(11):
            reviewer_client.get(CSV_URL)
