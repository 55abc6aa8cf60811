"""Provider staff upload rosters and follow them; professionals claim, hide and dispute
provider-reported credit; reviewers decide disputes. Every query is scoped: a provider sees
its own batches (404 otherwise), a professional their own entries and offers."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import dispute_resolver_required, provider_staff_required
from catalog.models import Course
from tracker import services as tracker_services
from tracker.models import CreditEntry

from . import roster, services
from .forms import DecisionForm, DisputeForm, HideForm, RosterUploadForm
from .models import Dispute, ReportedCompletion, RosterBatch

PER_PAGE = 100
RECENT = 10
VERDICTS = {v.value: v.label for v in ReportedCompletion.Verdict}


def _say(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- Provider staff ---------------------------------------------------------------------------


def _own_batch(request, pk) -> RosterBatch:
    return get_object_or_404(
        RosterBatch.objects.of_provider(request.user.provider_id).select_related(
            "course", "provider", "created_by"
        ),
        pk=pk,
    )


def _stage_upload(request, form) -> RosterBatch | None:
    course = form.cleaned_data["course"]
    upload = form.cleaned_data["file"]
    try:
        rows = roster.read(upload)
        upload.seek(0)
        content = ContentFile(upload.read(), name=upload.name)
        return services.stage(
            request.user.provider,
            rows,
            source=RosterBatch.Source.UPLOAD,
            by=request.user,
            course=course,
            filename=upload.name,
            file=content,
        )
    except roster.RosterFileError as error:
        form.add_error("file", f"Nothing was kept. {error}")
    except ValidationError as error:
        form.add_error(None, error)
    return None


@provider_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def roster_upload(request):
    provider = request.user.provider
    initial = {}
    wanted = request.GET.get("course", "")
    if wanted.isdigit():
        initial["course"] = wanted
    form = RosterUploadForm(
        request.POST or None, request.FILES or None, provider=provider, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        batch = _stage_upload(request, form)
        if batch is not None:
            return redirect(batch)
    return render(
        request,
        "reporting/upload.html",
        {
            "form": form,
            "columns": roster.COLUMN_HELP,
            "max_mb": roster.MAX_BYTES // (1024 * 1024),
            "max_rows": services.MAX_ROWS,
            "batches": RosterBatch.objects.of_provider(provider.pk)
            .select_related("course")
            .recent()[:RECENT],
        },
    )


@provider_staff_required
@require_safe
def roster_sample(request):
    """A roster to start from, for one of the provider's courses (a conference: its sessions)."""
    course = None
    wanted = request.GET.get("course", "")
    if wanted.isdigit():
        course = Course.objects.filter(provider=request.user.provider, pk=wanted).first()
    sessions = ""
    if course is not None and course.is_conference:
        sessions = ", ".join(course.sessions.order_by("code").values_list("code", flat=True)[:2])
    day = timezone.localdate() - datetime.timedelta(days=7)
    response = HttpResponse(
        roster.sample(day=day, sessions=sessions), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="roster-sample.csv"'
    return response


def _rows_page(request, batch: RosterBatch) -> dict:
    show = request.GET.get("show", "")
    rows = batch.completions.order_by("row")
    if show in VERDICTS:
        rows = rows.filter(verdict=show)
    else:
        show = ""
    return {
        "page_obj": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
        "show": show,
        "verdicts": VERDICTS,
    }


@provider_staff_required
@require_safe
def batch_detail(request, pk):
    batch = _own_batch(request, pk)
    return render(request, "reporting/batch.html", {"batch": batch, **_rows_page(request, batch)})


@provider_staff_required
@require_safe
def batch_progress(request, pk):
    batch = _own_batch(request, pk)
    return render(request, "reporting/batch.html#progress", {"batch": batch})


@provider_staff_required
@require_POST
def batch_confirm(request, pk):
    batch = _own_batch(request, pk)
    try:
        services.confirm(batch, by=request.user)
    except ValidationError as error:
        _say(request, error)
    return redirect(batch)


@provider_staff_required
@require_POST
def batch_discard(request, pk):
    batch = _own_batch(request, pk)
    try:
        services.discard(batch)
    except ValidationError as error:
        _say(request, error)
        return redirect(batch)
    messages.info(request, "The roster is discarded; nothing was posted.")
    return redirect("reporting:upload")


# --- Professionals ----------------------------------------------------------------------------


def _offer(request, pk) -> ReportedCompletion:
    return get_object_or_404(services.offers_for(request.user), pk=pk)


@require_POST
def claim_accept(request, pk):
    offer = _offer(request, pk)
    try:
        entry = services.claim_accept(completion=offer, user=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(
            request,
            f"Added: {entry.course.number} {entry.course.title}, reported by "
            f"{entry.course.provider.name}.",
        )
    return redirect("tracker:dashboard")


@require_POST
def claim_decline(request, pk):
    offer = _offer(request, pk)
    try:
        services.claim_decline(completion=offer, user=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.info(request, "Noted: that completion is not yours; it is no longer offered.")
    return redirect("tracker:dashboard")


def _own_entry(request, pk) -> CreditEntry:
    return get_object_or_404(
        CreditEntry.objects.owned_by(request.user).select_related("course__provider"), pk=pk
    )


@require_POST
def entry_hide(request, pk):
    entry = _own_entry(request, pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why you hide this credit (at most 500 characters).")
        return redirect(entry)
    try:
        tracker_services.credit_hide(
            entry=entry, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, "Hidden from your totals; it stays on your ledger.")
    return redirect(entry)


@require_POST
def entry_unhide(request, pk):
    entry = _own_entry(request, pk)
    try:
        tracker_services.credit_unhide(entry=entry, actor=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, "Counted in your totals again.")
    return redirect(entry)


@require_POST
def entry_dispute(request, pk):
    entry = _own_entry(request, pk)
    form = DisputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tell the reviewers what is wrong (at most 2,000 characters).")
        return redirect(entry)
    try:
        services.dispute_open(entry=entry, user=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, "Sent to the reviewers; the credit stays as it is until then.")
    return redirect(entry)


# --- Reviewers --------------------------------------------------------------------------------


@dispute_resolver_required
@require_safe
def dispute_queue(request):
    page = Paginator(Dispute.objects.queue(), 25).get_page(request.GET.get("page"))
    decided = Dispute.objects.exclude(status=Dispute.Status.OPEN).select_related(
        "decided_by", "opened_by"
    )[:10]
    return render(
        request,
        "reporting/disputes.html",
        {"page_obj": page, "decided": decided, "form": DecisionForm()},
    )


def _decide(request, pk, decide, done: str):
    dispute = get_object_or_404(Dispute, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the note under 2,000 characters.")
        return redirect("reporting:disputes")
    try:
        decide(dispute=dispute, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, done)
    return redirect("reporting:disputes")


@dispute_resolver_required
@require_POST
def dispute_uphold(request, pk):
    return _decide(request, pk, services.dispute_uphold, "The credit stays as reported.")


@dispute_resolver_required
@require_POST
def dispute_withdraw(request, pk):
    return _decide(request, pk, services.dispute_withdraw, "The credit is withdrawn.")
