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


def _people():
    from tests.accounts.factories import ProfessionalFactory, ReviewerFactory
    from tests.tracker.factories import CertificationFactory, CertifierFactory, ProgramFactory

    program = ProgramFactory(certifier=CertifierFactory(code="bench-petitions"))
    people = [ProfessionalFactory() for _ in range(PROFESSIONALS)]
    certifications = {p.pk: CertificationFactory(user=p, program=program) for p in people}
    return people, certifications, ReviewerFactory()


def _add_petitions(people, certifications, numbers):
    from petitions.models import Petition

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
            for n in numbers
        ),
        batch_size=1000,
    )


def _queue_pages(bench, size):
    queue = reverse("petitions:queue")
    return {
        "queue, page 1": bench.get_ms(queue),
        "queue, overdue college petitions, page 3": bench.get_ms(
            f"{queue}?age=overdue&type=college&page=3"
        ),
        "queue, last page": bench.get_ms(f"{queue}?page={size // 25}", repeat=15),
    }


def run(bench):
    from petitions import services
    from petitions.models import Petition
    from petitions.samples import jpeg_bytes, pdf_bytes
    from petitions.uploads import check_uploads

    people, certifications, reviewer = _people()
    bench.login(reviewer)
    base = bench.baseline_ms
    tenth = QUEUE_SIZE // 10
    # Every tenth petition first, so the small queue has the same mix of ages and types.
    _add_petitions(people, certifications, range(0, QUEUE_SIZE, 10))
    small = _queue_pages(bench, tenth)
    _add_petitions(people, certifications, (n for n in range(QUEUE_SIZE) if n % 10))
    large = _queue_pages(bench, QUEUE_SIZE)
    for label, value in large.items():
        bench.report(
            f"{label} @ {QUEUE_SIZE:,} open", value, "ms", small[label], f"@ {tenth:,} open"
        )
    oldest = Petition.objects.open().first_come_first_served().first()
    bench.report(
        "review page (petition, cycles and totals, forms)",
        bench.get_ms(reverse("petitions:review", args=[oldest.pk])),
        "ms",
        base,
        "signed-in empty view",
    )

    waiting = iter(list(Petition.objects.open().first_come_first_served()[:200]))

    def approve_next():
        services.petition_approve(petition=next(waiting), reviewer=reviewer)

    bench.report(
        "petition_approve (lock, ledger entry, event, email)",
        bench.time_ms(approve_next, repeat=100, warmup=3),
        "ms",
        base,
        "signed-in empty view",
    )

    pdf, jpeg = pdf_bytes(), jpeg_bytes()

    def check_two():
        check_uploads([SimpleUploadedFile("a.pdf", pdf), SimpleUploadedFile("b.jpg", jpeg)])

    bench.report(
        "check_uploads: one PDF and one JPEG (content verified)",
        bench.time_ms(check_two, repeat=100),
        "ms",
        base,
        "signed-in empty view",
    )
