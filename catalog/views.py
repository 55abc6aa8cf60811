import datetime
from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import course_reviewer_required, provider_staff_required
from accounts.models import User
from cecportal import holes, versions
from notices.services import delivery_word

from . import importer, selectors, services
from .forms import (
    ApproveForm,
    CatalogSearchForm,
    CourseApprovalForm,
    CourseRegistrationForm,
    ImportUploadForm,
    ProviderForm,
    RejectForm,
    SessionFormSet,
    StaffForm,
)
from .importer import ImportFileError
from .models import Course, CourseApproval, ImportBatch, ImportRow, Provider
from .paging import keyset_page, queue_page

PER_PAGE = 25


def _page(request, queryset, per_page=PER_PAGE):
    # get_page turns page=abc, page=-1 or page=99999 into a real page instead of an error.
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _emailed(about: str, who: str) -> str:
    """What became of the email just stored, said after the commit: never "emailed" before
    it is ("" when there was nobody to email)."""
    word = delivery_word(about)
    return f" {who} {word}." if word else ""


def form_errors(form, error: ValidationError):
    """Put a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Public catalog -------------------------------------------------------------------------


@login_not_required
@require_safe
def course_list(request):
    form = CatalogSearchForm(request.GET or None)
    filters = form.filters()
    today = timezone.localdate()

    def page():
        courses = Course.objects.public().select_related("provider")
        match filters["status"]:
            case "current":
                courses = courses.current(today)
            case "expired":
                courses = courses.expired(today)
            case "retired":
                courses = courses.filter(status=Course.Status.RETIRED)
            case _:
                courses = courses.approved()
        if filters["format"]:
            courses = courses.filter(delivery_format=filters["format"])
        if filters["q"]:
            courses = courses.search(filters["q"])
        # No count (a search or the whole catalog would count every row) and "after this one"
        # links: every page costs what the first does.
        return keyset_page(request, courses, key="number", per_page=PER_PAGE)

    # The same for everyone with the same menus: cached whole under the catalog's version, the
    # date and the query; the courses are read only when it is not.
    key = versions.page_key(request, "catalog")
    return holes.page(
        request,
        "catalog/course_list.html",
        {"form": form, "page_obj": SimpleLazyObject(page), "today": today, "shared_key": key},
        key=key,
        seconds=3600,
    )


@login_not_required
@require_safe
def course_detail(request, pk):
    today = timezone.localdate()

    def context():
        # What the page shows outside its cached part; the rest is read only when not cached.
        course = get_object_or_404(Course.objects.public().only("number", "title"), pk=pk)

        def more():
            full = Course.objects.select_related("provider").get(pk=pk)
            sessions = list(full.sessions.all()) if full.is_conference else []
            return {
                "course": full,
                "sessions": sessions,
                "sessions_total": sum((s.cec_value for s in sessions), start=0),
                "hours_total": selectors.contact_hours_of(full, sessions) if sessions else None,
                "approvals": list(full.approvals.select_related("certifier")),
            }

        return {"course": course, "more": SimpleLazyObject(more), "today": today}

    # The same for everyone with the same menus: cached whole under the catalog's version, the
    # course and the date (what is expired); nothing of the course is read on a hit.
    key = versions.page_key(request, "catalog", when=f"{pk}:{today}")
    return holes.page(
        request,
        "catalog/course_detail.html",
        lambda: context() | {"shared_key": key},
        key=key,
        seconds=3600,
    )


def _lookup_date(request):
    """The completion date to check (MM/DD/YYYY or YYYY-MM-DD); None means today."""
    text = (request.GET.get("on") or request.GET.get("completed_on") or "").strip()[:20]
    if not text:
        return None, ""
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        with suppress(ValueError):
            return datetime.datetime.strptime(text, fmt).date(), ""
    return None, f"“{text}” is not a date (MM/DD/YYYY); today's date was used."


def _lookup(request):
    number = request.GET.get("number", request.GET.get("course_number", ""))
    on, date_note = _lookup_date(request)
    return services.course_lookup(number[:2000], on=on), date_note


@login_not_required
@require_safe
@vary_on_headers("HX-Request")
def lookup(request):
    """The lookup as an htmx fragment (for the My CECs form), or as a page of its own."""
    # The answer is the same for everyone asking this: read only when it is not cached under
    # the catalog's version, the date and the question.
    number = request.GET.get("number", request.GET.get("course_number", ""))
    on, date_note = _lookup_date(request)
    context = {
        "result": SimpleLazyObject(lambda: services.course_lookup(number[:2000], on=on)),
        "asked": any(k in request.GET for k in ("number", "course_number")),
        "date_note": date_note,
        "pick": request.GET.get("pick") == "1",
        "number": request.GET.get("number", "")[:64],
        "shared_key": versions.page_key(request, "catalog"),
    }
    template = "catalog/lookup.html"
    if request.htmx:
        template += "#result"
    return holes.page(request, template, context, key=context["shared_key"], seconds=3600)


@login_not_required
@require_safe
def lookup_json(request):
    result, date_note = _lookup(request)
    data = result.as_dict()
    if date_note:
        data["date_note"] = date_note
    return JsonResponse(data)


# --- Provider self-service ------------------------------------------------------------------


@provider_staff_required
@require_safe
def provider_courses(request):
    def page():
        courses = Course.objects.owned_by(request.user).order_by("-submitted_at", "-pk")
        return _page(request, courses)

    # The same for the provider's whole staff: cached whole under the catalog's version, the
    # provider and the query; read only when it is not.
    key = versions.page_key(request, "catalog", when=f"provider-{request.user.provider_id}")
    return holes.page(
        request,
        "catalog/provider_courses.html",
        {
            "page_obj": SimpleLazyObject(page),
            "provider": SimpleLazyObject(lambda: request.user.provider),
            "shared_key": key,
        },
        key=key,
        seconds=3600,
    )


def _registration_forms(request, course=None):
    if course is None:
        initial, sessions = {}, []
    else:
        initial = {
            "title": course.title,
            "description": course.description,
            "delivery_format": course.delivery_format,
            "cec_value": course.cec_value,
            "contact_hours": course.contact_hours,
        }
        sessions = [
            {
                "code": s.code,
                "title": s.title,
                "cec_value": s.cec_value,
                "contact_hours": s.contact_hours,
            }
            for s in course.sessions.all()
        ]
    data = request.POST if request.method == "POST" else None
    form = CourseRegistrationForm(data, initial=initial)
    formset = SessionFormSet(data, initial=sessions, prefix="sessions")
    return form, formset


def _registration_input(form, formset):
    """Cleaned input for the services, or None when a form has errors."""
    if not form.is_valid():
        formset.is_valid()  # so its own errors show too
        return None
    conference = form.cleaned_data["delivery_format"] == Course.Format.CONFERENCE
    if conference:
        if not formset.is_valid():
            return None
        sessions = formset.sessions()
        if not sessions:
            form.add_error(None, "A conference needs at least one session.")
            return None
    else:
        sessions = []
    return {**form.cleaned_data, "sessions": sessions}


@provider_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def provider_course_create(request):
    form, formset = _registration_forms(request)
    if request.method == "POST" and (data := _registration_input(form, formset)):
        try:
            course = services.course_register(
                provider=request.user.provider, submitted_by=request.user, **data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, f"“{course.title}” is registered and waits for a reviewer's decision."
            )
            return redirect("catalog:provider-courses")
    return render(
        request,
        "catalog/provider_course_form.html",
        {"form": form, "formset": formset, "course": None},
    )


@provider_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def provider_course_edit(request, pk):
    course = get_object_or_404(Course.objects.owned_by(request.user), pk=pk)
    if course.status != Course.Status.PENDING:
        messages.info(request, "Only a pending registration can be changed.")
        return redirect("catalog:provider-course-detail", pk=course.pk)
    form, formset = _registration_forms(request, course)
    if request.method == "POST" and (data := _registration_input(form, formset)):
        try:
            services.course_update_pending(course=course, by=request.user, **data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "The registration is updated.")
            return redirect("catalog:provider-course-detail", pk=course.pk)
    return render(
        request,
        "catalog/provider_course_form.html",
        {"form": form, "formset": formset, "course": course},
    )


@provider_staff_required
@require_safe
def provider_course_detail(request, pk):
    course = get_object_or_404(
        Course.objects.owned_by(request.user).select_related("submitted_by"), pk=pk
    )
    return render(
        request,
        "catalog/provider_course_detail.html",
        {"course": course, "sessions": list(course.sessions.all())},
    )


@provider_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def provider_course_withdraw(request, pk):
    """Withdraw a registration: a page that says what it means, then the POST."""
    course = get_object_or_404(Course.objects.owned_by(request.user), pk=pk)
    if request.method == "GET":
        if course.status != Course.Status.PENDING:
            messages.error(request, f"“{course.title}” is no longer pending; nothing to withdraw.")
            return redirect("catalog:provider-courses")
        return render(request, "catalog/provider_course_withdraw.html", {"course": course})
    try:
        services.course_withdraw(course=course, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{course.title}” is withdrawn.")
    return redirect("catalog:provider-courses")


# --- Reviewers ------------------------------------------------------------------------------


@course_reviewer_required
@require_safe
def review_queue(request):
    def contents():
        courses = Course.objects.review_queue().annotate(session_count=Count("sessions"))
        page_obj = queue_page(request, courses, per_page=PER_PAGE)
        return {"page_obj": page_obj, "total": Course.objects.pending().count()}

    # The same for every reviewer with the same menus: cached whole under the catalog's version
    # and the query; read only when it is not.
    key = versions.page_key(request, "catalog")
    return holes.page(
        request,
        "catalog/review_queue.html",
        {"queue": SimpleLazyObject(contents), "shared_key": key},
        key=key,
        seconds=3600,
    )


def _review_page(
    request, course, approve_form=None, reject_form=None, approval_form=None, status=200
):
    approved = course.status == Course.Status.APPROVED
    return render(
        request,
        "catalog/review_detail.html",
        {
            "course": course,
            "sessions": list(course.sessions.all()),
            "approve_form": approve_form or ApproveForm(),
            "reject_form": reject_form or RejectForm(),
            "approvals": list(course.approvals.select_related("certifier", "added_by")),
            # A refused attempt shows with its reasons, whatever the course's status.
            "approval_form": approval_form or (CourseApprovalForm() if approved else None),
            "email_word": delivery_word(f"course:{course.pk}"),
        },
        status=status,
    )


def _reviewable(pk):
    return get_object_or_404(
        Course.objects.exclude(status=Course.Status.WITHDRAWN).select_related(
            "provider", "submitted_by", "decided_by"
        ),
        pk=pk,
    )


@course_reviewer_required
@require_safe
def review_detail(request, pk):
    return _review_page(request, _reviewable(pk))


@course_reviewer_required
@require_POST
def review_approve(request, pk):
    course = _reviewable(pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            course = services.course_approve(
                course=course,
                reviewer=request.user,
                prefix=form.cleaned_data["number_prefix"],
                approved_on=form.cleaned_data["approved_on"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                f"Approved “{course.title}” as {course.number}."
                + _emailed(f"course:{course.pk}", "The provider is"),
            )
            return redirect("catalog:review-queue")
    return _review_page(request, course, approve_form=form, status=400)


@course_reviewer_required
@require_POST
def review_reject(request, pk):
    course = _reviewable(pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            course = services.course_reject(
                course=course, reviewer=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                f"Rejected “{course.title}”; the reason shows in the provider's course list."
                + _emailed(f"course:{course.pk}", "The provider is"),
            )
            return redirect("catalog:review-queue")
    return _review_page(request, course, reject_form=form, status=400)


@course_reviewer_required
@require_POST
def review_approval_add(request, pk):
    """Record another certifier's approval of the course (its number there, its credit)."""
    course = _reviewable(pk)
    form = CourseApprovalForm(request.POST)
    if form.is_valid():
        try:
            approval = services.course_approval_add(
                course=course, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"Added {approval.certifier}'s approval {approval.number}.")
            return redirect("catalog:review-detail", pk=course.pk)
    return _review_page(request, course, approval_form=form, status=400)


