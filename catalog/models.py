import re

from django.conf import settings
from django.db import models
from django.db.models import Q, Subquery
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from cecportal.history import History

from .numbers import NUMBER_RE, NUMBER_REGEX_SQL, PREFIXES

# The start of a course number, as typed into the catalog search ("CA23").
NUMBER_START_RE = re.compile(r"^(CEP|CP|CA|CS|CL)[0-9]{1,5}$")
# What surrounds a word without being part of it: "strength," "“power”" "Training:".
_AROUND = "".join(sorted(set(r"""!"#$'()*+,-./:;<=>?@[\]^`{|}~""" + "“”‘’«»…–—")))


def search_words(text: str) -> list[str]:
    """The words of a catalog search (ten at most): split at spaces, commas, semicolons and
    slashes, without the punctuation around them; a word of punctuation only is kept as typed
    (a search for "%" looks for it)."""
    words = []
    for token in re.split(r"[\s,;/]+", text):
        if token:
            words.append(token.strip(_AROUND) or token)
    return words[:10]


class ProviderQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Provider.Status.ACTIVE)


class Provider(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    name = models.CharField(max_length=200, unique=True)
    contact_email = models.EmailField()
    website = models.URLField(blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.ACTIVE)
    created_at = models.DateTimeField(db_default=Now())

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CourseQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Course.Status.APPROVED)

    def pending(self):
        return self.filter(status=Course.Status.PENDING)

    def public(self):
        """What the public catalog shows: approved courses, and retired ones for reference."""
        return self.filter(status__in=[Course.Status.APPROVED, Course.Status.RETIRED])

    def current(self, on):
        return self.approved().filter(
            Q(approved_on__isnull=True) | Q(approved_on__lte=on),
            Q(expires_on__isnull=True) | Q(expires_on__gte=on),
        )

    def expired(self, on):
        return self.approved().filter(expires_on__lt=on)

    def approved_by(self, certifier_id, home_certifier_id, on=None):
        """Approved courses a certifier's approval covers on `on` (default today): this
        portal's own numbers and window for the home certifier, that certifier's CourseApproval
        and its window for any other."""
        on = on or timezone.localdate()
        if certifier_id == home_certifier_id:
            return self.current(on)
        # One filter() call: both conditions on the same approval row, one join.
        return self.approved().filter(
            Q(approvals__valid_from__isnull=True) | Q(approvals__valid_from__lte=on),
            Q(approvals__valid_to__isnull=True) | Q(approvals__valid_to__gte=on),
            approvals__certifier_id=certifier_id,
        )

    def with_approvals(self):
        """Ready for `selectors.approvals_of` on every row with no query per row: the other
        certifiers' approvals prefetched, the home certifier's id on each course."""
        from tracker.models import Certifier

        home = Certifier.objects.filter(assigns_catalog_numbers=True).values("pk")[:1]
        return self.prefetch_related("approvals").annotate(home_certifier_id=Subquery(home))

    def owned_by(self, user):
        """The courses of the user's provider; nothing for anyone else."""
        if not user.is_authenticated or user.provider_id is None:
            return self.none()
        return self.filter(provider_id=user.provider_id)

    def review_queue(self):
        """Pending registrations, first come first served."""
        return (
            self.pending().select_related("provider", "submitted_by").order_by("submitted_at", "pk")
        )

    def search(self, text):
        """Match a course number (whole or its start), or every word in the title or provider
        (and a course number among the words)."""
        compact = "".join(text.split()).upper()
        if NUMBER_RE.fullmatch(compact):
            return self.filter(number=compact)
        if NUMBER_START_RE.fullmatch(compact):
            return self.filter(number__startswith=compact)
        from .fulltext import candidates

        # A course number among the words must be the course's.
        words, query = [], self
        for word in search_words(text):
            if NUMBER_RE.fullmatch(word.upper()):
                query = query.filter(number=word.upper())
            else:
                words.append(word)
        for word in words:
            # Providers are few: matching them in a subquery keeps the course side to one table.
            providers = Provider.objects.filter(name__icontains=word).values("pk")
            query = query.filter(Q(title__icontains=word) | Q(provider_id__in=providers))
        found = candidates(words)
        if found is not None:
            # The full-text index's matches (a few hundred at most) narrow the rows first; the
            # filter above keeps the result exactly what a scan would find. Without them (a
            # common word), the page walks the catalog in order and stops when it is full.
            query = query.filter(pk__in=found)
        return query


