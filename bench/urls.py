"""The site's URLs plus the benchmarks' baselines, which exist only under bench.settings."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from cecportal.urls import handler403, handler404, handler500
from cecportal.urls import urlpatterns as site_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


@login_not_required
@require_safe
def empty(request):
    return HttpResponse(b"")


@require_safe
def signed_in(request):
    """The floor of any signed-in page: the session and the user loaded (the login-required
    middleware already asked for them), a few bytes back."""
    return HttpResponse(f"ok {request.user.pk}".encode())


urlpatterns = [
    path("__bench__/empty/", empty, name="bench-empty"),
    path("__bench__/signed-in/", signed_in, name="bench-signed-in"),
    *site_urlpatterns,
]
