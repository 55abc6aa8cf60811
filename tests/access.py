"""The table the access walk checks: every named URL, and what each role gets there.

Each app's tests declare their routes in `tests/<app>/access.py` as `ROUTES`, and may add
the objects their URLs need to the shared world with `build(world)`. A URL missing from
the tables fails the walk, so a new page cannot ship without saying who may see it.
"""

from dataclasses import dataclass, field

ROLES = ("anonymous", "professional", "provider_staff", "reviewer", "admin")

PAGE = "page"  # 200
LOGIN = "login"  # redirect to the login page
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405  # e.g. a POST-only action visited with GET
REDIRECT = "redirect"  # any other redirect


@dataclass(frozen=True)
class Route:
    name: str
    expect: dict
    kwargs: object = None  # callable(world) -> dict of URL kwargs
    query: str = ""
    method: str = "get"
    data: dict = field(default_factory=dict)


def everyone(outcome=PAGE):
    return dict.fromkeys(ROLES, outcome)


def public():
    return everyone(PAGE)


def signed_in(outcome=PAGE):
    return {"anonymous": LOGIN} | dict.fromkeys(ROLES[1:], outcome)


def reviewers_only():
    return {
        "anonymous": LOGIN,
        "professional": FORBIDDEN,
        "provider_staff": FORBIDDEN,
        "reviewer": PAGE,
        "admin": PAGE,
    }


def provider_staff_only():
    return {
        "anonymous": LOGIN,
        "professional": FORBIDDEN,
        "provider_staff": PAGE,
        "reviewer": FORBIDDEN,
        "admin": FORBIDDEN,
    }


def anonymous_only(signed_in_outcome=REDIRECT):
    return {"anonymous": PAGE} | dict.fromkeys(ROLES[1:], signed_in_outcome)
