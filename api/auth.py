"""Bearer tokens and per-token rate limits for the API."""

from django.conf import settings
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from catalog.models import Provider

from .errors import ApiError
from .models import ApiToken
from .services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cecp_…`: a live token of a provider, or 401."""

    def authenticate(self, request, token):
        return token_authenticate(token)


def require_scope(request, *scopes: str) -> ApiToken:
    """The request's token, if it carries one of `scopes`; 403 otherwise."""
    token: ApiToken = request.auth
    if token.provider.status != Provider.Status.ACTIVE:
        raise ApiError(
            403,
            f"{token.provider.name} is {token.provider.get_status_display().lower()}: its "
            "tokens can do nothing until the certifying body restores it.",
            code="provider_suspended",
        )
    if not any(scope in token.scopes for scope in scopes):
        raise ApiError(
            403,
            f"This token does not carry the {' or '.join(scopes)} scope. Create a token with "
            "it on the provider's API tokens page.",
            code="missing_scope",
        )
    return token


class _SettingRateThrottle(SimpleRateThrottle):
    """ninja's cache-backed throttle, with its rate read from settings at each call (so a
    deployment, or a test, can change it)."""

    setting = ""

    def __init__(self):
        self.rate = None

    def allow_request(self, request):
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class TokenRateThrottle(_SettingRateThrottle):
    """API_RATE_LIMIT calls per token (not per address: one provider, one budget)."""

    setting = "API_RATE_LIMIT"

    def get_cache_key(self, request):
        token = getattr(request, "auth", None)
        return f"api-throttle:token:{token.pk}" if isinstance(token, ApiToken) else None


class AddressRateThrottle(_SettingRateThrottle):
    """API_PUBLIC_RATE_LIMIT calls per address, for the endpoints that need no token."""

    setting = "API_PUBLIC_RATE_LIMIT"

    def get_cache_key(self, request):
        return f"api-throttle:address:{self.get_ident(request)}"
