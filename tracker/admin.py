"""The admin. Certifiers and their rule sets are data an admin describes here; whatever is
submitted is turned into the rules package's dataclasses and refused, with the rules' own
sentences, when `rules.problems` finds it impossible to evaluate. Nothing is saved then."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Prefetch
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from cecportal.admin_history import register_history
from cecportal.history import note as history_note

from . import rulebook, rules
from .models import (
    ActivityRule,
    Audit,
    AuditItem,
    AuditSample,
    Category,
    CertificateReading,
    Certification,
    Certifier,
    CprCard,
    CreditEntry,
    Cycle,
    EntryCredit,
    Program,
    ProrationBand,
    RuleSet,
)

# What `rules.problems` says of a certifier that has no version of its rules yet: expected
# while a new certifier is described, before its first rule set is saved.
NO_RULES = frozenset(
    rules.problems(
        rules.Certifier(
            id=0,
            code="X",
            name="X",
            unit=rules.Unit("unit", "units", Decimal(1)),
            cycle_kind=rules.CycleKind.ANCHORED,
            cycle_months=12,
        )
    )
)


def closed_cycles(certifier_id: int) -> list[rules.CycleData]:
    """The renewed cycles of every certification of this certifier."""
    cycles = Cycle.objects.filter(
        certification__program__certifier_id=certifier_id, renewed_on__isnull=False
    )
    return [
        rules.CycleData(
            id=c.pk,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            renewed_on=c.renewed_on,
            renewed_at=c.renewed_at,
            renewed_outside=c.renewed_outside,
        )
        for c in cycles
    ]


def unverified_notes(certifier: Certifier) -> list[str]:
    """Every value of the certifier and its rules shipped as an unconfirmed default."""
    notes = [f"{certifier}: {certifier.unverified}"] if certifier.unverified else []
    for rule_set in certifier.rule_sets.all():
        notes += unverified_rule_set_notes(rule_set)
    return notes


def unverified_rule_set_notes(rule_set: RuleSet) -> list[str]:
    where = f"Rules from {rule_set.effective_from:%m/%d/%Y}"
    notes = [f"{where}: {rule_set.unverified}"] if rule_set.unverified else []
    notes += [
        f"{where}, category {c.code}: {c.unverified}"
        for c in rule_set.categories.all()
        if c.unverified
    ]
    notes += [
        f"{where}, {rules.KIND_LABELS.get(a.kind, a.kind)}: {a.unverified}"
        for a in rule_set.activities.all()
        if a.unverified
    ]
    return notes


def warn_unverified(request, notes: list[str]) -> None:
    if notes:
        items = format_html_join("", "<li>{}</li>", ((note,) for note in notes))
        messages.warning(
            request,
            format_html(
                "These values are unverified defaults (no confirmed source): check them with "
                "the certifier.<ul>{}</ul>",
                items,
            ),
        )


def with_parts(queryset):
    return queryset.prefetch_related(
        Prefetch("rule_sets", queryset=RuleSet.objects.order_by("effective_from")),
        "rule_sets__categories",
        "rule_sets__activities",
    )


# --- Certifiers -------------------------------------------------------------------------------


class CertifierForm(forms.ModelForm):
    class Meta:
        model = Certifier
        fields = [
            "name",
            "code",
            "source",
            "unverified",
            "unit_singular",
            "unit_plural",
            "contact_hours_per_unit",
            "cycle_kind",
            "cycle_months",
            "cycle_end",
            "fixed_cycle_start",
            "course_number_pattern",
            "course_number_example",
            "assigns_catalog_numbers",
            "at_risk_days",
            "audit_proof_days",
        ]

    def clean_course_number_pattern(self):
        pattern = self.cleaned_data["course_number_pattern"]
        if pattern:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValidationError(
                    f"This pattern is not a valid regular expression ({error})."
                ) from None
        return pattern

    def clean(self):
        data = super().clean()
        if data.get("cycle_kind") == Certifier.CycleKind.FIXED and not data.get(
            "fixed_cycle_start"
        ):
            self.add_error(
                "fixed_cycle_start", "Fixed cycles need the first day of one period (MM/DD/YYYY)."
            )
        if not self.errors:
            found = [p for p in rules.problems(self._would_be()) if p not in NO_RULES]
            if found:
                raise ValidationError(found)
        return data

    def _would_be(self) -> rules.Certifier:
        """The certifier as submitted, with the versions of its rules already stored."""
        candidate = copy.copy(self.instance)
        for name, value in self.cleaned_data.items():
            setattr(candidate, name, value)
        stored = rulebook.certifier_data(self.instance).rule_sets if self.instance.pk else ()
        return rulebook.certifier_data(candidate, rule_sets=stored)


class ProgramInline(admin.TabularInline):
    model = Program
    extra = 0


@admin.register(Certifier)
class CertifierAdmin(admin.ModelAdmin):
    form = CertifierForm
    list_display = ["name", "code", "unit", "cycle", "unverified_defaults"]
    inlines = [ProgramInline]
    readonly_fields = ["rule_set_links"]
    fieldsets = [
        (None, {"fields": ["name", "code", "source", "unverified"]}),
        ("Unit", {"fields": ["unit_singular", "unit_plural", "contact_hours_per_unit"]}),
        (
            "Cycles",
            {"fields": ["cycle_kind", "cycle_months", "cycle_end", "fixed_cycle_start"]},
        ),
        (
            "Course numbers and status",
            {
                "fields": [
                    "course_number_pattern",
                    "course_number_example",
                    "assigns_catalog_numbers",
                    "at_risk_days",
                ]
            },
        ),
        ("Audits", {"fields": ["audit_proof_days"]}),
        ("Versions of the rules", {"fields": ["rule_set_links"]}),
    ]

    def get_queryset(self, request):
        return with_parts(super().get_queryset(request))

    @admin.display(description="Unit")
    def unit(self, obj):
        hours = obj.contact_hours_per_unit.normalize()
        hours_word = "contact hour" if hours == 1 else "contact hours"
        per = f"{hours:f} {hours_word} per {obj.unit_singular}"
        return f"{obj.unit_singular} / {obj.unit_plural} ({per})"

    @admin.display(description="Cycle")
    def cycle(self, obj):
        if obj.cycle_kind == Certifier.CycleKind.FIXED:
            start = obj.fixed_cycle_start
            return f"{obj.cycle_months} months, fixed periods from {start:%m/%d/%Y}"
        return f"{obj.cycle_months} months from the date earned ({obj.get_cycle_end_display()})"

    @admin.display(description="Unverified defaults")
    def unverified_defaults(self, obj):
        return len(unverified_notes(obj)) or "—"

    @admin.display(description="Rule sets")
    def rule_set_links(self, obj):
        if obj is None or obj.pk is None:
            return "Save the certifier first; then add the first version of its rules."
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a> — {} {}</li>',
            (
                (
                    reverse("admin:tracker_ruleset_change", args=[r.pk]),
                    f"From {r.effective_from:%m/%d/%Y}",
                    r.credits_required,
                    obj.unit_plural,
                )
                for r in obj.rule_sets.all()
            ),
        )
        add = reverse("admin:tracker_ruleset_add") + f"?certifier={obj.pk}"
        return format_html('<ul>{}</ul><a href="{}">Add a version</a>', links, add)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            certifier = self.get_object(request, object_id)
            if certifier is not None:
                warn_unverified(request, unverified_notes(certifier))
        return super().change_view(request, object_id, form_url, extra_context)


# --- Rule sets: a version of a certifier's rules and its parts ------------------------------


def kept_instances(formset) -> list:
    """The rows a valid inline formset would save: its changed or existing forms, not deleted,
    as model instances carrying the submitted values."""
    kept = []
    for form in formset.forms:
        cleaned = getattr(form, "cleaned_data", None)
        if cleaned is None or cleaned.get(DELETION_FIELD_NAME):
            continue
        if form in formset.extra_forms and not form.has_changed():
            continue
        kept.append(form.instance)
    return kept


def formset_valid(formset) -> bool:
    # `errors` is the list the formset's full_clean already built: no recursion from clean().
    return not any(formset.errors) and not formset.non_form_errors()


class RuleSetPartFormSet(BaseInlineFormSet):
    """Categories, activities and pro-rating rows are checked together with the rule set.

    The admin's `save_form` leaves the validated rule set form, and the parts this page edits,
    on the rule set being saved (the object every formset of the request is built on); each
    part's formset leaves itself there too, and the last one to clean builds the would-be
    `rules.Certifier` and refuses it with `rules.problems`.
    """

    part = ""

    def clean(self):
        state = self.instance.__dict__
        found = state.setdefault("_admin_parts", {})
        found[self.part] = self
        super().clean()
        expected = state.get("_admin_expected")
        if expected is None or not expected <= set(found):
            return  # the rule set form has errors, or a part is still to clean
        problems = whole_rule_set_problems(self.instance, found)
        if problems:
            state["_admin_form"].add_error(None, problems)
            raise ValidationError("These rules cannot be saved: see the problems at the top.")


PARTS = ("categories", "activities", "bands")


def submitted_parts(rule_set: RuleSet, formsets: dict) -> dict[str, list]:
    """Each part as it would be saved: the rows of its formset, or the stored rows of a part
    the page does not edit."""
    out = {}
    for part in PARTS:
        if part in formsets:
            out[part] = kept_instances(formsets[part])
        else:
            out[part] = list(getattr(rule_set, part).all()) if rule_set.pk else []
    return out


def whole_rule_set_problems(rule_set: RuleSet, formsets: dict) -> list[str]:
    """What `rules.problems` says of the certifier with this rule set as submitted (nothing
    while any part still has errors of its own)."""
    if not all(map(formset_valid, formsets.values())):
        return []
    parts = submitted_parts(rule_set, formsets)
    # Codes by id: the stored ones, then as submitted; an activity whose category is deleted
    # keeps the stored code, and the rules say that category is not defined.
    codes = {}
    if rule_set.pk is not None:
        codes = dict(Category.objects.filter(rule_set=rule_set).values_list("pk", "code"))
    codes.update({c.pk: c.code for c in parts["categories"] if c.pk is not None})
    submitted = rulebook.rule_set_data(rule_set, **parts, codes=codes)
    return certifier_problems_with(rule_set.certifier, submitted)


def certifier_problems_with(certifier: Certifier, rule_set: rules.RuleSet) -> list[str]:
    """`rules.problems` of the certifier if `rule_set` were saved (replacing its stored self)."""
    stored = rulebook.certifier_data(certifier).rule_sets
    others = [r for r in stored if r.id is None or r.id != rule_set.id]
    return rules.problems(rulebook.certifier_data(certifier, rule_sets=[*others, rule_set]))


class CategoryFormSet(RuleSetPartFormSet):
    part = "categories"


class ActivityFormSet(RuleSetPartFormSet):
    part = "activities"


class BandFormSet(RuleSetPartFormSet):
    part = "bands"


SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}}


class CategoryInline(admin.TabularInline):
    model = Category
    formset = CategoryFormSet
    extra = 0
    fields = [
        "position",
        "code",
        "name",
        "cycle_cap",
        "year_cap",
        "min_share",
        "counts_as_distinct",
        "source",
        "unverified",
    ]
    formfield_overrides = SHORT_TEXT


class ActivityRuleInline(admin.TabularInline):
    model = ActivityRule
    formset = ActivityFormSet
    extra = 0
    formfield_overrides = SHORT_TEXT
    verbose_name_plural = "activities (a new category must be saved before an activity uses it)"
    fields = [
        "kind",
        "category",
        "value",
        "per_unit",
        "entry_cap",
        "prep_course_cap",
        "min_grade",
        "needs_approval",
        "home_study_category",
        "source",
        "unverified",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this rule set's categories (none yet on a rule set being added).
        mine = Category.objects.filter(rule_set=obj) if obj else Category.objects.none()
        formset.form.base_fields["home_study_category"].queryset = mine
        field = formset.form.base_fields["category"]
        field.queryset = mine
        field.help_text = (
            "A category of this rule set. A new category must be saved first: save the rule "
            "set with its categories, then add the activities that count in them."
        )
        return formset


class BandForm(forms.ModelForm):
    class Meta:
        model = ProrationBand
        fields = ["from_month", "to_month", "credits_required", "category_caps"]

    def clean_category_caps(self):
        caps = self.cleaned_data.get("category_caps") or {}
        if not isinstance(caps, dict):
            raise ValidationError(
                'Give each category\'s maximum as an object, e.g. {"A": "5.5", "B": "4.0"}.'
            )
        return {str(code): self._cap(code, value) for code, value in caps.items()}

    @staticmethod
    def _cap(code, value) -> str:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(
                f"The maximum for category {code} ({value!r}) is not a number."
            ) from None
        if not number.is_finite() or number < 0:
            raise ValidationError(f"The maximum for category {code} must be zero or more.")
        return str(number)


class ProrationBandInline(admin.TabularInline):
    model = ProrationBand
    form = BandForm
    formset = BandFormSet
    extra = 0
    verbose_name_plural = (
        "pro-rating table (fixed periods: months after the period starts when the person "
        "certified; blank “from”: certified before the period)"
    )


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = [
            "certifier",
            "effective_from",
            "credits_required",
            "grace_months",
            "cpr_window",
            "cpr_days_after",
            "min_categories",
            "extra_certification_meets_requirement",
            "source",
            "unverified",
        ]

    def clean(self):
        data = super().clean()
        certifier, day = data.get("certifier"), data.get("effective_from")
        if certifier is None or day is None:
            return data
        stored = self.instance
        # A stored version keeping its date and certifier is not a new version.
        if stored.pk is None or (day, certifier.pk) != (stored.effective_from, stored.certifier_id):
            for problem in rules.effective_date_problems(day, closed_cycles(certifier.pk)):
                self.add_error("effective_from", problem)
        return data


@functools.cache
def copy_page():
    return engines["django"].from_string(COPY_PAGE)


COPY_PAGE = """{% extends "admin/base_site.html" %}
{% block content %}
<form method="post">{% csrf_token %}
  <p>Copy {{ original }} with its categories, activities and pro-rating rows as a new version
  of {{ original.certifier }}'s rules. It applies to cycles starting on or after its date.</p>
  {{ form.as_p }}
  <input type="hidden" name="action" value="copy_as_new_version">
  <input type="hidden" name="_selected_action" value="{{ original.pk }}">
  <input type="submit" name="apply" value="Copy">
