import datetime
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from catalog.models import Course, Provider
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import (
    ConferenceFactory,
    CourseFactory,
    PendingCourseFactory,
    ProviderFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:course-list")


def registration(**overrides):
    data = {
        "title": "Strength Basics",
        "description": "",
        "delivery_format": "online",
        "cec_value": "0.3",
        "sessions-TOTAL_FORMS": "3",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "100",
    }
    return data | overrides


def conference(**overrides):
    data = registration(title="Summit", delivery_format="conference", cec_value="")
    for i, (code, value) in enumerate([("S1", "0.2"), ("S2", "0.3"), ("S3", "0.4")]):
        data |= {
            f"sessions-{i}-code": code,
            f"sessions-{i}-title": f"Session {code}",
            f"sessions-{i}-cec_value": value,
        }
    return data | overrides


class TestPublicCatalog:
    def test_lists_approved_courses_only(self, client):
        CourseFactory(number="CA23456", title="Strength Training")
        PendingCourseFactory(title="Secret pending")
        CourseFactory(number="CA20002", title="Old one", status=Course.Status.RETIRED)
        body = client.get(LIST).content.decode()
        assert "CA23456" in body and "Strength Training" in body
        assert "Secret pending" not in body and "Old one" not in body

    @pytest.mark.parametrize(
        ("query", "found"),
        [
            ("q=ca 23456", ["CA23456"]),
            ("q=CA234", ["CA23456"]),
            ("q=strength", ["CA23456"]),
            ("q=training strength", ["CA23456"]),
            ("q=acme", ["CA23456", "CS20001"]),
            ("q=acme yoga", ["CS20001"]),
            # Punctuation around the words, as typed after the box's example.
            ("q=strength,", ["CA23456"]),
            ("q=Strength Training:", ["CA23456"]),
            ("q=strength, acme", ["CA23456"]),
            ("q=“strength”", ["CA23456"]),
            ("q=strength;yoga", []),
            # A course number among the words is the course's.
            ("q=CA23456 strength", ["CA23456"]),
            ("q=CS20001 strength", []),
            ("q=%", []),
            ("format=live", ["CS20001"]),
            ("status=retired", ["CL20003"]),
            ("status=expired", ["CP20004"]),
            ("status=current", ["CA23456", "CS20001"]),
        ],
    )
    def test_search_and_filters(self, client, query, found):
        acme = ProviderFactory(name="Acme Education")
        CourseFactory(number="CA23456", title="Strength Training", provider=acme)
        CourseFactory(number="CS20001", title="Yoga Flow", provider=acme, delivery_format="live")
        CourseFactory(number="CL20003", title="Retired", status=Course.Status.RETIRED)
        CourseFactory(
            number="CP20004",
            title="Expired",
            expires_on=datetime.date(2020, 1, 1),
            approved_on=datetime.date(2019, 1, 1),
        )
        page = client.get(f"{LIST}?{query}").context["page_obj"]
        assert [c.number for c in page] == found

    @pytest.mark.parametrize(
        "query",
        [
            "page=abc",
            "page=-1",
            "page=999999999999999999999",
            "status=bogus",
            "format=nonsense",
            "q=" + "x" * 2000,
            "q=%00%ff",
            "q=%25%27%22;--",
            "status=retired&page=0",
            "format[]=live",
        ],
    )
    def test_malformed_query_strings_never_fail(self, client, query):
        CourseFactory.create_batch(3)
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200

    def test_bad_filter_is_reported_and_ignored(self, client):
        CourseFactory(number="CA23456")
        response = client.get(f"{LIST}?status=bogus")
        assert "That filter was ignored" in response.content.decode()
        assert [c.number for c in response.context["page_obj"]] == ["CA23456"]

    def test_pagination_keeps_the_filters(self, client):
        courses = CourseFactory.create_batch(30, delivery_format="live")
        body = client.get(f"{LIST}?format=live").content.decode()
        assert f"?format=live&amp;after={courses[24].number}" in body

    def test_next_and_previous_pages_follow_the_numbers(self, client):
        numbers = sorted(c.number for c in CourseFactory.create_batch(60))
        first = client.get(LIST).context["page_obj"]
        assert [c.number for c in first] == numbers[:25]
        assert first.shown == "25+" and not first.has_previous
        second = client.get(LIST, {"after": first.after}).context["page_obj"]
        assert [c.number for c in second] == numbers[25:50]
        third = client.get(LIST, {"after": second.after}).context["page_obj"]
        assert [c.number for c in third] == numbers[50:] and not third.has_next
        back = client.get(LIST, {"before": third.before}).context["page_obj"]
        assert [c.number for c in back] == numbers[25:50] and back.has_previous
        old_link = client.get(LIST, {"page": 3}).context["page_obj"]
        assert [c.number for c in old_link] == numbers[50:]

    def test_a_search_says_how_many_without_counting_past_one_page(self, client):
        CourseFactory.create_batch(30, title="Strength Day")
        CourseFactory.create_batch(3, title="Rowing Day")
        assert "25+ courses" in client.get(LIST, {"q": "strength"}).content.decode()
        assert "3 courses" in client.get(LIST, {"q": "rowing"}).content.decode()

    def test_course_page_shows_sessions(self, client):
        summit = ConferenceFactory(number="CP10001", title="Fitness Summit 2026")
        SessionFactory(course=summit, code="S1", title="Keynote", cec_value=Decimal("0.2"))
        SessionFactory(course=summit, code="S2", title="Lab", cec_value=Decimal("0.4"))
        body = client.get(summit.get_absolute_url()).content.decode()
        assert "Keynote" in body and "Lab" in body and "0.6" in body

    def test_pending_course_page_is_404(self, client):
        assert client.get(PendingCourseFactory().get_absolute_url()).status_code == 404


class TestLookupEndpoints:
    def test_fragment_for_htmx(self, client):
        CourseFactory(number="CA23456", cec_value=Decimal("0.3"))
        response = client.get(
            reverse("catalog:lookup"), {"number": " ca 23456 "}, headers={"HX-Request": "true"}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body and 'data-reason="ok"' in body and "0.3" in body

    def test_full_page_without_htmx(self, client):
        body = client.get(reverse("catalog:lookup"), {"number": "CX12345"}).content.decode()
        assert "<html" in body and 'data-reason="malformed"' in body

    def test_fragment_offers_sessions_to_pick(self, client):
        summit = ConferenceFactory(number="CP10001")
        session = SessionFactory(course=summit, code="S1")
        body = client.get(
            reverse("catalog:lookup"),
            {"number": "CP10001", "pick": "1"},
            headers={"HX-Request": "true"},
        ).content.decode()
        assert f'name="sessions" value="{session.pk}"' in body

    def test_json(self, client):
        CourseFactory(
            number="CA23456",
            approved_on=datetime.date(2024, 1, 1),
            expires_on=datetime.date(2024, 12, 31),
        )
        data = client.get(
            reverse("catalog:lookup-json"), {"number": "CA23456", "on": "06/01/2024"}
        ).json()
        assert data["ok"] and data["course"]["number"] == "CA23456"
        assert data["course"]["cec_value"] == "0.3"
        expired = client.get(
            reverse("catalog:lookup-json"), {"number": "ca23456", "on": "2025-01-01"}
        ).json()
        assert expired["reason"] == "expired" and "12/31/2024" in expired["message"]

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"number": ""},
            {"number": "x" * 2000},
            {"number": "CA23456", "on": "31/31/2020"},
            {"number": "CA23456", "on": "x" * 500},
            {"number": "\x00"},
        ],
    )
    def test_junk_never_fails(self, client, params):
        CourseFactory(number="CA23456")
        response = client.get(reverse("catalog:lookup-json"), params)
        assert response.status_code == 200
        assert json.loads(response.content)["reason"] in {"ok", "malformed", "not_found"}
        assert client.get(reverse("catalog:lookup"), params).status_code == 200


