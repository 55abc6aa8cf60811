from django.contrib import admin, messages

from . import services
from .models import Email, Preferences, Reminder


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """Every email the portal sent or tried to send: a failed one shows its error here."""

    list_display = ["created_at", "kind", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "to", "about"]
    readonly_fields = [f.name for f in Email._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Send again (failed or waiting emails)")
    def send_again(self, request, queryset):
        waiting = queryset.exclude(status=Email.Status.SENT)
        ids = list(waiting.values_list("pk", flat=True))
        waiting.update(status=Email.Status.QUEUED, attempts=0, next_attempt_at=None)
        for email_id in ids:
            services.enqueue(email_id)
        messages.success(request, f"{len(ids)} email(s) queued again.")


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "reminders", "digests"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    exclude = ["calendar_token"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Reminders sent, one per subject and mark (read-only: the record of what went out)."""

    list_display = ["subject", "mark", "user", "due_on", "sent_at"]
    list_filter = ["mark"]
    search_fields = ["subject", "user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
