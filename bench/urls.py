"""The site's URLs plus an empty view: the baseline every figure is compared with."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from cecportal.urls import handler403, handler404, handler500
from cecportal.urls import urlpatterns as site_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


@login_not_required
def empty(request):
    return HttpResponse(b"")


urlpatterns = [path("__bench__/empty/", empty, name="bench-empty"), *site_urlpatterns]
