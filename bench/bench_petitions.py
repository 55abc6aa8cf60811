"""Petitions: the reviewers' queue over 10,000 petitions, the review page, a decision, and
the content check of an upload."""

import datetime
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

QUEUE_SIZE = 10_000
PROFESSIONALS = 200


def _build():
    from petitions.models import Petition
    from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
    from tests.tracker.factories import CertificationFactory, CertifierFactory, ProgramFactory

    program = ProgramFactory(certifier=CertifierFactory(code="bench-petitions"))
    people = [ProfessionalFactory() for _ in range(PROFESSIONALS)]
    certifications = {p.pk: CertificationFactory(user=p, program=program) for p in people}
    now = timezone.now()
    today = timezone.localdate()
    types = itertools.cycle(Petition.Type.values)
    Petition.objects.bulk_create(
        (
            Petition(
                user=people[n % PROFESSIONALS],
                certification=certifications[people[n % PROFESSIONALS].pk],
                type=(kind := next(types)),
                course_title=f"Bench petition {n}",
                provider_name="Bench provider",
                completion_date=today - datetime.timedelta(days=5),
                contact_hours=None if kind == Petition.Type.COLLEGE else Decimal("5"),
                credit_hours=Decimal("1") if kind == Petition.Type.COLLEGE else None,
                grade="B" if kind == Petition.Type.COLLEGE else "",
                credit_requested=Decimal("0.5"),
                description="Generated for the benchmark.",
                submitted_at=now - datetime.timedelta(minutes=13 * (QUEUE_SIZE - n)),
            )
            for n in range(QUEUE_SIZE)
        ),
        batch_size=1000,
    )
    return ReviewerFactory()


def run(bench):
    from petitions import services
    from petitions.models import Petition
    from petitions.samples import jpeg_bytes, pdf_bytes
    from petitions.uploads import check_uploads

    reviewer = _build()
    bench.login(reviewer)
    base = bench.baseline_ms
    queue = reverse("petitions:queue")
    bench.report(
        f"queue, page 1 of {QUEUE_SIZE:,} open petitions",
        bench.get_ms(queue),
        "ms",
        base,
        "empty view",
    )
    bench.report(
        "queue, overdue college petitions, page 3",
        bench.get_ms(f"{queue}?age=overdue&type=college&page=3"),
        "ms",
        base,
        "empty view",
    )
    bench.report(
        "queue, last page",
        bench.get_ms(f"{queue}?page={QUEUE_SIZE // 25}", repeat=15),
        "ms",
        base,
        "empty view",
    )
    oldest = Petition.objects.open().first_come_first_served().first()
    bench.report(
        "review page (petition, cycles and totals, forms)",
        bench.get_ms(reverse("petitions:review", args=[oldest.pk])),
        "ms",
        base,
        "empty view",
    )

    waiting = iter(list(Petition.objects.open().first_come_first_served()[:200]))

    def approve_next():
        services.petition_approve(petition=next(waiting), reviewer=reviewer)

    bench.report(
        "petition_approve (lock, ledger entry, event, email)",
        bench.time_ms(approve_next, repeat=100, warmup=3),
        "ms",
        base,
        "empty view",
    )

    pdf, jpeg = pdf_bytes(), jpeg_bytes()

    def check_two():
        check_uploads([SimpleUploadedFile("a.pdf", pdf), SimpleUploadedFile("b.jpg", jpeg)])

    bench.report(
        "check_uploads: one PDF and one JPEG (content verified)",
        bench.time_ms(check_two, repeat=100),
        "ms",
        base,
        "empty view",
    )
