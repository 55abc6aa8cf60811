"""The address a request comes from, for throttling and logs.

Behind a reverse proxy every request reaches the app from the proxy's address; the real
client is in `X-Forwarded-For`, which each proxy appends to. Only the last `TRUSTED_PROXIES`
entries were written by proxies we run; anything to their left was sent by the client and may
be forged. With `TRUSTED_PROXIES = 0` (the default) the header is ignored.
"""

import ipaddress

from django.conf import settings


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = int(getattr(settings, "TRUSTED_PROXIES", 0) or 0)
    if trusted <= 0:
        return _valid(remote) or remote or None
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(chain) < trusted:
        # The proxies we trust did not all add to the header: this request came around them.
        return _valid(remote) or remote or None
    # The nearest proxy (REMOTE_ADDR) appended the address it saw, the one before it likewise:
    # the entry `trusted` places from the end is what our outermost proxy saw.
    return _valid(chain[-trusted]) or _valid(remote) or remote or None
