from django import template
from django.core.cache import cache

from reporting import services
from reporting.forms import DisputeForm, HideForm
from reporting.models import Dispute

register = template.Library()


@register.inclusion_tag("reporting/_offers.html", takes_context=True)
def claimable_offers(context):
    """On My CECs: what providers reported that may be this person's, to accept or decline.

    Cached under the person's records stamp (the snapshot `view` read it), their email and
    last name: a roster posted with rows for them, a decline and a claim all give them a new
    stamp (reporting.services)."""
    request = context["request"]
    view = context["view"]
    user = request.user
    key = f"offers:{user.pk}:{view.stamp}:{services.offers_key(user)}"
    offers = cache.get(key)
    if offers is None:
        # My CECs has read the certifications: their numbers are known.
        numbers = [c.number for c in view.certifications]
        offers = list(services.offers_for(user, numbers=numbers)[:20])
        cache.set(key, offers, 24 * 3600)
    return {"offers": offers, "request": request}


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
