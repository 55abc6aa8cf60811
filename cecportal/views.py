from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.roles import is_reviewer, landing
from catalog.models import Course
from petitions.models import Petition


@login_not_required
@require_safe
def home(request):
    """The visitors' page; a signed-in person goes straight to their work."""
    if request.user.is_authenticated:
        return redirect(landing(request.user))
    return render(request, "home.html")


@require_safe
def review_home(request):
    """Where reviewers land: each queue they may work in with how much waits in it, oldest
    first. Open to anyone holding one of the reviewers' permissions; it shows that one's."""
    if not is_reviewer(request.user):
        raise PermissionDenied
    target = settings.PETITION_TARGET_DAYS
    petitions = Petition.objects.open()
    counts = {
        "petitions_to_decide": petitions.exclude(status=Petition.Status.INFO_REQUESTED).count(),
        "petitions_waiting": petitions.filter(status=Petition.Status.INFO_REQUESTED).count(),
        "petitions_overdue": petitions.aged(
            "overdue", now=timezone.now(), target_days=target
        ).count(),
        "courses_pending": Course.objects.pending().count(),
    }
    return render(request, "review_home.html", {"counts": counts, "target_days": target})


@login_not_required
@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


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
