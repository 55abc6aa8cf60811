from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse

from cecportal.history import History, OnBehalf

from . import rules

CREDIT = {"max_digits": 6, "decimal_places": 1}


class Kind(models.TextChoices):
    """What a person can do to earn credit (the shape of a form). Whether and how much each
    counts is every certifier's own data (ActivityRule)."""

    APPROVED_COURSE = rules.APPROVED_COURSE, rules.KIND_LABELS[rules.APPROVED_COURSE]
    CONFERENCE = rules.CONFERENCE, rules.KIND_LABELS[rules.CONFERENCE]
    LIVE_EVENT = rules.LIVE_EVENT, rules.KIND_LABELS[rules.LIVE_EVENT]
    CPR_AED = rules.CPR_AED, rules.KIND_LABELS[rules.CPR_AED]
    FIRST_AID = rules.FIRST_AID, rules.KIND_LABELS[rules.FIRST_AID]
    COLLEGE = rules.COLLEGE, rules.KIND_LABELS[rules.COLLEGE]
    EXTRA_CERTIFICATION = rules.EXTRA_CERTIFICATION, rules.KIND_LABELS[rules.EXTRA_CERTIFICATION]
    BROADENING = rules.BROADENING, rules.KIND_LABELS[rules.BROADENING]
    PRESENTING = rules.PRESENTING, rules.KIND_LABELS[rules.PRESENTING]
    PUBLISHING = rules.PUBLISHING, rules.KIND_LABELS[rules.PUBLISHING]
    MENTORING = rules.MENTORING, rules.KIND_LABELS[rules.MENTORING]
    VOLUNTEERING = rules.VOLUNTEERING, rules.KIND_LABELS[rules.VOLUNTEERING]
    QUIZ = rules.QUIZ, rules.KIND_LABELS[rules.QUIZ]
    PETITION = rules.PETITION, rules.KIND_LABELS[rules.PETITION]


class Sourced(models.Model):
    """Where a rule's numbers come from, and what of them is not confirmed."""

    source = models.TextField(
        blank=True, max_length=5000, help_text="The published page the numbers come from."
    )
    unverified = models.TextField(
        blank=True,
        max_length=5000,
        help_text="What is not confirmed by the certifier (shipped as an editable default).",
    )

    class Meta:
        abstract = True


class Certifier(Sourced):
    """A certifying body: its unit, its cycles and its course numbers. Its renewal rules are
    versions (RuleSet) from an effective date. Everything here is data an admin can edit."""

    class CycleKind(models.TextChoices):
        ANCHORED = rules.CycleKind.ANCHORED, "Each person's own cycle, from the date earned"
        FIXED = rules.CycleKind.FIXED, "Fixed calendar periods, the same for everyone"

    class CycleEnd(models.TextChoices):
        END_OF_MONTH = rules.CycleEnd.END_OF_MONTH, "Last day of the month, N months on"
        SAME_DAY = rules.CycleEnd.SAME_DAY, "The same date, N months on"
        END_OF_YEAR = rules.CycleEnd.END_OF_YEAR, "December 31 of the year it falls due"

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short name, e.g. ace.")
    unit_singular = models.CharField(max_length=20, default="CEC", help_text="CEC, CEU, hour …")
    unit_plural = models.CharField(max_length=20, default="CECs", help_text="CECs, CEUs, hours …")
    contact_hours_per_unit = models.DecimalField(
        max_digits=6, decimal_places=2, help_text="ACE: 10 (0.1 CEC = 1 contact hour); AFAA: 1."
    )
    cycle_kind = models.CharField(max_length=10, choices=CycleKind, default=CycleKind.ANCHORED)
    cycle_months = models.PositiveSmallIntegerField(default=24)
    cycle_end = models.CharField(max_length=20, choices=CycleEnd, default=CycleEnd.END_OF_MONTH)
    fixed_cycle_start = models.DateField(
        null=True, blank=True, help_text="Fixed periods: the first day of any one period."
    )
    at_risk_days = models.PositiveSmallIntegerField(
        default=90, help_text="Fewer days left than this, with the requirement unmet: at risk."
    )
    course_number_pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text="A regular expression an approval number must match whole (after spaces are "
        r"removed and letters capitalised), e.g. (CEP|CP|CA|CS|CL)\d{5,6}.",
    )
    course_number_example = models.CharField(max_length=30, blank=True)
    assigns_catalog_numbers = models.BooleanField(
        default=False,
        help_text="The course numbers this portal's reviewers assign are this certifier's.",
    )
    audit_proof_days = models.PositiveSmallIntegerField(
        default=30,
        help_text="Days an audited professional has to send proof of each credit (ACSM, NSCA: 30).",
    )

    history = History()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_hours_per_unit__gt=0), name="certifier_hours_positive"
            ),
            models.CheckConstraint(
                condition=~Q(cycle_kind="fixed") | Q(fixed_cycle_start__isnull=False),
                name="certifier_fixed_cycle_has_start",
            ),
            models.UniqueConstraint(
                fields=["assigns_catalog_numbers"],
                condition=Q(assigns_catalog_numbers=True),
                name="certifier_one_catalog_numbering",
            ),
        ]

    def __str__(self):
        return self.code.upper() if self.code else self.name


