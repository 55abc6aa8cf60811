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

from . import seed, services
from .models import Certification, CprCard, Kind, Program

NAMESPACE = uuid.UUID("5b0c2f4e-8d1a-4c1e-9a57-3f1d8c2b7a10")


def _token(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"demo-entry:{name}")


def load():
    today = timezone.localdate()
    seed.ensure_ace()
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