class TestProviderSelfService:
    def test_register_a_course(self, client, provider_staff):
        client.force_login(provider_staff)
        response = client.post(reverse("catalog:provider-course-create"), registration())
        assert response.status_code == 302
        course = Course.objects.get()
        assert course.provider == provider_staff.provider
        assert course.status == Course.Status.PENDING and course.cec_value == Decimal("0.3")

    def test_register_a_conference(self, client, provider_staff):
        client.force_login(provider_staff)
        client.post(reverse("catalog:provider-course-create"), conference())
        course = Course.objects.get()
        assert course.is_conference and course.cec_value is None
        assert list(course.sessions.values_list("code", flat=True)) == ["S1", "S2", "S3"]

    def test_list_shows_status_and_rejection_reason(self, client, provider_staff):
        CourseFactory(provider=provider_staff.provider, number="CA23456")
        PendingCourseFactory(
            provider=provider_staff.provider,
            status=Course.Status.REJECTED,
            rejection_reason="Outline missing",
        )
        PendingCourseFactory(title="Someone else's")
        client.force_login(provider_staff)
        body = client.get(reverse("catalog:provider-courses")).content.decode()
        assert "CA23456" in body and "Outline missing" in body and "Rejected" in body
        assert "Someone else" not in body

    def test_edit_while_pending(self, client, provider_staff):
        course = PendingCourseFactory(provider=provider_staff.provider)
        client.force_login(provider_staff)
        url = reverse("catalog:provider-course-edit", args=[course.pk])
        assert client.get(url).status_code == 200
        client.post(url, registration(title="Better title", cec_value="0.5"))
        course.refresh_from_db()
        assert (course.title, course.cec_value) == ("Better title", Decimal("0.5"))

    def test_edit_after_decision_is_refused(self, client, provider_staff):
        course = CourseFactory(provider=provider_staff.provider, title="Approved")
        client.force_login(provider_staff)
        url = reverse("catalog:provider-course-edit", args=[course.pk])
        assert client.get(url).status_code == 302
        client.post(url, registration(title="Changed"))
        course.refresh_from_db()
        assert course.title == "Approved"

    def test_withdraw(self, client, provider_staff):
        course = PendingCourseFactory(provider=provider_staff.provider)
        client.force_login(provider_staff)
        url = reverse("catalog:provider-course-withdraw", args=[course.pk])
        # The list's button asks first; asking changes nothing.
        listed = client.get(reverse("catalog:provider-courses")).text
        assert f'href="{url}">Withdraw…</a>' in listed
        page = client.get(url).text
        assert "leaves the reviewers' queue" in page and "Withdraw the registration" in page
        course.refresh_from_db()
        assert course.status == Course.Status.PENDING
        client.post(url)
        course.refresh_from_db()
        assert course.status == Course.Status.WITHDRAWN
        assert client.get(url)["Location"] == reverse("catalog:provider-courses")
        response = client.post(
            reverse("catalog:provider-course-withdraw", args=[course.pk]), follow=True
        )
        assert "no longer pending" in response.content.decode()

    @pytest.mark.parametrize(
        "name",
        ["provider-course-detail", "provider-course-edit", "provider-course-withdraw"],
    )
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_another_providers_registration_is_404(self, client, provider_staff, name, method):
        other = PendingCourseFactory(title="Theirs")
        client.force_login(provider_staff)
        url = reverse(f"catalog:{name}", args=[other.pk])
        response = getattr(client, method)(url, registration(title="Mine now"))
        not_allowed = name.endswith("detail") and method == "post"
        assert response.status_code == (405 if not_allowed else 404)
        other.refresh_from_db()
        assert (other.title, other.status) == ("Theirs", Course.Status.PENDING)

    @pytest.mark.parametrize("name", ["provider-courses", "provider-course-create"])
    def test_professional_gets_403(self, client, name):
        client.force_login(ProfessionalFactory())
        response = client.get(reverse(f"catalog:{name}"))
        assert response.status_code == 403

    def test_professional_cannot_post_a_registration(self, client):
        client.force_login(ProfessionalFactory())
        response = client.post(reverse("catalog:provider-course-create"), registration())
        assert response.status_code == 403 and not Course.objects.exists()


