from django.contrib import admin

from tracker.admin import ReadOnly

from .models import Dispute, ReportedCompletion, RosterBatch


class CompletionInline(ReadOnly, admin.TabularInline):
    model = ReportedCompletion
    fields = ["row", "course_number", "email", "certification_number", "completion_date",
              "verdict", "reason", "user", "entry"]  # fmt: skip
    readonly_fields = fields
    show_change_link = True
    max_num = 0
    extra = 0


@admin.register(RosterBatch)
class RosterBatchAdmin(ReadOnly, admin.ModelAdmin):
    """Rosters are the providers' record: read here, posted only through the services."""

    list_display = ["pk", "provider", "course", "source", "status", "rows", "matched", "claimable",
                    "refused", "posted", "created_at"]  # fmt: skip
    list_filter = ["status", "source"]
    search_fields = ["provider__name", "filename", "label"]
    list_select_related = ["provider", "course"]


@admin.register(ReportedCompletion)
class ReportedCompletionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["batch", "row", "course_number", "email", "completion_date", "verdict", "entry"]
    list_filter = ["verdict"]
    search_fields = ["email", "certification_number", "last_name", "course_number"]
    list_select_related = ["batch__provider"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnly, admin.ModelAdmin):
    """Decided on the reviewers' page (which withdraws credit through the services)."""

    list_display = ["summary", "opened_by", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["summary", "opened_by__email"]
