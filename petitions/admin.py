from django.contrib import admin

from tracker.admin import ReadOnly

from .models import Document, Petition, PetitionEvent


class DocumentInline(ReadOnly, admin.TabularInline):
    model = Document
    extra = 0
    can_delete = False
    fields = ["label", "content_type", "size", "uploaded_at"]
    readonly_fields = fields


class PetitionEventInline(ReadOnly, admin.TabularInline):
    model = PetitionEvent
    extra = 0
    can_delete = False
    fields = ["actor", "from_status", "to_status", "note", "at"]
    readonly_fields = fields


@admin.register(Petition)
class PetitionAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: a petition is filed, answered, withdrawn and decided only through
    `petitions.services` (the review queue), each step a PetitionEvent, an approval and its
    ledger entry in one transaction. Changing its status here would let the two disagree."""

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
class DocumentAdmin(ReadOnly, admin.ModelAdmin):
    """Uploaded with the petition or its answer, checked by its content; never replaced."""

    list_display = ["label", "petition", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["petition", "uploaded_by"]


@admin.register(PetitionEvent)
class PetitionEventAdmin(ReadOnly, admin.ModelAdmin):
    """A petition's history: written by the services, never edited."""

    list_display = ["petition", "from_status", "to_status", "actor", "at"]
    raw_id_fields = ["petition", "actor"]