class TestReview:
    def test_queue_oldest_first(self, client, reviewer):
        now = timezone.now()
        newer = PendingCourseFactory(title="Newer")
        older = PendingCourseFactory(title="Older")
        Course.objects.filter(pk=newer.pk).update(submitted_at=now)
        Course.objects.filter(pk=older.pk).update(submitted_at=now - datetime.timedelta(days=3))
        CourseFactory(title="Approved already")
        client.force_login(reviewer)
        page = client.get(reverse("catalog:review-queue")).context["queue"]["page_obj"]
        assert [c.title for c in page] == ["Older", "Newer"]

    def test_approve(self, client, reviewer, django_capture_on_commit_callbacks):
        course = PendingCourseFactory()
        client.force_login(reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("catalog:review-approve", args=[course.pk]),
                {"number_prefix": "CP", "approved_on": "01/01/2026", "expires_on": "12/31/2027"},
            )
        assert response.status_code == 302
        course.refresh_from_db()
        assert course.number == "CP10000" and course.status == Course.Status.APPROVED
        assert course.decided_by == reviewer
        assert len(mail.outbox) == 1

    def test_reject_needs_a_reason(self, client, reviewer):
        course = PendingCourseFactory()
        client.force_login(reviewer)
        url = reverse("catalog:review-reject", args=[course.pk])
        response = client.post(url, {"reason": "  "})
        assert response.status_code == 400 and "This field is required" in response.content.decode()
        client.post(url, {"reason": "Not fitness related"})
        course.refresh_from_db()
        assert course.status == Course.Status.REJECTED
        assert course.rejection_reason == "Not fitness related"

    def test_decided_course_shows_no_forms(self, client, reviewer):
        course = CourseFactory()
        client.force_login(reviewer)
        body = client.get(reverse("catalog:review-detail", args=[course.pk])).content.decode()
        assert "has been decided" in body and "Approve and assign" not in body
        response = client.post(
            reverse("catalog:review-approve", args=[course.pk]),
            {"number_prefix": "CA", "approved_on": "01/01/2026", "expires_on": "12/31/2027"},
        )
        assert response.status_code == 400
        assert Course.objects.get(pk=course.pk).number == course.number


