from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def home(request):
    return render(request, "home.html")


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request):
    return render(request, "500.html", status=500)


@login_not_required
def bad_request(request, exception=None):
    """Django's 400 (a request it cannot read): a form too large to accept gets 413."""
    if isinstance(exception, RequestDataTooBig):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        context = {
            "limit_mb": f"{limit_mb:.1f}",
            "file_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024),
        }
        return render(request, "413.html", context, status=413)
    return render(request, "400.html", status=400)


@login_not_required
def csrf_failure(request, reason=""):
    """A form sent without its valid security token (an old page, blocked cookies, or a
    forged form)."""
    return render(request, "403_csrf.html", status=403)
