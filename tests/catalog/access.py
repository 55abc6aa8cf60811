import io

from catalog.importer import batch_stage
from catalog.models import ImportBatch
from tests.access import (
    NOT_ALLOWED,
    NOT_FOUND,
    PAGE,
    REDIRECT,
    Route,
    provider_staff_only,
    public,
    reviewers_only,
)
from tests.catalog.factories import CourseApprovalFactory, CourseFactory, PendingCourseFactory


def build(world):
    world.course = CourseFactory()
    world.approval = CourseApprovalFactory(course=world.course)
    world.own_pending = PendingCourseFactory(
        provider=world.provider_staff.provider, submitted_by=world.provider_staff
    )
    # The reviewer's uploads: one waiting for confirmation, one imported.
    csv = (
        b"number,title,provider,provider_email,delivery_format,cec_value,approved_on,expires_on\n"
        b"CA31337,Access walk,Walk Co,walk@example.com,online,0.3,2024-01-01,2028-12-31\n"
    )
    world.imported_batch = batch_stage(
        binary=io.BytesIO(csv), filename="done.csv", user=world.reviewer
    )
    ImportBatch.objects.filter(pk=world.imported_batch.pk).update(status=ImportBatch.Status.DONE)
    world.staged_batch = batch_stage(
        binary=io.BytesIO(csv), filename="staged.csv", user=world.reviewer
    )


def staged_batch(w):
    return {"pk": w.staged_batch.pk}


def imported_batch(w):
    return {"pk": w.imported_batch.pk}


def reviewers_own(outcome=PAGE):
    """The uploader (the reviewer) gets `outcome`; every other reviewer, a 404."""
    return reviewers_only() | {"reviewer": outcome, "admin": NOT_FOUND}


def reviewer_post_only():
    return reviewers_only() | {"reviewer": NOT_ALLOWED, "admin": NOT_ALLOWED}


def own_pending(w):
    return {"pk": w.own_pending.pk}


ROUTES = [
    Route("catalog:course-list", public()),
    Route("catalog:course-list", public(), query="q=strength&format=online&status=current"),
    Route("catalog:course-list", public(), query="page=abc&status=bogus&format=x"),
    Route("catalog:course-detail", public(), kwargs=lambda w: {"pk": w.course.pk}),
    Route("catalog:lookup", public()),
    Route("catalog:lookup", public(), query="number=ca+20000"),
    Route("catalog:lookup-json", public(), query="number=CA1"),
    Route("catalog:provider-courses", provider_staff_only()),
    Route("catalog:provider-course-create", provider_staff_only()),
    Route("catalog:provider-course-detail", provider_staff_only(), kwargs=own_pending),
    Route("catalog:provider-course-edit", provider_staff_only(), kwargs=own_pending),
    # A confirmation page first; the POST withdraws.
    Route("catalog:provider-course-withdraw", provider_staff_only(), kwargs=own_pending),
    Route("catalog:review-queue", reviewers_only()),
    Route("catalog:review-detail", reviewers_only(), kwargs=own_pending),
    Route("catalog:review-approve", reviewer_post_only(), kwargs=own_pending),
    Route("catalog:review-reject", reviewer_post_only(), kwargs=own_pending),
    Route(
        "catalog:review-approval-add",
        reviewer_post_only(),
        kwargs=lambda w: {"pk": w.course.pk},
    ),
    Route(
        "catalog:review-approval-remove",
        reviewer_post_only(),
        kwargs=lambda w: {"pk": w.course.pk, "approval_pk": w.approval.pk},
    ),
    Route("catalog:provider-list", reviewers_only()),
    Route(
        "catalog:provider-detail",
        reviewers_only(),
        kwargs=lambda w: {"pk": w.provider_staff.provider_id},
    ),
    Route(
        "catalog:provider-staff-remove",
        reviewer_post_only(),
        kwargs=lambda w: {"pk": w.provider_staff.provider_id, "user_pk": w.provider_staff.pk},
    ),
    Route("catalog:import-upload", reviewers_only()),
    # A batch is its uploader's alone: another reviewer (the admin here) gets a 404.
    Route("catalog:import-preview", reviewers_own(), kwargs=staged_batch),
    Route("catalog:import-batch", reviewers_own(), kwargs=imported_batch),
    Route("catalog:import-progress", reviewers_own(), kwargs=imported_batch),
    Route("catalog:import-progress", reviewers_own(), kwargs=staged_batch),
    # Each page sends to the other while the batch is not (or no longer) in its state.
    Route("catalog:import-batch", reviewers_own(REDIRECT), kwargs=staged_batch),
    Route("catalog:import-preview", reviewers_own(REDIRECT), kwargs=imported_batch),
    Route("catalog:import-confirm", reviewer_post_only(), kwargs=staged_batch),
    Route("catalog:import-cancel", reviewer_post_only(), kwargs=staged_batch),
    Route(
        "catalog:import-confirm",
        reviewers_own(REDIRECT),
        kwargs=imported_batch,
        method="post",
    ),
    Route(
        "catalog:import-cancel",
        reviewers_own(REDIRECT),
        kwargs=imported_batch,
        method="post",
    ),
]