class RuleSet(Sourced):
    """One version of a certifier's renewal rules, for cycles starting on or after
    `effective_from`. A renewed cycle keeps the result it was renewed with."""

    class CprWindow(models.TextChoices):
        NONE = rules.CprWindow.NONE, "Not required"
        DEADLINE = rules.CprWindow.DEADLINE, "Current on the deadline (or on the day of renewal)"
        SUBMISSION = rules.CprWindow.SUBMISSION, "Valid N days past the day of renewal"

    certifier = models.ForeignKey(Certifier, on_delete=models.CASCADE, related_name="rule_sets")
    effective_from = models.DateField(help_text="Applies to cycles starting on or after this day.")
    credits_required = models.DecimalField(**CREDIT)
    grace_months = models.PositiveSmallIntegerField(default=0)
    cpr_window = models.CharField(max_length=12, choices=CprWindow, default=CprWindow.DEADLINE)
    cpr_days_after = models.PositiveSmallIntegerField(
        default=0, help_text="With “valid N days past the day of renewal”: N (ISSA: 30)."
    )
    min_categories = models.PositiveSmallIntegerField(
        default=0, help_text="Credit must come from at least this many categories (NSCA: 2)."
    )
    extra_certification_meets_requirement = models.BooleanField(
        default=False,
        help_text="Another certification of this certifier earned in the cycle meets the "
        "whole requirement (ACE).",
    )

    history = History()

    class Meta:
        ordering = ["certifier", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "effective_from"], name="ruleset_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(credits_required__gte=0), name="ruleset_requirement_nonneg"
            ),
        ]

    def __str__(self):
        return f"{self.certifier} rules from {self.effective_from:%m/%d/%Y}"


class Category(Sourced):
    """A category of activity, as the certifier defines it (ACE "Presenting", NSCA "A")."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(max_length=20, help_text="Short and stable across versions: A, B, …")
    name = models.CharField(max_length=200)
    cycle_cap = models.DecimalField(
        **CREDIT, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="At most this much per cycle.",
    )  # fmt: skip
    year_cap = models.DecimalField(
        **CREDIT, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="At most this much per calendar year.",
    )  # fmt: skip
    min_share = models.DecimalField(
        **CREDIT, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="At least this much of the requirement must come from here (NASM CPR/AED 0.1).",
    )  # fmt: skip
    counts_as_distinct = models.BooleanField(
        default=True, help_text="Counts toward the minimum number of categories."
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = History()

    class Meta:
        ordering = ["rule_set", "position", "code"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="category_unique"),
        ]

    def __str__(self):
        return f"{self.code}: {self.name}"


class ActivityRule(Sourced):
    """What one kind of activity is worth toward a certifier, in which category."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=30, choices=Kind)
    category = models.ForeignKey(Category, on_delete=models.RESTRICT, related_name="activities")
    value = models.DecimalField(
        **CREDIT, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Fixed credit for one activity (e.g. 0.5).",
    )  # fmt: skip
    per_unit = models.DecimalField(
        **CREDIT, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Credit per college credit hour, or per year of a CPR/AED card.",
    )  # fmt: skip
    entry_cap = models.DecimalField(
        **CREDIT, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="At most this much from one activity.",
    )  # fmt: skip
    prep_course_cap = models.DecimalField(
        **CREDIT, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="College: at most this for a certification-prep course.",
    )  # fmt: skip
    min_grade = models.CharField(
        max_length=2, blank=True, choices=[(g, g) for g in rules.GRADES],
        help_text="College: the lowest grade that counts.",
    )  # fmt: skip
    needs_approval = models.BooleanField(
        default=True,
        help_text="Courses: only with this certifier's approval (off: any catalog course "
        "counts by its contact hours).",
    )
    home_study_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Courses: the category of a home-study course, where it is not the one "
        "above (NSCA: live events are A, home study D).",
    )  # fmt: skip

    history = History()

    class Meta:
        ordering = ["rule_set", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "kind"], name="activityrule_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.category.code}"


