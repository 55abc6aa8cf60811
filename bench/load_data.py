"""The load benchmark's data: a portal at full scale or a fraction of it, written with
bulk_create into the benchmark's own database and kept there with a marker of this
generator's version, so that the next run reuses it.

    DJANGO_SETTINGS_MODULE=bench.settings BENCH_DATABASE_URL=... python bench/load_data.py tenth

Full scale: 10,000 professionals with 1-3 certifications across three certifiers, 100,000
approved courses from 500 providers (every 50th a conference of four sessions) plus pending
registrations, ~50 ledger entries per professional with their per-certifier claims (one member
at 1,000), 10,000 petitions in every state with a document each.
"""

import datetime
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = "load-data-3"
SCALES = {"full": 1.0, "tenth": 0.1, "hundredth": 0.01}
BATCH = 5_000

# Titles: a common word in one course in ten, a rare one in one in a thousand.
WORDS = ["Strength", "Mobility", "Nutrition", "Cycling", "Yoga", "Aquatic", "Coaching"]
WORDS += ["Pilates", "Kettlebell", "Balance"]
RARE_WORD = "Periodization"
TOPICS = ["for Older Adults", "Fundamentals", "Advanced Methods", "in Practice", "Essentials"]
TOPICS += ["for Youth", "and Recovery", "Programming", "Assessment", "Certification Prep"]
CITIES = ["Harbor", "Summit", "Cedar", "Lakeside", "Granite", "Riverbend", "Maple", "Aspen"]
CITIES += ["Coastal", "Prairie", "Canyon", "Northwind", "Redwood", "Silver", "Meadow", "Pine"]
CITIES += ["Falcon", "Willow", "Ironwood", "Sunrise", "Bayview", "Highland", "Stone", "Clear"]
CITIES += ["Evergreen"]
KINDS = ["Fitness", "Wellness", "Movement", "Athletics", "Training", "Health", "Performance"]
KINDS += ["Exercise", "Motion", "Vitality", "Conditioning", "Kinetics", "Endurance", "Active"]
KINDS += ["Body", "Strongpoint", "Coreworks", "Lifespan", "Momentum", "Pulse"]
CERTIFIER_CODES = ["ace", "nasm", "nsca"]
TODAY = datetime.date(2026, 6, 1)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def sizes(scale: str) -> dict:
    f = SCALES[scale]
    return {
        "professionals": max(20, int(10_000 * f)),
        "courses": max(200, int(100_000 * f)),
        "providers": max(10, int(500 * f)),
        "entries_each": 50,
        "heavy_entries": 1_000,
        "petitions": max(60, int(10_000 * f)),
        "pending_courses": max(10, int(1_000 * f)),
    }


def provider_name(i: int) -> str:
    return f"{CITIES[i % len(CITIES)]} {KINDS[i // len(CITIES) % len(KINDS)]} Institute {i}"


def course_title(i: int) -> str:
    if i % 1000 == 7:
        return f"{RARE_WORD} {TOPICS[i % len(TOPICS)]} {i}"
    return f"{WORDS[i % len(WORDS)]} {TOPICS[i // len(WORDS) % len(TOPICS)]} {i}"


def marker(connection):
    """{"version", "scale", ...} of the data in the database, or None."""
    with connection.cursor() as cursor:
        if "bench_load_marker" not in connection.introspection.table_names(cursor):
            return None
        cursor.execute("SELECT body FROM bench_load_marker")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _write_marker(connection, body):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_load_marker (body TEXT)")
        cursor.execute("DELETE FROM bench_load_marker")
        cursor.execute("INSERT INTO bench_load_marker (body) VALUES (%s)", [json.dumps(body)])


def _chunks(rows, size=BATCH):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bulk(model, rows):
    for chunk in _chunks(rows):
        model.objects.bulk_create(chunk)


def _next_id(model):
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _catalog(n):
    from catalog.models import Course, Provider, Session

    providers = Provider.objects.bulk_create(
        Provider(name=provider_name(i), contact_email=f"p{i}@providers.example.com")
        for i in range(n["providers"])
    )
    first = _next_id(Course)
    total = n["courses"]

    def courses():
        for i in range(total):
            conference = i % 50 == 0
            yield Course(
                pk=first + i,
                number=f"CA{100_000 + i:06d}",
                title=course_title(i),
                provider=providers[i % len(providers)],
                delivery_format=Course.Format.CONFERENCE if conference else Course.Format.ONLINE,
                cec_value=None if conference else Decimal("0.3") + Decimal(i % 8) / 10,
                contact_hours=None if conference else Decimal("3.00") + i % 8,
                status=Course.Status.APPROVED,
                approved_on=datetime.date(2024, 1, 1),
                expires_on=datetime.date(2028, 12, 31),
            )

    _bulk(Course, courses())
    _bulk(
        Session,
        (
            Session(
                course_id=first + i,
                code=f"S{s}",
                title=f"Session {s}",
                cec_value=Decimal("0.2"),
                contact_hours=Decimal("2.00"),
            )
            for i in range(0, total, 50)
            for s in range(1, 5)
        ),
    )
    _bulk(
        Course,
        (
            Course(
                pk=first + total + i,
                title=f"Pending registration {i}",
                provider=providers[i % len(providers)],
                delivery_format=Course.Format.LIVE,
                cec_value=Decimal("0.5"),
                status=Course.Status.PENDING,
            )
            for i in range(n["pending_courses"])
        ),
    )
    return providers, first


