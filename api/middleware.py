"""The API's edge: a body over the limit is refused before anything reads it, and any error
answered under /api/v1/ without the API's JSON shape (an unknown path, a method not allowed,
Django's own refusals) is given it."""

from django.conf import settings

from .errors import KEPT_HEADERS, error_response

API_PREFIX = "/api/v1/"


def _declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class ApiBoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limit = settings.API_MAX_BODY_BYTES
        if _declared_length(request) > limit:
            return error_response(
                413,
                f"The request body is over the API's limit of {limit:,} bytes; send fewer "
                "rows per call.",
            )
        response = self.get_response(request)
        if response.status_code < 400 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        return error_response(response.status_code, headers=headers)
