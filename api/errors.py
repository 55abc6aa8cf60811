"""One shape for every refusal of the API:

    {"error": {"code": "not_found", "message": "…", "details": [{"loc": [...], "message": "…"}]}}

`code` is stable (clients branch on it), `message` is for a person, `details` names the
fields at fault (empty when none does)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import JsonResponse

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}
MESSAGES = {
    400: "The request could not be read.",
    401: "Send a valid API token: Authorization: Bearer <token>.",
    403: "This token may not do that.",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
    422: "The request is not valid.",
    429: "Too many requests; wait and try again.",
    500: "Something went wrong on our side; nothing was stored.",
}
# Headers that carry meaning for the client and survive when an error body is rewritten.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiError(Exception):
    """A refusal with its status, code and message; raised by endpoints, answered by the API."""

    def __init__(self, status: int, message: str = "", *, code: str = "", details=()):
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message or MESSAGES.get(status, "")
        self.details = list(details)
        super().__init__(self.message)


def error_body(status: int, message: str = "", *, code: str = "", details: Iterable = ()) -> dict:
    return {
        "error": {
            "code": code or CODES.get(status, "error"),
            "message": message or MESSAGES.get(status, ""),
            "details": list(details),
        }
    }


def error_response(
    status: int, message: str = "", *, code: str = "", details: Iterable = (), headers=None
) -> JsonResponse:
    response = JsonResponse(error_body(status, message, code=code, details=details), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def detail(loc: Iterable, message: str) -> dict:
    return {"loc": [str(part) for part in loc], "message": message}
