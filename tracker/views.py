"""My CECs: the page professionals come for, and its small forms, exports and downloads."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import VIEW_PROFESSIONALS
from catalog.services import course_lookup as catalog_lookup
from cecportal.files import IMAGE_TYPES, private_file_response, stored_content_type

from . import histories, rulebook, rules, selectors, services
from .forms import (
    ACTIVITY_KINDS,
    ActivityForm,
    CertificationForm,
    CourseCreditForm,
    CprCardForm,
    EntryEditForm,
    RenewalRecordForm,
    _parse_or_none,
)
from .models import Audit, Certification, CreditEntry, Cycle, Kind

FIELD_ALIASES = {"course": "course_number", "program": "program", "cpr_card": "cpr_card"}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def petition_url() -> str:
    try:
        return reverse("petitions:new")
    except NoReverseMatch:
        return reverse("petitions:list")


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            name = FIELD_ALIASES.get(field, field)
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _activity_links(view: selectors.Snapshot) -> list[dict]:
    """The other ways to earn credit that the person's certifiers count (all, if none yet)."""
    allowed = set()
    for certifier in view.certifiers.values():
        allowed |= set(certifier.rules_on(view.today).activities)
    links = []
    for slug, kind in ACTIVITY_KINDS.items():
        if not view.certifiers or kind in allowed:
            links.append({"url": reverse("tracker:activity-add", args=[slug]), "label": kind.label})
    return links


def _page_context(request, view: selectors.Snapshot, form=None, notice=None) -> dict:
    if form is None:
        form = CourseCreditForm(user=request.user, view=view)
    return {
        "view": view,
        "cards": view.cards_by_certification(),
        "rows": selectors.ledger_rows(view),
        "nowhere": view.nowhere,
        "form": form,
        "lookup": getattr(form, "lookup", None),
        "checked_sessions": _checked_sessions(form),
        "cec_value": _cec_value(form),
        "preview": _preview(request, form),
        "petition_url": petition_url(),
        "activity_links": _activity_links(view),
        "notice": notice,
        "today": view.today,
    }


def _checked_sessions(form) -> set[int]:
    if not form.is_bound:
        return set()
    out = set()
    for value in form.data.getlist("sessions") if hasattr(form.data, "getlist") else ():
        if str(value).isdigit():
            out.add(int(value))
    return out


def _cec_value(form) -> str:
    lookup = getattr(form, "lookup", None)
    if lookup is None or not lookup.ok:
        return ""
    if lookup.is_conference:
        checked = _checked_sessions(form)
        total = sum((s.cec_value for s in lookup.sessions if s.pk in checked), rules.ZERO)
        return str(total)
    return str(lookup.course.cec_value)


def _preview(request, form) -> dict:
    lookup = getattr(form, "lookup", None)
    if lookup is None or not lookup.ok:
        return {}
    checked = _checked_sessions(form)
    sessions = [s for s in lookup.sessions if s.pk in checked]
    day = _parse_or_none(form.data.get("completion_date")) if form.is_bound else None
    return selectors.course_preview(request.user, lookup.course, sessions, day)


def dashboard(request):
    view = selectors.snapshot(request.user)
    return render(request, "tracker/dashboard.html", _page_context(request, view))


@require_GET
def course_lookup(request):
    """The box that fills in the CECs as soon as the number is recognised (htmx partial)."""
    text = request.GET.get("course_number", "")
    on = _parse_or_none(request.GET.get("completion_date"))
    lookup = catalog_lookup(text, on=on) if text.strip() else None
    checked = {int(v) for v in request.GET.getlist("sessions") if v.isdigit()}
    cec_value = ""
    preview = {}
    if lookup is not None and lookup.ok:
        sessions = [s for s in lookup.sessions if s.pk in checked]
        if lookup.is_conference:
            cec_value = str(sum((s.cec_value for s in sessions), rules.ZERO))
        else:
            cec_value = str(lookup.course.cec_value)
        preview = selectors.course_preview(request.user, lookup.course, sessions, on)
    return render(
        request,
        "tracker/dashboard.html#lookup",
        {
            "lookup": lookup,
            "preview": preview,
            "cec_value": cec_value,
            "checked_sessions": checked,
            "petition_url": petition_url(),
        },
    )


