from django import forms
from django.contrib import admin

from cecportal.admin_history import register_history
from tracker.admin import ReadOnly

from .models import (
    Course,
    CourseApproval,
    ImportBatch,
    ImportRow,
    NumberSequence,
    Provider,
    Session,
)
from .numbers import approval_number_error, compact


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "status"]
    list_filter = ["status"]
    search_fields = ["name", "contact_email"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class CourseApprovalAdminForm(forms.ModelForm):
    """The same checks as the reviewers' page: the certifier's number format, never the home
    certifier (whose approval is the course's own number)."""

    class Meta:
        model = CourseApproval
        fields = ["certifier", "number", "credit", "category", "valid_from", "valid_to"]

    def clean(self):
        data = super().clean()
        certifier = data.get("certifier")
        if certifier is None or "number" not in data:
            return data
        if certifier.assigns_catalog_numbers:
            self.add_error(
                "certifier",
                f"{certifier}'s approval is the course's own number; it is not added here.",
            )
            return data
        number = compact(data["number"])
        error = approval_number_error(
            number,
            pattern=certifier.course_number_pattern,
            example=certifier.course_number_example,
            certifier=str(certifier),
        )
        if error:
            self.add_error("number", error)
        else:
            data["number"] = number
        return data


class CourseApprovalInline(admin.TabularInline):
    model = CourseApproval
    form = CourseApprovalAdminForm
    extra = 0
    fields = ["certifier", "number", "credit", "category", "valid_from", "valid_to"]
    fields += ["added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "provider",
        "delivery_format",
        "cec_value",
        "status",
        "expires_on",
    ]
    list_filter = ["status", "delivery_format"]
    search_fields = ["number", "title", "provider__name"]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider"]
    raw_id_fields = ["submitted_by", "decided_by"]
    inlines = [SessionInline, CourseApprovalInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not CourseApproval:
            return super().save_formset(request, form, formset, change)
        for approval in formset.save(commit=False):
            if approval.added_by_id is None:
                approval.added_by = request.user
            approval.save()
        for removed in formset.deleted_objects:
            removed.delete()
        return None


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "last_value"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "course", "cec_value"]
    search_fields = ["code", "title", "course__number", "course__title"]
    list_select_related = ["course"]
    raw_id_fields = ["course"]


class CourseApprovalStandaloneForm(CourseApprovalAdminForm):
    class Meta(CourseApprovalAdminForm.Meta):
        fields = ["course", *CourseApprovalAdminForm.Meta.fields]


@admin.register(CourseApproval)
class CourseApprovalAdmin(admin.ModelAdmin):
    """Mostly kept from the course's page; listed here to find a number across courses."""

    form = CourseApprovalStandaloneForm
    list_display = ["number", "certifier", "course", "credit", "category", "valid_to"]
    list_filter = ["certifier"]
    search_fields = ["number", "course__number", "course__title"]
    list_select_related = ["certifier", "course"]
    raw_id_fields = ["course"]
    readonly_fields = ["added_by", "added_at"]

    def save_model(self, request, obj, form, change):
        if obj.added_by_id is None:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnly, admin.ModelAdmin):
    """Uploads and their imports: changed only by the upload page, the worker and the sweep."""

    list_display = ["filename", "created_by", "status", "created_at", "rows", "refused"]
    list_filter = ["status"]
    search_fields = ["filename", "created_by__email"]
    list_select_related = ["created_by"]


@admin.register(ImportRow)
class ImportRowAdmin(ReadOnly, admin.ModelAdmin):
    """A batch's checked rows (up to 100,000 of them: listed a page at a time, never inline)."""

    list_display = ["batch", "line", "number", "action", "message"]
    list_filter = ["action"]
    search_fields = ["batch__filename", "number"]
    list_select_related = ["batch"]


register_history(CourseApproval)
