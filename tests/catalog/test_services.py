import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.roles import PROVIDER_STAFF, is_provider_staff
from catalog import services
from catalog.models import Course, NumberSequence
from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
from tests.catalog.factories import CourseFactory, PendingCourseFactory, ProviderFactory

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)


def approve(course, prefix="CA", reviewer=None):
    return services.course_approve(
        course=course,
        reviewer=reviewer or ReviewerFactory(),
        prefix=prefix,
        approved_on=START,
        expires_on=END,
    )


def register_conference(staff, sessions=None):
    return services.course_register(
        provider=staff.provider,
        submitted_by=staff,
        title="Fitness Summit",
        description="Two days",
        delivery_format=Course.Format.CONFERENCE,
        cec_value=Decimal("1.0"),  # ignored: a conference has no value of its own
        sessions=sessions
        or [
            {"code": "a1", "title": "Keynote", "cec_value": Decimal("0.2")},
            {"code": "A2", "title": "Lab", "cec_value": Decimal("0.3")},
        ],
    )


class TestRegister:
    def test_course(self, provider_staff):
        course = services.course_register(
            provider=provider_staff.provider,
            submitted_by=provider_staff,
            title="  Strength  ",
            delivery_format=Course.Format.ONLINE,
            cec_value=Decimal("0.3"),
        )
        assert course.status == Course.Status.PENDING
        assert course.number is None and course.title == "Strength"
        assert course.submitted_by == provider_staff

    def test_conference_with_sessions(self, provider_staff):
        course = register_conference(provider_staff)
        assert course.cec_value is None
        assert list(course.sessions.values_list("code", "cec_value")) == [
            ("A1", Decimal("0.2")),
            ("A2", Decimal("0.3")),
        ]

    @pytest.mark.parametrize(
        ("fmt", "value", "sessions", "message"),
        [
            ("live", None, [], "CEC value"),
            ("live", Decimal("0"), [], "CEC value"),
            ("live", Decimal("0.2"), [{"code": "A", "title": "t", "cec_value": 1}], "Only a"),
            ("conference", None, [], "at least one session"),
            ("bogus", Decimal("0.2"), [], "delivery format"),
            (
                "conference",
                None,
                [
                    {"code": "A", "title": "t", "cec_value": 1},
                    {"code": "a", "title": "u", "cec_value": 1},
                ],
                "own code",
            ),
        ],
    )
    def test_refused_shapes_change_nothing(self, provider_staff, fmt, value, sessions, message):
        with pytest.raises(ValidationError) as error:
            services.course_register(
                provider=provider_staff.provider,
                submitted_by=provider_staff,
                title="X",
                delivery_format=fmt,
                cec_value=value,
                sessions=sessions,
            )
        assert message in " ".join(error.value.messages)
        assert not Course.objects.exists()


class TestUpdateAndWithdraw:
    def test_update_replaces_sessions(self, provider_staff):
        course = register_conference(provider_staff)
        services.course_update_pending(
            course=course,
            by=provider_staff,
            title="Summit 2",
            delivery_format=Course.Format.CONFERENCE,
            cec_value=None,
            sessions=[{"code": "B1", "title": "New", "cec_value": Decimal("0.4")}],
        )
        course.refresh_from_db()
        assert course.title == "Summit 2"
        assert list(course.sessions.values_list("code", flat=True)) == ["B1"]

    def test_update_to_single_course_drops_sessions(self, provider_staff):
        course = register_conference(provider_staff)
        services.course_update_pending(
            course=course,
            by=provider_staff,
            title="Now a course",
            delivery_format=Course.Format.LIVE,
            cec_value=Decimal("0.5"),
        )
        course.refresh_from_db()
        assert course.cec_value == Decimal("0.5") and not course.sessions.exists()

    def test_cannot_update_once_decided(self, provider_staff):
        course = PendingCourseFactory(provider=provider_staff.provider)
        approve(course)
        with pytest.raises(ValidationError, match="no longer pending"):
            services.course_update_pending(
                course=course,
                by=provider_staff,
                title="Changed",
                delivery_format=Course.Format.LIVE,
                cec_value=Decimal("0.5"),
            )
        course.refresh_from_db()
        assert course.title != "Changed"

    def test_other_provider_cannot_update_or_withdraw(self, provider_staff):
        course = PendingCourseFactory()
        with pytest.raises(ValidationError, match="another provider"):
            services.course_withdraw(course=course, by=provider_staff)
        course.refresh_from_db()
        assert course.status == Course.Status.PENDING

    def test_withdraw(self, provider_staff):
        course = PendingCourseFactory(provider=provider_staff.provider)
        services.course_withdraw(course=course, by=provider_staff)
        course.refresh_from_db()
        assert course.status == Course.Status.WITHDRAWN
        with pytest.raises(ValidationError):
            services.course_withdraw(course=course, by=provider_staff)


