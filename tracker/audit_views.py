"""Audits of renewals: the reviewers' queue and decisions, the professional's proof."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import permission_required
from accounts.roles import AUDIT_RENEWALS
from cecportal.files import IMAGE_TYPES, private_file_response

from . import audits
from .forms import FILE_HELP, USDateField
from .models import Audit, AuditItem, Cycle
from .views import apply_errors

auditor_required = permission_required(AUDIT_RENEWALS)


class SampleForm(forms.Form):
    renewed_from = USDateField(label="Renewals recorded from")
    renewed_to = USDateField(label="to", future_ok=True)
    percent = forms.DecimalField(
        label="Percentage", required=False, min_value=0.01, max_value=100, decimal_places=2
    )
    size = forms.IntegerField(label="or number of renewals", required=False, min_value=1)
    seed = forms.IntegerField(
        label="Seed",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Leave blank for a new random sample; the seed used is recorded.",
    )


class PickForm(forms.Form):
    cycle = forms.IntegerField(label="Renewal (cycle number, from a transcript)", min_value=1)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Reject")])
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProofForm(forms.Form):
    proof = forms.FileField(label="Proof", help_text=FILE_HELP)


def _items(audit):
    return audit.items.select_related("entry__course").order_by("pk")


def _queue_with(request, **forms_):
    base = Audit.objects.select_related(
        "cycle__certification__user", "cycle__certification__program"
    )
    context = {
        "open": base.filter(outcome=Audit.Outcome.OPEN).by_due_date()[:200],
        "closed": base.exclude(outcome=Audit.Outcome.OPEN).order_by("-concluded_at")[:50],
        "sample_form": SampleForm(),
        "pick_form": PickForm(),
    } | forms_
    return render(request, "tracker/audit_queue.html", context, status=400 if forms_ else 200)


@auditor_required
@require_safe
def audit_queue(request):
    """Open audits by due date (the soonest first), and the last closed ones."""
    return _queue_with(request)


@auditor_required
@require_POST
def audit_sample(request):
    form = SampleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sample = audits.audit_sample(
                by=request.user,
                renewed_from=data["renewed_from"],
                renewed_to=data["renewed_to"],
                percent=data["percent"],
                size=data["size"],
                seed=data["seed"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{sample.audits.count()} of {sample.population} renewal(s) sampled "
                f"(seed {sample.seed}); the professionals are emailed.",
            )
            return redirect("tracker:audits")
    return _queue_with(request, sample_form=form)


@auditor_required
@require_POST
def audit_pick(request):
    form = PickForm(request.POST)
    if form.is_valid():
        cycle = Cycle.objects.filter(pk=form.cleaned_data["cycle"]).first()
        if cycle is None:
            form.add_error("cycle", "There is no renewal with this number.")
        else:
            try:
                audit = audits.audit_start(cycle=cycle, by=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "The audit is started; the professional is emailed.")
                return redirect("tracker:audit-review", pk=audit.pk)
    return _queue_with(request, pick_form=form)


@auditor_required
@require_safe
def audit_review(request, pk):
    audit = get_object_or_404(
        Audit.objects.select_related("cycle__certification__user", "cycle__certification__program"),
        pk=pk,
    )
    return render(
        request,
        "tracker/audit_review.html",
        {"audit": audit, "items": _items(audit), "form": DecideForm()},
    )


@auditor_required
@require_POST
def audit_decide(request, pk):
    item = get_object_or_404(AuditItem.objects.select_related("audit"), pk=pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            audits.item_decide(
                item=item,
                by=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The decision is recorded.")
    else:
        messages.error(request, "Choose accept or reject.")
    return redirect("tracker:audit-review", pk=item.audit_id)


@require_safe
def my_audit(request, pk):
    """The professional's own audit: what is asked, what was sent, what was decided."""
    audit = get_object_or_404(
        Audit.objects.owned_by(request.user).select_related("cycle__certification__program"),
        pk=pk,
    )
    return render(
        request,
        "tracker/my_audit.html",
        {"audit": audit, "items": _items(audit), "form": ProofForm()},
    )


@require_POST
def proof_upload(request, pk):
    item = get_object_or_404(
        AuditItem.objects.filter(audit__cycle__certification__user=request.user), pk=pk
    )
    form = ProofForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            audits.proof_upload(item=item, user=request.user, upload=form.cleaned_data["proof"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The proof is sent.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("tracker:my-audit", pk=item.audit_id)


@require_safe
def proof_file(request, pk):
    """A proof, to its owner and to auditors only (404 for anyone else)."""
    items = AuditItem.objects.exclude(proof="")
    if not request.user.has_perm(AUDIT_RENEWALS):
        items = items.filter(audit__cycle__certification__user=request.user)
    item = get_object_or_404(items, pk=pk)
    return private_file_response(
        item.proof,
        content_type=item.proof_type,
        label=item.proof_name or "proof",
        inline=item.proof_type in IMAGE_TYPES,
    )
