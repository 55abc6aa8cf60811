"""Sending email through the task queue, so that a request never waits on a mail server and
nothing is lost silently.

`email_later` renders an email from `templates/email/<kind>_subject.txt`, `<kind>.txt` and
`<kind>.html`, stores it (an `Email` row) and enqueues its delivery after the transaction
commits; `email_many_later` does the same for many at once (one insert, one transaction of
tasks). `deliver` sends one stored email once; a failure is recorded and retried with backoff
(`retry_due`, run by the periodic `tick`), then marked failed with its error.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable
from email import policy as mail_policy

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Email

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
UNSUBSCRIBE_SALT = "notices.unsubscribe"
LISTS = {"reminders": "deadline reminders", "digests": "digests"}


def absolute(path: str) -> str:
    """A link for an email: the site's address (SITE_URL) and the path."""
    return settings.SITE_URL.rstrip("/") + path


def safe_header(text: str, limit: int = 200) -> str:
    """One line whatever the title contains: line breaks and control characters become
    spaces, so a header can never be split or injected."""
    return re.sub(r"[\x00-\x1f\x7f\s]+", " ", str(text)).strip()[:limit]


def unsubscribe_token(user_id: int, list_name: str) -> str:
    """The same link for the same person and list every time (no timestamp in it)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(
        {"u": user_id, "l": list_name}, compress=True
    )


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, list) from a signed link, or None when the signature does not hold."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        try:  # links sent before they stopped carrying a timestamp
            data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        except signing.BadSignature:
            return None
    if not isinstance(data, dict) or data.get("l") not in LISTS:
        return None
    return data.get("u"), data["l"]


def unsubscribe_url(user_id: int, list_name: str) -> str:
    return absolute(reverse("notices:unsubscribe", args=[unsubscribe_token(user_id, list_name)]))


def _render(kind: str, context: dict) -> tuple[str, str, str]:
    subject = safe_header(render_to_string(f"email/{kind}_subject.txt", context))
    text = render_to_string(f"email/{kind}.txt", context)
    try:
        html = render_to_string(f"email/{kind}.html", context)
    except TemplateDoesNotExist:
        html = ""
    return subject, text, html


def _prepare(
    *,
    kind: str,
    to: Iterable[str],
    context: dict,
    user=None,
    unsubscribe_list: str = "",
    about: str = "",
) -> Email | None:
    """The email rendered, not saved yet; None when there is nobody to send to."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    context = {"site_url": settings.SITE_URL, **context}
    if unsubscribe_list:
        context["unsubscribe_url"] = unsubscribe_url(user.pk, unsubscribe_list)
    subject, text, html = _render(kind, context)
    return Email(
        kind=kind,
        to=recipients,
        subject=subject,
        body_text=text,
        body_html=html,
        user=user,
        unsubscribe_list=unsubscribe_list,
        about=about,
    )


def email_later(
    *,
    kind: str,
    to: Iterable[str],
    context: dict,
    user=None,
    unsubscribe_list: str = "",
    about: str = "",
) -> Email | None:
    """Store one email and send it from the worker once the transaction commits.

    `context` should hold `link`, the absolute address of the page the email is about.
    Non-transactional email names its `unsubscribe_list` ("reminders" or "digests") and its
    `user`: it then carries a one-click unsubscribe link (RFC 8058). Returns None when there
    is nobody to send to.
    """
    email = _prepare(
        kind=kind,
        to=to,
        context=context,
        user=user,
        unsubscribe_list=unsubscribe_list,
        about=about,
    )
    if email is None:
        return None
    email.save(force_insert=True)
    transaction.on_commit(lambda: enqueue(email.pk), robust=True)
    return email


def email_many_later(items: Iterable[dict]) -> list[Email | None]:
    """`email_later` for many emails at once, each item holding its keyword arguments: the
    emails are rendered, stored with one insert (PostgreSQL and SQLite hand the new ids back)
    and enqueued once the transaction commits (`enqueue_many`). Returns them in the items'
    order, None where there was nobody to send to."""
    emails = [_prepare(**item) for item in items]
    stored = Email.objects.bulk_create([email for email in emails if email is not None])
    if stored:
        ids = [email.pk for email in stored]
        transaction.on_commit(lambda: enqueue_many(ids), robust=True)
    return emails


