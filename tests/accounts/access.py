from tests.access import (
    NOT_ALLOWED,
    PAGE,
    REDIRECT,
    Route,
    anonymous_only,
    everyone,
    public,
    signed_in,
)

ROUTES = [
    Route("home", public()),
    Route("accounts:signup", anonymous_only()),
    Route("accounts:login", anonymous_only()),
    # Asking for a one-time log-in link is a POST from the lockout page.
    Route("accounts:login-link-request", everyone(NOT_ALLOWED)),
    # A link that does not hold says so, to anyone.
    Route(
        "accounts:login-link",
        everyone(400),
        kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"},
    ),
    # Logging out is a POST; a GET is refused rather than logging anyone out by a link.
    Route("accounts:logout", signed_in(NOT_ALLOWED)),
    Route("accounts:profile", signed_in()),
    Route("accounts:password-change", signed_in()),
    Route("accounts:password-reset", public()),
    Route("accounts:password-reset-done", public()),
    # An invalid link shows the "link no longer works" page to anyone.
    Route(
        "accounts:password-reset-confirm",
        everyone(PAGE),
        kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"},
    ),
    Route("accounts:password-reset-complete", public()),
    # Django's admin sends everyone who is not staff to its own login page.
    Route(
        "admin:index",
        {
            "anonymous": REDIRECT,
            "professional": REDIRECT,
            "provider_staff": REDIRECT,
            "reviewer": REDIRECT,
            "admin": PAGE,
        },
    ),
]
