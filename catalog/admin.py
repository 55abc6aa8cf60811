from django.contrib import admin

from .models import Course, NumberSequence, Provider, Session


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "status"]
    list_filter = ["status"]
    search_fields = ["name", "contact_email"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


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
    inlines = [SessionInline]


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "last_value"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "course", "cec_value"]
    search_fields = ["code", "title", "course__number", "course__title"]
    list_select_related = ["course"]
    raw_id_fields = ["course"]
