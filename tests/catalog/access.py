from tests.access import Route, provider_staff_only, public, reviewers_only
from tests.catalog.factories import CourseFactory


def build(world):
    world.course = CourseFactory()


ROUTES = [
    Route("catalog:course-list", public()),
    Route("catalog:course-detail", public(), kwargs=lambda w: {"pk": w.course.pk}),
    Route("catalog:provider-courses", provider_staff_only()),
    Route("catalog:review-queue", reviewers_only()),
]
