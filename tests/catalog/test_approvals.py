"""Other certifiers' approvals of a catalog course: numbers, checks, lookup, and the rules' view."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog import selectors, services
from catalog.models import Course, CourseApproval
from catalog.numbers import approval_number_error
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import (
    ConferenceFactory,
    CourseApprovalFactory,
    CourseFactory,
    PendingCourseFactory,
    SessionFactory,
    certifier,
)
from tracker import rules
from tracker.seed import ACE, ANY_NUMBER

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 1)


def add(course, code="nasm", number="NASM-2025-001", by=None, **kwargs):
    return services.course_approval_add(
        course=course, certifier=certifier(code), number=number, by=by, **kwargs
    )


def refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


class TestNumberFormat:
    @pytest.mark.parametrize("number", ["CA1234", "CX12345", "CA1234567", "ABC-123"])
    def test_a_certifier_with_a_pattern_refuses_other_numbers(self, number):
        message = approval_number_error(
            number,
            pattern=ACE["course_number_pattern"],
            example=ACE["course_number_example"],
            certifier="ACE",
        )
        assert f"“{number}” is not a ACE approval number" in message
        assert ACE["course_number_pattern"] in message and "e.g. CA23456" in message

    @pytest.mark.parametrize("number", ["NASM-2025-001", "A1B", "12345", "X" * 29 + "1"])
    def test_the_generic_pattern_takes_short_identifiers(self, number):
        error = approval_number_error(
            number, pattern=ANY_NUMBER, example="NASM-2025-001", certifier="NASM"
        )
        assert error == ""

    @pytest.mark.parametrize(
        ("number", "phrase"),
        [
            ("-AB1", "is not a NASM approval number"),
            ("A1", "is not a NASM approval number"),
            ("NASM_1", "is not a NASM approval number"),
            ("X" * 31, "at most 30 characters"),
            ("NONSENSE", "has no digit"),
            ("CA23456", "this portal's own course numbers"),
            ("", "Enter the approval number"),
        ],
    )
    def test_the_generic_pattern_refuses(self, number, phrase):
        error = approval_number_error(
            number, pattern=ANY_NUMBER, example="NASM-2025-001", certifier="NASM"
        )
        assert phrase in error

    def test_an_empty_pattern_means_the_generic_form(self):
        assert approval_number_error("AB-12", pattern="", example="", certifier="X") == ""
        error = approval_number_error("A 1", pattern="", example="", certifier="X")
        assert "3 to 30 capital letters, digits or hyphens" in error

    def test_a_broken_pattern_is_reported_not_raised(self):
        error = approval_number_error("AB12", pattern="(", example="", certifier="X")
        assert "not a valid pattern" in error


class TestAdd:
    def test_normalises_and_records(self, reviewer):
        course = CourseFactory()
        approval = add(course, number=" nasm 2025-001 ", by=reviewer)
        assert approval.number == "NASM2025-001"
        assert (approval.course, approval.certifier.code, approval.added_by) == (
            course,
            "nasm",
            reviewer,
        )
        assert approval.credit is None and approval.category == ""

    def test_wrong_format_names_the_expected_form_and_example(self):
        with pytest.raises(ValidationError) as error:
            add(CourseFactory(), number="NASM_2025")
        message = refusal(error.value)
        assert "not a NASM approval number" in message
        assert certifier("nasm").course_number_example in message

    def test_the_home_certifier_is_refused(self):
        home = certifier("ace")
        assert home.assigns_catalog_numbers
        with pytest.raises(ValidationError) as error:
            add(CourseFactory(), code="ace", number="CA23456")
        assert "its own number" in refusal(error.value)
        assert not CourseApproval.objects.exists()

    def test_one_approval_per_certifier_per_course(self):
        course = CourseFactory()
        add(course, number="NASM-1")
        with pytest.raises(ValidationError) as error:
            add(course, number="NASM-2")
        assert "already has NASM's approval NASM-1" in refusal(error.value)

    def test_a_number_names_one_course(self):
        add(CourseFactory(title="First"), number="NASM-1")
        with pytest.raises(ValidationError) as error:
            add(CourseFactory(), number="nasm-1")
        assert "already NASM's approval of" in refusal(error.value)
        # Another certifier cannot reuse it for another course either: a typed number would
        # mean two courses.
        with pytest.raises(ValidationError):
            add(CourseFactory(), code="afaa", number="NASM-1")

    def test_the_same_number_from_two_certifiers_for_one_course_is_fine(self):
        course = CourseFactory()
        add(course, number="X-100")
        add(course, code="afaa", number="X-100", category="own")
        assert course.approvals.count() == 2

    def test_the_database_refuses_duplicates_too(self):
        first = CourseApprovalFactory(number="NASM-9")
        with pytest.raises(IntegrityError), transaction.atomic():
            CourseApprovalFactory(number="NASM-9")
        with pytest.raises(IntegrityError), transaction.atomic():
            CourseApprovalFactory(course=first.course, number="NASM-10")

    @pytest.mark.parametrize(
        ("code", "category", "ok"),
        [
            ("afaa", "own", True),
            ("nasm", "courses", True),
            ("nasm", "own", False),
            ("nasm", "bogus", False),
        ],
    )
    def test_category_is_one_of_the_certifiers(self, code, category, ok):
        course = CourseFactory()
        if ok:
            assert add(course, code=code, number="C-100", category=category).category == category
            return
        with pytest.raises(ValidationError) as error:
            add(course, code=code, number="C-100", category=category)
        message = refusal(error.value)
        assert f"is not one of {certifier(code)}'s categories" in message
        assert "courses" in message  # the valid codes are listed

    def test_credit_and_window(self):
        course = CourseFactory()
        with pytest.raises(ValidationError, match="greater than 0"):
            add(course, credit=Decimal("0"))
        with pytest.raises(ValidationError, match="cannot end before it starts"):
            add(course, valid_from=ON, valid_to=ON - datetime.timedelta(days=1))
        approval = add(course, credit=Decimal("0.3"), valid_from=ON, valid_to=ON)
        assert approval.credit == Decimal("0.3")

    @pytest.mark.parametrize("status", ["pending", "rejected", "retired"])
    def test_only_an_approved_course(self, status):
        course = PendingCourseFactory(status=status)
        with pytest.raises(ValidationError, match="only an approved course"):
            add(course)

    def test_remove(self, reviewer):
        approval = CourseApprovalFactory()
        services.course_approval_remove(approval=approval, by=reviewer)
        assert not CourseApproval.objects.exists()
        with pytest.raises(ValidationError, match="already been removed"):
            services.course_approval_remove(approval=approval, by=reviewer)


class TestLookup:
    def test_a_nasm_number_finds_the_course(self, django_assert_num_queries):
        course = CourseFactory(number="CA23456", contact_hours=Decimal("3"))
        approval = CourseApprovalFactory(course=course, number="NASM-CA23456")
        with django_assert_num_queries(1):
            result = services.course_lookup(" nasm-ca 23456 ", on=ON)
        assert result.ok and result.reason == "ok"
        assert result.course == course and result.approval == approval
        assert result.number == "NASM-CA23456"
        assert "approved by NASM" in result.message and "3.00 contact hours" in result.message
        data = result.as_dict()
        assert data["approval"]["certifier"] == "NASM"
        assert data["course"]["number"] == "CA23456"
        assert data["course"]["contact_hours"] == "3.00"

    def test_the_approvals_window_counts(self):
        CourseApprovalFactory(
            number="NASM-77",
            valid_from=datetime.date(2025, 1, 1),
            valid_to=datetime.date(2025, 12, 31),
        )
        result = services.course_lookup("NASM-77", on=ON)
        assert (result.ok, result.reason) == (False, "expired")
        assert "12/31/2025" in result.message
        assert services.course_lookup("NASM-77", on=datetime.date(2025, 6, 1)).ok

    def test_the_course_status_still_counts(self):
        approval = CourseApprovalFactory(number="NASM-78")
        Course.objects.filter(pk=approval.course_id).update(status=Course.Status.RETIRED)
        assert services.course_lookup("NASM-78", on=ON).reason == "retired"
        Course.objects.filter(pk=approval.course_id).update(status=Course.Status.WITHDRAWN)
        assert services.course_lookup("NASM-78", on=ON).reason == "not_found"

    def test_a_conference_by_its_nasm_number_lists_its_sessions(self):
        summit = ConferenceFactory(number="CP10001")
        SessionFactory.create_batch(2, course=summit)
        CourseApprovalFactory(course=summit, number="NASM-SUMMIT-26")
        result = services.course_lookup("nasm-summit-26", on=ON)
        assert result.ok and result.is_conference and len(result.sessions) == 2

    def test_a_text_matching_nothing_keeps_todays_messages(self, django_assert_num_queries):
        CourseApprovalFactory(number="NASM-79")
        for text in ("NASM-80", "CX12345"):
            result = services.course_lookup(text, on=ON)
            assert (result.reason, result.course, result.approval) == ("malformed", None, None)
            assert "is not a course number" in result.message
        with django_assert_num_queries(0):
            assert services.course_lookup("nonsense", on=ON).reason == "malformed"
        assert services.course_lookup("CA99999", on=ON).reason == "not_found"

    def test_the_lookup_page_finds_a_nasm_number(self, client):
        CourseApprovalFactory(course=CourseFactory(number="CA23456"), number="NASM-CA23456")
        data = client.get(reverse("catalog:lookup-json"), {"number": "nasm-ca23456"}).json()
        assert data["ok"] and data["course"]["number"] == "CA23456"
        assert data["approval"]["number"] == "NASM-CA23456"


class TestSelectors:
    def test_a_course(self):
        course = CourseFactory(
            number="CA23456",
            cec_value=Decimal("0.3"),
            contact_hours=Decimal("3"),
            approved_on=datetime.date(2024, 1, 1),
            expires_on=datetime.date(2028, 12, 31),
        )
        CourseApprovalFactory(
            course=course, certifier=certifier("afaa"), number="AFAA-1", category="own"
        )
        CourseApprovalFactory(course=course, number="NASM-1", credit=Decimal("0.3"), valid_to=ON)
        ace, afaa, nasm = (certifier(code).pk for code in ("ace", "afaa", "nasm"))
        approvals = selectors.approvals_of(course)
        assert approvals[0] == rules.Approval(
            certifier_id=ace,
            number="CA23456",
            credit=Decimal("0.3"),
            category="",
            valid_from=datetime.date(2024, 1, 1),
            valid_to=datetime.date(2028, 12, 31),
        )
        others = {a.certifier_id: a for a in approvals[1:]}
        assert others[afaa] == rules.Approval(afaa, "AFAA-1", None, "own", None, None)
        assert others[nasm] == rules.Approval(nasm, "NASM-1", Decimal("0.3"), "", None, ON)
        assert selectors.contact_hours_of(course) == Decimal("3")
        assert selectors.contact_hours_of(course, []) == Decimal("3")

    def test_a_conference_with_sessions(self):
        summit = ConferenceFactory(number="CP10001")
        first = SessionFactory(course=summit, cec_value=Decimal("0.2"), contact_hours=Decimal("2"))
        second = SessionFactory(
            course=summit, cec_value=Decimal("0.4"), contact_hours=Decimal("4.5")
        )
        SessionFactory(course=summit, cec_value=Decimal("0.3"))
        CourseApprovalFactory(course=summit, number="NASM-S", credit=Decimal("1.0"))
        home, nasm = selectors.approvals_of(summit, [first, second])
        assert (home.number, home.credit) == ("CP10001", Decimal("0.6"))
        # The sessions attended, not the whole event: the rules convert their hours.
        assert (nasm.number, nasm.credit) == ("NASM-S", None)
        assert selectors.contact_hours_of(summit, [first, second]) == Decimal("6.5")
        # No sessions chosen: the event's own values (a conference has none of its own).
        home, nasm = selectors.approvals_of(summit)
        assert (home.credit, nasm.credit) == (None, Decimal("1.0"))
        assert selectors.contact_hours_of(summit) is None

    def test_a_pending_course_has_no_home_approval(self):
        assert selectors.approvals_of(PendingCourseFactory()) == ()

    def test_a_list_costs_the_same_queries_at_any_size(self, django_assert_num_queries):
        def make(n):
            for course in CourseFactory.create_batch(n):
                CourseApprovalFactory(course=course)

        def read():
            courses = list(Course.objects.with_approvals())
            return [selectors.approvals_of(c) for c in courses]

        make(2)
        with django_assert_num_queries(2):  # the courses, their approvals
            small = read()
        assert all(len(a) == 2 for a in small)
        make(40)
        with django_assert_num_queries(2):
            assert len(read()) == 42

    def test_without_prefetch_it_is_still_a_fixed_count(self, django_assert_num_queries):
        course = CourseApprovalFactory().course
        course = Course.objects.get(pk=course.pk)
        with django_assert_num_queries(2):  # the home certifier, the approvals
            assert len(selectors.approvals_of(course)) == 2

    def test_approved_by(self):
        ace, nasm = certifier("ace").pk, certifier("nasm").pk
        plain = CourseFactory()
        both = CourseFactory()
        CourseApprovalFactory(course=both)
        lapsed = CourseFactory()
        CourseApprovalFactory(course=lapsed, valid_to=ON - datetime.timedelta(days=1))
        retired = CourseFactory(status=Course.Status.RETIRED)
        CourseApprovalFactory(course=retired)
        assert set(Course.objects.approved_by(ace, ace, on=ON)) == {plain, both, lapsed}
        assert list(Course.objects.approved_by(nasm, ace, on=ON)) == [both]
        assert set(Course.objects.approved_by(nasm, ace, on=ON - datetime.timedelta(days=2))) == {
            both,
            lapsed,
        }


class TestReviewerPage:
    def form(self, **overrides):
        return {
            "certifier": certifier("nasm").pk,
            "number": "nasm 2025 001",
            "credit": "",
            "category": "",
            "valid_from": "",
            "valid_to": "",
        } | overrides

    def test_add_and_remove(self, client, reviewer):
        course = CourseFactory()
        client.force_login(reviewer)
        page = client.get(reverse("catalog:review-detail", args=[course.pk]))
        body = page.content.decode()
        assert "Approved by another certifier" in body
        choices = [c.code for c in page.context["approval_form"].fields["certifier"].queryset]
        assert "nasm" in choices and "ace" not in choices

        response = client.post(
            reverse("catalog:review-approval-add", args=[course.pk]),
            self.form(valid_from="01/01/2026", valid_to="12/31/2027", category="courses"),
        )
        assert response.status_code == 302
        approval = course.approvals.get()
        assert approval.number == "NASM2025001" and approval.added_by == reviewer
        assert approval.valid_to == datetime.date(2027, 12, 31)
        body = client.get(reverse("catalog:review-detail", args=[course.pk])).content.decode()
        assert "NASM2025001" in body and "Remove" in body

        response = client.post(
            reverse("catalog:review-approval-remove", args=[course.pk, approval.pk])
        )
        assert response.status_code == 302 and not course.approvals.exists()

    def test_errors_show_on_the_form(self, client, reviewer):
        course = CourseFactory()
        client.force_login(reviewer)
        url = reverse("catalog:review-approval-add", args=[course.pk])
        response = client.post(url, self.form(number="bad_number"))
        assert response.status_code == 400
        assert "not a NASM approval number" in response.content.decode()
        response = client.post(url, self.form(valid_from="2026-01-01"))
        assert "Enter the date as MM/DD/YYYY" in response.content.decode()
        response = client.post(url, self.form(certifier=certifier("ace").pk))
        assert response.status_code == 400  # not among the choices
        assert not course.approvals.exists()

    def test_a_pending_registration_has_no_approval_form(self, client, reviewer):
        course = PendingCourseFactory()
        client.force_login(reviewer)
        response = client.get(reverse("catalog:review-detail", args=[course.pk]))
        assert response.context["approval_form"] is None
        response = client.post(
            reverse("catalog:review-approval-add", args=[course.pk]), self.form()
        )
        assert (
            response.status_code == 400 and "only an approved course" in response.content.decode()
        )

    def test_remove_needs_the_right_course(self, client, reviewer):
        approval = CourseApprovalFactory()
        other = CourseFactory()
        client.force_login(reviewer)
        url = reverse("catalog:review-approval-remove", args=[other.pk, approval.pk])
        assert client.post(url).status_code == 404
        assert CourseApproval.objects.filter(pk=approval.pk).exists()

    def test_provider_staff_and_professionals_cannot(self, client, provider_staff):
        course = CourseFactory(provider=provider_staff.provider)
        approval = CourseApprovalFactory(course=course)
        for user in (provider_staff, ProfessionalFactory()):
            client.force_login(user)
            add_url = reverse("catalog:review-approval-add", args=[course.pk])
            assert client.post(add_url, self.form(number="NASM-5")).status_code == 403
            remove_url = reverse("catalog:review-approval-remove", args=[course.pk, approval.pk])
            assert client.post(remove_url).status_code == 403
        assert list(course.approvals.all()) == [approval]

    def test_the_public_page_shows_hours_and_other_approvals(self, client):
        course = CourseFactory(contact_hours=Decimal("3"))
        CourseApprovalFactory(course=course, number="NASM-CA1")
        body = client.get(course.get_absolute_url()).content.decode()
        assert "Contact hours" in body and "3.00" in body
        assert "NASM-CA1" in body
        assert 'id="review-link"' not in body

    def test_reviewers_find_their_page_from_the_catalog(self, client, reviewer):
        course = CourseFactory()
        client.force_login(reviewer)
        body = client.get(course.get_absolute_url()).content.decode()
        assert reverse("catalog:review-detail", args=[course.pk]) in body


class TestAdmin:
    def test_the_course_page_has_the_approvals_inline(self, client, site_admin):
        course = CourseApprovalFactory(number="NASM-ADMIN-1").course
        client.force_login(site_admin)
        body = client.get(reverse("admin:catalog_course_change", args=[course.pk])).content
        assert b"NASM-ADMIN-1" in body
        assert client.get(reverse("admin:catalog_courseapproval_changelist")).status_code == 200
        assert client.get(reverse("admin:catalog_courseapproval_add")).status_code == 200

    @pytest.mark.parametrize(
        ("code", "number", "error"),
        [
            ("nasm", "nasm 2025 7", None),
            ("nasm", "bad_number", "not a NASM approval number"),
            ("ace", "CA23456", "it is not added here"),
        ],
    )
    def test_the_admin_checks_like_the_reviewers_page(
        self, client, site_admin, code, number, error
    ):
        course = CourseFactory()
        client.force_login(site_admin)
        data = {
            "course": course.pk,
            "certifier": certifier(code).pk,
            "number": number,
            "credit": "",
            "category": "",
            "valid_from": "",
            "valid_to": "",
        }
        response = client.post(reverse("admin:catalog_courseapproval_add"), data)
        if error is None:
            assert response.status_code == 302
            approval = CourseApproval.objects.get()
            assert (approval.number, approval.added_by) == ("NASM20257", site_admin)
        else:
            assert error in response.content.decode()
            assert not CourseApproval.objects.exists()
