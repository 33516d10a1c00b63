from django.contrib import admin

from .models import ImportBatch, ImportFile, TrainingExample


class FileInline(admin.TabularInline):
    model = ImportFile
    extra = 0
    fields = ["file_name", "format", "status", "error", "school"]
    readonly_fields = fields


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "campaign", "school", "status", "created_at"]
    inlines = [FileInline]


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
    list_display = ["text", "activity_type", "predicted_type", "created_at"]
