import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.access import NOT_ALLOWED, NOT_FOUND, PAGE, Route, reviewers_only, signed_in
from tracker import services
from tracker.models import Kind, Program


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="PNG")
    return SimpleUploadedFile("certificate.png", buffer.getvalue(), "image/png")


def build(world):
    pro = world.professional
    program = Program.objects.get(certifier__code="ace", name="Certified Personal Trainer")
    world.certification = services.certification_add(
        user=pro, program=program, earned_on=datetime.date.today() - datetime.timedelta(days=200)
    )
    world.cycle = world.certification.cycles.get()
    world.entry = services.credit_add(
        user=pro,
        kind=Kind.PRESENTING,
        title="Workshop talk",
        credit=Decimal("0.2"),
        completion_date=datetime.date.today() - datetime.timedelta(days=10),
        certificate=_png(),
    )


def owner_only():
    return signed_in(NOT_FOUND) | {"professional": PAGE}


def owner_and_reviewers():
    return owner_only() | {"reviewer": PAGE, "admin": PAGE}


ROUTES = [
    Route("tracker:dashboard", signed_in()),
    Route("tracker:course-lookup", signed_in(), query="course_number=CA23456"),
    Route("tracker:credit-add", signed_in(NOT_ALLOWED)),
    Route("tracker:activity-add", signed_in(), kwargs=lambda w: {"kind": "presenting"}),
    Route("tracker:certification-add", signed_in()),
    Route("tracker:cpr-card-add", signed_in()),
    Route("tracker:export-csv", signed_in()),
    # Everyone sees their own history only: no one else's is reachable from this page.
    Route("tracker:history", signed_in()),
    Route("tracker:history", signed_in(), query="page=zz"),
    Route("tracker:entry-edit", owner_only(), kwargs=lambda w: {"pk": w.entry.pk}),
    Route("tracker:entry-delete", owner_only(), kwargs=lambda w: {"pk": w.entry.pk}),
    Route("tracker:entry-certificate", owner_and_reviewers(), kwargs=lambda w: {"pk": w.entry.pk}),
    Route("tracker:transcript", owner_and_reviewers(), kwargs=lambda w: {"pk": w.cycle.pk}),
    Route("tracker:still-counts", owner_only(), kwargs=lambda w: {"pk": w.certification.pk}),
    Route(
        "tracker:cycle-record-renewal",
        owner_only(),
        kwargs=lambda w: {"pk": w.certification.pk},
    ),
    Route(
        "tracker:cycle-renew", signed_in(NOT_ALLOWED), kwargs=lambda w: {"pk": w.certification.pk}
    ),
    Route(
        "tracker:cycle-renew",
        signed_in(NOT_FOUND) | {"professional": "redirect"},
        kwargs=lambda w: {"pk": w.certification.pk},
        method="post",
    ),
    Route("tracker:lapsing", reviewers_only()),
    # Bad filters are reported on the page, never an error page.
    Route(
        "tracker:lapsing",
        reviewers_only(),
        query="certifier=zzz&status=bogus&days=abc&page=-3",
    ),
    Route("tracker:lapsing-csv", reviewers_only()),
    Route("tracker:professionals", reviewers_only()),
    Route("tracker:professionals", reviewers_only(), query="q=pro"),
    Route("tracker:professional", reviewers_only(), kwargs=lambda w: {"pk": w.professional.pk}),
    Route(
        "tracker:professional-history",
        reviewers_only(),
        kwargs=lambda w: {"pk": w.professional.pk},
    ),
    Route(
        "tracker:professional-history",
        reviewers_only() | {"reviewer": NOT_FOUND, "admin": NOT_FOUND},
        kwargs=lambda w: {"pk": w.reviewer.pk},
    ),
    # A staff member is not a professional: no page, no entry on their behalf.
    Route(
        "tracker:professional",
        reviewers_only() | {"reviewer": NOT_FOUND, "admin": NOT_FOUND},
        kwargs=lambda w: {"pk": w.reviewer.pk},
    ),
    # A CSV of some other list than the one asked for would mislead: 400 with the reasons.
    Route(
        "tracker:lapsing-csv",
        reviewers_only() | {"reviewer": 400, "admin": 400},
        query="days=0",
    ),
]
