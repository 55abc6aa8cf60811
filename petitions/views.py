from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import petition_reviewer_required
from accounts.roles import REVIEW_PETITIONS
from catalog.paging import queue_page
from cecportal import holes, versions
from cecportal.files import private_file_response
from notices.services import delivery_word
from tracker.selectors import current_cycles_on, evaluation

from . import services
from .assessment import counts_toward, describe_cycle
from .forms import (
    ApproveForm,
    DenyForm,
    PetitionForm,
    QueueFilterForm,
    RequestInfoForm,
    RespondForm,
    WithdrawForm,
)
from .models import Document, Petition, PetitionEvent

QUEUE_PAGE_SIZE = 25


def _with_history(queryset):
    return queryset.select_related("user", "decided_by", "certification__program").prefetch_related(
        "documents",
        Prefetch("events", queryset=PetitionEvent.objects.select_related("actor")),
    )


def form_errors(form, exc: ValidationError):
    """Put a service's ValidationError on the form, by field where it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- The professional -------------------------------------------------------------------------


@require_safe
def petition_list(request):
    petitions = (
        Petition.objects.owned_by(request.user)
        .select_related("decided_by")
        .annotate_documents()
        .order_by("-submitted_at", "-pk")
    )
    return render(
        request,
        "petitions/list.html",
        {"petitions": petitions, "target_days": settings.PETITION_TARGET_DAYS},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def petition_new(request):
    user = request.user
    has_certification = user.certifications.exists()
    if request.method == "POST":
        form = PetitionForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            try:
                petition = services.petition_submit(user=user, **form.service_kwargs())
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Your petition was filed. Reviewers decide in the order petitions arrive, "
                    f"within {settings.PETITION_TARGET_DAYS} days as a rule.",
                )
                return redirect(petition)
    else:
        form = PetitionForm(user=user)
    cycles = current_cycles_on(user, timezone.localdate()) if has_certification else []
    return render(
        request,
        "petitions/new.html",
        {
            "form": form,
            "has_certification": has_certification,
            "current_cycles": [describe_cycle(c, cy) for c, cy in cycles],
            "assessment": form.assessment,
        },
    )


@require_safe
def petition_preview(request):
    """Which cycle(s) the petition counts toward and the suggested credit (htmx fragment)."""
    form = PetitionForm(request.GET, user=request.user, preview=True)
    form.is_valid()
    return render(
        request,
        "petitions/new.html#preview",
        # The full page shows a date error under the field; only the live preview repeats it.
        {"form": form, "assessment": form.assessment, "live_preview": True},
    )


@require_safe
def petition_detail(request, pk):
    petition = get_object_or_404(_with_history(Petition.objects.visible_to(request.user)), pk=pk)
    return render(request, "petitions/detail.html", _detail_context(request, petition))


def _email_word(pk: int) -> str:
    """Whether the newest email about the petition went out, in words ("" when none)."""
    return delivery_word(f"petition:{pk}")


def _detail_context(request, petition, **forms):
    is_owner = petition.user_id == request.user.pk
    return {
        "petition": petition,
        "email_word": _email_word(petition.pk),
        "counts_toward": counts_toward(petition),
        "is_owner": is_owner,
        "can_review": request.user.has_perm(REVIEW_PETITIONS),
        "respond_form": forms.get("respond_form") or RespondForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
    }


def _owned(request, pk):
    return get_object_or_404(Petition.objects.owned_by(request.user), pk=pk)


@require_POST
def petition_withdraw(request, pk):
    petition = _owned(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        # Shown under the withdraw form, with what was typed.
        return _detail_page(request, pk, withdraw_form=form)
    try:
        services.petition_withdraw(
            petition=petition, user=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Your petition was withdrawn.")
    return redirect(petition)


@require_POST
def petition_respond(request, pk):
    petition = _owned(request, pk)
    if petition.status != Petition.Status.INFO_REQUESTED:
        # The answer form is gone from the page: say why there, rather than a bare 400.
        messages.error(
            request,
            "This petition no longer awaits more information "
            f"(it is {petition.get_status_display().lower()}), so the answer was not sent.",
        )
        return redirect(petition)
    form = RespondForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.petition_resubmit(
                petition=petition,
                user=request.user,
                note=form.cleaned_data["note"],
                documents=form.cleaned_data["documents"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "Your answer was sent; the petition is back in the queue.")
            return redirect(petition)
    return _detail_page(request, pk, respond_form=form)


def _detail_page(request, pk, **forms):
    """The petition's page again, with a refused form and its messages (status 400)."""
    petition = get_object_or_404(_with_history(Petition.objects.owned_by(request.user)), pk=pk)
    return render(
        request, "petitions/detail.html", _detail_context(request, petition, **forms), status=400
    )


