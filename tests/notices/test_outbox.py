"""The outbox: an email waits in the database queue until a worker sends it; a failure is kept,
retried with backoff, and finally marked failed with its error."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notices import services
from notices.models import Email

pytestmark = pytest.mark.django_db


def queue_receipt(user, title="Safe lifting"):
    return services.email_later(
        kind="test_notice",
        to=[user.email],
        context={"title": title, "link": services.absolute("/my/cecs/")},
        user=user,
        about="test:1",
    )


@pytest.fixture(autouse=True)
def _templates(notice_templates):
    pass


def test_an_email_waits_in_the_queue_until_the_worker_sends_it(
    database_queue, professional, django_capture_on_commit_callbacks, monkeypatch
):
    # The worker closes stale connections between tasks; here that is the test's own.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_receipt(professional)
    assert DBTaskResult.objects.count() == 1  # enqueued in the database, not sent yet
    assert mail.outbox == [] and Email.objects.get().status == Email.Status.QUEUED
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and email.attempts == 1
    (sent,) = mail.outbox
    assert sent.subject == "About Safe lifting" and sent.to == [professional.email]
    assert "http://testserver/my/cecs/" in sent.body
    assert sent.alternatives[0].mimetype == "text/html"
    # Run again (a second worker, a retry): it is not sent twice.
    services.deliver(email.pk)
    assert len(mail.outbox) == 1


def test_a_title_with_a_line_break_makes_a_one_line_subject(
    professional, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_receipt(professional, title="Line one\nBcc: someone@evil.example\rthree")
    (sent,) = mail.outbox
    assert sent.subject == "About Line one Bcc: someone@evil.example three"
    assert sent.to == [professional.email] and not sent.bcc


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_failure_is_recorded_retried_with_backoff_then_marked_failed(
    settings, professional, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.notices.test_outbox.BrokenBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_receipt(professional)
    email.refresh_from_db()
    assert email.status == Email.Status.RETRYING and email.attempts == 1
    assert "Connection unexpectedly closed" in email.last_error
    assert services.delivery_word("test:1") == "not emailed yet: sending failed, we will retry"
    now = timezone.now()
    assert services.retry_due(now=now) == 0  # not due yet: one minute's backoff
    for attempt in range(2, services.MAX_ATTEMPTS + 1):
        now += datetime.timedelta(hours=1)
        assert services.retry_due(now=now) == 1
        email.refresh_from_db()
        assert email.attempts == attempt
    assert email.status == Email.Status.FAILED and email.next_attempt_at is None
    assert services.retry_due(now=now + datetime.timedelta(days=1)) == 0
    assert services.delivery_word("test:1") == "not emailed: sending failed"


def test_backoff_doubles():
    assert [services.backoff(n).total_seconds() / 60 for n in range(1, 5)] == [1, 2, 4, 8]


def test_tick_runs_the_periodic_jobs(settings, capsys):
    settings.PERIODIC_JOBS = ["notices.services.retry_due"]
    call_command("tick")  # once, and returns


def test_the_one_click_unsubscribe_header_stays_a_plain_link(
    professional, django_capture_on_commit_callbacks
):
    """RFC 8058: List-Unsubscribe must hold the URL itself, not encoded words a client cannot
    follow; long signed URLs are not folded."""
    with django_capture_on_commit_callbacks(execute=True):
        email = services.email_later(
            kind="test_notice",
            to=[professional.email],
            context={"title": "Digest", "link": services.absolute("/")},
            user=professional,
            unsubscribe_list="digests",
        )
    (sent,) = mail.outbox
    for policy_name in ("default", "SMTP"):
        from email import policy

        raw = sent.message(policy=getattr(policy, policy_name)).as_string()
        line = next(h for h in raw.splitlines() if h.startswith("List-Unsubscribe:"))
        url = services.unsubscribe_url(professional.pk, "digests")
        assert line == f"List-Unsubscribe: <{url}>"
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    assert email.unsubscribe_list == "digests"
