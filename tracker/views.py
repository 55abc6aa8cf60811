"""My CECs: the page professionals come for, and its small forms, exports and downloads."""

from __future__ import annotations

import csv
import functools
import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.roles import AUDIT_RENEWALS, VIEW_PROFESSIONALS
from catalog.services import course_lookup as catalog_lookup
from cecportal import holes
from cecportal.files import IMAGE_TYPES, private_file_response, stored_content_type
from reporting.services import offers_key

from . import histories, readings, rulebook, rules, selectors, services
from .certificate_views import reading_of
from .forms import (
    ACTIVITY_KINDS,
    ActivityForm,
    CertificationForm,
    CourseCreditForm,
    CprCardForm,
    EntryEditForm,
    ReadCertificateForm,
    RenewalRecordForm,
    _parse_or_none,
)
from .models import Audit, CertificateReading, Certification, CreditEntry, Cycle, Kind

FIELD_ALIASES = {"course": "course_number", "program": "program", "cpr_card": "cpr_card"}


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


def _page_context(
    request, view: selectors.Snapshot, form=None, notice=None, added: int | None = None
) -> dict:
    if form is None:
        # The empty form: built only where the page's cached parts do not hold it.
        form = SimpleLazyObject(lambda: CourseCreditForm(user=request.user, view=view))
        reading, lookup, checked, cec_value, preview = None, None, set(), "", {}
    else:
        reading, lookup = getattr(form, "reading", None), getattr(form, "lookup", None)
        checked, cec_value, preview = (
            _checked_sessions(form), _cec_value(form), _preview(request, form)
        )  # fmt: skip
    return {
        "read_form": SimpleLazyObject(ReadCertificateForm),
        "reading": reading,
        "view": view,
        # Read only where the page's cached parts are not in the cache.
        "cards": SimpleLazyObject(view.cards_by_certification),
        "rows": SimpleLazyObject(lambda: selectors.ledger_rows(view)),
        "form": form,
        "lookup": lookup,
        "checked_sessions": checked,
        "cec_value": cec_value,
        "preview": preview,
        "petition_url": petition_url(),
        "activity_links": SimpleLazyObject(lambda: _activity_links(view)),
        "notice": notice,
        "added": added,
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


def _read_form(request, view, item) -> CourseCreditForm:
    """The add form filled in with what was read from a certificate, for the person to check."""
    initial = {"reading": item.pk}
    if item.course_number:
        initial["course_number"] = item.course_number
    if item.completion_date:
        initial["completion_date"] = item.completion_date
    form = CourseCreditForm(user=request.user, view=view, initial=initial)
    form.reading = item
    if item.course_number:
        form.lookup = catalog_lookup(item.course_number, on=item.completion_date)
    return form


@require_safe
def dashboard(request):
    whole = request.GET.get("ledger") == "all"
    # The stamp as read with the person at the start of this request, which writes nothing.
    view = selectors.snapshot(
        request.user,
        window=None if whole else selectors.LEDGER_WINDOW,
        stamp=request.user.records_stamp,
    )
    item = reading_of(request, request.GET.get("reading"), CertificateReading.Purpose.COURSE)
    if item is not None:
        form = _read_form(request, view, item)
        return render(request, "tracker/dashboard.html", _page_context(request, view, form))
    # The page as it stands for this person today: cached whole under their stamp, their
    # name (what providers may have reported for them) and the window, with the form's tokens
    # filled in per request.
    key = f"{view.fragment_key}:{offers_key(request.user)}"
    return holes.page(
        request,
        "tracker/dashboard.html",
        lambda: _page_context(request, view),
        key=key,
        seconds=24 * 3600,
    )


@require_safe
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


def _render_page(request, view, form, notice=None, status=200, added=None):
    context = _page_context(request, view, form, notice, added)
    if request.htmx:
        return render(request, "tracker/dashboard.html#my-cecs", context, status=status)
    return render(request, "tracker/dashboard.html", context, status=status)


def _credit_add_course(request, form, certificate) -> CreditEntry:
    data = form.cleaned_data
    try:
        return services.credit_add(
            user=request.user,
            kind=Kind.CONFERENCE if form.lookup.is_conference else Kind.APPROVED_COURSE,
            course=form.lookup.course,
            sessions=form.selected_sessions(),
            completion_date=data["completion_date"],
            certificate=certificate,
            certifier=form.chosen_certifier(),
            submission_token=data["token"],
            actor=request.user,
        )
    finally:
        # A file opened from a reading is closed here; an upload is Django's to close.
        if certificate is not None and certificate is not data.get("certificate"):
            certificate.close()


@require_POST
@vary_on_headers("HX-Request")
def credit_add(request):
    """Add CECs: a course number, its CECs, a completion date. One entry per form token."""
    view = selectors.snapshot(request.user)
    form = CourseCreditForm(request.POST, request.FILES, user=request.user, view=view)
    item = reading_of(request, request.POST.get("reading"), CertificateReading.Purpose.COURSE)
    form.reading = item
    if form.is_valid():
        data = form.cleaned_data
        token = data["token"]
        repeated = _already_sent(token)
        # The certificate read for this form is the entry's, unless another file was chosen.
        certificate = data.get("certificate")
        if not certificate and item is not None:
            certificate = readings.reading_file(item)
        try:
            entry = _credit_add_course(request, form, certificate)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if item is not None:
                readings.reading_discard(item)
            if repeated:
                notice = "That form was already sent; the entry it added is below."
            else:
                notice = _added_notice(entry, f"{entry.course.number}")
            if request.htmx:
                fresh = selectors.snapshot(request.user)
                return _render_page(request, fresh, None, notice, added=entry.pk)
            messages.success(request, notice)
            # The new row is where the page opens (and where keyboard focus continues).
            return redirect(reverse("tracker:dashboard") + f"#entry-{entry.pk}")
    return _render_page(request, view, form)


@require_http_methods(["GET", "HEAD", "POST"])
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


@require_http_methods(["GET", "HEAD", "POST"])
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


def _card_initial(request) -> tuple[dict, CertificateReading | None]:
    item = reading_of(request, request.GET.get("reading"), CertificateReading.Purpose.CPR_CARD)
    if item is None:
        return {}, None
    initial = {"reading": item.pk, "issued_on": item.completion_date}
    if item.expires_on:
        initial["expires_on"] = item.expires_on
    return initial, item


@require_http_methods(["GET", "HEAD", "POST"])
def cpr_card_add(request):
    return cpr_card_page(request)


def cpr_card_page(request, read_form=None):
    """The card form; a card read from a photo opens it prefilled, its photo as the front."""
    if request.method == "POST" and read_form is None:
        form = CprCardForm(request.POST, request.FILES)
        item = reading_of(request, request.POST.get("reading"), CertificateReading.Purpose.CPR_CARD)
    else:
        initial, item = _card_initial(request)
        form = CprCardForm(initial=initial)
    if form.is_bound and form.is_valid():
        card = _card_save(request, form, item)
        if card is not None:
            return redirect("tracker:dashboard")
    return render(
        request,
        "tracker/cpr_card_form.html",
        {
            "form": form,
            "read_form": read_form or _card_read_form(),
            "reading": item,
        },
    )


def _card_read_form() -> ReadCertificateForm:
    form = ReadCertificateForm(initial={"purpose": "cpr"})
    form.fields["file"].label = "Take a photo of the card's front, or choose its PDF"
    return form


def _card_save(request, form, item):
    data = form.cleaned_data
    front = data.get("front_image")
    if not front and item is not None and stored_content_type(item.file.name) in IMAGE_TYPES:
        front = readings.reading_file(item)
    try:
        card = services.cpr_card_add(
            user=request.user,
            issued_on=data["issued_on"],
            expires_on=data["expires_on"],
            provider_name=data["provider_name"],
            front_image=front,
            back_image=data.get("back_image"),
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
        return None
    finally:
        # A photo opened from a reading is closed here; an upload is Django's to close.
        if front is not None and front is not data.get("front_image"):
            front.close()
    if item is not None:
        readings.reading_discard(item)
    messages.success(request, text)
    return card


def _own_entry(request, pk) -> CreditEntry:
    return get_object_or_404(
        CreditEntry.objects.owned_by(request.user).select_related(
            "course", "program", "cpr_card", "certifier", "user"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "HEAD", "POST"])
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


@require_http_methods(["GET", "HEAD", "POST"])
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
    view = selectors.snapshot(request.user, ids=[entry.pk])
    row = next((r for r in selectors.ledger_rows(view) if r["entry"].pk == entry.pk), None)
    return render(
        request,
        "tracker/entry_delete.html",
        {"entry": entry, "lock": lock, "counts": row["counts"] if row else []},
    )


@require_safe
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


@require_http_methods(["GET", "HEAD", "POST"])
def cycle_renew(request, pk):
    """Record a renewal of the current cycle: a page that says what closes and what will count
    toward nothing, then the POST that does it."""
    certification = get_object_or_404(Certification.objects.filter(user=request.user), pk=pk)
    if request.method == "POST":
        try:
            cycle = services.cycle_renew(certification=certification, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Recorded the renewal of {certification.program}. Your next cycle runs "
                f"{cycle.starts_on:%m/%d/%Y} – {cycle.ends_on:%m/%d/%Y}.",
            )
        return redirect("tracker:dashboard")
    view = selectors.snapshot(request.user, window=0)
    group = next(
        (g for g in view.cards_by_certification() if g["certification"].pk == certification.pk),
        None,
    )
    if group is None or group["current"] is None:
        raise Http404("No open cycle.")
    return render(
        request,
        "tracker/renew_confirm.html",
        {"certification": certification, **selectors.renewal_effects(group, view.today)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
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


@require_safe
def still_counts(request, pk):
    """What can still count: approved courses that would add credit to this certification's
    current cycle, ordered by what they would add."""
    certification = get_object_or_404(
        Certification.objects.filter(user=request.user).select_related("program__certifier"),
        pk=pk,
    )
    view = selectors.snapshot(request.user, window=0)
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
    # What a transcript shows of the cycle, its certification, owner and program (anything
    # else is read if asked for).
    cycles = Cycle.objects.select_related(
        "certification__user", "certification__program__certifier"
    ).only(
        "starts_on", "ends_on", "renewed_on", "certification__earned_on",
        "certification__number", "certification__user__email",
        "certification__user__first_name", "certification__user__last_name",
        "certification__user__records_stamp", "certification__program__name",
        "certification__program__certifier__name", "certification__program__certifier__code",
    )  # fmt: skip
    if not request.user.has_perm(VIEW_PROFESSIONALS):
        cycles = cycles.filter(certification__user=request.user)
    return get_object_or_404(cycles, pk=pk)


def transcript_context(request, pk) -> dict:
    """One certification's one cycle, for the page, the PDF and the ZIP alike."""
    cycle = _cycle_for(request, pk)
    owner = cycle.certification.user  # read with the cycle, in this request: its stamp is fresh
    today = timezone.localdate()
    stamp = owner.records_stamp

    def cycle_result():
        found = selectors.evaluation(owner, today=today, stamp=stamp)
        return next(r for r in found.results if r.cycle.id == cycle.pk)

    # The evaluation is read only where the page's parts are not cached.
    result = SimpleLazyObject(cycle_result)

    @functools.cache
    def entries():
        """The cycle's entries as rows, read only when the page's table is not cached."""
        wanted = [c.entry for c in result.counted] + [n.entry for n in result.not_counted]
        return selectors.ledger_between(owner, wanted)

    return {
        "owner": owner,
        "certification": cycle.certification,
        "result": result,
        "counted": SimpleLazyObject(lambda: [(entries()[c.entry.id], c) for c in result.counted]),
        "not_counted": SimpleLazyObject(
            lambda: [(entries()[n.entry.id], n) for n in result.not_counted]
        ),
        # The table is the owner's records on this day: cached under their stamp (freshness).
        "rows_key": f"{selectors.EVALUATION_SHAPE}:{owner.pk}:{stamp}:{today}:{cycle.pk}",
        "cycle": cycle,
        "has_not_counted": SimpleLazyObject(lambda: bool(result.not_counted)),
        "printed_on": today,
        "is_owner": owner.pk == request.user.pk,
        "audit": Audit.objects.filter(cycle=cycle).only("outcome", "due_on").first(),
    }


@require_safe
def transcript(request, pk):
    """A printable record of one certification's one cycle, for an auditor."""
    # What the key needs, in one small query (and the audit's facts): the page is cached whole
    # under the owner's records on this day, their name and email, the audit and what the
    # viewer may open (it has no form of its own). The cycle and its evaluation are read only
    # when it is not cached.
    found = selectors.transcript_facts(
        pk, request.user.pk, everyone=request.user.has_perm(VIEW_PROFESSIONALS)
    )
    if found is None:
        raise Http404("No such cycle.")
    owner_id, stamp, *who, audit_id, outcome, due_on = found
    audit = f"{audit_id}:{outcome}:{due_on}" if audit_id else "-"
    who_digest = hashlib.blake2b("\n".join(map(str, who)).encode(), digest_size=12).hexdigest()
    rows_key = f"{selectors.EVALUATION_SHAPE}:{owner_id}:{stamp}:{timezone.localdate()}:{pk}"
    key = (
        f"{rows_key}:{who_digest}:{audit}:{owner_id == request.user.pk}:"
        f"{request.user.has_perm(AUDIT_RENEWALS)}"
    )

    return holes.page(
        request,
        "tracker/transcript.html",
        lambda: transcript_context(request, pk),
        key=key,
        seconds=24 * 3600,
    )


def _safe_cell(value) -> str:
    """Spreadsheet programs run cells that start with these characters as formulas."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    """A file whose write gives the line back: csv.writer into a streamed response."""

    def write(self, value):
        return value


LEDGER_HEADER = [
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
CYCLES_HEADER = [
    "Certification",
    "Cycle starts",
    "Cycle ends",
    "Required",
    "Counted",
    "Remaining",
    "Status",
    "CPR/AED requirement met",
]


# A ledger's CSV is cached up to this size (characters; 1,000 entries take about 150,000).
CSV_CACHED_UP_TO = 2_000_000
CSV_PIECE = 64 * 1024


def _csv_lines(rows: list[dict], results):
    writer = csv.writer(_Echo())
    yield writer.writerow(LEDGER_HEADER)
    for row in rows:
        entry = row["entry"]
        yield writer.writerow(
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
    yield writer.writerow([])
    yield writer.writerow(CYCLES_HEADER)
    for result in results:
        yield writer.writerow(
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


@require_safe
def export_csv(request):
    """The whole ledger, each line with where it counts, then each cycle's totals. Written
    once per state of the person's records and day (cached under their records stamp, as My
    CECs is), then sent in pieces; no query runs while it streams."""
    view = selectors.snapshot(request.user, window=None)
    key = f"ledger-csv:{view.fragment_key}"
    text = cache.get(key)
    if text is None:
        text = "".join(_csv_lines(selectors.ledger_rows(view), view.results))
        if len(text) <= CSV_CACHED_UP_TO:
            cache.set(key, text, selectors.EVALUATION_SECONDS)
    pieces = (text[i : i + CSV_PIECE] for i in range(0, len(text), CSV_PIECE))
    response = StreamingHttpResponse(pieces, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cec-ledger.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def history(request):
    """Everything that changed in one's own records, deletions included, newest first."""
    page_obj, lines = histories.page(request.user, request.GET.get("page"))
    return render(
        request,
        "tracker/history.html",
        {"person": request.user, "own": True, "page_obj": page_obj, "lines": lines},
    )
