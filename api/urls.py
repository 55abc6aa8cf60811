"""The provider API's web pages (tokens) under /api/; the API itself is mounted at /api/v1/
by the project's urls (see `api.v1.urls`)."""

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
