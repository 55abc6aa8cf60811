"""Reviewers' pages of the tracker: the professionals close to lapsing, on screen and as CSV."""

from __future__ import annotations

import csv

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.decorators import reviewer_required
from cecportal.inputs import CleanInputMixin

from . import lapsing, rulebook
from .views import _safe_cell


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


@reviewer_required
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


@reviewer_required
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
