import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils import timezone

CREDIT = {"max_digits": 6, "decimal_places": 1}


class PetitionQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(user=user)

    def open(self):
        return self.filter(status__in=Petition.OPEN_STATUSES)

    def first_come_first_served(self):
        return self.order_by("submitted_at", "pk")

    def visible_to(self, user):
        """The owner's petitions; every petition for whoever may review petitions."""
        from accounts.roles import REVIEW_PETITIONS

        return self if user.has_perm(REVIEW_PETITIONS) else self.owned_by(user)

    def with_status(self, status):
        """`open`, `all`, or one status."""
        if status == "all":
            return self
        if status == "open":
            return self.open()
        return self.filter(status=status)

    def of_type(self, petition_type):
        return self.filter(type=petition_type) if petition_type else self

    def aged(self, age, *, now, target_days):
        """Filter by age against the decision target: overdue, due_soon (7 days), on_track."""
        due = now - datetime.timedelta(days=target_days)
        if age == "overdue":
            return self.filter(submitted_at__lt=due)
        if age == "due_soon":
            return self.filter(
                submitted_at__gte=due, submitted_at__lt=due + datetime.timedelta(days=7)
            )
        if age == "on_track":
            return self.filter(submitted_at__gte=due)
        return self

    def annotate_documents(self):
        # A correlated subquery rather than JOIN + GROUP BY: counted only for the rows a page
        # shows, and the queue's COUNT(*) leaves it out entirely.
        documents = (
            Document.objects.filter(petition=models.OuterRef("pk"))
            .order_by()
            .values("petition")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            document_count=Coalesce(
                models.Subquery(documents), 0, output_field=models.IntegerField()
            )
        )

    def for_queue(self):
        return self.select_related("user").annotate_documents()


class Petition(models.Model):
    class Type(models.TextChoices):
        LIVE_WORKSHOP = "live_workshop", "Live workshop"
        DISTANCE = "distance", "Distance learning"
        BLENDED = "blended", "Blended"
        CONFERENCE = "conference", "Conference"
        COLLEGE = "college", "College course"
        NCCA = "ncca", "Another NCCA-accredited certification"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        INFO_REQUESTED = "info_requested", "More information requested"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.INFO_REQUESTED)
    DECIDED_STATUSES = (Status.APPROVED, Status.DENIED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="petitions"
    )
    type = models.CharField(max_length=20, choices=Type)
    course_title = models.CharField(max_length=300)
    provider_name = models.CharField(max_length=200)
    completion_date = models.DateField()
    contact_hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    credit_hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    grade = models.CharField(max_length=2, blank=True)
    is_prep_course = models.BooleanField(default=False)
    credit_requested = models.DecimalField(**CREDIT)
    description = models.TextField(max_length=5000)
    # The certification whose current cycle the completion date falls in, when filed.
    certification = models.ForeignKey(
        "tracker.Certification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="petitions",
    )
    status = models.CharField(
        max_length=20, choices=Status, default=Status.SUBMITTED, db_index=True
    )
    credit_awarded = models.DecimalField(**CREDIT, null=True, blank=True)
    decision_reason = models.TextField(blank=True, max_length=5000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        permissions = [("review_petition", "Can review and decide petitions")]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_requested__gt=0), name="petition_request_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(credit_awarded__gt=0),
                name="petition_approved_has_award",
            ),
            models.CheckConstraint(
                condition=~Q(status="denied") | ~Q(decision_reason=""),
                name="petition_denied_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # The reviewers' queue (open petitions, oldest first) reads only this small index,
            # however many decided petitions pile up beside it.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=["submitted", "under_review", "info_requested"]),
                name="petition_open_queue",
            ),
        ]

    def __str__(self):
        return f"Petition #{self.pk}: {self.course_title}"

    def get_absolute_url(self):
        return reverse("petitions:detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_decided(self):
        return self.status in self.DECIDED_STATUSES

    @property
    def due_at(self):
        """When a decision is due: the target counts from the day it was filed."""
        return self.submitted_at + datetime.timedelta(days=settings.PETITION_TARGET_DAYS)

    def age_days(self, now=None):
        return ((now or timezone.now()) - self.submitted_at).days

    def is_overdue(self, now=None):
        return self.is_open and (now or timezone.now()) > self.due_at


class Document(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="petitions/%Y/%m/")
    label = models.CharField(max_length=120, help_text="The uploaded file's name, made safe.")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["petition", "uploaded_at", "pk"]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("petitions:document", args=[self.pk])

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class PetitionEvent(models.Model):
    """Every change of a petition: who, when, from which state to which, and the note."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Petition.Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Petition.Status)
    note = models.TextField(blank=True, max_length=5000)
    at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["petition", "at", "pk"]

    def __str__(self):
        return f"{self.petition_id}: {self.from_status} → {self.to_status}"
