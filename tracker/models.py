from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse

CREDIT = {"max_digits": 6, "decimal_places": 1}


class Kind(models.TextChoices):
    """Ways to earn credit. Each certifier gives each kind its values and caps (KindRule)."""

    APPROVED_COURSE = "approved_course", "Approved course"
    CONFERENCE = "conference", "Conference"
    CPR_AED = "cpr_aed", "CPR/AED renewal"
    COLLEGE = "college", "College course"
    EXTRA_CERTIFICATION = "extra_certification", "Extra certification"
    PRESENTING = "presenting", "Presenting"
    BROADENING = "broadening", "Broadening (other NCCA-accredited certification)"
    PUBLISHING = "publishing", "Publishing"
    MENTORING = "mentoring", "Mentoring / community outreach"
    PETITION = "petition", "Approved petition"


class Certifier(models.Model):
    """A certifying body and its renewal rules. Everything here is data an admin can edit."""

    class Anchor(models.TextChoices):
        EARNED = "earned", "Each person's certification date (cycle ends on a month's last day)"
        FIXED = "fixed", "Fixed calendar cycles, the same for everyone"

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short name, e.g. ACE.")
    credit_unit = models.CharField(max_length=10, default="CEC", help_text="CEC, CEU, …")
    contact_hours_per_unit = models.DecimalField(
        max_digits=6, decimal_places=2, help_text="ACE: 10 (0.1 CEC = 1 contact hour)."
    )
    cycle_months = models.PositiveSmallIntegerField(default=24)
    cycle_anchor = models.CharField(max_length=10, choices=Anchor, default=Anchor.EARNED)
    fixed_cycle_start = models.DateField(
        null=True, blank=True, help_text="For fixed cycles: the first day of any one cycle."
    )
    prorate_first_cycle = models.BooleanField(
        default=False, help_text="Fixed cycles: pro-rate the requirement by certification date."
    )
    credits_required = models.DecimalField(**CREDIT)
    cpr_required = models.BooleanField(default=True)
    grace_months = models.PositiveSmallIntegerField(default=6)
    at_risk_days = models.PositiveSmallIntegerField(
        default=90, help_text="Fewer days left than this, with the requirement unmet: at risk."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credits_required__gt=0), name="certifier_requirement_positive"
            ),
            models.CheckConstraint(
                condition=Q(contact_hours_per_unit__gt=0), name="certifier_hours_positive"
            ),
            models.CheckConstraint(
                condition=~Q(cycle_anchor="fixed") | Q(fixed_cycle_start__isnull=False),
                name="certifier_fixed_cycle_has_start",
            ),
        ]

    def __str__(self):
        return self.code.upper() if self.code else self.name


class KindRule(models.Model):
    """How much one kind of activity is worth toward one certifier's renewal, and its caps."""

    certifier = models.ForeignKey(Certifier, on_delete=models.CASCADE, related_name="kind_rules")
    kind = models.CharField(max_length=30, choices=Kind)
    allowed = models.BooleanField(default=True)
    value = models.DecimalField(
        **CREDIT, null=True, blank=True, help_text="Fixed credit for one activity (e.g. 0.5)."
    )
    per_unit = models.DecimalField(
        **CREDIT,
        null=True,
        blank=True,
        help_text="Credit per unit: per college credit hour, per year of a CPR/AED card.",
    )
    entry_cap = models.DecimalField(
        **CREDIT, null=True, blank=True, help_text="At most this much from one activity."
    )
    prep_course_cap = models.DecimalField(
        **CREDIT, null=True, blank=True, help_text="College: at most this for a prep course."
    )
    cycle_cap = models.DecimalField(
        **CREDIT, null=True, blank=True, help_text="At most this much per renewal cycle."
    )
    meets_requirement = models.BooleanField(
        default=False, help_text="One such activity meets the whole requirement."
    )
    min_grade = models.CharField(max_length=2, blank=True, help_text="College: e.g. C.")

    class Meta:
        ordering = ["certifier", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["certifier", "kind"], name="kindrule_unique"),
        ]

    def __str__(self):
        return f"{self.certifier}: {self.get_kind_display()}"


