"""What the load benchmark measures on a built data set: the pages (label, role, path), their
targets in baselines, and a session cookie per role made directly in the session store.

    python -m bench.load_pages marker tenth    # "current" when the data set is this version's
    python -m bench.load_pages pages tenth     # one JSON line
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

# Targets at full scale, in baselines.
CHEAP, SEARCH = 2, 3


def _cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.CachedPermissionsBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _last(count, size=25):
    """The number of the last page of `count` rows."""
    return max(2, -(-count // size))


def pages(scale):
    from django.db.models import Count

    from accounts.models import User
    from bench.load_data import RARE_WORD, sizes
    from catalog.models import Course
    from petitions.models import Petition
    from tracker.models import Cycle

    n = sizes(scale)
    heavy = User.objects.get(email="member0@load.example.com")
    typical = User.objects.get(email="member1@load.example.com")
    reviewer = User.objects.get(email="reviewer@load.example.com")
    staff = User.objects.get(email="staff@load.example.com")
    cycle = Cycle.objects.filter(certification__user=typical).order_by("-starts_on").first()
    # An open petition whose petitioner has a ledger of ~50 entries.
    petition = (
        Petition.objects.open()
        .annotate(entries=Count("user__credit_entries"))
        .filter(entries__gte=40)
        .order_by("pk")
        .first()
    )
    # The deep and last pages as their "Next" links reach them: after the row before them.
    open_queue = Petition.objects.open().order_by("submitted_at", "pk")
    last_open = open_queue.values_list("pk", flat=True)[(_last(open_queue.count()) - 1) * 25 - 1]
    pending = Course.objects.pending().order_by("submitted_at", "pk")
    last_pending = pending.values_list("pk", flat=True)[(_last(pending.count()) - 1) * 25 - 1]
    approved = Course.objects.approved().order_by("number")
    course = approved[n["courses"] // 2]
    deep = approved.values_list("number", flat=True)[int(n["courses"] * 0.8) // 25 * 25 - 1]
    provider_word = "Cedar Fitness"  # one provider (two words, both in its name)
    return [
        ("My CECs, 1,000-entry member", "heavy", "/my/cecs/", SEARCH),
        ("My CECs, typical member", "professional", "/my/cecs/", CHEAP),
        ("transcript (typical)", "professional", f"/my/cecs/cycles/{cycle.pk}/transcript/", SEARCH),
        ("CSV export (typical)", "professional", "/my/cecs/export.csv", SEARCH),
        ("catalog, no filter", "professional", "/catalog/", CHEAP),
        ("catalog, deep page", "professional", f"/catalog/?after={deep}", CHEAP),
        ("catalog, common title word", "professional", "/catalog/?q=mobility", SEARCH),
        ("catalog, rare title word", "professional", f"/catalog/?q={RARE_WORD.lower()}", SEARCH),
        ("catalog, no-match word", "professional", "/catalog/?q=zyxwvut", SEARCH),
        (
            "catalog, provider-name search",
            "professional",
            f"/catalog/?q={provider_word.replace(' ', '+')}",
            SEARCH,
        ),
        ("course detail", "professional", f"/catalog/courses/{course.pk}/", CHEAP),
        (
            "course-number lookup",
            "professional",
            f"/catalog/lookup/?number={course.number}",
            CHEAP,
        ),  # fmt: skip
        ("provider's course list", "staff", "/catalog/provider/courses/", CHEAP),
        ("petition queue, first page", "reviewer", "/petitions/queue/", CHEAP),
        (
            "petition queue, last page",
            "reviewer",
            f"/petitions/queue/?after={last_open}",
            CHEAP,
        ),
        ("petition review page", "reviewer", f"/petitions/queue/{petition.pk}/", SEARCH),
        ("course-registration queue", "reviewer", "/catalog/review/", CHEAP),
        (
            "course-registration queue, last page",
            "reviewer",
            f"/catalog/review/?after={last_pending}",
            CHEAP,
        ),
    ], {
        "heavy": _cookie(heavy),
        "professional": _cookie(typical),
        "reviewer": _cookie(reviewer),
        "staff": _cookie(staff),
    }


def main(argv):
    import django

    django.setup()
    from django.db import connection

    from bench.load_data import VERSION, marker

    command, scale = argv[1], argv[2]
    if command == "marker":
        found = None
        try:
            found = marker(connection)
        except Exception:  # noqa: BLE001 - a missing or foreign database: build anew
            found = None
        current = bool(found and found.get("version") == VERSION and found.get("scale") == scale)
        print("current" if current else "missing")
        return
    listed, cookies = pages(scale)
    print(
        json.dumps(
            {
                "pages": [(label, role, path) for label, role, path, _ in listed],
                "targets": {label: target for label, _, _, target in listed},
                "cookies": cookies,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv)
