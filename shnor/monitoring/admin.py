from django.contrib import admin

from .models import Campaign, Evidence, Indicator, IndicatorValue, ReportEntry, SchoolReport


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "higher_is_better"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "region", "period_start", "period_end", "due_date", "status"]
    list_filter = ["status", "region"]
    filter_horizontal = ["schools", "indicators"]


class EntryInline(admin.StackedInline):
    model = ReportEntry
    extra = 0
    raw_id_fields = ["planned_activity", "import_batch"]


@admin.register(SchoolReport)
class SchoolReportAdmin(admin.ModelAdmin):
    list_display = ["school", "campaign", "status", "updated_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["school__short_name"]
    raw_id_fields = ["school"]
    readonly_fields = ["version"]
    inlines = [EntryInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["kind", "number", "date", "title", "url"]
    raw_id_fields = ["entry"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "school", "campaign", "subject", "value"]
    list_filter = ["indicator", "campaign"]
    raw_id_fields = ["school", "report"]
