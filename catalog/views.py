import datetime
import secrets
from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import provider_staff_required, reviewer_required

from . import selectors, services
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
from .importer import COLUMN_HELP, EXAMPLE, CourseImport, ImportFileError, open_text
from .models import Course, CourseApproval, Provider

PER_PAGE = 25


def _page(request, queryset, per_page=PER_PAGE):
    # get_page turns page=abc, page=-1 or page=99999 into a real page instead of an error.
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _form_errors(form, error: ValidationError):
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
    page_obj = _page(request, courses.order_by("number"))
    return render(
        request,
        "catalog/course_list.html",
        {"form": form, "page_obj": page_obj, "today": today},
    )


@login_not_required
@require_safe
def course_detail(request, pk):
    course = get_object_or_404(Course.objects.public().select_related("provider"), pk=pk)
    sessions = list(course.sessions.all()) if course.is_conference else []
    return render(
        request,
        "catalog/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "sessions_total": sum((s.cec_value for s in sessions), start=0),
            "hours_total": selectors.contact_hours_of(course, sessions) if sessions else None,
            "approvals": list(course.approvals.select_related("certifier")),
            "today": timezone.localdate(),
        },
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
def lookup(request):
    """The lookup as an htmx fragment (for the My CECs form), or as a page of its own."""
    result, date_note = _lookup(request)
    asked = any(k in request.GET for k in ("number", "course_number"))
    context = {
        "result": result,
        "asked": asked,
        "date_note": date_note,
        "pick": request.GET.get("pick") == "1",
        "number": request.GET.get("number", "")[:64],
    }
    template = "catalog/lookup.html"
    if request.headers.get("HX-Request"):
        template += "#result"
    return render(request, template, context)


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
    courses = Course.objects.owned_by(request.user).order_by("-submitted_at", "-pk")
    return render(
        request,
        "catalog/provider_courses.html",
        {"page_obj": _page(request, courses), "provider": request.user.provider},
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
            _form_errors(form, error)
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
            _form_errors(form, error)
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
@require_POST
def provider_course_withdraw(request, pk):
    course = get_object_or_404(Course.objects.owned_by(request.user), pk=pk)
    try:
        services.course_withdraw(course=course, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{course.title}” is withdrawn.")
    return redirect("catalog:provider-courses")


# --- Reviewers ------------------------------------------------------------------------------


@reviewer_required
@require_safe
def review_queue(request):
    courses = Course.objects.review_queue().annotate(session_count=Count("sessions"))
    return render(request, "catalog/review_queue.html", {"page_obj": _page(request, courses)})


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


@reviewer_required
@require_safe
def review_detail(request, pk):
    return _review_page(request, _reviewable(pk))


@reviewer_required
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
            _form_errors(form, error)
        else:
            messages.success(request, f"Approved “{course.title}” as {course.number}.")
            return redirect("catalog:review-queue")
    return _review_page(request, course, approve_form=form, status=400)


@reviewer_required
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
            _form_errors(form, error)
        else:
            messages.success(request, f"Rejected “{course.title}”; the provider is told why.")
            return redirect("catalog:review-queue")
    return _review_page(request, course, reject_form=form, status=400)


@reviewer_required
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
            _form_errors(form, error)
        else:
            messages.success(request, f"Added {approval.certifier}'s approval {approval.number}.")
            return redirect("catalog:review-detail", pk=course.pk)
    return _review_page(request, course, approval_form=form, status=400)


@reviewer_required
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


@reviewer_required
@require_http_methods(["GET", "HEAD", "POST"])
def provider_list(request):
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_create(**form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
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


@reviewer_required
@require_http_methods(["GET", "HEAD", "POST"])
def provider_detail(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.provider_add_staff(provider=provider, email=form.cleaned_data["email"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{user.email} is now staff of {provider.name}.")
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


# --- Bulk import ----------------------------------------------------------------------------

IMPORT_SESSION_KEY = "catalog_import"
IMPORT_DIR = "catalog-imports"
PREVIEW_PER_PAGE = 100


def _import_dir(user):
    return f"{IMPORT_DIR}/{user.pk}"


def _pending_import(request):
    """The user's uploaded file waiting for confirmation, if it is still there."""
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    name = pending.get("name", "")
    # The name was generated by us under the user's own folder; anything else is ignored.
    if not name.startswith(_import_dir(request.user) + "/") or not default_storage.exists(name):
        request.session.pop(IMPORT_SESSION_KEY, None)
        return None
    return pending


def _discard_import(request):
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if isinstance(pending, dict):
        name = pending.get("name", "")
        if name.startswith(_import_dir(request.user) + "/"):
            default_storage.delete(name)


def _sweep_imports(user):
    """Remove files this user uploaded and never confirmed or cancelled."""
    folder = _import_dir(user)
    with suppress(FileNotFoundError, NotADirectoryError):
        for name in default_storage.listdir(folder)[1]:
            default_storage.delete(f"{folder}/{name}")


@reviewer_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _discard_import(request)
        _sweep_imports(request.user)
        upload = form.cleaned_data["file"]
        name = default_storage.save(
            f"{_import_dir(request.user)}/{secrets.token_hex(16)}.csv", upload
        )
        request.session[IMPORT_SESSION_KEY] = {
            "name": name,
            "filename": upload.name[:200],
            "uploaded_at": timezone.now().isoformat(),
        }
        return redirect("catalog:import-preview")
    return render(
        request,
        "catalog/import_upload.html",
        {
            "form": form,
            "columns": COLUMN_HELP,
            "example": EXAMPLE,
            "pending": _pending_import(request),
        },
    )


def _preview(name, page, only_refused):
    """Check the whole file, keeping only one page of results."""
    start = (page - 1) * PREVIEW_PER_PAGE
    shown, index = [], 0
    with default_storage.open(name, "rb") as binary:
        importer = CourseImport(open_text(binary))
        for result in importer.results():
            if only_refused and result.action != "refused":
                continue
            if start <= index < start + PREVIEW_PER_PAGE:
                shown.append(result)
            index += 1
    return importer.summary, shown, index


@reviewer_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_preview(request):
    pending = _pending_import(request)
    if pending is None:
        messages.info(request, "Upload a CSV file first.")
        return redirect("catalog:import-upload")
    if request.method == "POST":
        return _import_confirm(request, pending)
    only_refused = request.GET.get("show") == "refused"
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    try:
        summary, shown, total = _preview(pending["name"], page, only_refused)
        pages = max((total + PREVIEW_PER_PAGE - 1) // PREVIEW_PER_PAGE, 1)
        if page > pages:
            page = pages
            summary, shown, total = _preview(pending["name"], page, only_refused)
    except ImportFileError as error:
        _discard_import(request)
        messages.error(request, str(error))
        return redirect("catalog:import-upload")
    paginator = Paginator(range(total), PREVIEW_PER_PAGE)
    return render(
        request,
        "catalog/import_preview.html",
        {
            "pending": pending,
            "summary": summary,
            "results": shown,
            "page_obj": paginator.get_page(page),
            "only_refused": only_refused,
        },
    )


def _import_confirm(request, pending):
    try:
        with default_storage.open(pending["name"], "rb") as binary:
            importer = CourseImport(open_text(binary))
            importer.run()
    except ImportFileError as error:
        messages.error(request, f"Nothing was imported. {error}")
    else:
        s = importer.summary
        messages.success(
            request,
            f"Imported {s.created} new and {s.updated} updated courses and {s.sessions} "
            f"more session rows; {s.refused} rows were refused and left out.",
        )
    finally:
        _discard_import(request)
    return redirect(reverse("catalog:course-list"))


@reviewer_required
@require_POST
def import_cancel(request):
    _discard_import(request)
    messages.info(request, "The upload is discarded; nothing was imported.")
    return redirect("catalog:import-upload")
