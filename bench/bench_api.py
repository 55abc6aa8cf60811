"""Provider API: one call reporting 1,000 completions (goal: under 2 s), beside the same call
with 100; then the worker posting those 1,000 to the professionals' ledgers."""

import datetime
import json
import time

from dateutil.relativedelta import relativedelta

ROWS = 1_000
GOAL_MS = 2_000
RUNS = 5


def _world():
    from accounts.models import User
    from api.services import token_create
    from catalog.models import Course, Provider
    from tracker import services as tracker_services
    from tracker.models import Program

    provider, _ = Provider.objects.get_or_create(
        name="Bench API provider", defaults={"contact_email": "api@bench.example.com"}
    )
    staff, _ = User.objects.get_or_create(
        email="api-staff@bench.example.com", defaults={"provider": provider}
    )
    course, _ = Course.objects.get_or_create(
        number="CA77001",
        defaults={
            "title": "Bench API course",
            "provider": provider,
            "delivery_format": Course.Format.ONLINE,
            "cec_value": "0.1",
            "status": Course.Status.APPROVED,
            "approved_on": datetime.date(2020, 1, 1),
            "expires_on": datetime.date(2035, 12, 31),
        },
    )
    program = Program.objects.get(certifier__code="ace", abbreviation="CPT")
    today = datetime.date.today()
    have = User.objects.filter(email__startswith="api-pro-").count()
    User.objects.bulk_create(
        User(email=f"api-pro-{n}@bench.example.com", last_name=f"Pro{n}") for n in range(have, ROWS)
    )
    for person in User.objects.filter(email__startswith="api-pro-", certifications__isnull=True):
        tracker_services.certification_add(
            user=person, program=program, earned_on=today - relativedelta(months=14)
        )
    _, secret = token_create(
        provider=provider, by=staff, name=f"Bench {time.time()}", scopes=["completions:write"]
    )
    return course, secret


def _rows(course, count, day):
    return [
        {
            "course_number": course.number,
            "email": f"api-pro-{n}@bench.example.com",
            "completion_date": day.isoformat(),
        }
        for n in range(count)
    ]


def _post_ms(bench, course, secret, count, days):
    """Median time of the POST, each run on a new completion date (a new completion)."""
    samples = []
    batches = []
    for day in days:
        body = json.dumps({"rows": _rows(course, count, day)})
        start = time.perf_counter()
        response = bench.client.post(
            "/api/v1/completions",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 202:
            raise RuntimeError(f"completions answered {response.status_code}: {response.content}")
        data = response.json()
        if data["counts"]["matched"] != count:
            raise RuntimeError(f"expected {count} matched rows, got {data['counts']}")
        batches.append(data["id"])
    samples.sort()
    return samples[len(samples) // 2], batches


def run(bench):
    from django.conf import settings

    from reporting import services

    settings.API_RATE_LIMIT = "10000/min"
    course, secret = _world()
    today = datetime.date.today()
    small_days = [today - datetime.timedelta(days=d) for d in range(1, RUNS + 1)]
    large_days = [today - datetime.timedelta(days=d) for d in range(10, 10 + RUNS)]
    small_ms, _ = _post_ms(bench, course, secret, ROWS // 10, small_days)
    large_ms, batches = _post_ms(bench, course, secret, ROWS, large_days)
    bench.report(
        f"POST /api/v1/completions, {ROWS:,} rows (checked, stored, queued)",
        large_ms,
        "ms",
        small_ms,
        f"{ROWS // 10} rows",
    )
    if large_ms > GOAL_MS:
        print(f"  WARNING: over the {GOAL_MS} ms goal for {ROWS:,} completions.", flush=True)
    start = time.perf_counter()
    services.post(batches[0])
    seconds = time.perf_counter() - start
    bench.report(f"worker: posting {ROWS:,} completions to the ledgers", seconds, "s")
