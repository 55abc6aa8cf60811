"""Pages reached from an email or a calendar app, without logging in."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services
from .models import Preferences


@login_not_required
@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no form token
@require_http_methods(["GET", "POST"])
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