def _added_notice(entry: CreditEntry, what: str) -> str:
    """ "Added CA23456 on 03/01/2026: +0.3 CEC to ACE CPT; +0.3 CEU to NASM CPT." """
    line = selectors.adds_line(entry)
    done = f"Added {what} on {entry.completion_date:%m/%d/%Y}"
    return f"{done}: {line}." if line else f"{done}; it counts toward no current cycle."


def _already_sent(token) -> bool:
    return token is not None and CreditEntry.objects.filter(submission_token=token).exists()


def _render_page(request, view, form, notice=None, status=200):
    context = _page_context(request, view, form, notice)
    if _is_htmx(request):
        return render(request, "tracker/dashboard.html#my-cecs", context, status=status)
    return render(request, "tracker/dashboard.html", context, status=status)


@require_POST
def credit_add(request):
    """Add CECs: a course number, its CECs, a completion date. One entry per form token."""
    view = selectors.snapshot(request.user)
    form = CourseCreditForm(request.POST, request.FILES, user=request.user, view=view)
    if form.is_valid():
        data = form.cleaned_data
        token = data["token"]
        repeated = _already_sent(token)
        try:
            entry = services.credit_add(
                user=request.user,
                kind=Kind.CONFERENCE if form.lookup.is_conference else Kind.APPROVED_COURSE,
                course=form.lookup.course,
                sessions=form.selected_sessions(),
                completion_date=data["completion_date"],
                certificate=data.get("certificate"),
                certifier=form.chosen_certifier(),
                submission_token=token,
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if repeated:
                notice = "That form was already sent; the entry it added is below."
            else:
                notice = _added_notice(entry, f"{entry.course.number}")
            if _is_htmx(request):
                fresh = selectors.snapshot(request.user)
                return _render_page(request, fresh, None, notice)
            messages.success(request, notice)
            return redirect("tracker:dashboard")
    return _render_page(request, view, form)


@require_http_methods(["GET", "POST"])
def activity_add(request, kind):
    if kind not in ACTIVITY_KINDS:
        raise Http404("No such activity.")
    kind_value = ACTIVITY_KINDS[kind]
    view = selectors.snapshot(request.user)
    rule = next(
        (
            c.rules_on(view.today).activity(kind_value)
            for c in view.certifiers.values()
            if c.rules_on(view.today).activity(kind_value)
        ),
        None,
    )
    form_kwargs = {"user": request.user, "view": view, "kind": kind_value, "rule": rule}
    if request.method == "POST":
        form = ActivityForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            repeated = _already_sent(data["token"])
            try:
                entry = services.credit_add(
                    user=request.user,
                    kind=kind_value,
                    completion_date=form.completion(),
                    credit=data.get("credit"),
                    title=data.get("title", ""),
                    contact_hours=data.get("contact_hours"),
                    credit_hours=data.get("credit_hours"),
                    grade=data.get("grade", ""),
                    is_prep_course=data.get("is_prep_course", False),
                    cpr_card=data.get("cpr_card"),
                    program=data.get("program"),
                    certificate=data.get("certificate"),
                    note=data.get("note", ""),
                    certifier=form.chosen_certifier(),
                    submission_token=data["token"],
                    actor=request.user,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if repeated:
                    messages.info(request, "That form was already sent; nothing was added twice.")
                else:
                    messages.success(request, _added_notice(entry, entry.get_kind_display()))
                return redirect("tracker:dashboard")
    else:
        form = ActivityForm(**form_kwargs)
    return render(
        request,
        "tracker/activity_form.html",
        {"form": form, "kind": kind_value, "rule": rule, "view": view, "value": _value(rule, view)},
    )


def _value(rule: rules.ActivityRule | None, view) -> str:
    """What each of the person's certifiers gives this kind, in words, for the form's heading."""
    if rule is None:
        return ""
    lines = []
    for certifier in view.certifiers.values():
        rule_set = certifier.rules_on(view.today)
        if rule_set.activity(rule.kind) is not None:
            lines.append(f"{certifier.code}: {rules.activity_help(certifier, rule_set, rule.kind)}")
    return " ".join(lines)


@require_http_methods(["GET", "POST"])
def certification_add(request):
    form = CertificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certification = services.certification_add(
                user=request.user,
                program=data["program"],
                earned_on=data["earned_on"],
                last_renewed_on=data.get("last_renewed_on"),
                number=data["number"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Added {certification.program}.")
            return redirect("tracker:dashboard")
    return render(
        request,
        "tracker/simple_form.html",
        {"form": form, "title": "Add a certification", "submit_label": "Add certification"},
    )


@require_http_methods(["GET", "POST"])
def cpr_card_add(request):
    form = CprCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            card = services.cpr_card_add(
                user=request.user,
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
                provider_name=data["provider_name"],
            )
            text = f"Added the CPR/AED card valid to {card.expires_on:%m/%d/%Y}."
            if data["log_credit"]:
                entry = services.credit_add(
                    user=request.user,
                    kind=Kind.CPR_AED,
                    cpr_card=card,
                    completion_date=card.issued_on,
                    actor=request.user,
                )
                line = selectors.adds_line(entry)
                text += f" Logged the renewal: {line}." if line else " Logged the renewal."
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, text)
            return redirect("tracker:dashboard")
    return render(
        request,
        "tracker/simple_form.html",
        {"form": form, "title": "Add a CPR/AED card", "submit_label": "Add card"},
    )


def _own_entry(request, pk) -> CreditEntry:
    return get_object_or_404(
        CreditEntry.objects.owned_by(request.user).select_related(
            "course", "program", "cpr_card", "certifier", "user"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def entry_edit(request, pk):
    entry = _own_entry(request, pk)
    lock = selectors.entry_lock(entry)
    certifiers = rulebook.certifiers_data()
    unit = certifiers[entry.certifier_id].unit.plural if entry.certifier_id else "Credit"
    form = None
    if lock is None:
        certifications = [
            selectors.certification_data(c) for c in selectors.certifications_of(request.user)
        ]
        form = EntryEditForm(
            request.POST or None,
            request.FILES or None,
            entry=entry,
            unit=unit,
            certifications=certifications,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.credit_update(
                    entry=entry,
                    actor=request.user,
                    completion_date=data.get("completion_date"),
                    credit=data.get("credit"),
                    sessions=data.get("sessions"),
                    title=data.get("title"),
                    credit_hours=data.get("credit_hours"),
                    grade=data.get("grade"),
                    is_prep_course=data.get("is_prep_course"),
                    note=data.get("note"),
                    certificate=data.get("certificate"),
                    remove_certificate=data.get("remove_certificate", False),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "The entry is updated.")
                return redirect("tracker:dashboard")
    elif request.method == "POST":
        messages.error(request, lock)
    return render(
        request,
        "tracker/entry_form.html",
        {
            "entry": entry,
            "form": form,
            "lock": lock,
            "credit_text": selectors.claims_text(entry, certifiers),
            "changes": histories.entry_lines(entry),
        },
    )


@require_http_methods(["GET", "POST"])
def entry_delete(request, pk):
    entry = _own_entry(request, pk)
    lock = selectors.entry_lock(entry)
    if request.method == "POST" and lock is None:
        try:
            services.credit_delete(entry=entry, actor=request.user)
        except ValidationError as error:
            lock = " ".join(error.messages)
        else:
            messages.success(request, "The entry is deleted.")
            return redirect("tracker:dashboard")
    return render(request, "tracker/entry_delete.html", {"entry": entry, "lock": lock})


@require_GET
def entry_certificate(request, pk):
    """The certificate of completion, to its owner and to reviewers only (404 for others)."""
    entries = CreditEntry.objects.all()
    if not request.user.has_perm(VIEW_PROFESSIONALS):
        entries = entries.owned_by(request.user)
    entry = get_object_or_404(entries, pk=pk)
    if not entry.certificate:
        raise Http404("No certificate.")
    content_type = stored_content_type(entry.certificate.name)
    return private_file_response(
        entry.certificate,
        content_type=content_type,
        label=entry.certificate_name or "certificate",
        inline=content_type in IMAGE_TYPES,
    )


@require_POST
def cycle_renew(request, pk):
    certification = get_object_or_404(Certification.objects.filter(user=request.user), pk=pk)
    try:
        cycle = services.cycle_renew(certification=certification, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Renewed {certification.program}. Your next cycle runs "
            f"{cycle.starts_on:%m/%d/%Y} – {cycle.ends_on:%m/%d/%Y}.",
        )
    return redirect("tracker:dashboard")


@require_http_methods(["GET", "POST"])
def cycle_record_renewal(request, pk):
    """Record a renewal done with the certifier: the current cycle closes, the next opens."""
    certification = get_object_or_404(
        Certification.objects.filter(user=request.user).select_related("program__certifier"),
        pk=pk,
    )
    form = RenewalRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_record_renewal(
                certification=certification,
                renewed_on=form.cleaned_data["renewed_on"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Recorded the renewal of {certification.program}. Your current cycle runs "
                f"{cycle.starts_on:%m/%d/%Y} – {cycle.ends_on:%m/%d/%Y}.",
            )
            return redirect("tracker:dashboard")
    return render(
        request,
        "tracker/simple_form.html",
        {
            "form": form,
            "title": f"Record a renewal of {certification.program}",
            "intro": "Renewed with the certifier already? Enter the date it renewed your "
            "certification: the current cycle closes as it stands and the next one starts.",
            "submit_label": "Record renewal",
        },
    )


@require_GET
def still_counts(request, pk):
    """What can still count: approved courses that would add credit to this certification's
    current cycle, ordered by what they would add."""
    certification = get_object_or_404(
        Certification.objects.filter(user=request.user).select_related("program__certifier"),
        pk=pk,
    )
    view = selectors.snapshot(request.user)
    result = next(
        (r for r in view.results if r.certification.id == certification.pk and r.is_current),
        None,
    )
    rows = selectors.still_counting(view, result) if result is not None else []
    return render(
        request,
        "tracker/still_counts.html",
        {"certification": certification, "result": result, "rows": rows},
    )


def _cycle_for(request, pk) -> Cycle:
    cycles = Cycle.objects.select_related("certification__user", "certification__program")
    if not request.user.has_perm(VIEW_PROFESSIONALS):
        cycles = cycles.filter(certification__user=request.user)
    return get_object_or_404(cycles, pk=pk)


@require_GET
def transcript(request, pk):
    """A printable record of one certification's one cycle, for an auditor."""
    cycle = _cycle_for(request, pk)
    owner = cycle.certification.user
    view = selectors.snapshot(owner)
    result = next(r for r in view.results if r.cycle.id == cycle.pk)
    entries = {e.pk: e for e in view.entries}
    return render(
        request,
        "tracker/transcript.html",
        {
            "owner": owner,
            "certification": view.certification(result.certification.id),
            "result": result,
            "counted": [(entries[c.entry.id], c) for c in result.counted],
            "not_counted": [(entries[n.entry.id], n) for n in result.not_counted],
            "printed_on": timezone.localdate(),
            "audit": Audit.objects.filter(cycle=cycle).first(),
        },
    )


def _safe_cell(value) -> str:
    """Spreadsheet programs run cells that start with these characters as formulas."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
def export_csv(request):
    """The ledger, each line with where it counts, then each cycle's totals."""
    view = selectors.snapshot(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cec-ledger.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    writer = csv.writer(response)
    writer.writerow(
        [
            "Completion date",
            "Activity",
            "Course number",
            "Title",
            "Sessions",
            "Credit",
            "Source",
            "Counts toward",
            "Does not count",
            "Certificate",
        ]
    )
    for row in selectors.ledger_rows(view):
        entry = row["entry"]
        writer.writerow(
            [
                _safe_cell(cell)
                for cell in (
                    f"{entry.completion_date:%m/%d/%Y}",
                    entry.get_kind_display(),
                    entry.course.number if entry.course_id else "",
                    row["title"],
                    "; ".join(s.code for s in entry.session_list),
                    row["credit_text"],
                    entry.get_source_display(),
                    "; ".join(f"{name}: {credit}" for name, credit in row["counts"]),
                    "; ".join(f"{name}: {reason}" for name, reason in row["reasons"]),
                    entry.certificate_name,
                )
            ]
        )
    writer.writerow([])
    writer.writerow(
        [
            "Certification",
            "Cycle starts",
            "Cycle ends",
            "Required",
            "Counted",
            "Remaining",
            "Status",
            "CPR/AED requirement met",
        ]
    )
    for result in view.results:
        writer.writerow(
            [
                _safe_cell(result.certification.name),
                f"{result.cycle.starts_on:%m/%d/%Y}",
                f"{result.cycle.ends_on:%m/%d/%Y}",
                result.required,
                result.total,
                result.remaining,
                result.status.label,
                "yes" if result.cpr_ok else "no",
            ]
        )
    return response


@require_GET
def history(request):
    """Everything that changed in one's own records, deletions included, newest first."""
    page_obj, lines = histories.page(request.user, request.GET.get("page"))
    return render(
        request,
        "tracker/history.html",
        {"person": request.user, "own": True, "page_obj": page_obj, "lines": lines},
    )