def enqueue(email_id: int, run_after: datetime.datetime | None = None) -> None:
    from .tasks import send_email

    task = send_email.using(run_after=run_after) if run_after else send_email
    try:
        task.enqueue(email_id)
    except Exception:  # the queue itself is down: the periodic sweep enqueues it again
        log.exception("Could not enqueue email %s; the next tick retries it.", email_id)


def enqueue_many(email_ids: list[int]) -> None:
    """Enqueue each email, all in one transaction: with the database queue, one commit rather
    than one per task. Should any fail, each is enqueued again on its own (a failure logged
    and left to the next tick): a queue outside the database may then hold an email twice,
    which `send_email` shrugs off (it sends a stored email once)."""
    from .tasks import send_email

    try:
        with transaction.atomic():
            for email_id in email_ids:
                send_email.enqueue(email_id)
    except Exception:  # the queue itself failed: one at a time, so that the rest still go
        log.exception("Could not enqueue %s emails at once; enqueuing each.", len(email_ids))
        for email_id in email_ids:
            enqueue(email_id)


class PortalEmail(EmailMultiAlternatives):
    """Headers keep long values whole: RFC 5322 allows lines of 998 characters, and folding at
    78 would wrap the one-click unsubscribe URL in encoded words that mail clients do not read
    as a link (RFC 8058)."""

    def message(self, *, policy=mail_policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def _message(email: Email) -> EmailMultiAlternatives:
    headers = {}
    if email.unsubscribe_list and email.user_id:
        url = unsubscribe_url(email.user_id, email.unsubscribe_list)
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = PortalEmail(
        subject=safe_header(email.subject),
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(email.to),
        headers=headers,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes between attempts."""
    return datetime.timedelta(minutes=2 ** max(attempts - 1, 0))


def deliver(email_id: int, *, now: datetime.datetime | None = None) -> Email | None:
    """Send one stored email, once. A failure is kept with its error and retried later."""
    now = now or timezone.now()
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status in (Email.Status.SENT, Email.Status.FAILED):
            return email
        try:
            _message(email).send()
        except Exception as error:  # any transport error: record it, retry or give up
            email.attempts += 1
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            done = email.attempts >= MAX_ATTEMPTS
            email.status = Email.Status.FAILED if done else Email.Status.RETRYING
            email.next_attempt_at = None if done else now + backoff(email.attempts)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            log.warning("Email %s failed (attempt %s): %s", email.pk, email.attempts, error)
            return email
        email.attempts += 1
        email.status = Email.Status.SENT
        email.sent_at = now
        email.next_attempt_at = None
        email.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
        return email


def retry_due(*, now: datetime.datetime | None = None) -> int:
    """Enqueue again every email whose retry is due, and any queued one the queue lost."""
    now = now or timezone.now()
    lost = now - datetime.timedelta(minutes=10)
    due = list(
        Email.objects.filter(status=Email.Status.RETRYING, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )
    ) + list(
        Email.objects.filter(status=Email.Status.QUEUED, created_at__lte=lost).values_list(
            "pk", flat=True
        )
    )
    for email_id in due:
        enqueue(email_id)
    return len(due)


def delivery_word(about: str) -> str:
    """What a page may say about the newest email for `about`: never "emailed" before it is."""
    newest = Email.objects.filter(about=about).order_by("-created_at", "-id")
    status = newest.values_list("status", flat=True).first()
    if status is None:
        return ""
    return {
        Email.Status.SENT: "emailed",
        Email.Status.QUEUED: "being emailed",
        Email.Status.RETRYING: "not emailed yet: sending failed, we will retry",
        Email.Status.FAILED: "not emailed: sending failed",
    }[status]
