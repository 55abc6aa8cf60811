"""Completions reported by course providers: a roster (uploaded or sent through the API) is a
RosterBatch of ReportedCompletions, checked row by row, then posted to the professionals'
ledgers as provider-reported credit. Rows that match nobody wait, claimable."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse


class RosterBatchQuerySet(models.QuerySet):
    def of_provider(self, provider_id):
        """A provider's own batches: nobody else reads, confirms or follows them."""
        if provider_id is None:
            return self.none()
        return self.filter(provider_id=provider_id)

    def recent(self):
        return self.order_by("-created_at", "-pk")


class RosterBatch(models.Model):
    """One roster of completions a provider reported, from a file or from the API."""

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded file"
        API = "api", "API"

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked, waiting for confirmation"
        POSTING = "posting", "Posting"
        POSTED = "posted", "Posted"
        FAILED = "failed", "Failed"

    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.PROTECT, related_name="roster_batches"
    )
    # The course an uploaded roster is for; blank for API batches whose rows name a course.
    course = models.ForeignKey(
        "catalog.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who sent it when no person did (the API token's name).
    label = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    # A digest of the rows sent with the key: the same key with other rows is refused.
    rows_digest = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.CHECKING)
    filename = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="rosters/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    claimable = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    posted = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now())
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)

    objects = RosterBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "roster batches"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="rosterbatch_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=Q(posted__lte=models.F("matched")), name="rosterbatch_posted_le_matched"
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "-created_at"], name="rosterbatch_provider_recent"),
        ]

    def __str__(self):
        return f"{self.provider}: {self.filename or self.label or self.pk} ({self.status})"

    def get_absolute_url(self):
        return reverse("reporting:batch", args=[self.pk])

    @property
    def who(self) -> str:
        """Who reported it, for the professional's history."""
        if self.created_by_id:
            return (
                f"{self.provider.name}, {self.created_by.get_full_name() or self.created_by.email}"
            )
        if self.label:
            return f"{self.provider.name} (API token {self.label})"
        return self.provider.name

    @property
    def is_open(self):
        return self.status == self.Status.CHECKED


class CompletionQuerySet(models.QuerySet):
    def claimable_for(self, user, *, numbers=()):
        """Unmatched completions of confirmed rosters that name this person (their email, or
        one of their certification numbers with their last name), not yet claimed and not
        declined by them."""
        who = Q(email__iexact=user.email)
        last = (user.last_name or "").strip()
        if numbers and last:
            who |= Q(certification_number__in=list(numbers), last_name__iexact=last)
        return (
            self.filter(
                who,
                verdict=ReportedCompletion.Verdict.CLAIMABLE,
                user__isnull=True,
                entry__isnull=True,
                batch__status=RosterBatch.Status.POSTED,
            )
            .exclude(declined_by=user)
            .select_related("course__provider", "batch__provider")
        )


class ReportedCompletion(models.Model):
    """One row of a roster: who completed which course (and sessions) on which day, what the
    check made of it, and the ledger entry it became."""

    class Verdict(models.TextChoices):
        MATCHED = "matched", "Matched"
        CLAIMABLE = "claimable", "Not matched: claimable"
        REFUSED = "refused", "Refused"

    batch = models.ForeignKey(RosterBatch, on_delete=models.CASCADE, related_name="completions")
    row = models.PositiveIntegerField(help_text="The line in the file, or the item's position.")
    course = models.ForeignKey(
        "catalog.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    course_number = models.CharField(max_length=30, blank=True)
    # Session codes attended (conference); the course's own sessions.
    sessions = models.JSONField(default=list, blank=True)
    email = models.CharField(max_length=254, blank=True)
    certification_number = models.CharField(max_length=50, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    completion_date = models.DateField(null=True, blank=True)
    hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    verdict = models.CharField(max_length=10, choices=Verdict)
    reason = models.CharField(max_length=500, blank=True)
    # One completion: course, professional, date, sessions. Equal keys are the same completion
    # reported twice.
    key = models.CharField(max_length=400, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entry = models.OneToOneField(
        "tracker.CreditEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CompletionQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "row"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row"], name="completion_one_per_row"),
            # The same completion is posted once, whatever the number of rosters naming it.
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(entry__isnull=False),
                name="completion_posted_once",
            ),
            models.CheckConstraint(
                condition=~Q(verdict="refused") | ~Q(reason=""), name="completion_refusal_reason"
            ),
            models.CheckConstraint(
                condition=Q(entry__isnull=True) | ~Q(verdict="refused"),
                name="completion_refused_never_posted",
            ),
        ]
        indexes = [
            models.Index(fields=["batch", "verdict", "row"], name="completion_verdict"),
            models.Index(fields=["key"], name="completion_key"),
            models.Index(fields=["email"], name="completion_email"),
            models.Index(fields=["certification_number"], name="completion_cert_number"),
        ]

    def __str__(self):
        return f"row {self.row}: {self.get_verdict_display()}"


class DisputeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Dispute.Status.OPEN)

    def queue(self):
        """Open disputes, first come first served."""
        return (
            self.open()
            .select_related("entry__course__provider", "opened_by")
            .order_by("created_at", "pk")
        )


class Dispute(models.Model):
    """A professional's objection to provider-reported credit, decided by a reviewer: the
    entry is upheld (it stays) or withdrawn (removed from the ledger)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld: the credit stays"
        WITHDRAWN = "withdrawn", "Withdrawn: the credit is removed"

    entry = models.ForeignKey(
        "tracker.CreditEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disputes",
    )
    # What the entry was, kept after a withdrawal removes it.
    summary = models.CharField(max_length=400)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(db_default=Now())
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(max_length=2000, blank=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("resolve_dispute", "Can decide disputes of provider-reported credit")]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="open"), name="dispute_one_open_per_entry"
            ),
        ]

    def __str__(self):
        return f"Dispute of {self.summary} ({self.status})"
