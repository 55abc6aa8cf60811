"""Reviewers' pages of the tracker: the professionals close to lapsing, on screen and as CSV;
finding a professional, and entering credit on their behalf from a certificate they sent."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import professionals_viewer_required
from accounts.roles import REVIEWER_PERMISSIONS, holders_of
from cecportal.inputs import CleanInputMixin

from . import histories, lapsing, rulebook, selectors, services
from .forms import ProfessionalSearchForm, StaffEntryForm
from .models import Certification, CreditEntry, Kind
from .views import _safe_cell, apply_errors

SEARCH_LIMIT = 25


class LapsingFilterForm(CleanInputMixin, forms.Form):
    """The list's filters. A bad value is reported and that filter falls back to its default."""

    certifier = forms.ChoiceField(
        label="Certifier",
        required=False,
        error_messages={"invalid_choice": "No certifier has the code “%(value)s”."},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Every status"),
            *((s.value, label) for s, label in lapsing.STATUSES.items()),
        ],
        error_messages={
            "invalid_choice": "“%(value)s” is not one of at_risk, grace or lapsed.",
        },
    )
    days = forms.IntegerField(
        label="Days",
        required=False,
        min_value=1,
        max_value=lapsing.MAX_DAYS,
        help_text="Deadlines at most this many days away; lapsed at most this many days ago.",
        error_messages={
            "invalid": "Enter a whole number of days, e.g. 90.",
            "min_value": "Enter at least 1 day.",
            "max_value": f"Enter at most {lapsing.MAX_DAYS} days.",
        },
    )

    DEFAULTS = {"certifier": "", "status": "", "days": lapsing.DEFAULT_DAYS}

    def __init__(self, data, *, certifiers):
        super().__init__(data)
        self.certifier_ids = {c.code.lower(): pk for pk, c in certifiers.items()}
        self.fields["certifier"].choices = [
            ("", "Every certifier"),
            *sorted((c.code.lower(), c.code) for c in certifiers.values()),
        ]

    def filters(self) -> dict:
        """The valid filters, each bad or missing one at its default."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned.get(name) if cleaned.get(name) not in (None, "") else default
            for name, default in self.DEFAULTS.items()
        }

    def problems(self) -> list[str]:
        """What was wrong in the address, in words, with what the list shows instead."""
        self.is_valid()
        out = []
        for name, errors in self.errors.items():
            default = self.DEFAULTS.get(name, "")
            instead = f"showing {default} days" if name == "days" else "showing every one"
            out.append(f"{self.fields[name].label}: {' '.join(errors)} The list is {instead}.")
        return out


def _filtered(request):
    """The certifiers' rules, the form, the filters and the rows they select."""
    certifiers = rulebook.certifiers_data()
    form = LapsingFilterForm(request.GET or None, certifiers=certifiers)
    chosen = form.filters()
    found = lapsing.rows(
        certifiers,
        today=timezone.localdate(),
        days=chosen["days"],
        certifier_id=form.certifier_ids.get(chosen["certifier"]),
    )
    return form, chosen, found


@professionals_viewer_required
@require_safe
def lapsing_list(request):
    form, chosen, found = _filtered(request)
    counts = lapsing.counts(found)
    if chosen["status"]:
        found = [row for row in found if row.status == chosen["status"]]
    return render(
        request,
        "tracker/lapsing.html",
        {
            "form": form,
            "chosen": chosen,
            "problems": form.problems(),
            "counts": [
                (status, label, counts[status]) for status, label in lapsing.STATUSES.items()
            ],
            "total": sum(counts.values()),
            "page_obj": Paginator(found, lapsing.PER_PAGE).get_page(request.GET.get("page")),
        },
    )


CSV_HEADER = [
    "Name",
    "Email",
    "Certification",
    "Deadline",
    "Days left",
    "Days past",
    "Remaining",
    "CPR/AED",
    "Status",
]


