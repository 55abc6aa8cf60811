from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.course_list, name="course-list"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("lookup/", views.lookup, name="lookup"),
    path("lookup.json", views.lookup_json, name="lookup-json"),
    # Provider self-service
    path("provider/courses/", views.provider_courses, name="provider-courses"),
    path("provider/courses/new/", views.provider_course_create, name="provider-course-create"),
    path("provider/courses/<int:pk>/", views.provider_course_detail, name="provider-course-detail"),
    path(
        "provider/courses/<int:pk>/edit/", views.provider_course_edit, name="provider-course-edit"
    ),
    path(
        "provider/courses/<int:pk>/withdraw/",
        views.provider_course_withdraw,
        name="provider-course-withdraw",
    ),
    # Reviewers
    path("review/", views.review_queue, name="review-queue"),
    path("review/<int:pk>/", views.review_detail, name="review-detail"),
    path("review/<int:pk>/approve/", views.review_approve, name="review-approve"),
    path("review/<int:pk>/reject/", views.review_reject, name="review-reject"),
    path("review/<int:pk>/approvals/", views.review_approval_add, name="review-approval-add"),
    path(
        "review/<int:pk>/approvals/<int:approval_pk>/remove/",
        views.review_approval_remove,
        name="review-approval-remove",
    ),
    path("providers/", views.provider_list, name="provider-list"),
    path("providers/<int:pk>/", views.provider_detail, name="provider-detail"),
    path(
        "providers/<int:pk>/staff/<int:user_pk>/remove/",
        views.provider_staff_remove,
        name="provider-staff-remove",
    ),
    path("import/", views.import_upload, name="import-upload"),
    path("import/<int:pk>/", views.import_batch, name="import-batch"),
    path("import/<int:pk>/preview/", views.import_preview, name="import-preview"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("import/<int:pk>/cancel/", views.import_cancel, name="import-cancel"),
    path("import/<int:pk>/progress/", views.import_progress, name="import-progress"),
]
