"""A page cached whole, with holes for what must be new or personal on every request: the CSRF
token of its forms, the script nonce of the content security policy, a form's one-time token,
and the email address in the page header.

The view renders with `context()` (the template's `{% csrf_token %}`, `csp_nonce`,
`token_hole` and `user_email` then write markers, into the cached HTML as into the rest), and
`fill()` puts this request's values in their place. The markers are derived from the secret
key: the same on every app server, so a page cached by one is filled by any other; people's
text cannot hold them (it is escaped, and they are never shown).

`page()` serves a whole page this way: one cache read on a hit, no template rendered. A page
everyone sees alike (the catalog, a queue) is then cached once for everyone with the same menus,
the header's email being a hole."""

import hashlib
import hmac
import uuid
from functools import cache

from django.conf import settings
from django.core.cache import cache as page_cache
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.html import escape

NAMES = ("csrf", "form-token", "nonce", "email")


@cache
def _markers() -> dict[str, str]:
    def marker(name: str) -> str:
        digest = hmac.new(settings.SECRET_KEY.encode(), name.encode(), hashlib.sha256)
        return f"hole{digest.hexdigest()[:28]}"

    return {name: marker(name) for name in NAMES}


def context() -> dict:
    markers = _markers()
    return {
        "csrf_token": markers["csrf"],
        "token_hole": markers["form-token"],
        "csp_nonce": markers["nonce"],
        "user_email": markers["email"],
    }


def fill(request, response):
    """The response with this request's CSRF token, script nonce, a new form token and the
    person's email in the holes."""
    markers = _markers()
    content = response.content
    for name, value in (
        ("csrf", lambda: get_token(request)),
        ("nonce", lambda: str(get_nonce(request))),
        ("form-token", lambda: str(uuid.uuid4())),
        ("email", lambda: escape(getattr(request.user, "email", "") or "")),
    ):
        marker = markers[name].encode()
        if marker in content:
            content = content.replace(marker, value().encode())
    response.content = content
    return response


def _messages_waiting(request) -> bool:
    """A message to show (after a redirect): the page is rendered for it, not served cached."""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _menus(request) -> str:
    from accounts.context_processors import roles

    return roles(request)["menu_key"]


def page(request, template_name: str, context_data, *, key: str, seconds: int):
    """`template_name` rendered with `context_data` (a dict, or a function that returns one,
    called only when the page is not served from the cache: it may raise Http404), cached whole
    under `key` (everything the page's own part depends on: versions, the date, the query, the
    person where the page is theirs), the view and the menus of whoever asks. A page with
    messages to show is rendered, not served from the cache; an answer other than 200 is not
    cached."""

    def data() -> dict:
        return context_data() if callable(context_data) else context_data

    # Rendered with the holes whatever happens: the template's own cached parts may keep it.
    cacheable = request.method in ("GET", "HEAD") and not _messages_waiting(request)
    if cacheable:
        match = request.resolver_match
        digest = hashlib.blake2b(f"{template_name}\n{key}".encode(), digest_size=16).hexdigest()
        full_key = f"page:{match.view_name if match else ''}:{_menus(request)}:{digest}"
        content = page_cache.get(full_key)
        if content is not None:
            return fill(request, HttpResponse(content))
    response = render(request, template_name, data() | context())
    if cacheable and response.status_code == 200:
        page_cache.set(full_key, response.content, seconds)
    return fill(request, response)
