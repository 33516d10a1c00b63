from django.contrib import admin

from .models import Need


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    """Read-only: needs change through the school page (shnor/diagnosis/door.py), which writes the audit log."""

    list_display = ("school", "kind", "text", "code", "period_text", "found_by")
    list_filter = ("kind", "found_by")
    search_fields = ("text", "school__short_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