def _rule_data():
    """Per certifier: its programs and the category an approved course counts in."""
    from tracker import rulebook
    from tracker.models import ActivityRule, Certifier, Program

    data = {}
    for code in CERTIFIER_CODES:
        certifier = Certifier.objects.get(code=code)
        rule = (
            ActivityRule.objects.filter(rule_set__certifier=certifier, kind="approved_course")
            .select_related("category")
            .order_by("-rule_set__effective_from")
            .first()
        )
        data[certifier.pk] = {
            "programs": list(Program.objects.filter(certifier=certifier).order_by("pk")[:3]),
            "category": rule.category.code,
            "rules": rulebook.certifier_data(certifier),
        }
    return data


def _people(n):
    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.models import User

    first = _next_id(User)
    count = n["professionals"]
    _bulk(
        User,
        (
            User(
                pk=first + i,
                email=f"member{i}@load.example.com",
                first_name=f"Member{i}",
                last_name=f"Load{i % 997}",
                password="!",
            )
            for i in range(count)
        ),
    )
    group = Group.objects.get(name=roles.PROFESSIONAL)
    through = User.groups.through
    _bulk(through, (through(user_id=first + i, group_id=group.pk) for i in range(count)))
    return first


def _certifications(n, first_user, certifiers):
    """1-3 certifications each, across the three certifiers; their cycles as the rules lay
    them out. Returns {user_id: [certifier_id, ...]} and {user_id: first certification id}."""
    from tracker import rules
    from tracker.models import Certification, Cycle

    ids = sorted(certifiers)
    first = _next_id(Certification)
    held, first_cert, rows, cycles = {}, {}, [], []
    cycle_cache = {}
    for i in range(n["professionals"]):
        user_id = first_user + i
        how_many = 1 + i % 3
        mine = [ids[(i + k) % len(ids)] for k in range(how_many)]
        held[user_id] = mine
        for certifier_id in mine:
            cert_id = first + len(rows)
            first_cert.setdefault(user_id, cert_id)
            earned = datetime.date(2024, 1 + i % 12, 1 + i % 28)
            rows.append(
                Certification(
                    pk=cert_id,
                    user_id=user_id,
                    program=certifiers[certifier_id]["programs"][0],
                    earned_on=earned,
                    number=f"L{certifier_id}-{i:06d}",
                )
            )
            key = (certifier_id, earned)
            if key not in cycle_cache:
                cycle_cache[key] = rules.cycles_from(
                    certifiers[certifier_id]["rules"], earned, today=TODAY
                )
            for data in cycle_cache[key]:
                cycles.append(
                    Cycle(certification_id=cert_id, starts_on=data.starts_on, ends_on=data.ends_on)
                )
    _bulk(Certification, rows)
    _bulk(Cycle, cycles)
    return held, first_cert


