from django.urls import path

from . import audit_views, certificate_views, reviewer_views, views

app_name = "tracker"

urlpatterns = [
    path("cecs/", views.dashboard, name="dashboard"),
    path("cecs/lookup/", views.course_lookup, name="course-lookup"),
    path("cecs/add/", views.credit_add, name="credit-add"),
    path("cecs/add/<slug:kind>/", views.activity_add, name="activity-add"),
    path("cecs/entries/<int:pk>/edit/", views.entry_edit, name="entry-edit"),
    path("cecs/entries/<int:pk>/delete/", views.entry_delete, name="entry-delete"),
    path("cecs/entries/<int:pk>/certificate/", views.entry_certificate, name="entry-certificate"),
    path("cecs/certifications/add/", views.certification_add, name="certification-add"),
    path("cecs/certifications/<int:pk>/renew/", views.cycle_renew, name="cycle-renew"),
    path(
        "cecs/certifications/<int:pk>/record-renewal/",
        views.cycle_record_renewal,
        name="cycle-record-renewal",
    ),
    path(
        "cecs/certifications/<int:pk>/still-counts/",
        views.still_counts,
        name="still-counts",
    ),
    path("cecs/cycles/<int:pk>/transcript/", views.transcript, name="transcript"),
    path("cecs/cpr-cards/add/", views.cpr_card_add, name="cpr-card-add"),
    path("cecs/export.csv", views.export_csv, name="export-csv"),
    # Certificates read, card pictures, the transcript as a PDF and the cycle's files as a ZIP
    path("cecs/read/", certificate_views.reading_start, name="reading-start"),
    path("cecs/read/<int:pk>/", certificate_views.reading_detail, name="reading"),
    path(
        "cecs/cpr-cards/<int:pk>/<slug:side>/",
        certificate_views.cpr_card_image,
        name="cpr-card-image",
    ),
    path(
        "cecs/cycles/<int:pk>/transcript.pdf",
        certificate_views.transcript_pdf,
        name="transcript-pdf",
    ),
    path(
        "cecs/cycles/<int:pk>/certificates.zip",
        certificate_views.certificates_zip,
        name="certificates-zip",
    ),
    path("cecs/history/", views.history, name="history"),
    path("cecs/audits/<int:pk>/", audit_views.my_audit, name="my-audit"),
    path("cecs/audits/proof/<int:pk>/", audit_views.proof_upload, name="audit-proof-upload"),
    path("cecs/audits/proof/<int:pk>/file/", audit_views.proof_file, name="audit-proof"),
    # Reviewers
    path("review/lapsing/", reviewer_views.lapsing_list, name="lapsing"),
    path("review/lapsing.csv", reviewer_views.lapsing_csv, name="lapsing-csv"),
    path("review/professionals/", reviewer_views.professional_search, name="professionals"),
    path(
        "review/professionals/<int:pk>/",
        reviewer_views.professional_detail,
        name="professional",
    ),
    path("review/audits/", audit_views.audit_queue, name="audits"),
    path("review/audits/sample/", audit_views.audit_sample, name="audit-sample"),
    path("review/audits/pick/", audit_views.audit_pick, name="audit-pick"),
    path("review/audits/<int:pk>/", audit_views.audit_review, name="audit-review"),
    path("review/audits/items/<int:pk>/decide/", audit_views.audit_decide, name="audit-decide"),
    path(
        "review/professionals/<int:pk>/history/",
        reviewer_views.professional_history,
        name="professional-history",
    ),
]
