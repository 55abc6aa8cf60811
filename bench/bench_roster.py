"""Provider rosters: checking a 10,000-row roster (goal: under 5 s) beside 1,000 rows, and
posting (goal: 10,000 rows under 20 s) measured on BENCH_ROSTER_POST rows (default 1,000)
beside a tenth of them, with the time per row and what it makes of 10,000 (a projection,
printed as such; BENCH_ROSTER_POST=10000 measures it whole). Every row matches a professional
holding ACE and NASM certifications, for a course both approve: each posted row is credited to
both."""

import datetime
import os
import time
from decimal import Decimal

from django.utils import timezone

LARGE = 10_000
SMALL = 1_000
STAGE_GOAL_S = 5
POST_GOAL_S = 20
POST = int(os.environ.get("BENCH_ROSTER_POST", "1000"))


def _world():
    from accounts.models import User
    from catalog.models import Course, CourseApproval, Provider
    from tracker.models import Certification, Certifier, Cycle, Program

    provider = Provider.objects.create(name="Bench roster provider", contact_email="b@x.io")
    nasm = Certifier.objects.get(code="nasm")
    courses = []
    for n in range(4):
        course = Course.objects.create(
            number=f"CA9{n}001", title=f"Bench roster course {n}", provider=provider,
            delivery_format=Course.Format.ONLINE, cec_value=Decimal("0.2"),
            contact_hours=Decimal("2"), status=Course.Status.APPROVED,
            approved_on=datetime.date(2020, 1, 1), expires_on=datetime.date(2035, 12, 31),
        )  # fmt: skip
        CourseApproval.objects.create(course=course, certifier=nasm, number=f"NASM-B{n}")
        courses.append(course)
    today = timezone.localdate()
    earned = today - datetime.timedelta(days=300)
    users = User.objects.bulk_create(
        [User(email=f"roster{n}@bench.example.com", password="!") for n in range(LARGE + SMALL)],
        batch_size=2000,
    )
    programs = [
        Program.objects.get(certifier__code="ace", abbreviation="CPT"),
        Program.objects.get(certifier__code="nasm", abbreviation="CPT"),
    ]
    certifications = Certification.objects.bulk_create(
        [Certification(user=u, program=p, earned_on=earned) for u in users for p in programs],
        batch_size=2000,
    )
    Cycle.objects.bulk_create(
        [
            Cycle(certification=c, starts_on=earned, ends_on=earned + datetime.timedelta(days=730))
            for c in certifications
        ],
        batch_size=2000,
    )
    return provider, courses, users


def _rows(users, day):
    return [{"email": u.email, "completion_date": day.isoformat()} for u in users]


def _stage(provider, course, rows):
    from reporting import services
    from reporting.models import RosterBatch

    started = time.perf_counter()
    batch = services.stage(provider, rows, source=RosterBatch.Source.API, course=course)
    elapsed = time.perf_counter() - started
    assert batch.matched == len(rows), (batch.matched, batch.refused)
    return batch, elapsed


def _post(batch):
    from reporting import services
    from reporting.models import RosterBatch

    batch.status = RosterBatch.Status.POSTING
    batch.save(update_fields=["status"])
    started = time.perf_counter()
    services.post(batch.pk)
    elapsed = time.perf_counter() - started
    batch.refresh_from_db()
    assert batch.posted == batch.matched, (batch.posted, batch.refused)
    return elapsed


def run(bench):
    provider, courses, users = _world()
    day = timezone.localdate() - datetime.timedelta(days=10)
    _batch, small_stage = _stage(provider, courses[0], _rows(users[LARGE:], day))
    _batch, large_stage = _stage(provider, courses[1], _rows(users[:LARGE], day))
    bench.report(
        f"stage (check) a {LARGE:,}-row roster", large_stage, "s", small_stage, f"{SMALL:,} rows"
    )
    bench.report(f"  goal: under {STAGE_GOAL_S} s", large_stage, "s", STAGE_GOAL_S, "goal")
    tenth = max(POST // 10, 1)
    small_batch, _ = _stage(provider, courses[2], _rows(users[LARGE : LARGE + tenth], day))
    large_batch, _ = _stage(provider, courses[3], _rows(users[:POST], day))
    small_post = _post(small_batch)
    large_post = _post(large_batch)
    bench.report(
        f"post a {POST:,}-row roster (2 certifiers each)", large_post, "s", small_post,
        f"{tenth:,} rows",
    )  # fmt: skip
    per_row = large_post / POST
    bench.report("  per posted row", per_row * 1000, "ms")
    label = f"  {LARGE:,} rows" + (" (projected from the above)" if POST < LARGE else "")
    bench.report(label, per_row * LARGE, "s", POST_GOAL_S, "goal")
