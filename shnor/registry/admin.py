from django.contrib import admin

from .models import Membership, Municipality, Region, School, SchoolStatus


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


class StatusInline(admin.TabularInline):
    model = SchoolStatus
    extra = 0
    filter_horizontal = ["risk_profiles"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["short_name", "kind", "municipality"]
    list_filter = ["kind", "municipality__region", "municipality"]
    search_fields = ["short_name", "full_name", "name_search"]
    inlines = [StatusInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "municipality", "school"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name", "school__short_name"]
    raw_id_fields = ["school"]
