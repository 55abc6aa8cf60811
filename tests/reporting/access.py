import datetime
from decimal import Decimal

from reporting import services
from reporting.models import Dispute, RosterBatch
from tests.access import (
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    REDIRECT,
    Route,
    provider_staff_only,
    reviewers_only,
    signed_in,
)
from tests.catalog.factories import CourseFactory
from tests.tracker.factories import CreditEntryFactory
from tracker.models import CreditEntry


def build(world):
    provider = world.provider_staff.provider
    world.roster_course = CourseFactory(provider=provider, cec_value=Decimal("0.2"))
    rows = [{"email": world.professional.email, "completion_date": "2025-03-01"}]
    world.checked_batch = services.stage(
        provider, rows, source=RosterBatch.Source.UPLOAD, by=world.provider_staff,
        course=world.roster_course, filename="walk.csv",
    )  # fmt: skip
    world.reported_entry = CreditEntryFactory(
        user=world.professional,
        course=world.roster_course,
        source=CreditEntry.Source.PROVIDER,
        completion_date=datetime.date(2025, 3, 1),
    )
    world.dispute = Dispute.objects.create(
        entry=world.reported_entry, summary="walk", opened_by=world.professional, note="Not me"
    )


def checked_batch(w):
    return {"pk": w.checked_batch.pk}


def reported_entry(w):
    return {"pk": w.reported_entry.pk}


def dispute(w):
    return {"pk": w.dispute.pk}


def provider_post_only():
    return provider_staff_only() | {"provider_staff": NOT_ALLOWED}


def reviewer_post_only():
    return reviewers_only() | {"reviewer": NOT_ALLOWED, "admin": NOT_ALLOWED}


def owner_only(outcome):
    """The entry's owner (the professional) gets `outcome`; everyone else signed in, a 404."""
    return {
        "anonymous": LOGIN,
        "professional": outcome,
        "provider_staff": NOT_FOUND,
        "reviewer": NOT_FOUND,
        "admin": NOT_FOUND,
    }


ROUTES = [
    Route("reporting:upload", provider_staff_only()),
    Route("reporting:sample", provider_staff_only()),
    Route("reporting:batch", provider_staff_only(), kwargs=checked_batch),
    Route("reporting:batch", provider_staff_only(), kwargs=checked_batch, query="show=refused"),
    Route("reporting:batch-progress", provider_staff_only(), kwargs=checked_batch),
    Route("reporting:batch-confirm", provider_post_only(), kwargs=checked_batch),
    Route("reporting:batch-discard", provider_post_only(), kwargs=checked_batch),
    Route("reporting:claim-accept", signed_in(NOT_ALLOWED), kwargs=lambda w: {"pk": 1}),
    Route("reporting:claim-decline", signed_in(NOT_ALLOWED), kwargs=lambda w: {"pk": 1}),
    Route("reporting:entry-hide", signed_in(NOT_ALLOWED), kwargs=reported_entry),
    Route("reporting:entry-unhide", signed_in(NOT_ALLOWED), kwargs=reported_entry),
    Route("reporting:entry-dispute", signed_in(NOT_ALLOWED), kwargs=reported_entry),
    # Counting an entry that is not hidden changes nothing: safe to walk as everyone.
    Route("reporting:entry-unhide", owner_only(REDIRECT), kwargs=reported_entry, method="post"),
    Route(
        "reporting:claim-accept",
        signed_in(NOT_FOUND),
        kwargs=lambda w: {"pk": w.checked_batch.completions.get().pk},
        method="post",
    ),
    Route("reporting:disputes", reviewers_only()),
    Route("reporting:dispute-uphold", reviewer_post_only(), kwargs=dispute),
    Route("reporting:dispute-withdraw", reviewer_post_only(), kwargs=dispute),
]
