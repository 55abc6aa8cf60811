import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class EmailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status__in=[Email.Status.QUEUED, Email.Status.RETRYING])


class Email(models.Model):
    """One email the portal sends, kept so that nothing is lost silently: queued, sent, or
    failed with its error after the retries (visible in the admin)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RETRYING = "retrying", "Sending failed, will retry"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=60, help_text="The template under templates/email/.")
    to = models.JSONField(help_text="Recipients' addresses.")
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Non-transactional email carries a one-click unsubscribe for this user and list.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unsubscribe_list = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now())
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the email is about, for pages that say whether it went out ("petitions.Petition:12").
    about = models.CharField(max_length=80, blank=True, db_index=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} to {', '.join(self.to)} ({self.get_status_display()})"


class Preferences(models.Model):
    """What a person wants to receive beyond the transactional emails, and their calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    reminders = models.BooleanField(
        default=True, help_text="Deadline, grace and CPR/AED reminders."
    )
    digests = models.BooleanField(
        default=True, help_text="Weekly digests (reviewers) and approval expiry notices."
    )
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name_plural = "preferences"
        constraints = [
            models.UniqueConstraint(
                fields=["calendar_token"],
                condition=~Q(calendar_token=""),
                name="preferences_calendar_token_unique",
            ),
        ]

    def __str__(self):
        return f"Preferences of {self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class Reminder(models.Model):
    """A reminder sent once for one subject and one mark: the constraint makes "exactly once"
    hold even when two workers scan at the same time."""

    subject = models.CharField(max_length=80, help_text='e.g. "cycle:12", "card:3", "course:7".')
    mark = models.CharField(max_length=30, help_text='e.g. "90d", "30d", "7d", "grace", "lapse".')
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    sent_at = models.DateTimeField(db_default=Now())
    email = models.ForeignKey(Email, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "mark"], name="reminder_once"),
        ]

    def __str__(self):
        return f"{self.subject} {self.mark}"