class Program(models.Model):
    """A certification a certifier awards, e.g. ACE Certified Personal Trainer."""

    certifier = models.ForeignKey(Certifier, on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["certifier", "name"]
        constraints = [
            models.UniqueConstraint(fields=["certifier", "name"], name="program_unique"),
        ]

    def __str__(self):
        return f"{self.certifier} {self.name}"


class Certification(models.Model):
    """A certification a professional holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifications"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="holders")
    earned_on = models.DateField()
    number = models.CharField("certification number", max_length=50, blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["user", "earned_on"]
        permissions = [("view_professional", "Can see a professional's ledger and certificates")]
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="certification_unique"),
        ]

    def __str__(self):
        return f"{self.program} ({self.user})"


class Cycle(models.Model):
    """One renewal cycle of a certification. The newest unrenewed one is current."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="cycles"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    credits_required = models.DecimalField(**CREDIT)
    renewed_on = models.DateField(null=True, blank=True)
    # When the renewal was recorded: ledger lines added later do not change a closed cycle.
    renewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["certification", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "starts_on"], name="cycle_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cycle_ordered"
            ),
            models.CheckConstraint(
                condition=Q(credits_required__gte=0), name="cycle_required_nonneg"
            ),
        ]

    def __str__(self):
        return f"{self.certification.program}: {self.starts_on} – {self.ends_on}"


class CprCard(models.Model):
    """An adult CPR/AED certificate with a live skills check."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpr_cards"
    )
    issued_on = models.DateField()
    expires_on = models.DateField()
    provider_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["user", "-expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")), name="cpr_ordered"
            ),
        ]

    def __str__(self):
        return f"CPR/AED {self.issued_on} – {self.expires_on}"


class CreditEntryQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(user=user)


class CreditEntry(models.Model):
    """One line of a professional's ledger: one credit earned on one date."""

    class Source(models.TextChoices):
        SELF_REPORTED = "self", "Self-reported"
        PETITION = "petition", "Petition"
        PROVIDER = "provider", "Provider-reported"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_entries"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    course = models.ForeignKey(
        "catalog.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    sessions = models.ManyToManyField("catalog.Session", blank=True, related_name="entries")
    title = models.CharField(max_length=300, blank=True, help_text="What was done, when no course.")
    completion_date = models.DateField()
    credit = models.DecimalField(**CREDIT)
    # College course details.
    credit_hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    grade = models.CharField(max_length=2, blank=True)
    is_prep_course = models.BooleanField(default=False)
    # CPR/AED renewal and extra certification details.
    cpr_card = models.ForeignKey(
        CprCard, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    certificate = models.FileField(upload_to="certificates/%Y/%m/", blank=True)
    certificate_name = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source, default=Source.SELF_REPORTED)
    # The certifier whose renewals this credit counts toward (and whose unit it is in).
    certifier = models.ForeignKey(
        Certifier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    petition = models.OneToOneField(
        "petitions.Petition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entry",
    )
    # A form's one-time token: a double submit finds the entry the first submit made.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    objects = CreditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-completion_date", "-id"]
        verbose_name_plural = "credit entries"
        constraints = [
            models.CheckConstraint(condition=Q(credit__gt=0), name="entry_credit_positive"),
            models.CheckConstraint(
                condition=~Q(kind="petition") | Q(petition__isnull=False),
                name="entry_petition_linked",
            ),
        ]
        indexes = [models.Index(fields=["user", "completion_date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.credit} on {self.completion_date}"

    def get_absolute_url(self):
        return reverse("tracker:entry-edit", args=[self.pk])


class EntryChange(models.Model):
    """Who changed a ledger entry, when, and what it was before and after."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        DELETED = "deleted", "Deleted"

    entry = models.ForeignKey(
        CreditEntry, on_delete=models.SET_NULL, null=True, related_name="changes"
    )
    entry_pk = models.BigIntegerField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action)
    at = models.DateTimeField(db_default=Now())
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.action} entry {self.entry_pk} at {self.at}"

    def differences(self):
        """(field, before, after) for each field an update changed, in the order recorded."""
        if not (self.before and self.after):
            return []
        return [
            (field, self.before[field], value)
            for field, value in self.after.items()
            if field in self.before and self.before[field] != value
        ]
