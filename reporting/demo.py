"""Demo provider-reported credit: an Acme course approved by ACE and NASM (CA23460, 0.2 CEC,
2 hours) and one confirmed roster for it: Pat Rivera (pro@example.com) matched and posted (and
hidden by Pat from their totals, with a reason); one person not signed up yet (claimable: sign
up as jordan.new@example.com to be offered it); one row refused. dual@example.com is left out
on purpose: uploading a roster for them on the Rosters page is the demo. Loading twice changes
nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.demo import demo_user
from catalog.models import Course, CourseApproval, Provider
from tracker import services as tracker_services
from tracker.models import Certifier, CreditEntry

from . import services
from .models import RosterBatch

NUMBER = "CA23460"
KEY = "demo-roster-ca23460"
CLAIMABLE_EMAIL = "jordan.new@example.com"


def _course(provider: Provider) -> Course:
    course, _created = Course.objects.get_or_create(
        number=NUMBER,
        defaults={
            "title": "Functional Training for Everyday Movement",
            "provider": provider,
            "delivery_format": Course.Format.LIVE,
            "cec_value": Decimal("0.2"),
            "contact_hours": Decimal("2"),
            "status": Course.Status.APPROVED,
            "approved_on": datetime.date(2024, 1, 1),
            "expires_on": datetime.date(2028, 12, 31),
            "description": "A live workshop; its providers report who attended.",
        },
    )
    nasm = Certifier.objects.filter(code="nasm").first()
    if nasm is not None:
        CourseApproval.objects.get_or_create(
            course=course, certifier=nasm, defaults={"number": f"NASM-{NUMBER}"}
        )
    return course


def load():
    staff = demo_user("provider_staff")
    if staff.provider_id is None:
        return
    course = _course(staff.provider)
    if RosterBatch.objects.filter(provider=staff.provider, idempotency_key=KEY).exists():
        return  # loaded on an earlier run (its rows were dated from that day)
    day = timezone.localdate() - datetime.timedelta(days=20)
    rows = [
        {"email": demo_user("professional").email, "completion_date": day, services.LINE: 2},
        {"email": CLAIMABLE_EMAIL, "completion_date": day, services.LINE: 3},
        {"email": "not-an-address", "completion_date": day, services.LINE: 4},
    ]
    batch = services.stage(
        staff.provider,
        rows,
        source=RosterBatch.Source.UPLOAD,
        by=staff,
        course=course,
        filename="workshop-attendance.csv",
        idempotency_key=KEY,
    )
    if batch.status == RosterBatch.Status.CHECKED:
        services.confirm(batch, by=staff)
        services.post(batch.pk)  # at once, so the demo shows it before any worker runs
        # Pat hid it from their totals: the demo's picture of a cycle still to complete stays.
        pro = demo_user("professional")
        entry = CreditEntry.objects.filter(user=pro, course=course).first()
        if entry is not None:
            tracker_services.credit_hide(
                entry=entry, actor=pro, reason="I left after the first hour of the workshop."
            )
