"""Demo petitions for pro@example.com, one in each state a reviewer meets. Loading twice
changes nothing: a petition is found again by its course title.

The rows are written directly rather than through the services so that loading the demo
sends no email; the approved one gets its ledger entry through tracker's credit_add, as an
approval does.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_user
from tracker.models import CreditEntry, Kind
from tracker.selectors import current_cycles_on
from tracker.services import credit_add

from .models import Petition, PetitionEvent
from .samples import jpeg_bytes, pdf_bytes, png_bytes
from .uploads import check_uploads, discard_on_failure, documents_save

Status = Petition.Status

PETITIONS = [
    {
        "course_title": "Functional Movement Workshop",
        "type": Petition.Type.LIVE_WORKSHOP,
        "provider_name": "Move Well Studio",
        "contact_hours": Decimal("6"),
        "credit_requested": Decimal("0.6"),
        "description": "A one-day hands-on workshop on movement screening and corrective drills.",
        "completed_days_ago": 12,
        "filed_days_ago": 4,
        "status": Status.SUBMITTED,
        "files": [("certificate.pdf", "pdf"), ("agenda.png", "png")],
    },
    {
        "course_title": "Aquatic Exercise Weekend",
        "type": Petition.Type.CONFERENCE,
        "provider_name": "Coastal Fitness Association",
        "contact_hours": Decimal("8"),
        "credit_requested": Decimal("0.8"),
        "description": "Regional conference: water-based training for older adults, two days.",
        "completed_days_ago": 50,
        "filed_days_ago": 41,
        "status": Status.SUBMITTED,
        "files": [("attendance-certificate.pdf", "pdf")],
    },
    {
        "course_title": "Nutrition for Active Adults",
        "type": Petition.Type.DISTANCE,
        "provider_name": "Open Health Academy",
        "contact_hours": Decimal("4"),
        "credit_requested": Decimal("0.4"),
        "description": "Online course with a final quiz; certificate shows four contact hours.",
        "completed_days_ago": 70,
        "filed_days_ago": 60,
        "status": Status.APPROVED,
        "decided_days_ago": 45,
        "decision": "The certificate shows the hours and a passing quiz.",
        "files": [("completion.pdf", "pdf"), ("quiz-result.jpg", "jpeg")],
    },
    {
        "course_title": "Weekend Yoga Retreat",
        "type": Petition.Type.BLENDED,
        "provider_name": "Sunrise Retreats",
        "contact_hours": Decimal("10"),
        "credit_requested": Decimal("1.0"),
        "description": "Retreat with daily practice sessions and a short online module.",
        "completed_days_ago": 90,
        "filed_days_ago": 80,
        "status": Status.DENIED,
        "decided_days_ago": 60,
        "decision": "The certificate does not show contact hours, and no agenda was attached; "
        "an incomplete petition is denied. You may file again with the agenda.",
        "files": [("retreat-photo.png", "png")],
    },
    {
        "course_title": "Human Anatomy (BIO 210)",
        "type": Petition.Type.COLLEGE,
        "provider_name": "City Community College",
        "credit_hours": Decimal("3"),
        "grade": "B",
        "credit_requested": Decimal("2.0"),
        "description": "Three-credit college course in human anatomy with a lab.",
        "completed_days_ago": 30,
        "filed_days_ago": 20,
        "status": Status.INFO_REQUESTED,
        "decided_days_ago": 10,
        "decision": "Please add the official transcript that shows the grade.",
        "files": [("syllabus.pdf", "pdf")],
    },
]

MAKERS = {
    "pdf": lambda title: pdf_bytes(f"Certificate of completion: {title}"),
    "png": lambda title: png_bytes(title[:30]),
    "jpeg": lambda title: jpeg_bytes(title[:30]),
}


def _completion_date(cycle, days_ago):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return min(max(day, cycle.starts_on), cycle.ends_on, timezone.localdate())


def load():
    professional = demo_user("professional")
    reviewer = demo_user("reviewer")
    cycles = current_cycles_on(professional, timezone.localdate())
    if not cycles:
        # Every petition counts toward a current cycle: without a certification there is none.
        return []
    certification, cycle = cycles[0]
    made = []
    with discard_on_failure() as stored, transaction.atomic():
        for spec in PETITIONS:
            title = spec["course_title"]
            if Petition.objects.filter(user=professional, course_title=title).exists():
                continue
            made.append(_make(spec, professional, reviewer, certification, cycle, stored))
    return made


def _make(spec, professional, reviewer, certification, cycle, stored):
    now = timezone.now()
    filed = now - datetime.timedelta(days=spec["filed_days_ago"])
    status = spec["status"]
    decided = (
        now - datetime.timedelta(days=spec["decided_days_ago"])
        if "decided_days_ago" in spec
        else None
    )
    petition = Petition.objects.create(
        user=professional,
        type=spec["type"],
        course_title=spec["course_title"],
        provider_name=spec["provider_name"],
        completion_date=_completion_date(cycle, spec["completed_days_ago"]),
        contact_hours=spec.get("contact_hours"),
        credit_hours=spec.get("credit_hours"),
        grade=spec.get("grade", ""),
        credit_requested=spec["credit_requested"],
        description=spec["description"],
        certification=certification,
        status=status,
        credit_awarded=spec["credit_requested"] if status == Status.APPROVED else None,
        decision_reason=spec.get("decision", "") if status in Petition.DECIDED_STATUSES else "",
        decided_by=reviewer if status in Petition.DECIDED_STATUSES else None,
        decided_at=decided if status in Petition.DECIDED_STATUSES else None,
    )
    Petition.objects.filter(pk=petition.pk).update(submitted_at=filed)
    uploads = [
        SimpleUploadedFile(name, MAKERS[kind](spec["course_title"])) for name, kind in spec["files"]
    ]
    documents_save(
        petition=petition, files=check_uploads(uploads), uploaded_by=professional, stored=stored
    )
    events = [
        PetitionEvent(
            petition=petition,
            actor=professional,
            to_status=Status.SUBMITTED,
            note="Filed.",
            at=filed,
        )
    ]
    if status != Status.SUBMITTED:
        events.append(
            PetitionEvent(
                petition=petition,
                actor=reviewer,
                from_status=Status.SUBMITTED,
                to_status=status,
                note=spec.get("decision", ""),
                at=decided,
            )
        )
    PetitionEvent.objects.bulk_create(events)
    if status == Status.APPROVED:
        credit_add(
            user=professional,
            kind=Kind.PETITION,
            completion_date=petition.completion_date,
            credit=petition.credit_awarded,
            title=petition.course_title,
            source=CreditEntry.Source.PETITION,
            petition=petition,
            actor=reviewer,
        )
    return petition