</form>
{% endblock %}"""


class CopyForm(forms.Form):
    effective_from = forms.DateField(
        label="New version applies from",
        widget=forms.DateInput(format="%m/%d/%Y"),
        help_text="MM/DD/YYYY: cycles starting on or after this day use the copy.",
    )


def copy_problems(original: RuleSet, day: datetime.date) -> list[str]:
    if RuleSet.objects.filter(certifier_id=original.certifier_id, effective_from=day).exists():
        return [f"{original.certifier} already has a version of its rules from {day:%m/%d/%Y}."]
    found = rules.effective_date_problems(day, closed_cycles(original.certifier_id))
    copied = dataclasses.replace(rulebook.rule_set_data(original), id=None, effective_from=day)
    return found + certifier_problems_with(original.certifier, copied)


@transaction.atomic
def copy_rule_set(original: RuleSet, day: datetime.date) -> RuleSet:
    """A new version: the rule set, its categories, activities and pro-rating rows."""
    categories = list(original.categories.all())
    activities = list(original.activities.all())
    bands = list(original.bands.all())
    copied = copy.copy(original)
    copied.pk = None
    copied.effective_from = day
    copied.save(force_insert=True)
    new_ids = {}
    for category in categories:
        old = category.pk
        category.pk, category.rule_set = None, copied
        category.save(force_insert=True)
        new_ids[old] = category.pk
    for activity in activities:
        activity.pk, activity.rule_set = None, copied
        activity.category_id = new_ids[activity.category_id]
        activity.home_study_category_id = new_ids.get(activity.home_study_category_id)
        activity.save(force_insert=True)
    for band in bands:
        band.pk, band.rule_set = None, copied
        band.save(force_insert=True)
    return copied


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    form = RuleSetForm
    list_display = [
        "certifier",
        "effective_from",
        "credits_required",
        "grace_months",
        "cpr_window",
        "min_categories",
    ]
    list_filter = ["certifier"]
    list_select_related = ["certifier"]
    inlines = [CategoryInline, ActivityRuleInline, ProrationBandInline]
    actions = ["copy_as_new_version"]

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        # One by one only (see has_delete_permission): a certifier always keeps a version.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.certifier.rule_sets.exclude(pk=obj.pk).exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_form(self, request, form, change):
        rule_set = super().save_form(request, form, change)
        # For the parts' formsets, which check the whole rule set (see RuleSetPartFormSet).
        inlines = self.get_inline_instances(request, rule_set if change else None)
        rule_set.__dict__["_admin_form"] = form
        rule_set.__dict__["_admin_expected"] = frozenset(
            inline.formset.part for inline in inlines if inline.formset.part
        )
        return rule_set

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET":
            messages.info(
                request,
                "Describe the rule set with its categories and save it; its activities can "
                "then be added, each counting in one of its categories.",
            )
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            rule_set = self.get_object(request, object_id)
            if rule_set is not None:
                warn_unverified(request, unverified_rule_set_notes(rule_set))
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Copy as a new version")
    def copy_as_new_version(self, request, queryset):
        if len(queryset) != 1:
            self.message_user(request, "Choose one rule set to copy.", messages.ERROR)
            return None
        original = queryset.select_related("certifier").get()
        applying = "apply" in request.POST
        form = CopyForm(
            request.POST if applying else None,
            initial={"effective_from": timezone.localdate()},
        )
        if applying and form.is_valid():
            day = form.cleaned_data["effective_from"]
            problems = copy_problems(original, day)
            if not problems:
                copied = copy_rule_set(original, day)
                self.message_user(request, f"Copied as {copied}.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:tracker_ruleset_change", args=[copied.pk])
                )
            for problem in problems:
                form.add_error("effective_from", problem)
        context = {
            **self.admin_site.each_context(request),
            "title": "Copy as a new version",
            "original": original,
            "form": form,
            "opts": self.model._meta,
        }
        return HttpResponse(copy_page().render(context, request))


# --- Certifications, cards and the ledger ----------------------------------------------------


class ReadOnly:
    """Shown in the admin, changed only elsewhere: the services (the ledger, renewals) or the
    rule set's page. The admin is not a side door to posted credit or to history."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CycleInline(ReadOnly, admin.TabularInline):
    """Cycles are laid out by the rules and closed by a renewal; an open one's end is
    corrected on its own page."""

    model = Cycle
    extra = 0
    can_delete = False
    fields = ["starts_on", "ends_on", "renewed_on", "renewed_outside"]
    readonly_fields = fields


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "certifier", "abbreviation"]
    list_filter = ["certifier"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "earned_on", "number"]
    list_filter = ["program__certifier", "program"]
    search_fields = ["user__email", "number"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
    inlines = [CycleInline]

    def save_model(self, request, obj, form, change):
        history_note(obj, why="Changed in the admin.")
        super().save_model(request, obj, form, change)


@admin.register(CprCard)
class CprCardAdmin(admin.ModelAdmin):
    list_display = ["user", "issued_on", "expires_on"]
    raw_id_fields = ["user"]


class EntryCreditInline(ReadOnly, admin.TabularInline):
    """The credit an entry gives each certifier: posted by the rules, never edited by hand."""

    model = EntryCredit
    extra = 0
    can_delete = False
    fields = ["certifier", "category", "credit"]
    readonly_fields = fields
    verbose_name_plural = "credit toward each certifier (posted by the rules)"


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnly, admin.ModelAdmin):
    """The ledger: changed only by `tracker.services` (the owner's pages, a petition's
    approval, staff entry), each change in the entry's history."""

    list_display = ["user", "kind", "course", "completion_date", "credit", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["user__email", "course__number", "title"]
    raw_id_fields = ["user", "course", "petition", "cpr_card", "certifier"]
    list_select_related = ["user", "course"]
    inlines = [EntryCreditInline]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    """An open cycle's end defaults from the rules; an admin may correct it here (recorded in
    its history). A renewed cycle keeps what it was renewed with: read-only."""

    list_display = ["certification", "starts_on", "ends_on", "renewed_on", "renewed_outside"]
    list_filter = ["certification__program__certifier"]
    search_fields = ["certification__user__email"]
    raw_id_fields = ["certification"]
    fields = ["certification", "starts_on", "ends_on"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.renewed_on is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["certification", "starts_on"]

    def save_model(self, request, obj, form, change):
        history_note(obj, why="End corrected in the admin.")
        super().save_model(request, obj, form, change)


class ReadOnlyRuleRowAdmin(ReadOnly, admin.ModelAdmin):
    """Categories, activities and pro-rating rows are edited on their rule set's page, where
    the whole set is checked before anything is saved; here they are listed, read-only."""

    list_select_related = ["rule_set__certifier"]


@admin.register(Category)
class CategoryAdmin(ReadOnlyRuleRowAdmin):
    list_display = ["code", "name", "rule_set", "cycle_cap", "year_cap", "min_share"]
    list_filter = ["rule_set__certifier"]


@admin.register(ActivityRule)
class ActivityRuleAdmin(ReadOnlyRuleRowAdmin):
    list_display = ["kind", "category", "rule_set", "value", "per_unit", "entry_cap"]
    list_filter = ["rule_set__certifier", "kind"]


@admin.register(ProrationBand)
class ProrationBandAdmin(ReadOnlyRuleRowAdmin):
    list_display = ["rule_set", "from_month", "to_month", "credits_required"]


@admin.register(EntryCredit)
class EntryCreditAdmin(ReadOnly, admin.ModelAdmin):
    """Posted by the rules when an entry is added or changed; never edited by hand."""

    list_display = ["entry", "certifier", "category", "credit"]
    list_filter = ["certifier"]
    list_select_related = ["entry", "certifier"]


@admin.register(CertificateReading)
class CertificateReadingAdmin(ReadOnly, admin.ModelAdmin):
    """Uploads waiting to be confirmed on an add form; deleted a day after upload. Deleting
    one here is allowed (it is not credit)."""

    list_display = ["file_name", "user", "purpose", "status", "created_at"]
    list_filter = ["status", "purpose"]
    raw_id_fields = ["user"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class AuditItemInline(ReadOnly, admin.TabularInline):
    model = AuditItem
    extra = 0
    can_delete = False
    fields = ["entry", "credit", "category", "proof_name", "decision", "reason", "decided_by"]
    readonly_fields = fields


@admin.register(Audit)
class AuditAdmin(ReadOnly, admin.ModelAdmin):
    """Audits are started, answered and decided on the reviewers' audit pages only."""

    list_display = ["cycle", "due_on", "outcome", "started_by", "started_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["cycle", "sample", "started_by"]
    inlines = [AuditItemInline]


@admin.register(AuditItem)
class AuditItemAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["audit", "entry", "credit", "decision", "decided_by"]
    list_filter = ["decision"]
    raw_id_fields = ["audit", "entry", "decided_by"]


@admin.register(AuditSample)
class AuditSampleAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["renewed_from", "renewed_to", "percent", "size", "seed", "population"]


register_history(
    Audit,
    AuditItem,
    Certifier,
    RuleSet,
    Category,
    ActivityRule,
    ProrationBand,
    Certification,
    Cycle,
    CprCard,
    CreditEntry,
    EntryCredit,
)
