"""Certificates and cards as files: reading an upload for the add forms, the pictures of a
CPR/AED card, the transcript as a PDF and a cycle's certificates as a ZIP for an auditor."""

from __future__ import annotations

import csv
import io
import logging
import tempfile
import zipfile

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe
from PIL import ImageFile

from cecportal.files import EXTENSIONS, private_file_response, stored_content_type

from . import readings, selectors
from .forms import ReadCertificateForm
from .models import CertificateReading, CprCard, Cycle

logger = logging.getLogger(__name__)

NEXT_PAGES = {
    CertificateReading.Purpose.COURSE: "tracker:dashboard",
    CertificateReading.Purpose.CPR_CARD: "tracker:cpr-card-add",
}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Reading a certificate --------------------------------------------------------------------


def reading_of(request, value, purpose) -> CertificateReading | None:
    """The person's own finished reading named by `value` (a form's or the address's), or
    None: another person's, a used one or a number that is not one are all nothing."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return (
        CertificateReading.objects.filter(user=request.user, pk=pk, purpose=purpose)
        .exclude(status=CertificateReading.Status.PENDING)
        .first()
    )


@require_POST
def reading_start(request):
    """Store the photo or PDF and queue its reading; the next page waits for it."""
    from . import views

    form = ReadCertificateForm(request.POST, request.FILES)
    if form.is_valid():
        item = readings.reading_start(
            user=request.user,
            upload=form.cleaned_data["file"],
            purpose=form.cleaned_data["purpose"],
        )
        return redirect("tracker:reading", pk=item.pk)
    # A file that is not a certificate: the form it came from opens and says so.
    if request.POST.get("purpose") == CertificateReading.Purpose.CPR_CARD:
        return views.cpr_card_page(request, read_form=form)
    view = selectors.snapshot(request.user)
    context = views._page_context(request, view)
    context["read_form"] = form
    return render(request, "tracker/dashboard.html", context)


@require_safe
def reading_detail(request, pk):
    """Waits for the worker (htmx asks again every second), then opens the form prefilled."""
    item = get_object_or_404(CertificateReading.objects.filter(user=request.user), pk=pk)
    if item.status != CertificateReading.Status.PENDING:
        target = f"{reverse(NEXT_PAGES[item.purpose])}?reading={item.pk}"
        if _is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
        else:
            response = redirect(target)
    else:
        template = "tracker/reading.html#status" if _is_htmx(request) else "tracker/reading.html"
        response = render(request, template, {"item": item})
    # The answer differs for htmx's poll and for a plain visit.
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- CPR/AED card pictures --------------------------------------------------------------------

SIDES = {"front": "front_image", "back": "back_image"}


@require_safe
def cpr_card_image(request, pk, side):
    """A picture of the owner's card (404 for anyone else, and for a side not kept)."""
    card = get_object_or_404(CprCard.objects.filter(user=request.user), pk=pk)
    field = getattr(card, SIDES.get(side, ""), None)
    if not field:
        raise Http404("No picture of that side.")
    return private_file_response(
        field,
        content_type=stored_content_type(field.name),
        label=f"cpr-aed-card-{card.issued_on:%Y-%m-%d}-{side}",
        inline=True,
    )


# --- Transcript as a PDF, certificates as a ZIP ---------------------------------------------


def transcript_pdf_bytes(context) -> bytes | None:
    """The transcript rendered as a PDF by WeasyPrint, or None when WeasyPrint or its system
    library (Pango) is missing. Imported here so that nothing else needs it."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        logger.warning("WeasyPrint is not usable here: no PDF transcript.", exc_info=True)
        return None
    # Importing WeasyPrint tells Pillow, for the whole process, to accept truncated images;
    # the upload checks refuse them, so that is undone (the transcript draws no image).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    html = render_to_string("tracker/transcript_pdf.html", context)
    return HTML(string=html, url_fetcher=_no_fetch, base_url=None).write_pdf()


def _no_fetch(url, *args, **kwargs):
    # The transcript is self-contained: nothing is fetched, not even from this site.
    raise ValueError(f"Not fetched: {url[:80]}")


def _file_name(context, extension) -> str:
    result = context["result"]
    program = slugify(str(context["certification"].program)) or "certification"
    return f"transcript-{program}-{result.cycle.starts_on:%Y-%m-%d}.{extension}"


@require_safe
def transcript_pdf(request, pk):
    """The transcript page as a PDF: the same rows and totals (owner and reviewers)."""
    from .views import transcript_context

    context = transcript_context(request, pk)
    data = transcript_pdf_bytes(context)
    if data is None:
        return render(request, "tracker/transcript_pdf_missing.html", context, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(context, "pdf")}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _entry_files(context):
    """(name in the ZIP, stored file, row for the contents list) for each certificate."""
    rows = [(entry, "counted") for entry, _c in context["counted"]]
    rows += [(entry, "not counted") for entry, _n in context["not_counted"]]
    for entry, counted in rows:
        if not entry.certificate:
            continue
        extension = entry.certificate.name.rsplit(".", 1)[-1].lower()
        what = entry.course.number if entry.course_id else slugify(entry.get_kind_display())
        name = f"certificates/{entry.completion_date:%Y-%m-%d}-{what}-{entry.pk}.{extension}"
        yield (
            name,
            entry.certificate,
            [entry.completion_date, what, entry.certificate_name, counted],
        )


def _card_files(cycle: Cycle, owner):
    cards = CprCard.objects.filter(
        user=owner, issued_on__lte=cycle.ends_on, expires_on__gte=cycle.starts_on
    )
    for card in cards:
        for side, attr in SIDES.items():
            field = getattr(card, attr)
            if not field:
                continue
            extension = EXTENSIONS.get(stored_content_type(field.name), "bin")
            name = f"cpr-aed/{card.issued_on:%Y-%m-%d}-{side}.{extension}"
            yield name, field, [card.issued_on, "CPR/AED card", side, "card"]


@require_safe
def certificates_zip(request, pk):
    """Everything an auditor asks for, for one cycle: the transcript (PDF), each certificate
    of completion logged in the cycle and the CPR/AED card pictures. Owner only."""
    from .views import transcript_context

    cycle = get_object_or_404(Cycle.objects.filter(certification__user=request.user), pk=pk)
    context = transcript_context(request, cycle.pk)
    # Kept in memory up to 8 MB, then on disk; FileResponse closes it when sent.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    listing = io.StringIO()
    writer = csv.writer(listing)
    writer.writerow(["File", "Date", "Activity", "Original name", "In this cycle"])
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        pdf = transcript_pdf_bytes(context)
        if pdf is not None:
            archive.writestr(_file_name(context, "pdf"), pdf)
        files = [*_entry_files(context), *_card_files(cycle, request.user)]
        for name, field, row in files:
            try:
                with field.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                row = [*row[:3], "missing from storage"]
            writer.writerow([name, *(f"{v:%m/%d/%Y}" if hasattr(v, "year") else v for v in row)])
        archive.writestr("contents.csv", listing.getvalue())
    spool.seek(0)
    response = FileResponse(
        spool,
        content_type="application/zip",
        as_attachment=True,
        filename=_file_name(context, "zip").replace("transcript-", "certificates-"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
