from django.contrib import admin

from . import workflow
from .models import (
    Campaign,
    Evidence,
    Indicator,
    IndicatorChange,
    IndicatorValue,
    MunicipalReport,
    ReportEntry,
    SchoolReport,
)


class ReadOnly:
    """Reports, entries, evidence and values change only through monitoring.workflow (state checks, version,
    audit log); the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "higher_is_better"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "region", "period_start", "period_end", "due_date", "status"]
    list_filter = ["status", "region"]
    filter_horizontal = ["schools", "municipalities", "indicators"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Its schools, period or framework may have changed: the stored analyses and the maintained coverage follow.
        workflow.campaign_changed(form.instance, request.user)


class EntryInline(ReadOnly, admin.StackedInline):
    model = ReportEntry
    extra = 0
    raw_id_fields = ["planned_activity"]


@admin.register(SchoolReport)
class SchoolReportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["school", "campaign", "status", "updated_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["school__short_name"]
    raw_id_fields = ["school"]
    readonly_fields = ["version"]
    inlines = [EntryInline]


class MunicipalEntryInline(EntryInline):
    fk_name = "municipal_report"


@admin.register(MunicipalReport)
class MunicipalReportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["municipality", "campaign", "status", "updated_at"]
    list_filter = ["status", "campaign"]
    readonly_fields = ["version"]
    inlines = [MunicipalEntryInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["kind", "number", "date", "title", "url"]
    raw_id_fields = ["entry"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["indicator", "school", "campaign", "subject", "value", "previous"]
    list_filter = ["indicator", "campaign"]
    raw_id_fields = ["school", "report"]


@admin.register(IndicatorChange)
class IndicatorChangeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["indicator", "school", "campaign", "subject", "amount", "unit"]
    list_filter = ["indicator", "campaign"]
    raw_id_fields = ["school", "report"]
