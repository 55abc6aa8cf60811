"""Every email the portal sends, triggered through the real service: one message to the right
people, a subject and body that state the facts, an HTML alternative, and an absolute link
that opens the page concerned for the person who receives it. And a failed send is never
reported as sent."""

import datetime
import re
import smtplib
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from catalog import services as catalog
from catalog.models import Course
from notices import services as notices
from notices.models import Email
from petitions import services as petitions
from tests.accounts.factories import (
    AdminFactory,
    ProfessionalFactory,
    ProviderStaffFactory,
    ReviewerFactory,
)
from tests.catalog.factories import PendingCourseFactory, ProviderFactory
from tests.petitions.factories import PetitionFactory
from tests.petitions.helpers import submit
from tests.tracker.factories import CertificationFactory, CprCardFactory
from tracker import services as tracker
from tracker.models import Certifier, Kind, Program

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/\S*)")


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPException("Connection refused by the test")


REFUSING = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}


def only_email(kind):
    """The one message sent, with its stored row."""
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    row = Email.objects.get(kind=kind)
    assert row.status == Email.Status.SENT
    return mail.outbox[0]


def check(message, *, to, subject, facts, path, client, reader):
    """The message goes to `to`, says `facts`, and links to `path`, which `reader` can open."""
    assert sorted(message.to) == sorted(to)
    assert message.subject == subject
    assert "\n" not in message.subject and "\r" not in message.subject
    for fact in facts:
        assert fact in message.body, (fact, message.body)
    links = {match for match in LINK.findall(message.body)}
    assert links == {path}, message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://testserver{path}"' in html
    assert "CEC Portal" in html and "<script" not in html and "style=" not in html
    client.force_login(reader)
    assert client.get(path).status_code == 200


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a service and deliver what it queued, as the worker does after the commit."""

    def run(action, *args, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = action(*args, **kwargs)
        return result

    return run


# --- Petitions ------------------------------------------------------------------------------


@pytest.fixture
def filed(professional, send):
    CertificationFactory(user=professional)
    return send(submit, professional)


def test_petition_filed(filed, professional, client):
    message = only_email("petition_filed")
    check(
        message,
        to=[professional.email],
        subject="Petition received: Kettlebell coaching",
        facts=[f"#{filed.pk}", "Kettlebell coaching", "Independent Studio", "0.5 CEC", "30 days"],
        path=reverse("petitions:detail", args=[filed.pk]),
        client=client,
        reader=professional,
    )


def test_petition_info_requested(filed, professional, reviewer, send, client):
    send(petitions.petition_request_info, petition=filed, reviewer=reviewer, note="The agenda?")
    check(
        only_email("petition_info_requested"),
        to=[professional.email],
        subject="More information needed: Kettlebell coaching",
        facts=["Kettlebell coaching", "The agenda?"],
        path=reverse("petitions:detail", args=[filed.pk]),
        client=client,
        reader=professional,
    )


def test_petition_resubmitted_goes_to_every_reviewer_at_once(
    filed, professional, reviewer, send, client
):
    other, admin = ReviewerFactory(), AdminFactory()
    ReviewerFactory(is_active=False)
    petitions.petition_request_info(petition=filed, reviewer=reviewer, note="The agenda?")
    send(
        petitions.petition_resubmit,
        petition=filed,
        user=professional,
        note="Here is the agenda.",
    )
    check(
        only_email("petition_resubmitted"),
        to=[reviewer.email, other.email, admin.email],
        subject="Petition back in the queue: Kettlebell coaching",
        facts=[f"#{filed.pk}", "Kettlebell coaching", "Here is the agenda.", "back in"],
        path=reverse("petitions:review", args=[filed.pk]),
        client=client,
        reader=other,
    )


def test_petition_approved(filed, professional, reviewer, send, client):
    send(
        petitions.petition_approve,
        petition=filed,
        reviewer=reviewer,
        credit=Decimal("0.4"),
        note="Partly a repeat.",
    )
    check(
        only_email("petition_approved"),
        to=[professional.email],
        subject="Petition approved: Kettlebell coaching",
        facts=["approved", "0.4 CEC", "added to your ledger", "Partly a repeat."],
        path=reverse("petitions:detail", args=[filed.pk]),
        client=client,
        reader=professional,
    )


def test_petition_denied(filed, professional, reviewer, send, client):
    send(petitions.petition_deny, petition=filed, reviewer=reviewer, reason="No certificate.")
    check(
        only_email("petition_denied"),
        to=[professional.email],
        subject="Petition denied: Kettlebell coaching",
        facts=["denied", "Reason: No certificate."],
        path=reverse("petitions:detail", args=[filed.pk]),
        client=client,
        reader=professional,
    )


def test_a_title_with_line_breaks_makes_one_line_subjects(professional, reviewer, send):
    CertificationFactory(user=professional)
    petition = send(submit, professional, course_title="Line one\nLine two\rThree")
    (received,) = mail.outbox
    send(petitions.petition_approve, petition=petition, reviewer=reviewer)
    (approved,) = mail.outbox
    assert received.subject == "Petition received: Line one Line two Three"
    assert approved.subject == "Petition approved: Line one Line two Three"
    for message in (received, approved):
        assert "Line one\nLine two" in message.body  # the body keeps what was typed
        message.message().as_bytes()  # and the whole message is valid to send


def test_text_is_not_html_escaped_and_html_is(professional, send):
    CertificationFactory(user=professional)
    send(submit, professional, course_title="O'Brien & <Sons>")
    (message,) = mail.outbox
    assert message.subject == "Petition received: O'Brien & <Sons>"
    assert "O'Brien & <Sons>" in message.body
    assert "O&#x27;Brien &amp; &lt;Sons&gt;" in message.alternatives[0][0]


# --- Courses and providers ------------------------------------------------------------------


@pytest.fixture
def registered(provider_staff, send):
    colleague = ProviderStaffFactory(provider=provider_staff.provider)
    course = send(
        catalog.course_register,
        provider=provider_staff.provider,
        submitted_by=provider_staff,
        title="Mobility for runners",
        delivery_format=Course.Format.ONLINE,
        cec_value=Decimal("0.3"),
    )
    course.colleague = colleague
    return course


def test_course_submitted_goes_to_the_staff_and_the_contact(registered, provider_staff, client):
    provider = provider_staff.provider
    check(
        only_email("course_submitted"),
        to=[provider.contact_email, provider_staff.email, registered.colleague.email],
        subject="Course registration received: Mobility for runners",
        facts=[provider.name, "Mobility for runners", "0.3 CEC", "waits for a reviewer"],
        path=reverse("catalog:provider-course-detail", args=[registered.pk]),
        client=client,
        reader=registered.colleague,
    )


def test_course_approved(registered, provider_staff, reviewer, send, client):
    course = send(
        catalog.course_approve,
        course=registered,
        reviewer=reviewer,
        prefix="CA",
        approved_on=datetime.date(2026, 1, 1),
        expires_on=datetime.date(2027, 12, 31),
    )
    check(
        only_email("course_approved"),
        to=[provider_staff.provider.contact_email, provider_staff.email],
        subject=f"Course approved: {course.number} Mobility for runners",
        facts=[f"Course number: {course.number}", "01/01/2026", "12/31/2027", "0.3 CEC"],
        path=reverse("catalog:provider-course-detail", args=[course.pk]),
        client=client,
        reader=provider_staff,
    )


def test_course_rejected(registered, provider_staff, reviewer, send, client):
    send(catalog.course_reject, course=registered, reviewer=reviewer, reason="No outline.")
    check(
        only_email("course_rejected"),
        to=[provider_staff.provider.contact_email, provider_staff.email],
        subject="Course not approved: Mobility for runners",
        facts=["Mobility for runners", "Reason: No outline."],
        path=reverse("catalog:provider-course-detail", args=[registered.pk]),
        client=client,
        reader=provider_staff,
    )


def test_provider_staff_added(send, client):
    provider, person = ProviderFactory(name="Move Well"), ProfessionalFactory()
    send(catalog.provider_add_staff, provider=provider, email=person.email)
    check(
        only_email("provider_staff_added"),
        to=[person.email],
        subject="You are now staff of Move Well",
        facts=["Move Well", "register its courses"],
        path=reverse("catalog:provider-courses"),
        client=client,
        reader=person,
    )
    # Adding someone who already is staff there changes nothing and sends nothing.
    send(catalog.provider_add_staff, provider=provider, email=person.email)
    assert mail.outbox == []


def test_provider_staff_removed_through_the_reviewers_button(
    provider_staff, reviewer, send, client
):
    provider = provider_staff.provider
    client.force_login(reviewer)
    page = client.get(reverse("catalog:provider-detail", args=[provider.pk])).content.decode()
    url = reverse("catalog:provider-staff-remove", args=[provider.pk, provider_staff.pk])
    assert f'action="{url}"' in page and ">Remove</button>" in page
    response = send(client.post, url, follow=True)
    assert f"{provider_staff.email} is no longer staff of {provider.name}." in response.text
    provider_staff.refresh_from_db()
    assert provider_staff.provider is None
    assert not provider_staff.groups.filter(name="Provider staff").exists()
    check(
        only_email("provider_staff_removed"),
        to=[provider_staff.email],
        subject=f"You are no longer staff of {provider.name}",
        facts=[provider.name, "no longer register"],
        path=reverse("tracker:dashboard"),
        client=client,
        reader=provider_staff,
    )
    client.force_login(provider_staff)
    assert client.get(reverse("catalog:provider-courses")).status_code == 403


def test_only_a_reviewer_removes_staff_and_only_staff_of_that_provider(provider_staff):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        catalog.provider_remove_staff(
            provider=provider_staff.provider, user=provider_staff, by=provider_staff
        )
    with pytest.raises(ValidationError, match="is not staff of"):
        catalog.provider_remove_staff(
            provider=ProviderFactory(), user=provider_staff, by=ReviewerFactory()
        )
    assert not Email.objects.exists()


# --- Renewals -------------------------------------------------------------------------------


@pytest.fixture
def holder(professional):
    """ACE CPT earned a year ago, a current CPR/AED card, 2.0 CECs from a college course."""
    today = timezone.localdate()
    program = Program.objects.get(
        certifier=Certifier.objects.get(code="ace"), name="Certified Personal Trainer"
    )
    certification = tracker.certification_add(
        user=professional, program=program, earned_on=today - relativedelta(years=1)
    )
    CprCardFactory(user=professional, issued_on=today - relativedelta(months=2))
    tracker.credit_add(
        user=professional,
        kind=Kind.COLLEGE,
        title="Anatomy",
        credit_hours=Decimal("2"),
        grade="B",
        completion_date=today - relativedelta(days=20),
    )
    return certification


def test_renewal_through_the_portal(holder, professional, send, client):
    today = timezone.localdate()
    closed = holder.cycles.get()
    following = send(tracker.cycle_renew, certification=holder)
    check(
        only_email("renewal_recorded"),
        to=[professional.email],
        subject=f"Renewal recorded: {holder.program}",
        facts=[
            f"on {today:%m/%d/%Y}",
            f"{closed.starts_on:%m/%d/%Y} – {closed.ends_on:%m/%d/%Y}",
            "2.0 CECs of 2.0 CECs required",
            f"Next cycle: {following.starts_on:%m/%d/%Y} – {following.ends_on:%m/%d/%Y}",
        ],
        path=reverse("tracker:transcript", args=[closed.pk]),
        client=client,
        reader=professional,
    )


def test_renewal_recorded_after_the_fact(holder, professional, send, client):
    renewed_on = timezone.localdate() - relativedelta(days=3)
    closed = holder.cycles.get()
    send(tracker.cycle_record_renewal, certification=holder, renewed_on=renewed_on)
    check(
        only_email("renewal_recorded"),
        to=[professional.email],
        subject=f"Renewal recorded: {holder.program}",
        facts=[f"as done with ACE on {renewed_on:%m/%d/%Y}"],
        path=reverse("tracker:transcript", args=[closed.pk]),
        client=client,
        reader=professional,
    )
    assert Email.objects.get().about == f"cycle:{closed.pk}"


# --- A send that fails is never called sent -------------------------------------------------

CLAIMS = re.compile(r"(?<!not )(?<!not yet: )\bemailed\b|has been emailed|have been emailed")


def claims_sent(text):
    return [m.group(0) for m in CLAIMS.finditer(text)]


@pytest.mark.django_db(transaction=True)
def test_a_failed_decision_email_is_retried_then_failed_and_never_claimed(settings, client):
    settings.MAILERS = REFUSING
    professional, reviewer, admin = ProfessionalFactory(), ReviewerFactory(), AdminFactory()
    CertificationFactory(user=professional)
    petition = PetitionFactory(user=professional, course_title="Kettlebell coaching")
    review = reverse("petitions:review", args=[petition.pk])
    client.force_login(reviewer)

    response = client.post(
        reverse("petitions:approve", args=[petition.pk]), {"credit": "0.5"}, follow=True
    )
    assert "Approved." in response.text
    assert "not emailed yet: sending failed, we will retry" in response.text
    assert claims_sent(response.text) == []

    email = Email.objects.get(kind="petition_approved")
    assert email.status == Email.Status.RETRYING and email.attempts == 1
    assert "SMTPException: Connection refused by the test" in email.last_error
    assert mail.outbox == []
    page = client.get(review).text
    assert "Decision email: not emailed yet: sending failed, we will retry." in page
    assert claims_sent(page) == []

    # Not due yet: the sweep leaves it; once due, the sweep sends it again, and again.
    assert notices.retry_due(now=timezone.now()) == 0
    while email.status == Email.Status.RETRYING:
        assert notices.retry_due(now=email.next_attempt_at) == 1
        email.refresh_from_db()
    assert email.status == Email.Status.FAILED
    assert email.attempts == notices.MAX_ATTEMPTS and email.next_attempt_at is None
    assert notices.retry_due(now=timezone.now() + datetime.timedelta(days=1)) == 0

    page = client.get(review).text
    assert "Decision email: not emailed: sending failed." in page and claims_sent(page) == []
    owner = client.get(reverse("petitions:detail", args=[petition.pk]), follow=True)
    assert claims_sent(owner.text) == []

    client.force_login(admin)
    changelist = client.get("/admin/notices/email/", {"status": "failed"})
    assert changelist.status_code == 200
    assert "Petition approved: Kettlebell coaching" in changelist.text
    assert "Failed" in changelist.text


@pytest.mark.django_db(transaction=True)
def test_a_retry_that_succeeds_is_then_called_emailed(settings, client):
    settings.MAILERS = REFUSING
    reviewer = ReviewerFactory()
    course = PendingCourseFactory()
    catalog.course_reject(course=course, reviewer=reviewer, reason="No outline.")
    email = Email.objects.get(kind="course_rejected")
    assert email.status == Email.Status.RETRYING
    client.force_login(reviewer)
    page = client.get(reverse("catalog:review-detail", args=[course.pk])).text
    assert "Decision email to the provider: not emailed yet: sending failed, we will retry." in (
        page
    )
    assert claims_sent(page) == []

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert notices.retry_due(now=email.next_attempt_at) == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and email.attempts == 2
    (message,) = mail.outbox
    assert "No outline." in message.body
    page = client.get(reverse("catalog:review-detail", args=[course.pk])).text
    assert "Decision email to the provider: emailed." in page


def test_the_base_carries_an_unsubscribe_link_only_when_there_is_one(professional, send):
    provider = ProviderFactory(name="Move Well")
    context = {"provider": provider, "link": notices.absolute("/")}
    send(
        notices.email_later,
        kind="provider_staff_added",
        to=[professional.email],
        context=context,
        user=professional,
        unsubscribe_list="reminders",
    )
    send(notices.email_later, kind="provider_staff_added", to=[professional.email], context=context)
    with_list, without = Email.objects.order_by("pk")
    assert ">Unsubscribe</a>" in with_list.body_html and "Unsubscribe:" in with_list.body_text
    assert "Unsubscribe" not in without.body_html and "Unsubscribe" not in without.body_text
