"""Tracker: the rules module on 1,000 entries beside 100; My CECs at 500 entries beside 50."""

import datetime
from decimal import Decimal


def _rules_input(count):
    from tracker import rules

    ace = rules.CertifierRules(
        id=1,
        code="ACE",
        credit_unit="CEC",
        contact_hours_per_unit=Decimal("10"),
        cycle_months=24,
        cycle_anchor=rules.EARNED,
        credits_required=Decimal("2.0"),
        cpr_required=True,
        grace_months=6,
        at_risk_days=90,
        kinds={
            "approved_course": rules.KindRuleData("approved_course"),
            "presenting": rules.KindRuleData("presenting", cycle_cap=Decimal("0.5")),
            "mentoring": rules.KindRuleData("mentoring", cycle_cap=Decimal("0.1")),
            "college": rules.KindRuleData(
                "college", per_unit=Decimal("1.0"), entry_cap=Decimal("2.0"), min_grade="C"
            ),
        },
    )
    start = datetime.date(2025, 3, 15)
    certifications = []
    for cert_id, months in ((1, 0), (2, 5), (3, 11)):
        earned = start + datetime.timedelta(days=30 * months)
        first = rules.first_cycle(ace, earned)
        cycle = rules.CycleData(cert_id, first.starts_on, first.ends_on, first.credits_required)
        certifications.append(rules.CertificationData(cert_id, 1, cert_id, "ACE", earned, (cycle,)))
    kinds = ["approved_course", "approved_course", "presenting", "mentoring", "college"]
    entries = [
        rules.EntryData(
            id=i,
            kind=kinds[i % len(kinds)],
            completion_date=start + datetime.timedelta(days=(i * 7) % 720),
            credit=Decimal("0.1"),
            certifier_id=1,
            course_id=i % (count // 2 or 1),
            grade="B",
        )
        for i in range(count)
    ]
    cards = [rules.CprCardData(1, start, start + datetime.timedelta(days=1100))]
    return rules, certifications, entries, cards, {1: ace}


def _rules_ms(bench, count):
    rules, certifications, entries, cards, by_id = _rules_input(count)
    today = datetime.date(2026, 6, 1)

    def run():
        rules.evaluate(
            certifications=certifications,
            entries=entries,
            cpr_cards=cards,
            rules=by_id,
            today=today,
        )

    return bench.time_ms(run, repeat=200)


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
    small = _rules_ms(bench, 100)
    large = _rules_ms(bench, 1_000)
    bench.report(
        "rules.evaluate, 1,000 entries x 3 certs (target < 5 ms)", large, "ms", small, "100"
    )
    if large >= 5.0:
        print("  WARNING: the rules module is over its 5 ms target.", flush=True)

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
