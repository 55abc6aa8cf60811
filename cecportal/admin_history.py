"""The history rows of every tracked model, listed in the admin and never editable there."""

from django.contrib import admin


class HistoryRowAdmin(admin.ModelAdmin):
    list_display = ["history_date", "history_type", "record", "history_user", "reason"]
    list_filter = ["history_type"]
    list_select_related = ["history_user"]
    date_hierarchy = "history_date"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="record")
    def record(self, obj):
        return f"#{obj.id}"

    @admin.display(description="why")
    def reason(self, obj):
        return obj.history_change_reason or ""


def register_history(*models, site=admin.site):
    for model in models:
        site.register(model.history.model, HistoryRowAdmin)
