from django.contrib import admin

from .models import Finding, IssuedReport


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["campaign", "kind", "rule", "text", "is_dropped"]
    list_filter = ["kind", "campaign"]


@admin.register(IssuedReport)
class IssuedReportAdmin(admin.ModelAdmin):
    list_display = ["campaign", "number", "title", "created_at"]
