"""A page cached whole for one person, with holes for what must be new on every request: the
CSRF token of its forms and a form's one-time token.

The view renders with `context()` (the template's `{% csrf_token %}` and `token_hole` then
write markers, into the cached HTML as into the rest), and `fill()` puts this request's values
in their place. The markers are derived from the secret key: the same on every app server, so a
page cached by one is filled by any other; people's text cannot hold them (it is escaped, and
they are never shown)."""

import hashlib
import hmac
import uuid
from functools import cache

from django.conf import settings
from django.middleware.csrf import get_token


@cache
def _markers() -> tuple[str, str]:
    def marker(name: str) -> str:
        digest = hmac.new(settings.SECRET_KEY.encode(), name.encode(), hashlib.sha256)
        return f"hole{digest.hexdigest()[:28]}"

    return marker("csrf"), marker("form-token")


def context() -> dict:
    csrf, token = _markers()
    return {"csrf_token": csrf, "token_hole": token}


def fill(request, response):
    """The response with this request's CSRF token and a new form token in the holes."""
    csrf, token = _markers()
    response.content = response.content.replace(csrf.encode(), get_token(request).encode())
    response.content = response.content.replace(token.encode(), str(uuid.uuid4()).encode())
    return response
