"""The diagnosis in the API: a school's needs (causes, deficits, risks) with their measures, per role like the web;
needs coverage per campaign; a school's outcome series."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from shnor.analysis import stored
from shnor.analysis.access import get_analysis_access
from shnor.diagnosis import door
from shnor.diagnosis.models import Need
from shnor.diagnosis.profile import outcome_series
from shnor.registry.models import School

from .permissions import require
from .views import ApiMixin

REFUSED = "Диагностику школы вносят её куратор и координаторы."


class NeedSerializer(serializers.ModelSerializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.none())
    code = serializers.CharField(required=False, allow_blank=True, help_text="пункт каталога; пусто — подбирается по формулировке")
    catalogue_name = serializers.SerializerMethodField()
    measures = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = ["id", "school", "kind", "group", "text", "code", "confidence", "code_confirmed", "catalogue_name", "period_text",
                  "period_start", "period_end", "found_by", "source_name", "source_place", "measures"]
        read_only_fields = ["confidence", "code_confirmed", "period_start", "period_end"]

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is not None:
            self.fields["school"].queryset = schools

    def get_catalogue_name(self, need: Need) -> str | None:
        item = need.catalogue_item
        return item.name if item else None

    def get_measures(self, need: Need) -> list[int]:
        return [m.activity_id for m in need.measures.all()]

    def to_input(self, base: Need | None = None) -> door.NeedInput:
        d = self.validated_data
        keep = (lambda f: getattr(base, f)) if base else (lambda f: "")
        code = d.get("code", base.code if base and base.code_confirmed else "")
        return door.NeedInput(kind=d.get("kind", keep("kind")), text=d.get("text", keep("text")), group=d.get("group", keep("group")),
                              code=code, period_text=d.get("period_text", keep("period_text")),
                              found_by=d.get("found_by", base.found_by if base else Need.FoundBy.CURATOR),
                              source_name=d.get("source_name", keep("source_name")), source_place=d.get("source_place", keep("source_place")))


class MeasuresSerializer(serializers.Serializer):
    activities = serializers.ListField(child=serializers.IntegerField(), help_text="мероприятия дорожной карты школы (id)")


class NeedViewSet(ApiMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """A school's causes of low results, professional deficits and risk profiles: read by whoever sees the school,
    written by its curator and coordinators."""

    serializer_class = NeedSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    not_found_message = "Запись диагностики не найдена."

    def get_queryset(self):
        qs = Need.objects.visible_to(self.request.user).select_related("school__municipality").prefetch_related("measures")
        school = self.request.query_params.get("school", "")
        return (qs.filter(school_id=int(school)) if school.isdigit() else qs).order_by("school", "-period_start", "pk")

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        return NeedSerializer(*args, schools=self.scope.schools(), **kwargs)

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except door.DiagnosisError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc

    def create(self, request, *args, **kwargs):
        shape = self.get_serializer(data=request.data)
        shape.is_valid(raise_exception=True)
        school = shape.validated_data["school"]
        require(self.scope.can_diagnose(school), REFUSED)
        need = self._call(door.add_need, school, request.user, shape.to_input())
        return Response(self.get_serializer(need).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        need = self.get_object()
        require(self.scope.can_diagnose(need.school), REFUSED)
        shape = self.get_serializer(need, data=request.data, partial=True)
        shape.is_valid(raise_exception=True)
        if shape.validated_data.get("school", need.school) != need.school:
            raise ValidationError({"school": ["Школу записи диагностики изменить нельзя: удалите запись и внесите её у другой школы."]})
        need = self._call(door.change_need, need, request.user, shape.to_input(need))
        return Response(self.get_serializer(need).data)

    def perform_destroy(self, need):
        require(self.scope.can_diagnose(need.school), REFUSED)
        door.delete_need(need, self.request.user)

    @extend_schema(request=MeasuresSerializer, responses=NeedSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def measures(self, request, pk=None):
        """Make exactly these roadmap activities of the school the measures against the need."""
        need = self.get_object()
        require(self.scope.can_diagnose(need.school), REFUSED)
        shape = MeasuresSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        self._call(door.set_measures, need, shape.validated_data["activities"], request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=need.pk)).data)


COVERAGE_ROW = {
    "kind": serializers.CharField(), "code": serializers.CharField(), "label": serializers.CharField(), "group": serializers.CharField(),
    "schools": serializers.ListField(child=serializers.IntegerField()), "planned": serializers.ListField(child=serializers.IntegerField()),
    "done": serializers.ListField(child=serializers.IntegerField()), "unplanned": serializers.ListField(child=serializers.IntegerField()),
}


class NeedsCoverageViewSet(ApiMixin, viewsets.ViewSet):
    """Needs coverage of a campaign on the schools the user may analyse (coordinators and observers)."""

    permission_classes = [IsAuthenticated]
    lookup_field, lookup_value_regex = "code", r"[-a-zA-Z0-9_]+"

    @extend_schema(responses=inline_serializer("NeedsCoverage", {"campaign": serializers.CharField(), "rows": inline_serializer("NeedCoverageRow", COVERAGE_ROW, many=True)}))
    def retrieve(self, request, code=None):
        access = get_analysis_access(request.user, code)
        analysis = stored.analysis(access.campaign, None if access.whole else access.school_ids, inline=True)
        return Response({"campaign": access.campaign.code, "rows": [r.as_dict() for r in analysis.needs]})


class OutcomeViewSet(ApiMixin, viewsets.ViewSet):
    """A school's indicator series by period and subject (ВПР, ОГЭ, ЕГЭ by subject included)."""

    @extend_schema(responses=inline_serializer("OutcomeSeries", {
        "school": serializers.IntegerField(), "series": inline_serializer("OutcomeSeriesRow", {
            "indicator": serializers.CharField(), "name": serializers.CharField(), "unit": serializers.CharField(),
            "subject": serializers.CharField(allow_null=True), "values": serializers.ListField(child=serializers.DictField())}, many=True)}))
    def retrieve(self, request, pk=None):
        school = self.scope.schools().filter(pk=pk).first()
        if school is None:
            raise NotFound("Школа не найдена.")
        return Response({"school": school.pk, "series": outcome_series(school)})