@course_reviewer_required
@require_POST
def review_approval_remove(request, pk, approval_pk):
    approval = get_object_or_404(
        CourseApproval.objects.select_related("certifier"), pk=approval_pk, course_id=pk
    )
    try:
        services.course_approval_remove(approval=approval, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed {approval.certifier}'s approval {approval.number}.")
    return redirect("catalog:review-detail", pk=pk)


@course_reviewer_required
@require_http_methods(["GET", "HEAD", "POST"])
def provider_list(request):
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_create(**form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"Provider “{provider.name}” is created.")
            return redirect("catalog:provider-detail", pk=provider.pk)
    providers = Provider.objects.annotate(staff_count=Count("staff", distinct=True)).order_by(
        "name"
    )
    return render(
        request,
        "catalog/provider_list.html",
        {"form": form, "page_obj": _page(request, providers, per_page=50)},
    )


@course_reviewer_required
@require_http_methods(["GET", "HEAD", "POST"])
def provider_detail(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.provider_add_staff(
                provider=provider, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                f"{user.email} is now staff of {provider.name}."
                + _emailed(f"provider:{provider.pk}:staff:{user.pk}", "They are"),
            )
            return redirect("catalog:provider-detail", pk=provider.pk)
    return render(
        request,
        "catalog/provider_detail.html",
        {
            "provider": provider,
            "form": form,
            "staff": provider.staff.order_by("email"),
            "course_counts": dict(
                provider.courses.values_list("status").annotate(n=Count("pk")).order_by()
            ),
        },
    )


@course_reviewer_required
@require_POST
def provider_staff_remove(request, pk, user_pk):
    provider = get_object_or_404(Provider, pk=pk)
    member = get_object_or_404(User, pk=user_pk, provider=provider)
    try:
        services.provider_remove_staff(provider=provider, user=member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{member.email} is no longer staff of {provider.name}."
            + _emailed(f"provider:{provider.pk}:staff:{member.pk}", "They are"),
        )
    return redirect("catalog:provider-detail", pk=provider.pk)


# --- Bulk import ----------------------------------------------------------------------------
# An upload's envelope is checked in the request and the file kept for the worker, which checks
# it once into a staged batch (importer.batch_receive, batch_check) while the batch page polls;
# the preview reads that batch; confirming queues the import for the worker and shows the batch
# page, whose progress partial polls until the import is done or failed.

PREVIEW_PER_PAGE = 100
RECENT_BATCHES = 10


def _own_batch(request, pk):
    return get_object_or_404(ImportBatch.objects.of(request.user), pk=pk)


def _checked_rows(request, batch, *, only_refused=False):
    """One page of the batch's checked rows (every row, or the refused ones)."""
    rows = batch.checked_rows.order_by("line").only(
        "batch_id", "line", "number", "action", "message", "title"
    )
    if only_refused:
        rows = rows.filter(action=ImportRow.Action.REFUSED)
    page_obj = Paginator(rows, PREVIEW_PER_PAGE).get_page(request.GET.get("page"))
    return {"page_obj": page_obj, "only_refused": only_refused}


@course_reviewer_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = importer.batch_receive(binary=upload, filename=upload.name, user=request.user)
        except ImportFileError as error:
            form.add_error("file", f"Nothing was kept. {error}")
        else:
            return redirect("catalog:import-batch", pk=batch.pk)
    return render(
        request,
        "catalog/import_upload.html",
        {
            "form": form,
            "columns": importer.COLUMN_HELP,
            "example": importer.EXAMPLE,
            "batches": ImportBatch.objects.of(request.user).recent()[:RECENT_BATCHES],
        },
    )


@course_reviewer_required
@require_safe
def import_preview(request, pk):
    batch = _own_batch(request, pk)
    if batch.status != ImportBatch.Status.STAGED:
        return redirect(batch)
    only_refused = request.GET.get("show") == "refused"
    return render(
        request,
        "catalog/import_preview.html",
        {"batch": batch, **_checked_rows(request, batch, only_refused=only_refused)},
    )


@course_reviewer_required
@require_POST
def import_confirm(request, pk):
    batch = _own_batch(request, pk)
    try:
        importer.batch_confirm(batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("catalog:import-batch", pk=batch.pk)


@course_reviewer_required
@require_POST
def import_cancel(request, pk):
    batch = _own_batch(request, pk)
    try:
        importer.batch_discard(batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(batch)
    messages.info(request, "The upload is discarded; nothing was imported.")
    return redirect("catalog:import-upload")


@course_reviewer_required
@require_safe
def import_batch(request, pk):
    batch = _own_batch(request, pk)
    if batch.status == ImportBatch.Status.STAGED:
        return redirect(batch)
    return render(
        request,
        "catalog/import_batch.html",
        {
            "batch": batch,
            "written": importer.batch_written(batch),
            **_checked_rows(request, batch, only_refused=True),
        },
    )


@course_reviewer_required
@require_safe
def import_progress(request, pk):
    """The batch page's progress, polled every second while the upload is checked (until it is
    staged) and while the import runs (until it is done or failed)."""
    batch = _own_batch(request, pk)
    return render(
        request,
        "catalog/import_batch.html#progress",
        {"batch": batch, "written": importer.batch_written(batch)},
    )