@professionals_viewer_required
@require_safe
def lapsing_csv(request):
    """The same list as the page shows for the same filters, every row, no pages."""
    form, chosen, found = _filtered(request)
    problems = form.problems()
    if problems:
        # A download of some other list than the one asked for would mislead: say why not.
        return HttpResponse(
            "\n".join(problems) + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    if chosen["status"]:
        found = [row for row in found if row.status == chosen["status"]]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="close-to-lapsing.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in found:
        writer.writerow(
            [
                _safe_cell(cell)
                for cell in (
                    row.name,
                    row.email,
                    row.certification,
                    row.deadline_text,
                    max(row.days_left, 0),
                    row.days_past,
                    row.remaining,
                    "missing" if row.cpr_missing else "",
                    row.status_label,
                )
            ]
        )
    return response


# --- Staff-assisted entry ------------------------------------------------------------------


@professionals_viewer_required
@require_safe
def professional_search(request):
    """Find a professional by email, name or certification number (at most 25 shown)."""
    form = ProfessionalSearchForm(request.GET or None)
    found, more = [], False
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        holders = Certification.objects.filter(number__iexact=q).values("user_id")
        people = (
            _professionals()
            .filter(
                Q(email__icontains=q)
                | Q(first_name__icontains=q)
                | Q(last_name__icontains=q)
                | Q(pk__in=holders)
            )
            .prefetch_related("certifications__program__certifier")
            .order_by("last_name", "first_name", "email")
        )
        found = list(people[: SEARCH_LIMIT + 1])
        more = len(found) > SEARCH_LIMIT
        found = found[:SEARCH_LIMIT]
    return render(
        request,
        "tracker/professional_search.html",
        {"form": form, "found": found, "more": more, "limit": SEARCH_LIMIT},
    )


def _professionals():
    """Everyone who is only a professional: no staff, reviewer or provider account."""
    model = get_user_model()
    users = model.objects.filter(is_staff=False, is_superuser=False, provider__isnull=True)
    for perm in REVIEWER_PERMISSIONS:
        users = users.exclude(pk__in=holders_of(perm).values("pk"))
    return users


def _professional(pk):
    return get_object_or_404(_professionals(), pk=pk)


@professionals_viewer_required
@require_http_methods(["GET", "HEAD", "POST"])
def professional_detail(request, pk):
    """One professional's standing and ledger, and the form to enter credit from the
    certificate they sent in: posted as "Entered by staff", the reviewer in its history."""
    person = _professional(pk)
    view = selectors.snapshot(person, window=50)
    form = StaffEntryForm(request.POST or None, request.FILES or None, user=person, view=view)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.staff_credit_add(
                user=person,
                actor=request.user,
                kind=Kind.CONFERENCE if form.lookup.is_conference else Kind.APPROVED_COURSE,
                course=form.lookup.course,
                sessions=form.selected_sessions(),
                completion_date=data["completion_date"],
                certificate=data["certificate"],
                note=data["note"],
                certifier=form.chosen_certifier(),
                submission_token=data["token"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            line = selectors.adds_line(entry)
            messages.success(
                request,
                f"Entered {entry.course.number} on {entry.completion_date:%m/%d/%Y} for "
                f"{person.get_full_name() or person.email}"
                + (f": {line}." if line else ": it counts toward no current renewal.")
                + " They are being emailed.",
            )
            return redirect("tracker:professional", pk=person.pk)
    return render(
        request,
        "tracker/professional.html",
        {
            "person": person,
            "view": view,
            "cards": view.cards_by_certification(),
            "rows": selectors.ledger_rows(view)[:50],
            "entries_total": view.entries_total,
            "form": form,
            "staff_source": CreditEntry.Source.STAFF,
        },
    )


@professionals_viewer_required
@require_safe
def professional_history(request, pk):
    """A professional's history, deleted ledger entries included, for a reviewer."""
    person = _professional(pk)
    page_obj, lines = histories.page(person, request.GET.get("page"))
    return render(
        request,
        "tracker/history.html",
        {"person": person, "own": False, "page_obj": page_obj, "lines": lines},
    )
