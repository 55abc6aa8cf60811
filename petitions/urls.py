from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("new/", views.petition_new, name="new"),
    path("new/preview/", views.petition_preview, name="preview"),
    path("<int:pk>/", views.petition_detail, name="detail"),
    path("<int:pk>/withdraw/", views.petition_withdraw, name="withdraw"),
    path("<int:pk>/respond/", views.petition_respond, name="respond"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/", views.review, name="review"),
    path("queue/<int:pk>/start/", views.start_review, name="start-review"),
    path("queue/<int:pk>/approve/", views.approve, name="approve"),
    path("queue/<int:pk>/deny/", views.deny, name="deny"),
    path("queue/<int:pk>/request-info/", views.request_info, name="request-info"),
]
