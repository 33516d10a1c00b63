"""The REST API. Each view: fetch the object *for this user* (404 outside their scope) → check the action
(403) → validate → one domain call → respond. Scoping is `Scope`'s, exactly as on the web pages.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from shnor.actions import access as actions_access
from shnor.actions import door as actions_door
from shnor.actions.models import Action
from shnor.analysis import documents
from shnor.analysis import spravka as spravka_workflow
from shnor.analysis.access import get_analysis_access, get_editable_campaign
from shnor.analysis.models import IssuedReport
from shnor.core.render import CONTENT_TYPES
from shnor.intake import services as intake_services

# The intake pages' own access rules, reused so that the API cannot drift from them.
from shnor.intake.access import get_batch_for_user, intake_schools
from shnor.intake.models import ImportBatch, ImportItem
from shnor.monitoring import workflow
from shnor.monitoring.access import get_campaign_for_user
from shnor.monitoring.completeness import completeness
from shnor.monitoring.coverage import coverage_for
from shnor.monitoring.coverage_counts import coverage_numbers
from shnor.monitoring.forms import CampaignForm
from shnor.monitoring.models import (
    Campaign,
    Evidence,
    Indicator,
    IndicatorChange,
    IndicatorValue,
    ReportEntry,
    SchoolReport,
)
from shnor.monitoring.stamps import CACHE_SECONDS, view_key
from shnor.plans import roadmaps
from shnor.plans.models import ActivityType, Framework, PlannedActivity, Roadmap
from shnor.registry.models import Membership, Municipality, Region, SchoolStatus, Scope

from . import filters
from . import serializers as s
from .permissions import AUTHENTICATION_CLASSES, HasRole, require
from .schema import ApiSchema

SLUG = r"[-a-zA-Z0-9_]+"


class Pagination(LimitOffsetPagination):
    max_limit = 1000


class ApiMixin:
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    schema = ApiSchema()
    lookup_value_regex = r"\d+"
    not_found_message = "Не найдено."

    @property
    def scope(self) -> Scope:
        # The schema generator calls views without a user: it then sees nothing.
        return Scope.of(getattr(self.request, "user", None))

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound(self.not_found_message) from None


# ---------------------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------------------


class RegionViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Regions in which the user sees a school or coordinates."""

    serializer_class = s.RegionSerializer
    lookup_field, lookup_value_regex = "code", SLUG
    not_found_message = "Регион не найден."

    def get_queryset(self):
        scope = self.scope
        return Region.objects.filter(
            Q(pk__in=scope.schools().values("municipality__region_id")) | Q(pk__in=scope.regions().values("pk"))
        ).order_by("name")


class MunicipalityViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.MunicipalitySerializer
    filterset_class = filters.MunicipalityFilter
    not_found_message = "Муниципалитет не найден."

    def get_queryset(self):
        scope = self.scope
        return Municipality.objects.filter(
            Q(pk__in=scope.schools().values("municipality_id")) | Q(pk__in=scope.municipalities().values("pk"))
        ).select_related("region").order_by("region__name", "name")


class SchoolViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Schools the user may see, with their yearly statuses (ШНОР, зона риска, лидер) and the basis."""

    serializer_class = s.SchoolSerializer
    filterset_class = filters.SchoolFilter
    not_found_message = "Школа не найдена."

    def get_queryset(self):
        statuses = SchoolStatus.objects.prefetch_related("risk_profiles__framework")
        return (
            self.scope.schools().select_related("municipality__region")
            .prefetch_related(Prefetch("statuses", queryset=statuses)).order_by("municipality__name", "short_name", "pk")
        )


# ---------------------------------------------------------------------------------------------------------
# Frameworks and the catalogue: reference data for everyone with a role
# ---------------------------------------------------------------------------------------------------------


class CatalogueMixin(ApiMixin):
    permission_classes = [IsAuthenticated, HasRole]
    lookup_field, lookup_value_regex = "code", SLUG


class FrameworkViewSet(CatalogueMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.FrameworkSerializer
    queryset = Framework.objects.select_related("region").prefetch_related("directions").order_by("code")
    not_found_message = "Система направлений не найдена."


class ActivityTypeViewSet(CatalogueMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ActivityTypeSerializer
    filterset_class = filters.ActivityTypeFilter
    queryset = ActivityType.objects.prefetch_related("mappings__direction__framework").order_by("order", "code")
    not_found_message = "Вид мероприятия не найден."


class IndicatorViewSet(CatalogueMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.IndicatorSerializer
    queryset = Indicator.objects.order_by("order", "code")
    not_found_message = "Показатель не найден."


# ---------------------------------------------------------------------------------------------------------
# Roadmaps: read by everyone who sees the school, changed by its head, curator or coordinators
# ---------------------------------------------------------------------------------------------------------

ROADMAP_REFUSED = "Дорожную карту этой школы вы изменить не можете."


class RoadmapViewSet(ApiMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = filters.RoadmapFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    not_found_message = "Дорожная карта не найдена."

    def get_queryset(self):
        qs = Roadmap.objects.filter(school__in=self.scope.schools()).select_related("school__municipality", "framework")
        if self.action == "retrieve":
            activities = PlannedActivity.objects.select_related("activity_type").prefetch_related("directions")
            return qs.prefetch_related(Prefetch("activities", queryset=activities))
        return qs.annotate(activities_count=Count("activities")).order_by("school__short_name", "-is_current", "-period_start", "pk")

    def get_serializer_class(self):
        return s.RoadmapDetailSerializer if self.action == "retrieve" else s.RoadmapSerializer

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        return self.get_serializer_class()(*args, schools=self.scope.schools(), **kwargs)

    def update(self, request, *args, **kwargs):
        # Refuse before validating: the roadmap is visible, the change is not the user's.
        require(self.scope.can_edit_roadmap_of(self.get_object().school), ROADMAP_REFUSED)
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        require(self.scope.can_edit_roadmap_of(serializer.validated_data["school"]), ROADMAP_REFUSED)
        serializer.instance = roadmaps.save_roadmap(Roadmap(**serializer.validated_data), self.request.user)

    def perform_update(self, serializer):
        for name, value in serializer.validated_data.items():
            setattr(serializer.instance, name, value)
        roadmaps.save_roadmap(serializer.instance, self.request.user)


class PlannedActivityViewSet(ApiMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                             viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PlannedActivitySerializer
    filterset_class = filters.PlannedActivityFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    conflict_actions = {"destroy"}
    not_found_message = "Мероприятие дорожной карты не найдено."

    def get_queryset(self):
        return (
            PlannedActivity.objects.filter(roadmap__school__in=self.scope.schools())
            .select_related("activity_type", "roadmap__school__municipality").prefetch_related("directions")
            .order_by("roadmap", "order", "pk")
        )

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        visible = Roadmap.objects.filter(school__in=self.scope.schools()).select_related("school__municipality")
        return s.PlannedActivitySerializer(*args, roadmaps=visible, **kwargs)

    def update(self, request, *args, **kwargs):
        # Refuse before validating: the activity is visible, the change is not the user's.
        require(self.scope.can_edit_roadmap_of(self.get_object().roadmap.school), ROADMAP_REFUSED)
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        require(self.scope.can_edit_roadmap_of(serializer.validated_data["roadmap"].school), ROADMAP_REFUSED)
        serializer.save()  # the serializer saves through plans.roadmaps, which writes the audit log

    def perform_destroy(self, activity):
        require(self.scope.can_edit_roadmap_of(activity.roadmap.school), ROADMAP_REFUSED)
        try:
            roadmaps.delete_activity(activity, self.request.user)
        except roadmaps.RoadmapError as exc:
            raise workflow.WorkflowError(str(exc)) from exc


# ---------------------------------------------------------------------------------------------------------
# Campaigns, their coverage and completeness
# ---------------------------------------------------------------------------------------------------------


class CampaignViewSet(ApiMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = filters.CampaignFilter
    lookup_field, lookup_value_regex = "code", SLUG
    not_found_message = "Кампания не найдена."
    conflict_actions = {"issue_spravka", "intake"}

    def get_queryset(self):
        members = (
            Campaign.schools.through.objects.filter(campaign_id=OuterRef("pk")).order_by()
            .values("campaign_id").annotate(n=Count("*")).values("n")
        )
        return (
            Campaign.objects.visible_to(self.request.user).select_related("region", "framework", "previous")
            .prefetch_related("indicators").annotate(schools_total=Subquery(members, output_field=IntegerField()))
            .order_by("-period_start", "code")
        )

    def get_serializer_class(self):
        return s.CampaignSerializer if self.action == "list" else s.CampaignDetailSerializer

    def _plain_campaign(self, code) -> Campaign:
        try:
            return get_campaign_for_user(self.request.user, code)
        except Http404:
            raise NotFound(self.not_found_message) from None

    def visible_school_ids(self, campaign, municipality: int | None = None) -> list[int]:
        schools = campaign.schools.filter(pk__in=self.scope.schools().values("pk"))
        if municipality is not None:
            schools = schools.filter(municipality_id=municipality)
        return list(schools.order_by("pk").values_list("pk", flat=True))

    def _detail(self, campaign) -> dict:
        return s.CampaignDetailSerializer(campaign, context={"visible_school_ids": self.visible_school_ids(campaign)}).data

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object()))

    @extend_schema(request=s.CampaignCreateSerializer, responses={201: s.CampaignDetailSerializer})
    def create(self, request, *args, **kwargs):
        scope = self.scope
        require(scope.is_regional, "Создавать кампании может региональный координатор.")
        shape = s.CampaignCreateSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        form = CampaignForm(shape.validated_data, scope=scope)
        if not form.is_valid():
            raise ValidationError({("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in form.errors.items()})
        campaign = workflow.create_campaign(form, request.user)
        return Response(self._detail(self.get_queryset().get(pk=campaign.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[s.CoverageQuerySerializer], responses=s.CoverageSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def coverage(self, request, code=None):
        """How many of the campaign's schools (those the user sees) did each activity type, per direction; with
        `with_schools` each row lists those schools too."""
        # The plain lookup of the web pages, not get_queryset's annotated one: this endpoint is polled.
        campaign = self._plain_campaign(code)
        query = s.CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        include_submitted, municipality = query.validated_data["submitted"], query.validated_data.get("municipality")
        with_schools = query.validated_data["with_schools"]
        # The rendered body is cached until the campaign's reports change, per set of memberships (users who see
        # the same schools). The numbers of the whole campaign are its maintained counts; the lists of schools
        # (50,000 ids in a row of a national campaign) are computed only when asked for.
        key = f"api-coverage:{view_key(campaign, request.user)}:{int(include_submitted)}:{int(with_schools)}:{municipality or ''}"
        body = cache.get(key)
        if body is None:
            ids = self.visible_school_ids(campaign, municipality)
            result = (coverage_for if with_schools else coverage_numbers)(campaign, include_submitted, ids)
            lists = {} if with_schools else {"school_ids": [], "uncertified_school_ids": []}
            body = JSONRenderer().render({
                "campaign": campaign.code, "include_submitted": include_submitted, "with_schools": with_schools,
                "schools_total": result.schools_total, "rows": [{**row.as_dict(), "label": row.label, **lists} for row in result.rows],
            })
            cache.set(key, body, CACHE_SECONDS)
        return HttpResponse(body, content_type="application/json")

    @extend_schema(responses=s.CompletenessSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def completeness(self, request, code=None):
        """Who has reported: every school of the campaign the user sees, its report's state, overdue or not."""
        campaign = self.get_object()
        progress = completeness(campaign, campaign.schools.filter(pk__in=self.scope.schools().values("pk")))
        return Response(s.CompletenessSerializer(progress).data)

    @extend_schema(responses=s.SpravkaSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def spravka(self, request, code=None):
        """The аналитическая справка as it stands now, on the schools the user sees (coordinators and observers)."""
        access = get_analysis_access(request.user, code)
        campaign = access.campaign
        last = IssuedReport.regional(campaign).first()
        name, position = (last.author_name, last.author_position) if last else spravka_workflow.default_author(request.user)
        prepared = spravka_workflow.prepare(campaign, access.school_ids, whole=access.whole, author_name=name, author_position=position)
        issued = IssuedReport.regional(campaign).select_related("campaign")
        return Response({
            "campaign": campaign.code, "whole": access.whole, "can_edit": access.can_edit, "content": prepared.spravka.as_dict(),
            "findings": s.FindingSerializer(spravka_workflow.stored_findings(campaign), many=True).data if access.can_edit else [],
            "issued": s.IssuedReportSerializer(issued, many=True).data if access.whole else [],
        })

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(documents.KINDS), description="вид документа"),
            OpenApiParameter("file_format", str, enum=list(documents.FORMATS), description="формат файла (по умолчанию docx)"),
            OpenApiParameter("school", int, description="школа (id): документ школы"),
            OpenApiParameter("municipality", int, description="муниципалитет (id): документ муниципалитета"),
            OpenApiParameter("own", bool, description="с municipality: по собственной дорожной карте муниципалитета, а не по его школам"),
        ],
        responses={(200, content_type.split(";")[0]): OpenApiTypes.BINARY for content_type in CONTENT_TYPES.values()},
    )
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<kind>[a-z-]+)", url_name="document", filter_backends=[],
            pagination_class=None)
    def document(self, request, code=None, kind=None):
        """A document of the campaign made now: the справка, the plan-vs-actual report, the analytical note or the
        thematic monitoring report (region or municipality only), for the region (no school or municipality), a
        municipality or a school — for those who may see all of that scope."""
        campaign = get_campaign_for_user(request.user, code)
        fmt = request.query_params.get("file_format", "docx")
        if kind not in documents.KINDS or fmt not in documents.FORMATS:
            raise NotFound("Нет такого вида документа или формата.")
        own = request.query_params.get("own", "") in ("1", "true")
        target = documents.target_by_ids(campaign, request.query_params.get("school", ""), request.query_params.get("municipality", ""),
                                         "1" if own else "")
        if target is None or not target.allowed(request.user):
            raise NotFound("Документ не найден.")
        if fmt == "pdf" and target.schools().count() > spravka_workflow.PDF_INLINE_SCHOOLS:
            raise ValidationError({"file_format": ["PDF такого большого документа на лету не формируется: запросите docx или html."]})
        name, position = spravka_workflow.default_author(request.user)
        try:
            data = documents.make(target, kind, fmt, author_name=name, author_position=position)
        except documents.DocumentError as exc:
            raise ValidationError({"kind": [str(exc)]}) from None
        response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{target.file_name(kind, fmt)}"'
        return response

    @extend_schema(request=s.IssueSerializer, responses={201: s.IssuedReportSerializer})
    @action(detail=True, methods=["post"], url_path="spravka/issue", url_name="spravka-issue")
    def issue_spravka(self, request, code=None):
        """Issue the справка (DOCX and PDF); its management decisions and recommendations are tracked to execution. For the campaign's coordinators."""
        campaign = get_editable_campaign(request.user, code)
        data = s.IssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        issued = spravka_workflow.issue(campaign, request.user, d["author_name"], d["author_position"], on=d["date"])
        return Response(s.IssuedReportSerializer(issued).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": s.IntakeUploadSerializer}, responses={201: s.ImportBatchDetailSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], url_path="intake", url_name="intake")
    def intake(self, request, code=None):
        """Upload reports or справки (DOCX, XLSX, PDF, TXT) to be read into reviewable items."""
        campaign = get_campaign_for_user(request.user, code)
        schools = intake_schools(request.user, campaign)
        require(schools.exists(), "Загружать документы могут координаторы и сотрудники школ этой кампании.")
        data = s.IntakeUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = None
        if data.validated_data.get("school") is not None:
            school = schools.filter(pk=data.validated_data["school"]).first()
            if school is None:
                raise ValidationError({"school": ["Школа не найдена среди школ, в отчёты которых вы можете вносить данные."]})
        elif not self.scope.is_coordinator:
            raise ValidationError({"school": ["Выберите школу, к отчёту которой относятся документы."]})
        uploads = [intake_services.Upload(f.name, f.read()) for f in data.validated_data["files"]]
        try:
            batch, warnings = intake_services.create_batch(campaign, school, uploads, request.user)
        except intake_services.IntakeError as exc:  # no file was taken: a problem of the request, as on the upload page
            raise ValidationError({"files": [str(exc)]}) from None
        intake_services.start_reading(batch)
        batch.refresh_from_db()
        return batch_detail(batch, status.HTTP_201_CREATED, warnings)


# ---------------------------------------------------------------------------------------------------------
# School reports and their workflow
# ---------------------------------------------------------------------------------------------------------

ACTION_REFUSED = "У вас нет прав на это действие с отчётом этой школы."
STEPS = {
    "submit": (workflow.submit, Scope.can_submit_report_of),
    "certify": (workflow.certify, Scope.can_certify_report_of),
    "accept": (workflow.accept, Scope.can_accept_report_of),
}


class ReportViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Reports of the schools the user sees. Every change goes through shnor.monitoring.workflow."""

    filterset_class = filters.ReportFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    conflict_actions = {"partial_update", "submit", "certify", "accept", "return_report", "evidence"}
    not_found_message = "Отчёт не найден."

    def get_queryset(self):
        # A report counts as visible while its school is still in the campaign, as on the report page.
        qs = SchoolReport.objects.visible_to(self.request.user).filter(school__campaigns=F("campaign"))
        if self.action != "list":
            entries = ReportEntry.objects.select_related("activity_type", "direction").prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
            values = IndicatorValue.objects.select_related("indicator", "campaign")
            return qs.select_related("campaign__framework", "school__municipality").prefetch_related(
                Prefetch("entries", queryset=entries), Prefetch("indicator_values", queryset=values))
        return qs.select_related("campaign", "school").order_by("campaign__code", "school__short_name", "pk")

    def get_serializer_class(self):
        return s.ReportSerializer if self.action == "list" else s.ReportDetailSerializer

    def _detail(self, report, status_code=status.HTTP_200_OK, reload: bool = True) -> Response:
        if reload:  # after a change: fresh rows, with the prefetches
            report = self.get_queryset().get(pk=report.pk)
        return Response(s.ReportDetailSerializer(report, context={"permissions": self._permissions(report)}).data, status=status_code)

    def _permissions(self, report) -> dict:
        scope, school, Status = self.scope, report.school, SchoolReport.Status
        may_accept, is_open = scope.can_accept_report_of(school), report.campaign.is_open
        return {
            "can_edit": is_open and scope.can_edit_report_of(school) and report.is_editable,
            "can_submit": is_open and scope.can_submit_report_of(school) and report.is_editable,
            "can_certify": is_open and scope.can_certify_report_of(school) and report.status == Status.SUBMITTED,
            "can_accept": is_open and may_accept and report.status == Status.CERTIFIED,
            "can_return": is_open and ((report.status == Status.SUBMITTED and (scope.can_certify_report_of(school) or may_accept))
                                       or (report.status == Status.CERTIFIED and may_accept)),
        }

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object(), reload=False)

    def _require_editor(self, campaign, school) -> None:
        require(self.scope.can_edit_report_of(school), "Заполнять отчёт могут только руководитель и сотрудники школы.")
        require(campaign.is_open, workflow.CAMPAIGN_CLOSED)

    @extend_schema(request=s.ReportOpenSerializer, responses={200: s.ReportDetailSerializer, 201: s.ReportDetailSerializer})
    def create(self, request):
        """Open the school's report for a campaign (created with its planned activities on first use)."""
        query = s.ReportOpenSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        campaign = Campaign.objects.visible_to(request.user).filter(code=query.validated_data["campaign"]).first()
        if campaign is None:
            raise ValidationError({"campaign": ["Кампания не найдена."]})
        school = campaign.schools.filter(pk__in=self.scope.schools().values("pk")).select_related("municipality") \
            .filter(pk=query.validated_data["school"]).first()
        if school is None:
            raise ValidationError({"school": ["Школа не найдена среди школ этой кампании."]})
        self._require_editor(campaign, school)
        existed = SchoolReport.objects.filter(campaign=campaign, school=school).exists()
        report = workflow.open_report(campaign, school, request.user)
        return self._detail(report, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=s.ReportSaveSerializer, responses=s.ReportDetailSerializer)
    def partial_update(self, request, pk=None):
        """Save entries, evidence (without files), indicator values and the summary, with the version seen."""
        report = self.get_object()
        self._require_editor(report.campaign, report.school)
        data = s.ReportSaveSerializer(data=request.data, context={"report": report})
        data.is_valid(raise_exception=True)
        entries, evidence, indicators = data.validated_data["changes"]
        workflow.save_report(report, request.user, data.validated_data["version"], entries, indicators, evidence,
                             data.validated_data.get("summary"))
        return self._detail(report)

    @extend_schema(request={"multipart/form-data": s.EvidenceUploadSerializer}, responses={201: s.ReportDetailSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        """Attach a file (an order, minutes, a photo report) to one entry of the report."""
        report = self.get_object()
        self._require_editor(report.campaign, report.school)
        data = s.EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if not report.entries.filter(pk=d["entry"]).exists():
            raise ValidationError({"entry": ["Запись отчёта не найдена."]})
        upload = workflow.EvidenceInput(entry_pk=d["entry"], kind=d["kind"], title=d["title"].strip(), number=d["number"].strip(),
                                        date=d["date"], file=d["file"])
        workflow.save_report(report, request.user, d["version"], [], evidence=[upload])
        return self._detail(report, status.HTTP_201_CREATED)

    def _step(self, request, name: str) -> Response:
        report = self.get_object()
        step, allowed = STEPS[name]
        require(allowed(self.scope, report.school), ACTION_REFUSED)
        data = s.VersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step(report, request.user, data.validated_data["version"])
        return self._detail(report)

    @extend_schema(request=s.VersionSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The head sends the report to the curator for certification."""
        return self._step(request, "submit")

    @extend_schema(request=s.VersionSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def certify(self, request, pk=None):
        """The school's curator certifies a submitted report."""
        return self._step(request, "certify")

    @extend_schema(request=s.VersionSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """A coordinator of the school accepts a certified report; it is then closed for changes."""
        return self._step(request, "accept")

    @extend_schema(request=s.ReturnSerializer, responses=s.ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        """The curator or a coordinator returns the report to the school with remarks."""
        report = self.get_object()
        scope = self.scope
        require(scope.can_certify_report_of(report.school) or scope.can_accept_report_of(report.school), ACTION_REFUSED)
        data = s.ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workflow.return_report(report, request.user, data.validated_data["version"], data.validated_data["remarks"])
        return self._detail(report)


class ActionViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Recommendations and management decisions addressed to the user's places (as on the page «Рекомендации и решения»);
    filters: campaign (code), kind, status («open» for not started and in progress). The addressee's own users mark
    the execution with `status`."""

    serializer_class = s.ActionSerializer
    not_found_message = "Рекомендация или решение не найдены."

    def get_queryset(self):
        params = self.request.query_params
        items = actions_access.visible_to(self.request.user).prefetch_related("schools").order_by("deadline", "pk")
        if params.get("campaign"):
            items = items.filter(campaign__code=params["campaign"])
        if params.get("kind") in Action.Kind.values:
            items = items.filter(kind=params["kind"])
        if params.get("status") == "open":
            items = items.open()
        elif params.get("status"):
            items = items.filter(status=params["status"])
        return items

    @extend_schema(request={"multipart/form-data": s.ActionStatusSerializer, "application/json": s.ActionStatusSerializer},
                   responses=s.ActionSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def status(self, request, pk=None):
        """Mark the execution: a status (не начато, в работе, выполнено, не выполнено) with a note and evidence (an order's
        number and date, a link, a file). For the addressee's users and the region's coordinators."""
        item = self.get_object()
        require(actions_access.can_mark(request.user, item), "Отмечать исполнение может адресат: координатор муниципалитета, "
                "руководитель школы или региональный координатор.")
        data = s.ActionStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        item = actions_door.set_status(item, request.user, d["status"], note=d["note"], order_number=d["order_number"],
                                       order_date=d["order_date"], evidence_url=d["evidence_url"], evidence_file=d["evidence_file"],
                                       expected=d.get("expected"))
        return Response(s.ActionSerializer(item, context={"request": request}).data)


class IndicatorValueViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Indicator values of the schools (and municipalities) the user sees."""

    serializer_class = s.IndicatorValueSerializer
    filterset_class = filters.IndicatorValueFilter
    not_found_message = "Значение показателя не найдено."

    def get_queryset(self):
        schools = self.scope.schools()
        return (
            IndicatorValue.objects.filter(Q(school__in=schools) | Q(school__isnull=True, municipality__in=schools.values("municipality_id")))
            .select_related("indicator", "campaign").order_by("indicator__order", "period_start", "school_id", "pk")
        )


class IndicatorChangeViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Changes of indicators stated by the documents of the schools the user sees («повысилось на 1,1 %»)."""

    serializer_class = s.IndicatorChangeSerializer
    filterset_class = filters.IndicatorChangeFilter
    not_found_message = "Изменение показателя не найдено."

    def get_queryset(self):
        return (IndicatorChange.objects.filter(school__in=self.scope.schools()).select_related("indicator", "campaign")
                .order_by("indicator__order", "school_id", "pk"))


class MeView(APIView):
    """Who the caller is and which roles they hold."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    schema = ApiSchema()

    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        user = request.user
        return Response({**s.MeSerializer(user).data, "memberships": s.MembershipSerializer(Scope.of(user).memberships, many=True).data})


# ---------------------------------------------------------------------------------------------------------
# Document intake: the batches a user uploaded (a regional coordinator: every batch of their campaigns)
# ---------------------------------------------------------------------------------------------------------


def batch_detail(batch: ImportBatch, status_code=status.HTTP_200_OK, warnings: list[str] | None = None) -> Response:
    batch = ImportBatch.objects.select_related("campaign").prefetch_related("files").get(pk=batch.pk)
    items = ImportItem.objects.filter(file__batch=batch).select_related("activity_type", "direction").order_by("file", "order", "pk")
    context = {"items": items, "warnings": warnings or []}
    return Response(s.ImportBatchDetailSerializer(batch, context=context).data, status=status_code)


class IntakeBatchViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ImportBatchSerializer
    filterset_class = filters.ImportBatchFilter
    conflict_actions = {"review", "undo"}

    def get_queryset(self):
        scope, user = self.scope, self.request.user
        batches = ImportBatch.objects.filter(campaign__in=Campaign.objects.visible_to(user).values("pk"))
        if not scope.is_superuser:
            regions = [m.region_id for m in scope.memberships if m.role == Membership.Role.REGIONAL]
            batches = batches.filter(Q(created_by_id=user.pk) | Q(campaign__region_id__in=regions))
        return batches.select_related("campaign").order_by("-created_at", "-pk")

    def get_object(self):
        return get_batch_for_user(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return batch_detail(self.get_object())

    @extend_schema(request=s.ReviewSerializer, responses=s.ImportBatchDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Correct the extracted items (school, type, direction, status, include) and, with commit, write them into the reports."""
        batch = self.get_object()
        allowed = set(intake_schools(request.user, batch.campaign).values_list("pk", flat=True))
        data = s.ReviewSerializer(data=request.data, context={"batch": batch, "schools": allowed})
        data.is_valid(raise_exception=True)
        intake_services.save_review(batch, data.validated_data["changes"], request.user)
        if data.validated_data["commit"]:
            intake_services.commit_batch(batch, request.user)
        return batch_detail(batch)

    @extend_schema(request=None, responses=s.ImportBatchDetailSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        """Take back everything a committed import wrote into the reports."""
        batch = self.get_object()
        intake_services.undo_batch(batch, request.user)
        return batch_detail(batch)
