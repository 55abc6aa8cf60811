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
from .models import Certification, CprCard, CreditEntry, Kind, Program

NAMESPACE = uuid.UUID("5b0c2f4e-8d1a-4c1e-9a57-3f1d8c2b7a10")


def _token(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"demo-entry:{name}")


def _hold(user, today, held):
    """Certifications (certifier code, program name, months since earned, number), once."""
    for code, name, months_ago, number in held:
        program = Program.objects.filter(certifier__code=code, name=name).first()
        if program and not Certification.objects.filter(user=user, program=program).exists():
            services.certification_add(
                user=user,
                program=program,
                earned_on=today - relativedelta(months=months_ago, day=12),
                number=number,
            )


def _card(user, today, months_ago, provider_name) -> CprCard:
    """The user's newest CPR/AED card, or a two-year card issued `months_ago`."""
    card = CprCard.objects.filter(user=user).order_by("-expires_on").first()
    if card is None:
        issued = today - relativedelta(months=months_ago)
        card = services.cpr_card_add(
            user=user,
            issued_on=issued,
            expires_on=issued + relativedelta(years=2),
            provider_name=provider_name,
        )
    return card


def load_dual(today: datetime.date):
    """dual@example.com: ACE CPT and NASM CPT, a CPR/AED card and one course both approved."""
    dual = demo_user("ace_nasm_pro")
    _hold(
        dual,
        today,
        [
            ("ace", "Certified Personal Trainer", 9, "ACE-CPT-555120"),
            ("nasm", "Certified Personal Trainer", 14, "NASM-CPT-88231"),
        ],
    )
    card = _card(dual, today, 2, "American Heart Association")
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
    # Different earned dates: CPT's cycle is in its second year, GFI's in its first.
    _hold(
        pro,
        today,
        [
            ("ace", "Certified Personal Trainer", 15, "ACE-CPT-204815"),
            ("ace", "Group Fitness Instructor", 7, "ACE-GFI-311907"),
        ],
    )
    card = _card(pro, today, 4, "American Red Cross")

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
    # An entry logged by mistake, corrected, then deleted: My CECs → History still shows it.
    mistake = "Webinar logged twice by mistake"
    if not CreditEntry.history.filter(user_id=pro.pk, title=mistake).exists():
        entry = services.credit_add(
            user=pro,
            kind=Kind.PRESENTING,
            title=mistake,
            credit=Decimal("0.1"),
            completion_date=today - datetime.timedelta(days=15),
            actor=pro,
        )
        services.credit_update(entry=entry, actor=pro, credit=Decimal("0.2"), today=today)
        services.credit_delete(entry=entry, actor=pro)