class TestProviderAdministration:
    def test_create_provider_and_add_staff(self, client, reviewer):
        user = ProfessionalFactory(email="new.staff@example.com")
        client.force_login(reviewer)
        response = client.post(
            reverse("catalog:provider-list"),
            {"name": "Zen Academy", "contact_email": "zen@example.com", "website": ""},
        )
        provider = Provider.objects.get(name="Zen Academy")
        assert response.url == reverse("catalog:provider-detail", args=[provider.pk])
        client.post(response.url, {"email": "NEW.STAFF@example.com"})
        user.refresh_from_db()
        assert user.provider == provider
        client.force_login(user)
        assert client.get(reverse("catalog:provider-courses")).status_code == 200

    def test_unknown_email_is_a_form_error(self, client, reviewer):
        provider = ProviderFactory()
        client.force_login(reviewer)
        response = client.post(
            reverse("catalog:provider-detail", args=[provider.pk]), {"email": "ghost@example.com"}
        )
        assert response.status_code == 200 and "must sign up first" in response.content.decode()


class TestReviewAndRegistrationClarity:
    def test_approval_dates_are_shown_and_read_as_mm_dd_yyyy(self, client, reviewer):
        course = PendingCourseFactory()
        client.force_login(reviewer)
        url = reverse("catalog:review-detail", args=[course.pk])
        body = client.get(url).content.decode()
        today = timezone.localdate()
        assert f'value="{today:%m/%d/%Y}"' in body
        assert f'value="{today:%Y-%m-%d}"' not in body
        response = client.post(
            reverse("catalog:review-approve", args=[course.pk]),
            {"number_prefix": "CA", "approved_on": "2026-01-01", "expires_on": "12/31/2027"},
        )
        assert response.status_code == 400
        assert "Enter the date as MM/DD/YYYY" in response.content.decode()
        assert Course.objects.get(pk=course.pk).status == Course.Status.PENDING

    @pytest.mark.parametrize(
        ("value", "message"),
        [("0.25", "counted in tenths"), ("0", "greater than 0"), ("-1", "greater than 0")],
    )
    def test_cec_value_errors_speak_of_tenths(self, client, provider_staff, value, message):
        client.force_login(provider_staff)
        response = client.post(
            reverse("catalog:provider-course-create"), registration(cec_value=value)
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Course.objects.exists()


class TestSuspendedProvider:
    def test_suspended_provider_cannot_register_or_change_courses(self, client, provider_staff):
        course = PendingCourseFactory(provider=provider_staff.provider, title="Before")
        Provider.objects.filter(pk=provider_staff.provider.pk).update(
            status=Provider.Status.SUSPENDED
        )
        client.force_login(provider_staff)
        response = client.post(reverse("catalog:provider-course-create"), registration())
        assert response.status_code == 200
        assert "is suspended: it cannot register or change courses" in response.content.decode()
        response = client.post(
            reverse("catalog:provider-course-edit", args=[course.pk]),
            registration(title="After"),
        )
        assert "is suspended" in response.content.decode()
        assert list(Course.objects.values_list("title", flat=True)) == ["Before"]
