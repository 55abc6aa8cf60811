from tests.access import (
    NOT_ALLOWED,
    PAGE,
    REDIRECT,
    Route,
    anonymous_only,
    everyone,
    public,
    reviewers_only,
    signed_in,
)

ROUTES = [
    # Visitors get the home page; a signed-in person is sent to where their work starts.
    Route("home", anonymous_only()),
    Route("review-home", reviewers_only()),
    # Browsers ask for it on every site: it leads to the static icon, for anyone.
    Route("favicon", everyone(REDIRECT)),
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
    Route("accounts:my-data", signed_in()),
    Route("accounts:my-data-export", signed_in()),
    Route("accounts:account-delete", signed_in()),
    # A POST without the password closes nothing: the form says what is missing.
    Route("accounts:account-delete", signed_in(), method="post"),
    Route("accounts:my-data-export", signed_in(NOT_ALLOWED), method="post"),
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