class Course(models.Model):
    class Format(models.TextChoices):
        LIVE = "live", "Live"
        ONLINE = "online", "Online"
        HOME_STUDY = "home_study", "Home study"
        CONFERENCE = "conference", "Conference"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        RETIRED = "retired", "Retired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    Prefix = models.TextChoices("Prefix", [(p, p) for p in PREFIXES])

    # Assigned when a reviewer approves the registration (or when imported); unique.
    number = models.CharField(max_length=9, unique=True, null=True, blank=True)
    title = models.CharField(max_length=300)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="courses")
    description = models.TextField(blank=True, max_length=10_000)
    delivery_format = models.CharField(max_length=20, choices=Format, default=Format.LIVE)
    # The course's CEC value; a conference has none of its own (its sessions carry values).
    cec_value = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    # What the course takes a person, in hours: how certifiers other than the home one convert
    # it to their own unit. A conference's hours are its sessions'.
    contact_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING, db_index=True)
    rejection_reason = models.TextField(blank=True, max_length=2000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_courses",
    )
    submitted_at = models.DateTimeField(db_default=Now())
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_courses",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["number", "title"]
        permissions = [
            ("register_course", "Can register courses for their provider"),
            ("review_course", "Can approve or reject course registrations"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__regex=NUMBER_REGEX_SQL),
                name="course_number_format",
            ),
            models.CheckConstraint(
                condition=Q(cec_value__isnull=True) | Q(cec_value__gt=0),
                name="course_cec_value_positive",
            ),
            models.CheckConstraint(
                condition=Q(contact_hours__isnull=True) | Q(contact_hours__gt=0),
                name="course_contact_hours_positive",
            ),
            models.CheckConstraint(
                condition=Q(delivery_format="conference") | Q(cec_value__isnull=False),
                name="course_non_conference_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(number__isnull=False),
                name="course_approved_has_number",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(approved_on__isnull=True)
                | Q(expires_on__gte=models.F("approved_on")),
                name="course_window_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "status"]),
            # The provider's own list (newest first) and the reviewers' queue (oldest first).
            models.Index(fields=["provider", "-submitted_at"], name="course_provider_recent"),
            models.Index(fields=["status", "submitted_at"], name="course_status_submitted"),
            # The public catalog: approved courses in number order, a page at a time.
            models.Index(fields=["status", "number"], name="course_status_number"),
        ]

    def __str__(self):
        return f"{self.number} — {self.title}" if self.number else self.title

    def get_absolute_url(self):
        return reverse("catalog:course-detail", args=[self.pk])

    @property
    def is_conference(self):
        return self.delivery_format == self.Format.CONFERENCE


