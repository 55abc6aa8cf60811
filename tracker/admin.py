from django.contrib import admin

from .models import (
    Certification,
    Certifier,
    CprCard,
    CreditEntry,
    Cycle,
    EntryChange,
    KindRule,
    Program,
)


class KindRuleInline(admin.TabularInline):
    model = KindRule
    extra = 0


class ProgramInline(admin.TabularInline):
    model = Program
    extra = 0


@admin.register(Certifier)
class CertifierAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "credit_unit",
        "credits_required",
        "cycle_months",
        "cycle_anchor",
    ]
    inlines = [KindRuleInline, ProgramInline]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "certifier", "abbreviation"]
    list_filter = ["certifier"]


class CycleInline(admin.TabularInline):
    model = Cycle
    extra = 0


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "earned_on", "number"]
    list_filter = ["program__certifier", "program"]
    search_fields = ["user__email", "number"]
    raw_id_fields = ["user"]
    inlines = [CycleInline]


@admin.register(CprCard)
class CprCardAdmin(admin.ModelAdmin):
    list_display = ["user", "issued_on", "expires_on"]
    raw_id_fields = ["user"]


@admin.register(CreditEntry)
class CreditEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "course", "completion_date", "credit", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["user__email", "course__number", "title"]
    raw_id_fields = ["user", "course", "petition", "cpr_card"]
    list_select_related = ["user", "course"]


@admin.register(EntryChange)
class EntryChangeAdmin(admin.ModelAdmin):
    list_display = ["entry_pk", "owner", "actor", "action", "at"]
    list_filter = ["action"]
    raw_id_fields = ["entry", "owner", "actor"]


@admin.register(KindRule)
class KindRuleAdmin(admin.ModelAdmin):
    list_display = ["certifier", "kind", "allowed", "value", "per_unit", "cycle_cap", "entry_cap"]
    list_filter = ["certifier", "kind"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    """A cycle's end defaults from the rules; an admin may correct it here."""

    list_display = ["certification", "starts_on", "ends_on", "credits_required", "renewed_on"]
    list_filter = ["certification__program__certifier"]
    search_fields = ["certification__user__email"]
    raw_id_fields = ["certification"]
