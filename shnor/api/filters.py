"""Query-string filters of the list endpoints. They narrow what the user may see; they never widen it."""

from __future__ import annotations

import django_filters as df
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from shnor.core.text import fold
from shnor.intake.models import ImportBatch
from shnor.monitoring.models import Campaign, IndicatorChange, IndicatorValue, SchoolReport
from shnor.plans.models import ActivityType, PlannedActivity, Roadmap
from shnor.registry.models import Municipality, School, SchoolStatus

from .serializers import MAX_ID


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(df.NumberFilter):
    """A whole, positive id: a huge number or a fraction is a 400, not a database overflow."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class CodeFilter(df.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 60)
        super().__init__(*args, **kwargs)


class MunicipalityFilter(df.FilterSet):
    region = CodeFilter(field_name="region__code", help_text="код региона")

    class Meta:
        model = Municipality
        fields = ["region"]


class SchoolFilter(df.FilterSet):
    region = CodeFilter(field_name="municipality__region__code", help_text="код региона")
    municipality = IdFilter(field_name="municipality_id")
    campaign = CodeFilter(field_name="campaigns__code", help_text="код кампании")
    status = df.ChoiceFilter(choices=SchoolStatus.Kind.choices, method="by_status", help_text="статус в году year (или в любом году)")
    year = IdFilter(method="by_status", min_value=2000, max_value=2100, help_text="учебный год (начало): 2021 для 2021/2022")
    q = df.CharFilter(method="search", max_length=200, help_text="поиск по названию (без учёта регистра)")

    class Meta:
        model = School
        fields = ["region", "municipality", "campaign", "kind", "is_active", "status", "year", "q"]

    def by_status(self, queryset, name, value):
        # status and year must hold for the same yearly row: filtered once, together, below.
        return queryset

    def search(self, queryset, name, value):
        return queryset.filter(name_search__contains=fold(value)) if value.strip() else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        status, year = self.form.cleaned_data.get("status"), self.form.cleaned_data.get("year")
        condition = {**({"status": status} if status else {}), **({"year": year} if year is not None else {})}
        if condition:
            queryset = queryset.filter(pk__in=SchoolStatus.objects.filter(**condition).values("school_id"))
        return queryset


class ActivityTypeFilter(df.FilterSet):
    framework = CodeFilter(field_name="mappings__direction__framework__code", distinct=True, help_text="код системы направлений")

    class Meta:
        model = ActivityType
        fields = ["form", "is_active", "framework"]


class RoadmapFilter(df.FilterSet):
    school = IdFilter(field_name="school_id")
    municipality = IdFilter(field_name="school__municipality_id")

    class Meta:
        model = Roadmap
        fields = ["school", "municipality", "is_current"]


class PlannedActivityFilter(df.FilterSet):
    roadmap = IdFilter(field_name="roadmap_id")
    school = IdFilter(field_name="roadmap__school_id")
    activity_type = CodeFilter(field_name="activity_type__code", help_text="код вида мероприятия")

    class Meta:
        model = PlannedActivity
        fields = ["roadmap", "school", "activity_type"]


class CampaignFilter(df.FilterSet):
    region = CodeFilter(field_name="region__code", help_text="код региона")
    school = IdFilter(method="with_school", help_text="кампании, в которые входит школа")
    status = df.ChoiceFilter(choices=[("open", "идёт сбор отчётов"), ("closed", "завершена")])

    class Meta:
        model = Campaign
        fields = ["region", "school", "status"]

    def with_school(self, queryset, name, value):
        return queryset.filter(pk__in=Campaign.schools.through.objects.filter(school_id=value).values("campaign_id"))


class ReportFilter(df.FilterSet):
    campaign = CodeFilter(field_name="campaign__code", help_text="код кампании")
    school = IdFilter(field_name="school_id")
    municipality = IdFilter(field_name="school__municipality_id")
    status = df.ChoiceFilter(choices=SchoolReport.Status.choices)

    class Meta:
        model = SchoolReport
        fields = ["campaign", "school", "municipality", "status"]


class IndicatorValueFilter(df.FilterSet):
    campaign = CodeFilter(field_name="campaign__code", help_text="код кампании")
    school = IdFilter(field_name="school_id")
    municipality = IdFilter(field_name="municipality_id")
    indicator = CodeFilter(field_name="indicator__code", help_text="код показателя")
    subject = df.CharFilter(max_length=100)

    class Meta:
        model = IndicatorValue
        fields = ["campaign", "school", "municipality", "indicator", "subject"]


class IndicatorChangeFilter(df.FilterSet):
    campaign = CodeFilter(field_name="campaign__code", help_text="код кампании")
    school = IdFilter(field_name="school_id")
    indicator = CodeFilter(field_name="indicator__code", help_text="код показателя")
    subject = df.CharFilter(max_length=100)

    class Meta:
        model = IndicatorChange
        fields = ["campaign", "school", "indicator", "subject"]


class ImportBatchFilter(df.FilterSet):
    campaign = CodeFilter(field_name="campaign__code", help_text="код кампании")
    status = df.ChoiceFilter(choices=ImportBatch.Status.choices)

    class Meta:
        model = ImportBatch
        fields = ["campaign", "status"]