class TestNumbers:
    def test_approve_assigns_number_from_prefix(self):
        course = approve(PendingCourseFactory(), prefix="CEP")
        assert course.number == "CEP10000"
        assert course.status == Course.Status.APPROVED
        assert (course.approved_on, course.expires_on) == (START, END)

    def test_each_approval_gets_a_different_number(self):
        numbers = [approve(PendingCourseFactory()).number for _ in range(3)]
        assert numbers == ["CA10000", "CA10001", "CA10002"]
        assert approve(PendingCourseFactory(), prefix="CS").number == "CS10000"

    def test_numbers_are_never_reused(self):
        first = approve(PendingCourseFactory())
        Course.objects.filter(pk=first.pk).delete()
        assert approve(PendingCourseFactory()).number == "CA10001"

    def test_numbers_taken_by_import_are_skipped(self):
        CourseFactory(number="CA10000")
        CourseFactory(number="CA10001")
        CourseFactory(number="CA10003")
        assert approve(PendingCourseFactory()).number == "CA10002"
        assert approve(PendingCourseFactory()).number == "CA10004"

    def test_six_digits_when_five_run_out(self):
        NumberSequence.objects.update_or_create(prefix="CL", defaults={"last_value": 99_998})
        assert approve(PendingCourseFactory(), prefix="CL").number == "CL99999"
        assert approve(PendingCourseFactory(), prefix="CL").number == "CL100000"

    def test_missing_sequence_row_is_created(self):
        NumberSequence.objects.all().delete()
        assert approve(PendingCourseFactory(), prefix="CP").number == "CP10000"

    @pytest.mark.parametrize("prefix", ["CX", "", "ca", "CEPX"])
    def test_bad_prefix(self, prefix):
        course = PendingCourseFactory()
        with pytest.raises(ValidationError):
            approve(course, prefix=prefix)
        course.refresh_from_db()
        assert course.status == Course.Status.PENDING and course.number is None

    def test_window_must_be_ordered(self):
        course = PendingCourseFactory()
        with pytest.raises(ValidationError):
            services.course_approve(
                course=course,
                reviewer=ReviewerFactory(),
                prefix="CA",
                approved_on=END,
                expires_on=START,
            )
        course.refresh_from_db()
        assert course.number is None

    def test_cannot_decide_twice(self):
        course = approve(PendingCourseFactory())
        with pytest.raises(ValidationError, match="no longer pending"):
            approve(course)
        with pytest.raises(ValidationError):
            services.course_reject(course=course, reviewer=ReviewerFactory(), reason="x")
        assert Course.objects.get(pk=course.pk).number == "CA10000"


class TestDecisionEmails:
    def test_approval_emails_provider_and_submitter(
        self, provider_staff, django_capture_on_commit_callbacks
    ):
        course = PendingCourseFactory(provider=provider_staff.provider, submitted_by=provider_staff)
        with django_capture_on_commit_callbacks(execute=True):
            course = approve(course)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert set(message.to) == {provider_staff.provider.contact_email, provider_staff.email}
        assert course.number in message.subject and "01/01/2026" in message.body
        # The number, not a bare path that no mail reader can open.
        assert course.number in message.body and "/catalog/courses/" not in message.body

    def test_no_email_before_commit(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            approve(PendingCourseFactory())
        assert len(callbacks) == 1 and not mail.outbox

    def test_rejection_needs_a_reason_and_emails_it(self, django_capture_on_commit_callbacks):
        course = PendingCourseFactory()
        with pytest.raises(ValidationError):
            services.course_reject(course=course, reviewer=ReviewerFactory(), reason="   ")
        assert Course.objects.get(pk=course.pk).status == Course.Status.PENDING
        with django_capture_on_commit_callbacks(execute=True):
            services.course_reject(
                course=course, reviewer=ReviewerFactory(), reason="No outline given."
            )
        course.refresh_from_db()
        assert course.status == Course.Status.REJECTED
        assert course.rejection_reason == "No outline given."
        assert "No outline given." in mail.outbox[0].body


class TestProviders:
    def test_create_provider(self):
        provider = services.provider_create(name=" Acme ", contact_email="A@X.COM", website="")
        assert (provider.name, provider.contact_email) == ("Acme", "a@x.com")
        with pytest.raises(ValidationError):
            services.provider_create(name="acme", contact_email="b@x.com")

    def test_add_staff(self):
        provider = ProviderFactory()
        user = ProfessionalFactory()
        services.provider_add_staff(provider=provider, email=user.email.upper())
        user.refresh_from_db()
        assert user.provider == provider
        assert user.groups.filter(name=PROVIDER_STAFF).exists()
        assert is_provider_staff(type(user).objects.get(pk=user.pk))

    def test_add_staff_needs_an_existing_user(self):
        with pytest.raises(ValidationError, match="sign up"):
            services.provider_add_staff(provider=ProviderFactory(), email="nobody@example.com")

    def test_staff_of_another_provider_is_refused(self, provider_staff):
        with pytest.raises(ValidationError, match="already works"):
            services.provider_add_staff(provider=ProviderFactory(), email=provider_staff.email)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_get_different_numbers():
    reviewer = ReviewerFactory()
    courses = PendingCourseFactory.create_batch(6)
    numbers, errors = [], []
    barrier = threading.Barrier(len(courses))

    def work(course):
        try:
            barrier.wait()
            numbers.append(approve(course, reviewer=reviewer).number)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in courses]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"CA{10000 + i}" for i in range(6)]
