"""Tracker: the rules package on 1,000 entries x 5 certifications across 3 certifiers beside
1,000 entries x 3 ACE certifications; My CECs at 500 entries beside 50.

    .venv/bin/python bench/bench_tracker.py --rules-only   # the rules figure alone, no Django
"""

import datetime
import statistics
import sys
import time
from decimal import Decimal

ACE_ID, NASM_ID, NSCA_ID = 1, 2, 5


def _rules_input(multi):
    """A ledger of 1,000 entries. multi: claims for ACE, NASM and NSCA, and five certifications
    (ACE CPT, GFI, HC; NASM CPT; NSCA CSCS); otherwise ACE's claims and its three
    certifications only."""
    from tracker import rules, seed

    ace = seed.certifier_data(seed.ACE, ACE_ID)
    nasm = seed.certifier_data(seed.NASM, NASM_ID)
    nsca = seed.certifier_data(seed.NSCA, NSCA_ID)
    start = datetime.date(2025, 3, 15)
    certifications = []
    for cert_id, months in ((1, 0), (2, 5), (3, 11)):
        earned = start + datetime.timedelta(days=30 * months)
        first = rules.first_cycle(ace, earned)
        cycle = rules.CycleData(cert_id, first.starts_on, first.ends_on)
        certifications.append(
            rules.CertificationData(cert_id, ACE_ID, cert_id, "ACE", earned, (cycle,))
        )
    if multi:
        nasm_first = rules.first_cycle(nasm, datetime.date(2025, 2, 1))
        nasm_cycle = rules.CycleData(4, nasm_first.starts_on, nasm_first.ends_on)
        certifications.append(
            rules.CertificationData(4, NASM_ID, 4, "NASM CPT", nasm_first.starts_on, (nasm_cycle,))
        )
        nsca_cycle = rules.CycleData(5, datetime.date(2024, 1, 1), datetime.date(2026, 12, 31))
        certifications.append(
            rules.CertificationData(
                5, NSCA_ID, 5, "NSCA CSCS", datetime.date(2023, 5, 1), (nsca_cycle,)
            )
        )
    tenth, fifth = Decimal("0.1"), Decimal("0.2")
    # (kind, claims): what each kind of entry is worth toward which certifier.
    shapes = [
        (
            "approved_course",
            ((ACE_ID, tenth, "courses"), (NASM_ID, tenth, "courses"), (NSCA_ID, tenth, "A")),
        ),
        ("approved_course", ((ACE_ID, tenth, "courses"), (NSCA_ID, tenth, "A"))),
        ("presenting", ((ACE_ID, tenth, "presenting"),)),
        ("mentoring", ((ACE_ID, tenth, "mentoring"),)),
        ("college", ((ACE_ID, Decimal("1.0"), "college"), (NSCA_ID, Decimal("0.5"), "C"))),
        ("cpr_aed", ((ACE_ID, fifth, "cpr_aed"), (NASM_ID, tenth, "cpr_aed"))),
        ("quiz", ((NSCA_ID, fifth, "B"),)),
    ]
    entries = []
    for i in range(1_000):
        kind, claims = shapes[i % len(shapes)]
        wanted = claims if multi else tuple(c for c in claims if c[0] == ACE_ID)
        entries.append(
            rules.EntryData(
                id=i,
                kind=kind,
                completion_date=start + datetime.timedelta(days=(i * 7) % 720),
                claims=tuple(rules.Claim(*c) for c in wanted),
                course_id=i % 500 if kind == "approved_course" else None,
                cpr_card_id=i % 40 if kind == "cpr_aed" else None,
                grade="B",
            )
        )
    cards = [rules.CprCardData(1, start, start + datetime.timedelta(days=1100))]
    certifiers = {ACE_ID: ace, NASM_ID: nasm, NSCA_ID: nsca} if multi else {ACE_ID: ace}
    return rules, certifications, entries, cards, certifiers


def _rules_run(multi):
    rules, certifications, entries, cards, certifiers = _rules_input(multi)
    today = datetime.date(2026, 6, 1)

    def run():
        rules.evaluate(
            certifications=certifications,
            entries=entries,
            cpr_cards=cards,
            certifiers=certifiers,
            today=today,
        )

    return run


