import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.access import (
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    PAGE,
    REDIRECT,
    Route,
    everyone,
    public,
    reviewers_only,
    signed_in,
)
from tracker import services, verification
from tracker.models import Audit, AuditItem, CertificateReading, Cycle, Kind, Program


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
    world.card = services.cpr_card_add(
        user=pro,
        issued_on=datetime.date.today() - datetime.timedelta(days=30),
        expires_on=datetime.date.today() + datetime.timedelta(days=700),
        front_image=_png(),
        back_image=_png(),
    )
    world.reading = CertificateReading(
        user=pro, file_name="certificate.png", status=CertificateReading.Status.DONE
    )
    world.reading.file.save("reading.png", _png(), save=False)
    world.reading.save()
    # An audit of an earlier renewal, proof sent for its one credit.
    today = datetime.date.today()
    old = Cycle.objects.create(
        certification=world.certification,
        starts_on=today - datetime.timedelta(days=1100),
        ends_on=today - datetime.timedelta(days=400),
        renewed_on=today - datetime.timedelta(days=400),
        frozen_result={
            "total": "0.2",
            "required": "2.0",
            "counted": [[world.entry.pk, "0.2", ""]],
            "not_counted": [],
            "category_totals": {},
        },
    )
    world.audit = Audit.objects.create(
        cycle=old, due_on=today + datetime.timedelta(days=30), started_by=world.reviewer
    )
    world.audit_item = AuditItem(audit=world.audit, entry=world.entry, credit=Decimal("0.2"))
    world.audit_item.proof.save("proof.png", _png(), save=False)
    world.audit_item.proof_type = "image/png"
    world.audit_item.save()


def owner_only():
    return signed_in(NOT_FOUND) | {"professional": PAGE}


def owner_and_reviewers():
    return owner_only() | {"reviewer": PAGE, "admin": PAGE}


def auditor_action(get=NOT_ALLOWED):
    """An auditor-only POST action: others are refused before the method is looked at."""
    return {
        "anonymous": LOGIN,
        "professional": FORBIDDEN,
        "provider_staff": FORBIDDEN,
        "reviewer": get,
        "admin": get,
    }


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
    # A confirmation page first; the POST records the renewal.
    Route("tracker:cycle-renew", owner_only(), kwargs=lambda w: {"pk": w.certification.pk}),
    Route(
        "tracker:cycle-renew",
        signed_in(NOT_FOUND) | {"professional": "redirect"},
        kwargs=lambda w: {"pk": w.certification.pk},
        method="post",
    ),
    # Reading a certificate for the add forms; card pictures; the transcript as PDF and ZIP.
    Route("tracker:reading-start", signed_in(NOT_ALLOWED)),
    # Sent without a file: the form it came from opens and says what is missing.
    Route("tracker:reading-start", signed_in(), method="post", data={"purpose": "course"}),
    Route("tracker:reading-start", signed_in(), method="post", data={"purpose": "cpr"}),
    Route(
        "tracker:reading",
        signed_in(NOT_FOUND) | {"professional": REDIRECT},
        kwargs=lambda w: {"pk": w.reading.pk},
    ),
    Route("tracker:dashboard", signed_in(), query="reading=999999"),
    Route("tracker:cpr-card-add", signed_in(), query="reading=abc"),
    Route(
        "tracker:cpr-card-image",
        owner_only(),
        kwargs=lambda w: {"pk": w.card.pk, "side": "front"},
    ),
    Route(
        "tracker:cpr-card-image",
        owner_only(),
        kwargs=lambda w: {"pk": w.card.pk, "side": "back"},
    ),
    Route(
        "tracker:cpr-card-image",
        signed_in(NOT_FOUND),
        kwargs=lambda w: {"pk": w.card.pk, "side": "sideways"},
    ),
    Route("tracker:transcript-pdf", owner_and_reviewers(), kwargs=lambda w: {"pk": w.cycle.pk}),
    Route("tracker:certificates-zip", owner_only(), kwargs=lambda w: {"pk": w.cycle.pk}),
    # Audits: the auditors' queue and decisions; the professional's own audit and proof.
    Route("tracker:audits", reviewers_only()),
    Route("tracker:audit-sample", auditor_action()),
    Route(
        "tracker:audit-sample",
        auditor_action(400),
        method="post",
        data={"renewed_from": "13/45/2020", "percent": "-1"},
    ),
    Route("tracker:audit-pick", auditor_action()),
    Route("tracker:audit-pick", auditor_action(400), method="post", data={"cycle": "x"}),
    Route("tracker:audit-review", reviewers_only(), kwargs=lambda w: {"pk": w.audit.pk}),
    Route("tracker:audit-decide", auditor_action(), kwargs=lambda w: {"pk": w.audit_item.pk}),
    # No decision chosen: told so on the audit's page, nothing decided.
    Route(
        "tracker:audit-decide",
        auditor_action(REDIRECT),
        kwargs=lambda w: {"pk": w.audit_item.pk},
        method="post",
    ),
    Route("tracker:my-audit", owner_only(), kwargs=lambda w: {"pk": w.audit.pk}),
    Route(
        "tracker:audit-proof-upload",
        signed_in(NOT_ALLOWED),
        kwargs=lambda w: {"pk": w.audit_item.pk},
    ),
    # No file: told so on the audit's page; another person's proof does not exist for them.
    Route(
        "tracker:audit-proof-upload",
        signed_in(NOT_FOUND) | {"professional": REDIRECT},
        kwargs=lambda w: {"pk": w.audit_item.pk},
        method="post",
    ),
    Route("tracker:audit-proof", owner_and_reviewers(), kwargs=lambda w: {"pk": w.audit_item.pk}),
    Route("tracker:lapsing", reviewers_only()),
    # Bad filters are reported on the page, never an error page.
    Route(
        "tracker:lapsing",
        reviewers_only(),
        query="certifier=zzz&status=bogus&days=abc&page=-3",
    ),
    Route("tracker:lapsing-csv", reviewers_only()),
    # Public verification: open to everyone, the same for every role.
    Route("verify:lookup", public()),
    Route("verify:lookup", public(), query="number=X1&last_name=Nobody"),
    Route(
        "verify:result",
        public(),
        kwargs=lambda w: {"token": verification.token_for(w.certification)},
    ),
    Route("verify:result", everyone(NOT_FOUND), kwargs=lambda w: {"token": "forged"}),
    Route("verify:lookup", everyone(NOT_ALLOWED), method="post"),
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
