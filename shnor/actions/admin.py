from django.contrib import admin

from .models import Action


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    """Read-only: statuses are marked by the addressees on the site (shnor.actions.door writes, with the audit log)."""

    list_display = ["text", "kind", "addressee_kind", "deadline_text", "status"]
    list_filter = ["kind", "status", "addressee_kind", "region"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