class ProrationBand(models.Model):
    """A row of a fixed period's pro-rating table: people certified in months
    [from_month, to_month) after the period starts need `credits_required` (blank from_month:
    certified before the period)."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="bands")
    from_month = models.PositiveSmallIntegerField(null=True, blank=True)
    to_month = models.PositiveSmallIntegerField(null=True, blank=True)
    credits_required = models.DecimalField(**CREDIT, validators=[MinValueValidator(0)])
    category_caps = models.JSONField(
        default=dict,
        blank=True,
        help_text='Each category\'s maximum for these people, e.g. {"A": "5.5", "B": "4.0"}.',
    )

    history = History()

    class Meta:
        ordering = ["rule_set", "from_month"]

    def __str__(self):
        start = "before" if self.from_month is None else f"month {self.from_month}"
        return f"{start}–{self.to_month}: {self.credits_required}"


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

    history = History()

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
    renewed_on = models.DateField(null=True, blank=True)
    # When the renewal was recorded: ledger lines added later do not change a closed cycle.
    renewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # True when the person recorded a renewal done with the certifier (not checked here).
    renewed_outside = models.BooleanField(default=False)
    # What the rules said when it was renewed (rules.FrozenResult as JSON): kept forever.
    frozen_result = models.JSONField(null=True, blank=True, editable=False)

    history = History()

    class Meta:
        ordering = ["certification", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "starts_on"], name="cycle_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cycle_ordered"
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
    # Pictures of the card (NASM asks for both sides): private, served only to the owner.
    front_image = models.FileField(upload_to="cards/%Y/%m/", blank=True)
    back_image = models.FileField(upload_to="cards/%Y/%m/", blank=True)

    history = History()

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

    def counted(self):
        """What the rules take as input: everything but the entries hidden from totals."""
        return self.filter(hidden_at__isnull=True)


class CreditEntry(models.Model):
    """One line of a professional's ledger: one credit earned on one date."""

    class Source(models.TextChoices):
        SELF_REPORTED = "self", "Self-reported"
        PETITION = "petition", "Petition"
        PROVIDER = "provider", "Provider-reported"
        STAFF = "staff", "Entered by staff"

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
    # A course or event outside the catalog, and conference sessions: its contact hours.
    contact_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
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
    note = models.TextField(blank=True, max_length=2000)
    source = models.CharField(max_length=10, choices=Source, default=Source.SELF_REPORTED)
    # The certifier a non-shared activity (presenting, publishing …) was logged toward; the
    # credit it gives each certifier is in `claims` (EntryCredit), posted by the rules.
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
    # Hidden by its owner from the totals (provider-reported credit they cannot change): the
    # line stays visible, the rules do not count it.
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    objects = CreditEntryQuerySet.as_manager()
    history = History(bases=[OnBehalf])

    # Sources whose credit, date and course the professional cannot change: a reviewer
    # decided them (a petition) or entered them from the certificate (staff), with the why.
    OWNER_READ_ONLY = {
        Source.PETITION: "Credit awarded on a petition is read-only.",
        Source.STAFF: "Credit entered by staff from your certificate is read-only; "
        "write to the reviewers if something in it is wrong.",
    }

    class Meta:
        ordering = ["-completion_date", "-id"]
        verbose_name_plural = "credit entries"
        constraints = [
            models.CheckConstraint(condition=Q(credit__gt=0), name="entry_credit_positive"),
            models.CheckConstraint(
                condition=~Q(kind="petition") | Q(petition__isnull=False),
                name="entry_petition_linked",
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="entry_hidden_has_reason",
            ),
            # Only an approval (petitions.services.petition_approve) posts a petition's credit,
            # as a petition line: no other line can claim a petition, none can drop it.
            models.CheckConstraint(
                condition=(Q(petition__isnull=True) & ~Q(source="petition"))
                | (Q(petition__isnull=False) & Q(source="petition") & Q(kind="petition")),
                name="entry_petition_source",
            ),
        ]
        indexes = [models.Index(fields=["user", "completion_date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.credit} on {self.completion_date}"

    def get_absolute_url(self):
        return reverse("tracker:entry-edit", args=[self.pk])

    @property
    def is_provider_reported(self):
        return self.source == self.Source.PROVIDER


class EntryCredit(models.Model):
    """What one ledger entry gives one certifier, in its unit and category: posted by the
    rules (`rules.claims_for`) when the entry is added or changed, never edited by hand."""

    entry = models.ForeignKey(CreditEntry, on_delete=models.CASCADE, related_name="claims")
    certifier = models.ForeignKey(Certifier, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20)
    credit = models.DecimalField(**CREDIT)

    history = History()

    class Meta:
        ordering = ["entry", "certifier"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "certifier"], name="entrycredit_unique"),
            models.CheckConstraint(condition=Q(credit__gt=0), name="entrycredit_positive"),
        ]

    def __str__(self):
        return f"{self.credit} {self.certifier.unit_singular} ({self.category})"


# --- Audits of renewals ---------------------------------------------------------------------


class AuditSample(models.Model):
    """A random sample of the renewals recorded in a date range; the seed makes it
    reproducible: the same population and seed pick the same renewals."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(db_default=Now())
    renewed_from = models.DateField()
    renewed_to = models.DateField()
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    seed = models.BigIntegerField()
    population = models.PositiveIntegerField()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(renewed_to__gte=models.F("renewed_from")), name="sample_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=False) | Q(size__isnull=False),
                name="sample_has_percent_or_size",
            ),
        ]

    def __str__(self):
        return f"Sample of {self.renewed_from} – {self.renewed_to} (seed {self.seed})"


class AuditQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(cycle__certification__user=user)

    def by_due_date(self):
        return self.order_by("due_on", "pk")


class Audit(models.Model):
    """An audit of one renewal: proof asked for every credit that counted in it."""

    class Outcome(models.TextChoices):
        OPEN = "open", "Open: proof requested"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        OVERDUE = "overdue", "Overdue: proof not sent in time"

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="audit")
    sample = models.ForeignKey(
        AuditSample, on_delete=models.PROTECT, null=True, blank=True, related_name="audits"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(db_default=Now())
    due_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.OPEN)
    concluded_at = models.DateTimeField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["due_on", "pk"]
        permissions = [("audit_renewal", "Can audit renewals and decide their proof")]

    def __str__(self):
        return f"Audit of {self.cycle}"

    @property
    def is_open(self):
        return self.outcome == self.Outcome.OPEN


class AuditItem(models.Model):
    """One counted credit of an audited renewal: its proof, and the auditor's decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey(CreditEntry, on_delete=models.PROTECT, related_name="audit_items")
    credit = models.DecimalField(**CREDIT)
    category = models.CharField(max_length=20, blank=True)
    proof = models.FileField(upload_to="audits/%Y/%m/", blank=True)
    proof_name = models.CharField(max_length=120, blank=True)
    proof_type = models.CharField(max_length=50, blank=True)
    proof_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision, default=Decision.PENDING)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = History()

    class Meta:
        ordering = ["audit", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "entry"], name="audititem_unique"),
            models.CheckConstraint(
                condition=~Q(decision="rejected") | ~Q(reason=""), name="audititem_rejected_reason"
            ),
        ]

    def __str__(self):
        return f"{self.entry} ({self.get_decision_display()})"


class CertificateReading(models.Model):
    """A certificate uploaded to be read: what the worker read from it, waiting for the
    person to confirm it on the add form. Nothing here is credit; the file becomes the
    entry's certificate when the person adds the entry, and the reading is then deleted."""

    class Purpose(models.TextChoices):
        COURSE = "course", "A course certificate"
        CPR_CARD = "cpr", "A CPR/AED card"

    class Status(models.TextChoices):
        PENDING = "pending", "Reading"
        DONE = "done", "Read"
        FAILED = "failed", "Could not be read"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificate_readings"
    )
    purpose = models.CharField(max_length=10, choices=Purpose, default=Purpose.COURSE)
    file = models.FileField(upload_to="readings/%Y/%m/")
    file_name = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    text = models.TextField(blank=True, help_text="The text read from the file.")
    course_number = models.CharField(max_length=64, blank=True)
    completion_date = models.DateField(null=True, blank=True)
    credit = models.DecimalField(**CREDIT, null=True, blank=True)
    unit = models.CharField(max_length=10, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    # Sentences for the form: what could not be read, or what was read but does not fit.
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"
