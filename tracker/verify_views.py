"""The public verification pages: a lookup by certification number and last name, and the
holder's own result at a signed address. Open to everyone, rate-limited per address; a
lookup that matches nothing, names the wrong person or is malformed gets one and the same
answer, and nothing typed is logged."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import verification


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _over_limit(request) -> bool:
    """Count one lookup for the caller's address; True once the window's limit is passed."""
    key = f"verify:{_client_address(request)}"
    window = settings.VERIFY_WINDOW_SECONDS
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=window)
        return False
    return count > settings.VERIFY_LIMIT


@login_not_required
@require_safe
def lookup(request):
    asked = "number" in request.GET or "last_name" in request.GET
    context = {"asked": asked, "results": [], "limit_minutes": settings.VERIFY_WINDOW_SECONDS // 60}
    if asked:
        if _over_limit(request):
            return render(request, "tracker/verify.html", context | {"limited": True}, status=429)
        context["results"] = verification.find(
            request.GET.get("number", ""), request.GET.get("last_name", "")
        )
    response = render(request, "tracker/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
@require_safe
def result(request, token):
    found = verification.from_token(token)
    if found is None:
        raise Http404
    response = render(
        request, "tracker/verify.html", {"asked": True, "results": [found], "own": True}
    )
    response["X-Robots-Tag"] = "noindex"
    return response