@require_safe
def document(request, pk):
    """A supporting document, to its owner or a reviewer; 404 to anyone else."""
    documents = Document.objects.select_related("petition")
    if not request.user.has_perm(REVIEW_PETITIONS):
        documents = documents.filter(petition__user=request.user)
    doc = get_object_or_404(documents, pk=pk)
    # PDFs download; images show inline (the type is the one read from the content).
    return private_file_response(
        doc.file, content_type=doc.content_type, label=doc.label, inline=doc.is_image
    )


# --- Reviewers --------------------------------------------------------------------------------


@petition_reviewer_required
@require_safe
def queue(request):
    filters = QueueFilterForm(request.GET)
    chosen = filters.values()
    now = timezone.now()

    def contents():
        petitions = (
            Petition.objects.for_queue()
            .with_status(chosen["status"])
            .of_type(chosen["type"])
            .aged(chosen["age"], now=now, target_days=settings.PETITION_TARGET_DAYS)
            .first_come_first_served()
        )
        # "After this one" pages: no page sorts or skips over the petitions before it.
        page_obj = queue_page(request, petitions, per_page=QUEUE_PAGE_SIZE)
        rows = [
            {
                "petition": p,
                "age": p.age_days(now),
                "overdue": p.is_overdue(now),
                "left": settings.PETITION_TARGET_DAYS - p.age_days(now),
            }
            for p in page_obj
        ]
        return {"page_obj": page_obj, "rows": rows, "total": petitions.count()}

    # The same for every reviewer with the same menus: cached whole under the petitions' version,
    # the query and this minute (the ages and "overdue" are as of the minute; a decision shows
    # at once); read only when it is not.
    key = versions.page_key(request, "petitions", when=f"{now:%Y-%m-%dT%H:%M}")
    return holes.page(
        request,
        "petitions/queue.html",
        {
            "filters": SimpleLazyObject(lambda: QueueFilterForm(initial=chosen)),
            "chosen": chosen,
            "queue": SimpleLazyObject(contents),
            "shared_key": key,
            "target_days": settings.PETITION_TARGET_DAYS,
        },
        key=key,
        seconds=3600,
    )


def _review_side(petition):
    found = evaluation(petition.user_id)  # cached until the petitioner's records change
    return {
        "current_results": [r for r in found.results if r.is_current],
        "cap": services.petition_cap(petition, found.certifiers),
    }


def _review_context(request, petition, *, pk, user_id, stamp, title, **forms):
    """The review page's context. `petition` is read only where a part is not cached; `pk`,
    `user_id` and the petitioner's `stamp` make the keys."""
    history_key = versions.page_key(request, "petitions", when=f"{pk}:{stamp}")
    return {
        "petition": petition,
        "title": title,
        # The petition, its documents and its history, and the petitioner's current cycles
        # and the cap: read only when they are not cached under the petitions' version, the
        # petitioner's records and the date.
        "history": SimpleLazyObject(lambda: _reviewable(pk)),
        "history_key": history_key,
        "side": SimpleLazyObject(lambda: _review_side(petition)),
        "side_key": f"{history_key}:{timezone.localdate()}",
        "email_word": _email_word(pk),
        "counts_toward": SimpleLazyObject(lambda: counts_toward(petition)),
        # The empty forms are built only where the page is not cached.
        "approve_form": forms.get("approve_form")
        or SimpleLazyObject(lambda: ApproveForm(initial={"credit": petition.credit_requested})),
        "deny_form": forms.get("deny_form") or SimpleLazyObject(DenyForm),
        "info_form": forms.get("info_form") or SimpleLazyObject(RequestInfoForm),
        "is_own": user_id == request.user.pk,
        "target_days": settings.PETITION_TARGET_DAYS,
    }


