from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.course_list, name="course-list"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("provider/courses/", views.provider_courses, name="provider-courses"),
    path("review/", views.review_queue, name="review-queue"),
]
