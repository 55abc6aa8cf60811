from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
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
    """Where reviewers land: each queue with how much waits in it, oldest first."""
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
