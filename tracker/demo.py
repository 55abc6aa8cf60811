"""Demo record for pro@example.com: two ACE certifications with different cycles, a current
CPR/AED card and a handful of credits. Loading twice changes nothing.

CA23456 is left out on purpose: adding it is the demo of the My CECs page.
"""

import datetime
import uuid
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.demo import demo_user
from catalog.models import Course

from . import seeding, services
from .models import Certification, CprCard, Kind, Program

NAMESPACE = uuid.UUID("5b0c2f4e-8d1a-4c1e-9a57-3f1d8c2b7a10")


def _token(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"demo-entry:{name}")


def load_dual(today: datetime.date):
    """dual@example.com: ACE CPT and NASM CPT, a CPR/AED card and one course both approved."""
    dual = demo_user("ace_nasm_pro")
    for code, name, months_ago, number in [
        ("ace", "Certified Personal Trainer", 9, "ACE-CPT-555120"),
        ("nasm", "Certified Personal Trainer", 14, "NASM-CPT-88231"),
    ]:
        program = Program.objects.filter(certifier__code=code, name=name).first()
        if program and not Certification.objects.filter(user=dual, program=program).exists():
            services.certification_add(
                user=dual,
                program=program,
                earned_on=today - relativedelta(months=months_ago, day=3),
                number=number,
            )
    card = CprCard.objects.filter(user=dual).order_by("-expires_on").first()
    if card is None:
        issued = today - relativedelta(months=2)
        card = services.cpr_card_add(
            user=dual,
            issued_on=issued,
            expires_on=issued + relativedelta(years=2),
            provider_name="American Heart Association",
        )
    services.credit_add(
        user=dual,
        kind=Kind.CPR_AED,
        cpr_card=card,
        completion_date=card.issued_on,
        submission_token=_token("dual-cpr"),
        actor=dual,
    )
    course = Course.objects.filter(number="CA23456").first()
    if course is not None:
        services.credit_add(
            user=dual,
            kind=Kind.APPROVED_COURSE,
            course=course,
            completion_date=today - datetime.timedelta(days=30),
            submission_token=_token("dual-ca23456"),
            actor=dual,
        )


def load():
    today = timezone.localdate()
    seeding.ensure_seeded()
    load_dual(today)
    pro = demo_user("professional")
    programs = {p.name: p for p in Program.objects.filter(certifier__code="ace")}

    # Different earned dates: CPT's cycle is in its second year, GFI's in its first.
    for name, months_ago, number in [
        ("Certified Personal Trainer", 15, "ACE-CPT-204815"),
        ("Group Fitness Instructor", 7, "ACE-GFI-311907"),
    ]:
        program = programs.get(name)
        if program and not Certification.objects.filter(user=pro, program=program).exists():
            services.certification_add(
                user=pro,
                program=program,
                earned_on=today - relativedelta(months=months_ago, day=12),
                number=number,
            )

    card = CprCard.objects.filter(user=pro).order_by("-expires_on").first()
    if card is None:
        card = services.cpr_card_add(
            user=pro,
            issued_on=today - relativedelta(months=4),
            expires_on=today - relativedelta(months=4) + relativedelta(years=2),
            provider_name="American Red Cross",
        )

    def add(name, **kwargs):
        services.credit_add(user=pro, submission_token=_token(name), actor=pro, **kwargs)

    add("cpr", kind=Kind.CPR_AED, cpr_card=card, completion_date=card.issued_on)
    courses = {c.number: c for c in Course.objects.filter(number__in=["CEP123456", "CS20001"])}
    if "CEP123456" in courses:
        add(
            "cep123456",
            kind=Kind.APPROVED_COURSE,
            course=courses["CEP123456"],
            completion_date=today - datetime.timedelta(days=40),
        )
    if "CS20001" in courses:
        # Before GFI was earned: it counts toward CPT only.
        add(
            "cs20001",
            kind=Kind.APPROVED_COURSE,
            course=courses["CS20001"],
            completion_date=today - relativedelta(months=10),
        )
    add(
        "presenting",
        kind=Kind.PRESENTING,
        title="Safe lifting for beginners, community center workshop",
        credit=Decimal("0.3"),
        completion_date=today - datetime.timedelta(days=60),
    )
    add(
        "mentoring",
        kind=Kind.MENTORING,
        title="Mentored a new trainer at the gym",
        credit=Decimal("0.1"),
        completion_date=today - datetime.timedelta(days=20),
    )
