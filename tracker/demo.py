"""Demo record for pro@example.com: two ACE certifications with different cycles, a current
CPR/AED card and a handful of credits. Loading twice changes nothing.

CA23456 is left out on purpose: adding it is the demo of the My CECs page, by typing its
number or by reading `var/demo/certificate-CA23456.jpg` (a photo of its certificate, written
here) with "Read the certificate".
"""

import datetime
import uuid
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.demo import demo_user
from catalog.models import Course

from . import samples, seeding, services
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


def _card_pictures(card: CprCard) -> None:
    """Photos of both sides of the card, as NASM asks for (once)."""
    if card.front_image:
        return
    lines = {
        "front": ["Adult CPR/AED", card.provider_name, f"Issued {card.issued_on:%m/%d/%Y}"],
        "back": ["Skills check: passed", f"Renew by {card.expires_on:%m/%d/%Y}"],
    }
    for side, text in lines.items():
        picture = ContentFile(samples.certificate_png(text, width=800), name=f"{side}.png")
        getattr(card, f"{side}_image").save(picture.name, picture, save=False)
    card.save()


def _sample_photo(today: datetime.date) -> None:
    """A photo of a CA23456 certificate to try "Read the certificate" with."""
    folder = settings.BASE_DIR / "var" / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    lines = samples.certificate_lines(
        number="CA23456", completed=today - datetime.timedelta(days=10), name="Pat Pro"
    )
    (folder / "certificate-CA23456.jpg").write_bytes(samples.certificate_photo(lines))


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


def load_grace(today: datetime.date):
    """reviewer@example.com's own record: ACE Health Coach past its deadline, in its grace
    period, with the credit met and 0.2 CEC beyond it — My CECs says to record the renewal."""
    reviewer = demo_user("reviewer")
    _hold(reviewer, today, [("ace", "Health Coach", 25, "ACE-HC-770412")])
    _card(reviewer, today, 3, "American Heart Association")
    earned = today - relativedelta(months=25, day=12)
    done = earned + relativedelta(months=6)

    def add(name, **kwargs):
        services.credit_add(
            user=reviewer, submission_token=_token(f"reviewer-{name}"), actor=reviewer, **kwargs
        )

    for number in ("CL20002", "CEP123456"):
        course = Course.objects.filter(number=number).first()
        if course is not None:
            add(number, kind=Kind.APPROVED_COURSE, course=course, completion_date=done)
    add(
        "presenting",
        kind=Kind.PRESENTING,
        title="Behaviour change for new coaches, regional conference",
        credit=Decimal("0.5"),
        completion_date=done + relativedelta(months=2),
    )
    add(
        "publishing",
        kind=Kind.PUBLISHING,
        title="Article: coaching habits that last",
        credit=Decimal("0.5"),
        completion_date=done + relativedelta(months=3),
    )


def load():
    today = timezone.localdate()
    seeding.ensure_seeded()
    load_dual(today)
    load_grace(today)
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
    _card_pictures(card)
    _sample_photo(today)

    def add(name, **kwargs):
        services.credit_add(user=pro, submission_token=_token(name), actor=pro, **kwargs)

    add("cpr", kind=Kind.CPR_AED, cpr_card=card, completion_date=card.issued_on)
    courses = {c.number: c for c in Course.objects.filter(number__in=["CEP123456", "CS20001"])}
    if "CEP123456" in courses:
        completed = today - datetime.timedelta(days=40)
        certificate = samples.certificate_pdf(
            samples.certificate_lines(number="CEP123456", completed=completed, name="Pat Pro")
        )
        add(
            "cep123456",
            kind=Kind.APPROVED_COURSE,
            course=courses["CEP123456"],
            completion_date=completed,
            certificate=ContentFile(certificate, name="CEP123456 certificate.pdf"),
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
