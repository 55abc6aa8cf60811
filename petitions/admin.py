from django.contrib import admin

from .models import Document, Petition, PetitionEvent


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    readonly_fields = ["label", "content_type", "size", "uploaded_at"]


class PetitionEventInline(admin.TabularInline):
    model = PetitionEvent
    extra = 0
    readonly_fields = ["actor", "from_status", "to_status", "note", "at"]


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "user",
        "type",
        "course_title",
        "status",
        "credit_requested",
        "submitted_at",
    ]
    list_filter = ["status", "type"]
    search_fields = ["user__email", "course_title", "provider_name"]
    raw_id_fields = ["user", "decided_by", "certification"]
    inlines = [DocumentInline, PetitionEventInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["label", "petition", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["petition", "uploaded_by"]


@admin.register(PetitionEvent)
class PetitionEventAdmin(admin.ModelAdmin):
    list_display = ["petition", "from_status", "to_status", "actor", "at"]
    raw_id_fields = ["petition", "actor"]