def _claims(model, rows):
    """Four plain columns: written straight, without a model object per row."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 20_000):
            cursor.executemany(
                f"INSERT INTO {table} (entry_id, certifier_id, category, credit) "
                "VALUES (%s, %s, %s, %s)",
                chunk,
            )


def _ledgers(n, first_user, held, first_course, certifiers):
    """~50 approved-course entries per professional (the first one: 1,000), each with a claim
    for every certifier the member holds."""
    from tracker.models import CreditEntry, EntryCredit

    first = _next_id(CreditEntry)
    courses = n["courses"]
    entries, claims = [], []
    entry_id = first
    for i in range(n["professionals"]):
        user_id = first_user + i
        count = n["heavy_entries"] if i == 0 else n["entries_each"] - 5 + i % 11
        for k in range(count):
            c = (i * 7919 + k * 104_729) % courses
            if c % 50 == 0:
                c += 1  # a single course, not a conference
            credit = Decimal("0.3") + Decimal(c % 8) / 10
            entries.append(
                CreditEntry(
                    pk=entry_id,
                    user_id=user_id,
                    kind="approved_course",
                    course_id=first_course + c,
                    completion_date=TODAY - datetime.timedelta(days=(k * 13 + i) % 880),
                    credit=credit,
                )
            )
            for certifier_id in held[user_id]:
                claims.append(
                    (entry_id, certifier_id, certifiers[certifier_id]["category"], credit)
                )
            entry_id += 1
        if len(entries) >= 50_000:
            _bulk(CreditEntry, entries)
            _claims(EntryCredit, claims)
            entries, claims = [], []
    _bulk(CreditEntry, entries)
    _claims(EntryCredit, claims)
    return entry_id - first


def _petitions(n, first_user, first_cert, reviewer):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from petitions.models import Document, Petition

    stored = default_storage.save("petitions/load/certificate.pdf", ContentFile(PDF))
    statuses = Petition.Status.values
    types = Petition.Type.values
    now = timezone.now()
    first = _next_id(Petition)
    count = n["petitions"]
    people = n["professionals"]

    def petitions():
        for p in range(count):
            status = statuses[p % len(statuses)]
            kind = types[p % len(types)]
            user_id = first_user + 1 + (p * 37) % (people - 1)  # never the 1,000-entry member
            decided = status in Petition.DECIDED_STATUSES
            yield Petition(
                pk=first + p,
                user_id=user_id,
                certification_id=first_cert[user_id],
                type=kind,
                course_title=f"Workshop on {WORDS[p % len(WORDS)].lower()} {p}",
                provider_name=provider_name(p % 500),
                completion_date=TODAY - datetime.timedelta(days=20 + p % 200),
                contact_hours=None if kind == Petition.Type.COLLEGE else Decimal("5"),
                credit_hours=Decimal("3") if kind == Petition.Type.COLLEGE else None,
                grade="B" if kind == Petition.Type.COLLEGE else "",
                credit_requested=Decimal("0.5"),
                credit_awarded=Decimal("0.5") if status == Petition.Status.APPROVED else None,
                description="A workshop outside the catalog; agenda and certificate attached.",
                status=status,
                decided_by=reviewer if decided else None,
                decided_at=now if decided else None,
                decision_reason="Not continuing education." if status == "denied" else "",
                submitted_at=now - datetime.timedelta(minutes=7 * (count - p)),
            )

    _bulk(Petition, petitions())
    _bulk(
        Document,
        (
            Document(
                petition_id=first + p,
                file=stored,
                label="certificate.pdf",
                content_type="application/pdf",
                size=len(PDF),
                uploaded_by_id=first_user + 1 + (p * 37) % (people - 1),
            )
            for p in range(count)
        ),
    )


def _staff(providers):
    from tests.accounts.factories import ProviderStaffFactory, ReviewerFactory

    reviewer = ReviewerFactory(email="reviewer@load.example.com")
    staff = ProviderStaffFactory(email="staff@load.example.com", provider=providers[0])
    return reviewer, staff


def _reset_sequences(connection):
    from django.apps import apps
    from django.core.management.color import no_style

    models = [m for a in ("accounts", "catalog", "tracker", "petitions") for m in
              apps.get_app_config(a).get_models()]  # fmt: skip
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def generate(scale: str) -> dict:
    """Build the data set in the (migrated, empty) database; returns the marker."""
    import time

    from django.db import connection, transaction

    n = sizes(scale)
    started = time.perf_counter()
    with transaction.atomic():
        providers, first_course = _catalog(n)
        print(f"  catalog: {time.perf_counter() - started:.0f} s", flush=True)
        reviewer, staff = _staff(providers)
        certifiers = _rule_data()
        first_user = _people(n)
        held, first_cert = _certifications(n, first_user, certifiers)
        print(f"  people: {time.perf_counter() - started:.0f} s", flush=True)
        entries = _ledgers(n, first_user, held, first_course, certifiers)
        print(f"  {entries:,} entries: {time.perf_counter() - started:.0f} s", flush=True)
        _petitions(n, first_user, first_cert, reviewer)
        _reset_sequences(connection)
        body = {"version": VERSION, "scale": scale, "sizes": n, "entries": entries}
        _write_marker(connection, body)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return body


def main(argv):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    scale = argv[1] if len(argv) > 1 else "tenth"
    found = marker(connection)
    if found and found.get("version") == VERSION and found.get("scale") == scale:
        print(f"  reusing the {scale} data set ({found['entries']:,} entries)", flush=True)
        return
    if found is not None:
        sys.exit("This database holds another data set: remove it first (bench/load.py does).")
    call_command("migrate", verbosity=0, interactive=False)
    generate(scale)


if __name__ == "__main__":
    main(sys.argv)