def rules_figures(time_ms, rounds=3):
    """(1,000 entries x 5 certifications / 3 certifiers, 1,000 entries x 3 ACE certifications)
    in ms: the lowest of `rounds` medians each, measured alternately in the same run so that
    the machine's noise falls on both."""
    multi, single = _rules_run(multi=True), _rules_run(multi=False)
    multi_ms, single_ms = [], []
    for _ in range(rounds):
        single_ms.append(time_ms(single, repeat=100))
        multi_ms.append(time_ms(multi, repeat=100))
    return min(multi_ms), min(single_ms)


def report_rules(bench):
    multi, single = rules_figures(bench.time_ms)
    bench.report(
        "rules.evaluate, 1,000 entries x 5 certs, 3 certifiers (target < 5 ms)",
        multi,
        "ms",
        single,
        "1,000 x 3 ACE certs",
    )
    if multi >= 5.0:
        print("  WARNING: the rules package is over its 5 ms target.", flush=True)


def _user_with_entries(email, count, digit):
    from accounts.models import User
    from catalog.models import Course, Provider
    from tracker import services
    from tracker.models import CprCard, CreditEntry, Kind, Program

    user = User.objects.create_user(email=email, password="bench-password-123")
    today = datetime.date.today()
    for name, months in (("Certified Personal Trainer", 14), ("Group Fitness Instructor", 4)):
        program = Program.objects.get(certifier__code="ace", name=name)
        earned = today - datetime.timedelta(days=30 * months)
        services.certification_add(user=user, program=program, earned_on=earned)
    CprCard.objects.create(
        user=user,
        issued_on=today - datetime.timedelta(days=30),
        expires_on=today.replace(year=today.year + 2),
    )
    provider, _ = Provider.objects.get_or_create(
        name="Bench Provider", defaults={"contact_email": "bench@example.com"}
    )
    courses = Course.objects.bulk_create(
        Course(
            number=f"CS{digit}{i:05d}",
            title=f"Bench course {i}",
            provider=provider,
            cec_value=Decimal("0.1"),
            status=Course.Status.APPROVED,
            approved_on=datetime.date(2020, 1, 1),
            expires_on=datetime.date(2035, 1, 1),
        )
        for i in range(count)
    )
    ace_id = Program.objects.get(
        certifier__code="ace", name="Group Fitness Instructor"
    ).certifier_id
    CreditEntry.objects.bulk_create(
        CreditEntry(
            user=user,
            kind=Kind.APPROVED_COURSE if i % 3 else Kind.PRESENTING,
            course=course if i % 3 else None,
            title="" if i % 3 else f"Talk {i}",
            credit=Decimal("0.1"),
            completion_date=today - datetime.timedelta(days=i % 400),
            certifier_id=ace_id,
        )
        for i, course in enumerate(courses)
    )
    return user


def run(bench):
    report_rules(bench)

    fifty = _user_with_entries("bench-tracker-50@example.com", 50, 7)
    five_hundred = _user_with_entries("bench-tracker-500@example.com", 500, 8)
    timings = {}
    for label, user in (("50", fifty), ("500", five_hundred)):
        bench.login(user)
        timings[label] = {
            "dashboard": bench.get_ms("/my/cecs/", repeat=20),
            "csv": bench.get_ms("/my/cecs/export.csv", repeat=20),
        }
    bench.logout()
    bench.report(
        "My CECs dashboard, 500 entries",
        timings["500"]["dashboard"],
        "ms",
        timings["50"]["dashboard"],
        "50 entries",
    )
    bench.report(
        "ledger CSV export, 500 entries",
        timings["500"]["csv"],
        "ms",
        timings["50"]["csv"],
        "50 entries",
    )


class _RulesOnly:
    """The two methods of bench.run.Bench the rules figure needs, without Django."""

    def time_ms(self, fn, repeat=50, warmup=3):
        for _ in range(warmup):
            fn()
        samples = []
        for _ in range(repeat):
            begin = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - begin) * 1000)
        return statistics.median(samples)

    def report(self, label, value, unit, baseline, baseline_label):
        print(
            f"{label:<58} {value:>12.3f} {unit}   baseline {baseline:>10.3f} {unit} "
            f"({baseline_label})   ratio {value / baseline:6.2f}×",
            flush=True,
        )


if __name__ == "__main__":
    if "--rules-only" not in sys.argv[1:]:
        sys.exit("Run the page benchmarks with bench/run.py; this file alone: --rules-only.")
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    report_rules(_RulesOnly())
