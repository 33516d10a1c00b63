from django.contrib import admin

from .models import ActivityType, Direction, Framework, PlannedActivity, Roadmap, TypeMapping


class DirectionInline(admin.TabularInline):
    model = Direction
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    inlines = [DirectionInline]


class MappingInline(admin.TabularInline):
    model = TypeMapping
    extra = 0


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "form", "is_active"]
    list_filter = ["form", "is_active"]
    search_fields = ["code", "name", "examples"]
    inlines = [MappingInline]


class ActivityInline(admin.StackedInline):
    model = PlannedActivity
    extra = 0
    filter_horizontal = ["directions"]


@admin.register(Roadmap)
class RoadmapAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "municipality", "is_current"]
    search_fields = ["school__short_name", "title"]
    raw_id_fields = ["school"]
    inlines = [ActivityInline]
