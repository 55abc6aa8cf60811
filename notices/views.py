"""Pages reached from an email or a calendar app, without logging in, and the buttons of the
profile page that manage the calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import calendar, services
from .models import Preferences


@login_not_required
@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no form token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET asks to confirm (a link scanner must not unsubscribe anyone); POST unsubscribes.
    A link whose signature does not hold changes nothing and says so."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render(request, "notices/unsubscribe.html", {"invalid": True}, status=400)
    user_id, list_name = found
    done = False
    if request.method == "POST":
        preferences, _ = Preferences.objects.get_or_create(user_id=user_id)
        setattr(preferences, list_name, False)
        preferences.save(update_fields=[list_name])
        done = True
    return render(
        request,
        "notices/unsubscribe.html",
        {"list": services.LISTS[list_name], "done": done, "token": token},
    )


@login_not_required
@require_safe
def calendar_feed(request, token):
    """A calendar app's subscription: the secret address is the only key. An unknown or
    revoked token is a 404, like any address that does not exist."""
    user = calendar.owner_of(token)
    if user is None:
        raise Http404("No such calendar.")
    body = calendar.feed(user, today=timezone.localdate(), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cec-portal.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def calendar_link(request):
    """Create the signed-in person's feed address, or replace it (the old one stops working)."""
    had_one = Preferences.objects.filter(user=request.user).exclude(calendar_token="").exists()
    calendar.calendar_token_renew(user=request.user)
    if had_one:
        messages.success(request, "Your calendar has a new link. The old link no longer works.")
    else:
        messages.success(request, "Your calendar link is ready: add it to your calendar app.")
    return redirect(reverse("accounts:profile") + "#calendar")


@require_POST
def calendar_off(request):
    """Turn the signed-in person's feed off: its address no longer answers."""
    calendar.calendar_token_revoke(user=request.user)
    messages.success(request, "Your calendar feed is off. Its link no longer works.")
    return redirect(reverse("accounts:profile") + "#calendar")
