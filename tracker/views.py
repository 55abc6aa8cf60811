from django.shortcuts import render

from .models import CreditEntry


def dashboard(request):
    entries = CreditEntry.objects.owned_by(request.user)
    return render(request, "tracker/dashboard.html", {"entries": entries})