class Session(models.Model):
    """One session of a conference; the umbrella number covers them all."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    cec_value = models.DecimalField(max_digits=5, decimal_places=1)
    contact_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["course", "code"]
        constraints = [
            models.UniqueConstraint(fields=["course", "code"], name="session_code_unique"),
            models.CheckConstraint(condition=Q(cec_value__gt=0), name="session_value_positive"),
            models.CheckConstraint(
                condition=Q(contact_hours__isnull=True) | Q(contact_hours__gt=0),
                name="session_contact_hours_positive",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"


class NumberSequence(models.Model):
    """The last digits handed out for a prefix. Numbers are never reused."""

    prefix = models.CharField(max_length=3, primary_key=True, choices=Course.Prefix)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last_value}"


class CourseApproval(models.Model):
    """Another certifier's approval of a catalog course (NASM, AFAA …), under its own number.

    The home certifier's approval (the one whose numbers this portal assigns) is the Course's
    own number, value and window, never a row here.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="approvals")
    certifier = models.ForeignKey(
        "tracker.Certifier", on_delete=models.PROTECT, related_name="course_approvals"
    )
    # Normalised: no spaces, capitals; matches the certifier's course_number_pattern.
    number = models.CharField(max_length=30)
    # In the certifier's unit; blank: the rules convert the course's contact hours.
    credit = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    # One of the certifier's category codes (AFAA "own" for an AFAA/NASM course); blank: the
    # category of the certifier's rule for courses.
    category = models.CharField(max_length=20, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(db_default=Now())

    history = History()

    class Meta:
        ordering = ["course_id", "certifier_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "number"], name="courseapproval_number_unique"
            ),
            models.UniqueConstraint(
                fields=["course", "certifier"], name="courseapproval_one_per_certifier"
            ),
            models.CheckConstraint(
                condition=Q(credit__isnull=True) | Q(credit__gt=0),
                name="courseapproval_credit_positive",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="courseapproval_window_ordered",
            ),
        ]
        # The lookup by a typed number, whichever certifier it belongs to.
        indexes = [models.Index(fields=["number"], name="courseapproval_number")]

    def __str__(self):
        return f"{self.number} ({self.certifier})"


# --- Bulk import ----------------------------------------------------------------------------


class ImportBatchQuerySet(models.QuerySet):
    def of(self, user):
        """A reviewer's own uploads: nobody else previews, confirms or follows them."""
        return self.filter(created_by=user)

    def recent(self):
        return self.order_by("-created_at", "-pk")


class ImportBatch(models.Model):
    """One uploaded CSV of courses. Checked once by the worker after the upload (every row's
    outcome, and the valid rows' values, kept as ImportRows), then imported by the worker once
    confirmed: all rows in one transaction, so a batch is either imported whole or not at all."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        STAGED = "staged", "Checked, waiting for confirmation"
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed: nothing imported"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200)
    # The uploaded file in default_storage while the worker checks it; deleted once checked.
    file = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.STAGED)
    created_at = models.DateTimeField(db_default=Now())
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The running import's last sign of life (a worker that stopped leaves it behind).
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0, help_text="Data rows in the file.")
    to_write = models.PositiveIntegerField(default=0, help_text="Valid rows, when checked.")
    written = models.PositiveIntegerField(default=0, help_text="Valid rows imported so far.")
    # What the check found on upload; once imported, what the import did.
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    providers_created = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(written__lte=models.F("to_write")), name="importbatch_progress"
            ),
            models.CheckConstraint(
                condition=Q(to_write__lte=models.F("rows")), name="importbatch_valid_rows"
            ),
        ]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="importbatch_user_recent"),
            models.Index(fields=["status", "created_at"], name="importbatch_status"),
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self):
        if self.status == self.Status.STAGED:
            return reverse("catalog:import-preview", args=[self.pk])
        return reverse("catalog:import-batch", args=[self.pk])

    @property
    def valid(self):
        return self.created + self.updated + self.sessions

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ImportRow(models.Model):
    """One checked row of an uploaded file: its outcome in words and, while the batch waits to
    be imported, its cleaned values. Refused rows stay with the batch as its record."""

    class Action(models.TextChoices):
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        SESSION = "session", "Add a session"
        REFUSED = "refused", "Refused"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="checked_rows")
    line = models.PositiveIntegerField()
    number = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=10, choices=Action)
    message = models.TextField()
    title = models.CharField(max_length=300, blank=True)
    # The row's cleaned course and session values (importer.row_values); none when refused.
    values = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "line"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line"], name="importrow_one_per_line"),
            models.CheckConstraint(
                condition=Q(action="refused") | Q(values__isnull=False),
                name="importrow_valid_has_values",
            ),
        ]
        # The preview's "refused rows" tab, and what the import reads, in line order.
        indexes = [models.Index(fields=["batch", "action", "line"], name="importrow_action")]

    def __str__(self):
        return f"line {self.line}: {self.message}"
