"""Demo catalog: providers, approved courses (CA23456 is worth 0.3 CEC, 3 contact hours), a
conference with its umbrella number, and one course in each other state. CA23456 is also
approved by NASM, so a trainer holding ACE and NASM sees one course credit both. Loading twice
changes nothing."""

import datetime
from decimal import Decimal

from accounts.demo import demo_user
from tracker.models import Certifier

from . import selectors
from .models import Course, CourseApproval, Provider, Session

OPEN = datetime.date(2024, 1, 1)
CLOSE = datetime.date(2028, 12, 31)

PROVIDERS = {
    "acme": (
        "Acme Fitness Education",
        "courses@acme-fitness.example.com",
        "https://acme.example.com",
    ),
    "summit": ("Summit Events", "hello@summit-events.example.com", "https://summit.example.com"),
    "coastal": ("Coastal Health Academy", "office@coastal-health.example.com", ""),
}

# number, title, provider, format, CECs, status, approved_on, expires_on
NUMBERED = [
    ("CA23456", "Strength Training Fundamentals", "acme", "online", "0.3", "approved", OPEN, CLOSE),
    (
        "CEP123456",
        "Exercise Programming for Older Adults",
        "coastal",
        "home_study",
        "0.5",
        "approved",
        OPEN,
        CLOSE,
    ),
    ("CS20001", "Group Cycling Instructor Update", "acme", "live", "0.2", "approved", OPEN, CLOSE),
    ("CL20002", "Nutrition Coaching Basics", "coastal", "online", "0.7", "approved", OPEN, CLOSE),
    ("CP10001", "Fitness Summit 2026", "summit", "conference", None, "approved", OPEN, CLOSE),
    (
        "CL10002",
        "Kettlebell Basics (2019 edition)",
        "acme",
        "live",
        "0.4",
        "retired",
        datetime.date(2019, 1, 1),
        datetime.date(2023, 12, 31),
    ),
    (
        "CA10003",
        "Aquatic Exercise Essentials",
        "coastal",
        "online",
        "0.2",
        "approved",
        datetime.date(2020, 1, 1),
        datetime.date(2023, 12, 31),
    ),
]

# Other certifiers' approvals: course number, certifier code, their number, credit (None: the
# rules convert the contact hours). CA23456 is the one the tracker demo leaves unlogged.
APPROVALS = [
    ("CA23456", "nasm", "NASM-CA23456", None),
    # Not logged by anyone in the demo: "What can still count" toward NASM lists it.
    ("CL20002", "nasm", "NASM-CL20002", Decimal("0.7")),
]

SUMMIT_SESSIONS = [
    ("S1", "Opening keynote: the science of habit", "0.2"),
    ("S2", "Mobility lab", "0.3"),
    ("S3", "Programming for older adults", "0.4"),
    ("S4", "Coaching conversations", "0.2"),
]

# title, provider, format, CECs, status, rejection reason, submitted by the demo provider user
UNNUMBERED = [
    ("Mobility for Desk Workers", "acme", "online", "0.2", "pending", "", True),
    ("Youth Sports Conditioning", "coastal", "live", "0.6", "pending", "", False),
    (
        "Miracle Fat Loss Secrets",
        "acme",
        "home_study",
        "0.5",
        "rejected",
        "The outline makes claims that are not supported by evidence; no references are given.",
        True,
    ),
]


def _put(model, defaults, **lookup):
    """update_or_create that saves only when something differs, so a rerun touches nothing."""
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    if not created:
        changed = [k for k, v in defaults.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, defaults[k])
            obj.save()
    return obj


def load():
    providers = {}
    for key, (name, email, website) in PROVIDERS.items():
        providers[key] = _put(Provider, {"contact_email": email, "website": website}, name=name)

    staff = demo_user("provider_staff")
    if staff.provider_id != providers["acme"].pk:
        staff.provider = providers["acme"]
        staff.save(update_fields=["provider"])

    per_unit = selectors.home_hours_per_unit()
    courses = {}
    for number, title, provider, fmt, cec, status, start, end in NUMBERED:
        cec_value = Decimal(cec) if cec else None
        courses[number] = course = _put(
            Course,
            number=number,
            defaults={
                "title": title,
                "provider": providers[provider],
                "delivery_format": fmt,
                "cec_value": cec_value,
                "contact_hours": selectors.hours_from_cec(cec_value, per_unit),
                "status": status,
                "approved_on": start,
                "expires_on": end,
                "description": f"{title}, offered by {providers[provider].name}.",
            },
        )
        if number == "CP10001":
            for code, session_title, value in SUMMIT_SESSIONS:
                _put(
                    Session,
                    {
                        "title": session_title,
                        "cec_value": Decimal(value),
                        "contact_hours": selectors.hours_from_cec(Decimal(value), per_unit),
                    },
                    course=course,
                    code=code,
                )
    _approvals(courses)

    for title, provider, fmt, cec, status, reason, by_demo_user in UNNUMBERED:
        Course.objects.get_or_create(
            provider=providers[provider],
            title=title,
            defaults={
                "delivery_format": fmt,
                "cec_value": Decimal(cec),
                "status": status,
                "rejection_reason": reason,
                "submitted_by": staff if by_demo_user else None,
                "description": f"{title}, submitted for review.",
            },
        )


def _approvals(courses):
    """Other certifiers' approvals, for the certifiers the database has (their seed ships with
    the tracker's migrations)."""
    certifiers = {c.code: c for c in Certifier.objects.filter(code__in={a[1] for a in APPROVALS})}
    for course_number, code, number, credit in APPROVALS:
        if code not in certifiers:
            continue
        _put(
            CourseApproval,
            {"number": number, "credit": credit, "category": ""},
            course=courses[course_number],
            certifier=certifiers[code],
        )