# A person's columns the review page does not show.
_UNSHOWN = ("password", "last_login", "is_superuser", "is_staff", "date_joined", "provider")


def _reviewable(pk):
    return get_object_or_404(_with_history(Petition.objects.all()), pk=pk)


@petition_reviewer_required
@require_safe
def review(request, pk):
    # What the keys need, in one small query; the petition with the names the page shows is
    # read only where the page is not cached.
    found = (
        Petition.objects.filter(pk=pk)
        .values_list("user_id", "user__records_stamp", "course_title")
        .first()
    )
    if found is None:
        raise Http404("No such petition.")
    user_id, stamp, title = found
    petition = SimpleLazyObject(
        lambda: (
            Petition.objects.select_related("user", "decided_by")
            .defer(*(f"{who}__{name}" for who in ("user", "decided_by") for name in _UNSHOWN))
            .get(pk=pk)
        )
    )
    # The page as it stands for this reviewer this minute (ages, "overdue"): cached whole under
    # the versions its parts are, with the forms' CSRF tokens filled in per request.
    context = _review_context(request, petition, pk=pk, user_id=user_id, stamp=stamp, title=title)
    key = (
        f"{context['side_key']}:{timezone.now():%H:%M}:{context['email_word']}:{context['is_own']}"
    )
    return holes.page(request, "petitions/review.html", context, key=key, seconds=3600)


def _decide(request, pk, form_class, form_key, act, success):
    petition = _reviewable(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(petition, form.cleaned_data)
        except services.PetitionStateError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("petitions:review", pk=pk)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            # Said after the commit, from the stored email: never "emailed" before it is.
            word = _email_word(petition.pk)
            messages.success(request, f"{success} The professional is {word}." if word else success)
            return redirect("petitions:review", pk=pk)
    petition = _reviewable(pk)
    return render(
        request,
        "petitions/review.html",
        _review_context(
            request,
            petition,
            pk=petition.pk,
            user_id=petition.user_id,
            stamp=petition.user.records_stamp,
            title=petition.course_title,
            **{form_key: form},
        ),  # fmt: skip
        status=400,
    )


@petition_reviewer_required
@require_POST
def start_review(request, pk):
    petition = _reviewable(pk)
    try:
        services.petition_start_review(petition=petition, reviewer=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "You are reviewing this petition.")
    return redirect("petitions:review", pk=pk)


@petition_reviewer_required
@require_POST
def approve(request, pk):
    return _decide(
        request,
        pk,
        ApproveForm,
        "approve_form",
        lambda p, data: services.petition_approve(
            petition=p, reviewer=request.user, credit=data["credit"], note=data["note"]
        ),
        "Approved. The credit is in the professional's ledger.",
    )


@petition_reviewer_required
@require_POST
def deny(request, pk):
    return _decide(
        request,
        pk,
        DenyForm,
        "deny_form",
        lambda p, data: services.petition_deny(
            petition=p, reviewer=request.user, reason=data["reason"]
        ),
        "Denied; the reason shows on the petition.",
    )


@petition_reviewer_required
@require_POST
def request_info(request, pk):
    return _decide(
        request,
        pk,
        RequestInfoForm,
        "info_form",
        lambda p, data: services.petition_request_info(
            petition=p, reviewer=request.user, note=data["note"]
        ),
        "More information is requested; the request shows on the petition.",
    )
