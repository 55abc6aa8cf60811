from django.contrib import admin
from django.urls import include, path

from api.v1 import urls as api_v1_urls

from . import views

admin.site.site_header = "CEC Portal administration"
admin.site.site_title = "CEC Portal admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("review/", views.review_home, name="review-home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("catalog/", include("catalog.urls")),
    path("my/", include("tracker.urls")),
    path("petitions/", include("petitions.urls")),
    path("notices/", include("notices.urls")),
    path("verify/", include("tracker.verify_urls")),
    path("reporting/", include("reporting.urls")),
    path("api/v1/", api_v1_urls()),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "cecportal.views.bad_request"
handler403 = "cecportal.views.permission_denied"
handler404 = "cecportal.views.page_not_found"
handler500 = "cecportal.views.server_error"
