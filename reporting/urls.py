from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    # Provider staff
    path("rosters/", views.roster_upload, name="upload"),
    path("rosters/sample.csv", views.roster_sample, name="sample"),
    path("rosters/<int:pk>/", views.batch_detail, name="batch"),
    path("rosters/<int:pk>/progress/", views.batch_progress, name="batch-progress"),
    path("rosters/<int:pk>/confirm/", views.batch_confirm, name="batch-confirm"),
    path("rosters/<int:pk>/discard/", views.batch_discard, name="batch-discard"),
    # Professionals
    path("claims/<int:pk>/accept/", views.claim_accept, name="claim-accept"),
    path("claims/<int:pk>/decline/", views.claim_decline, name="claim-decline"),
    path("entries/<int:pk>/hide/", views.entry_hide, name="entry-hide"),
    path("entries/<int:pk>/unhide/", views.entry_unhide, name="entry-unhide"),
    path("entries/<int:pk>/dispute/", views.entry_dispute, name="entry-dispute"),
    # Reviewers
    path("disputes/", views.dispute_queue, name="disputes"),
    path("disputes/<int:pk>/uphold/", views.dispute_uphold, name="dispute-uphold"),
    path("disputes/<int:pk>/withdraw/", views.dispute_withdraw, name="dispute-withdraw"),
]
