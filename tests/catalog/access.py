from tests.access import (
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
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


def provider_post_only():
    return provider_staff_only() | {"provider_staff": NOT_ALLOWED}


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
    Route("catalog:provider-course-withdraw", provider_post_only(), kwargs=own_pending),
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
    Route("catalog:import-upload", reviewers_only()),
    # With no upload waiting, the preview sends the reviewer back to the upload page.
    Route(
        "catalog:import-preview",
        {
            "anonymous": LOGIN,
            "professional": FORBIDDEN,
            "provider_staff": FORBIDDEN,
            "reviewer": REDIRECT,
            "admin": REDIRECT,
        },
    ),
    Route("catalog:import-cancel", reviewer_post_only()),
]
