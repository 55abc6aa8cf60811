from django import template

from reporting import services
from reporting.forms import DisputeForm, HideForm
from reporting.models import Dispute

register = template.Library()


@register.inclusion_tag("reporting/_offers.html", takes_context=True)
def claimable_offers(context):
    """On My CECs: what providers reported that may be this person's, to accept or decline."""
    request = context["request"]
    view = context.get("view")  # My CECs has read the certifications: their numbers are known
    numbers = None if view is None else [c.number for c in view.certifications]
    offers = services.offers_for(request.user, numbers=numbers)[:20]
    return {"offers": list(offers), "request": request}


@register.inclusion_tag("reporting/_provider_word.html", takes_context=True)
def provider_word(context, entry):
    """On an entry's page: who reported it, and hiding or disputing it."""
    if not entry.is_provider_reported:
        return {"entry": None}
    return {
        "entry": entry,
        "request": context["request"],
        "hide_form": HideForm(),
        "dispute_form": DisputeForm(),
        "disputes": list(Dispute.objects.filter(entry=entry).order_by("-created_at")[:5]),
    }
