"""`{% verify_badge certification %}`: the link to the holder's public verification result
and its QR code, for the dashboard and the transcript."""

from django import template
from django.urls import reverse

from notices.services import absolute
from tracker import verification

register = template.Library()


@register.inclusion_tag("tracker/_verify_badge.html")
def verify_badge(certification, compact=False):
    url = absolute(reverse("verify:result", args=[verification.token_for(certification)]))
    return {"url": url, "svg": verification.qr_svg(url), "compact": compact}
