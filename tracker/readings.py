"""Certificates read for the add forms: store the upload, read it in the background, and hand
what was read to the form, which the person confirms. Nothing here writes credit.

start (the upload request: checks and stores the file, queues the reading) → run (the
worker: text, meaning, the catalog) → the form opens prefilled → the person presses
"Add CECs" (`services.credit_add` with the stored file) → discard.
"""

from __future__ import annotations

import datetime
import logging

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from catalog.services import course_lookup

from . import reading, uploads
from .models import CertificateReading

logger = logging.getLogger(__name__)

# A reading nobody confirmed is deleted after a day; one whose worker stopped is queued again.
KEEP_FOR = datetime.timedelta(days=1)
STUCK_AFTER = datetime.timedelta(minutes=10)
# At most this many candidate numbers are looked up in the catalog (one query each).
MAX_LOOKUPS = 8


def reading_start(*, user, upload, purpose=CertificateReading.Purpose.COURSE) -> CertificateReading:
    """Store a checked upload and queue its reading. Raises ValidationError for a bad file."""
    content_type, extension = uploads.check_certificate(upload)
    stored = uploads.stored_file(upload, extension)
    with transaction.atomic():
        item = CertificateReading(
            user=user, purpose=purpose, file_name=uploads.safe_label(upload.name)
        )
        item.file.save(stored.name, stored, save=False)
        item.save()
        transaction.on_commit(lambda: _enqueue(item.pk))
    return item


def _enqueue(pk: int) -> None:
    from .tasks import read_certificate

    read_certificate.enqueue(pk)


def reading_run(pk: int, *, today: datetime.date | None = None) -> str:
    """The worker's part: read the file and record what it says. Safe to run twice."""
    item = CertificateReading.objects.filter(pk=pk).first()
    if item is None or item.status != CertificateReading.Status.PENDING:
        return "nothing to do"
    today = today or timezone.localdate()
    try:
        with item.file.open("rb") as handle:
            data = handle.read()
        text = reading.text_of(data, _content_type(item.file.name))
    except reading.Unreadable as error:
        return _finish(item, status=CertificateReading.Status.DONE, problems=[str(error)])
    except Exception:  # a damaged picture, a model error: the person types the details in
        logger.exception("Reading certificate %s failed", pk)
        return _finish(
            item,
            status=CertificateReading.Status.FAILED,
            problems=["The file could not be read: type the details in from the certificate."],
        )
    if item.purpose == CertificateReading.Purpose.CPR_CARD:
        _card_fields(item, text, today)
    else:
        _course_fields(item, text, today)
    return _finish(item, status=CertificateReading.Status.DONE, problems=item.problems, text=text)


def _content_type(name: str) -> str:
    from cecportal.files import stored_content_type

    return stored_content_type(name)


def _finish(item, *, status, problems, text="") -> str:
    item.status = status
    item.problems = list(problems)
    item.text = text
    item.read_at = timezone.now()
    item.save()
    return status


def _course_fields(item: CertificateReading, text: str, today: datetime.date) -> None:
    found = reading.parse(text, today=today)
    problems = []
    item.completion_date = found.completion_date
    item.credit, item.unit = found.credit, found.unit
    item.course_number, number_problem, lookup = _catalog_number(
        found.numbers, found.completion_date
    )
    if number_problem:
        problems.append(number_problem)
    value = lookup.cec_value if lookup is not None and lookup.approval is None else None
    if found.credit is not None and value is not None and found.credit != value:
        problems.append(
            f"The certificate says {found.credit} {found.unit}; the catalog gives "
            f"{lookup.number} {value}, which is what counts."
        )
    if found.completion_date is None:
        if found.future_date:
            problems.append(
                f"The date read, {found.future_date:%m/%d/%Y}, is in the future: "
                "type the completion date in."
            )
        else:
            problems.append("No completion date could be read: type it in as MM/DD/YYYY.")
    if found.credit is None:
        problems.append("No CECs could be read from the certificate.")
    item.problems = problems


def _catalog_number(numbers: list[str], on: datetime.date | None):
    """The first number the catalog knows (any certifier's approval number or the course
    number), else the first that looks like a course number, with what is wrong with it."""
    looks_right = ""
    for number in numbers[:MAX_LOOKUPS]:
        lookup = course_lookup(number, on=on)
        if lookup.course is not None:
            return lookup.number, "" if lookup.ok else lookup.message, lookup
        if lookup.reason != "malformed" and not looks_right:
            looks_right = lookup.number
    if looks_right:
        return (
            looks_right,
            (
                f"{looks_right} was read from the certificate but no approved course has that "
                "number: check it, or petition for credit."
            ),
            None,
        )
    return (
        "",
        (
            "No course number this portal knows could be read (a certificate from another "
            "certifier, or a blurry photo): type it in."
        ),
        None,
    )


def _card_fields(item: CertificateReading, text: str, today: datetime.date) -> None:
    """A CPR/AED card: its issue date (the earliest date on it) and its expiry (the latest)."""
    lines = [line for line in text.splitlines() if line.strip()]
    days = sorted({day for line in lines for day in reading._dates_in(line)})
    issued = [d for d in days if d <= today]
    problems = []
    item.completion_date = issued[0] if issued else None
    later = [d for d in days if item.completion_date and d > item.completion_date]
    item.expires_on = later[-1] if later else None
    if item.completion_date is None:
        problems.append("No issue date could be read from the card: type it in.")
    if item.expires_on is None:
        problems.append("No expiry date could be read from the card: type it in.")
    item.problems = problems


def reading_file(item: CertificateReading) -> File:
    """The stored upload, as a file the ledger can attach under the person's file name."""
    handle = item.file.open("rb")
    return File(handle, name=item.file_name)


def reading_discard(item: CertificateReading) -> None:
    """The person used (or abandoned) the reading: the row goes, its file after commit."""
    name, storage = item.file.name, item.file.storage
    item.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def readings_sweep(*, now) -> str:
    """Run by `manage.py tick`: readings a day old are deleted with their file; one whose
    worker stopped is queued again."""
    old = list(CertificateReading.objects.filter(created_at__lt=now - KEEP_FOR))
    for item in old:
        reading_discard(item)
    stuck = list(
        CertificateReading.objects.filter(
            status=CertificateReading.Status.PENDING, created_at__lt=now - STUCK_AFTER
        ).values_list("pk", flat=True)
    )
    for pk in stuck:
        _enqueue(pk)
    return f"{len(old)} deleted, {len(stuck)} queued again"
