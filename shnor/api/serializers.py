"""What the API shows and accepts. Input serializers validate and convert to workflow inputs; they save nothing.

Stable identifiers: codes for regions, frameworks, activity types, indicators and campaigns; numeric ids for
municipalities, schools, roadmaps, planned activities, reports and their entries.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shnor.actions.door import MARKABLE
from shnor.actions.models import Action
from shnor.analysis.models import Finding, IssuedReport
from shnor.core import actions as core_actions
from shnor.core.text import strip_controls_in
from shnor.intake.models import ImportBatch, ImportFile, ImportItem
from shnor.intake.services import ReviewChange
from shnor.monitoring.models import (
    Campaign,
    Evidence,
    Indicator,
    IndicatorChange,
    IndicatorValue,
    ReportEntry,
    SchoolReport,
)
from shnor.monitoring.workflow import (
    EntryChange,
    EvidenceInput,
    IndicatorValueError,
    validate_indicator_value,
)
from shnor.plans import roadmaps
from shnor.plans.models import ActivityType, Direction, Framework, PlannedActivity, Roadmap
from shnor.registry.models import Municipality, Region, School, SchoolStatus

# SQLite and PostgreSQL bigint hold at most this; a bigger number in a lookup is an error, not "not found".
MAX_ID = 2**63 - 1


def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class StripsControls:
    """Texts enter without control characters (they break the DOCX and XLSX files made from them)."""

    def to_internal_value(self, data):
        if type(data) is dict:
            # NULs go before the fields look anything up: PostgreSQL refuses a NUL in a query (a 500). Other
            # characters are left to the fields' own checks (a lone surrogate is refused) and stripped after.
            data = _without_nul(data)
        return strip_controls_in(super().to_internal_value(data))


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


# ---------------------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class MunicipalitySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Municipality
        fields = ["id", "name", "okato", "region"]


class DirectionRefSerializer(serializers.ModelSerializer):
    framework = serializers.CharField(source="framework.code", read_only=True)

    class Meta:
        model = Direction
        fields = ["id", "framework", "code", "name"]


class SchoolStatusSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    risk_profiles = DirectionRefSerializer(many=True, read_only=True)

    class Meta:
        model = SchoolStatus
        fields = ["year", "status", "status_label", "basis_number", "basis_date", "basis_issuer", "criteria", "risk_profiles"]


class SchoolSerializer(serializers.ModelSerializer):
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    region = serializers.CharField(source="municipality.region.code", read_only=True)
    statuses = SchoolStatusSerializer(many=True, read_only=True)

    class Meta:
        model = School
        fields = ["id", "short_name", "full_name", "kind", "number", "inn", "website", "email", "is_active",
                  "municipality", "municipality_name", "region", "statuses"]


# ---------------------------------------------------------------------------------------------------------
# Frameworks and the catalogue
# ---------------------------------------------------------------------------------------------------------


class DirectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Direction
        fields = ["id", "code", "name", "order"]


class FrameworkSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, allow_null=True, default=None)
    directions = DirectionSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = ["id", "code", "name", "description", "region", "directions"]


class TypeMappingSerializer(serializers.Serializer):
    framework = serializers.CharField(source="direction.framework.code")
    direction = serializers.CharField(source="direction.code")
    is_primary = serializers.BooleanField()


class ActivityTypeSerializer(serializers.ModelSerializer):
    form_label = serializers.CharField(source="get_form_display", read_only=True)
    directions = TypeMappingSerializer(source="mappings", many=True, read_only=True)

    class Meta:
        model = ActivityType
        fields = ["id", "code", "name", "examples", "form", "form_label", "order", "is_active", "directions"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "unit", "decimals", "higher_is_better", "per_subject", "order"]


# ---------------------------------------------------------------------------------------------------------
# Roadmaps
# ---------------------------------------------------------------------------------------------------------


class DirectionCodesField(serializers.ListField):
    """Directions by code: codes are unique only within a framework, so they are resolved against the roadmap's."""

    def get_attribute(self, instance):
        return [d.code for d in instance.directions.all()]


class PlannedActivitySerializer(StripsControls, serializers.ModelSerializer):
    """Read and write. `deadline` is written as people write it («Октябрь 2021»); the dates are parsed from it."""

    roadmap = serializers.PrimaryKeyRelatedField(
        queryset=Roadmap.objects.none(),
        error_messages={"does_not_exist": "Дорожная карта не найдена.", "incorrect_type": "Укажите номер (id) дорожной карты."},
    )
    activity_type = serializers.SlugRelatedField(
        slug_field="code", queryset=ActivityType.objects.filter(is_active=True), allow_null=True, required=False,
        error_messages={"does_not_exist": "Вида мероприятия с кодом «{value}» нет в справочнике."},
    )
    directions = DirectionCodesField(
        child=serializers.CharField(max_length=40), required=False, max_length=50,
        help_text="коды направлений системы, к которой относится дорожная карта",
    )
    deadline = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=300,
                                     help_text="срок, как в дорожной карте: «Октябрь 2021», «в течение учебного года»")
    title = serializers.CharField(max_length=5000)

    class Meta:
        model = PlannedActivity
        fields = ["id", "roadmap", "number", "section", "title", "activity_type", "directions", "deadline", "deadline_text",
                  "deadline_start", "deadline_end", "responsible", "expected_result", "indicator", "order"]
        read_only_fields = ["deadline_text", "deadline_start", "deadline_end", "order"]
        extra_kwargs = {"expected_result": {"max_length": 20000}}

    def __init__(self, *args, roadmaps=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roadmaps is not None:
            self.fields["roadmap"].queryset = roadmaps
        if self.instance is not None:
            self.fields["roadmap"].read_only = True  # an activity does not move between roadmaps

    def validate(self, data):
        roadmap = data.get("roadmap") or getattr(self.instance, "roadmap", None)
        codes = data.get("directions")
        if codes is not None:
            known = {d.code: d for d in Direction.objects.filter(framework_id=roadmap.framework_id)} if roadmap and roadmap.framework_id else {}
            unknown = [c for c in codes if c not in known]
            if unknown:
                raise serializers.ValidationError({"directions": [f"В системе направлений дорожной карты нет направлений: {', '.join(unknown[:5])}."]})
            data["directions"] = [known[c] for c in dict.fromkeys(codes)]
        return data

    def create(self, validated_data):
        directions = validated_data.pop("directions", [])
        deadline = validated_data.pop("deadline", "")
        return roadmaps.save_activity(PlannedActivity(**validated_data), self.context["request"].user, deadline=deadline, directions=directions)

    def update(self, activity, validated_data):
        directions = validated_data.pop("directions", None)
        deadline = validated_data.pop("deadline", None)
        for name, value in validated_data.items():
            setattr(activity, name, value)
        return roadmaps.save_activity(activity, self.context["request"].user, deadline=deadline, directions=directions)


class RoadmapSerializer(StripsControls, serializers.ModelSerializer):
    school = serializers.PrimaryKeyRelatedField(
        queryset=School.objects.none(),
        error_messages={"does_not_exist": "Школа не найдена.", "incorrect_type": "Укажите номер (id) школы."},
    )
    school_name = serializers.CharField(source="school.short_name", read_only=True)
    framework = serializers.SlugRelatedField(
        slug_field="code", queryset=Framework.objects.all(), allow_null=True, required=False,
        error_messages={"does_not_exist": "Системы направлений с кодом «{value}» нет."},
    )
    activities_count = serializers.SerializerMethodField()

    class Meta:
        model = Roadmap
        fields = ["id", "school", "school_name", "title", "framework", "period_start", "period_end", "approved_by", "is_current",
                  "created_at", "activities_count"]
        read_only_fields = ["created_at"]

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is not None:
            self.fields["school"].queryset = schools
        if self.instance is not None:
            self.fields["school"].read_only = True

    def get_activities_count(self, roadmap) -> int:
        count = getattr(roadmap, "activities_count", None)
        return roadmap.activities.count() if count is None else count

    def validate(self, data):
        start = data.get("period_start", getattr(self.instance, "period_start", None))
        end = data.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and start > end:
            raise serializers.ValidationError({"period_end": ["Окончание периода раньше его начала."]})
        school = data.get("school") or getattr(self.instance, "school", None)
        if data.get("is_current", self.instance is None or self.instance.is_current) and school is not None:
            others = Roadmap.objects.filter(school=school, is_current=True)
            if self.instance is not None:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise serializers.ValidationError({"is_current": [
                    "У школы уже есть действующая дорожная карта: измените её или создайте новую с is_current=false."
                ]})
        return data


class RoadmapDetailSerializer(RoadmapSerializer):
    activities = PlannedActivitySerializer(many=True, read_only=True)

    class Meta(RoadmapSerializer.Meta):
        fields = [*RoadmapSerializer.Meta.fields, "activities"]


# ---------------------------------------------------------------------------------------------------------
# Campaigns
# ---------------------------------------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    framework = serializers.CharField(source="framework.code", read_only=True)
    previous = serializers.CharField(source="previous.code", read_only=True, allow_null=True, default=None)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    period_label = serializers.CharField(read_only=True)
    schools_total = serializers.IntegerField(read_only=True, help_text="все школы кампании")
    indicators = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "code", "title", "region", "municipality", "period_start", "period_end", "period_text", "period_label",
                  "framework", "due_date", "status", "status_label", "previous", "indicators", "schools_total", "created_at"]


class CampaignDetailSerializer(CampaignSerializer):
    schools = serializers.SerializerMethodField(help_text="id школ кампании, которые видит пользователь")

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "schools"]

    def get_schools(self, campaign) -> list[int]:
        return self.context["visible_school_ids"]


class CampaignCreateSerializer(StripsControls, serializers.Serializer):
    """The shape of a new campaign; the rules (scope, dates, schools of the region) are the web form's."""

    code = serializers.SlugField(max_length=60)
    title = serializers.CharField(max_length=500)
    region = serializers.SlugField(max_length=40, help_text="код региона")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    period_text = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    framework = serializers.SlugField(max_length=40, help_text="код системы направлений")
    due_date = serializers.DateField()
    schools = serializers.ListField(child=id_field(), allow_empty=False, max_length=100000)
    indicators = serializers.ListField(child=serializers.SlugField(max_length=40), required=False, default=list, max_length=200)
    previous = serializers.SlugField(max_length=60, required=False, allow_null=True, default=None, help_text="код предыдущей кампании")

    def validate(self, data):
        """Codes → primary keys, the shape CampaignForm takes; whether they are the user's is the form's business."""
        errors = {}

        def pk(field, model, message):
            found = model.objects.filter(code=data[field]).values_list("pk", flat=True).first()
            if found is None:
                errors[field] = [message.format(data[field])]
            return found

        region = pk("region", Region, "Региона с кодом «{}» нет.")
        framework = pk("framework", Framework, "Системы направлений с кодом «{}» нет.")
        previous = pk("previous", Campaign, "Кампании с кодом «{}» нет.") if data["previous"] else None
        indicators = dict(Indicator.objects.filter(code__in=data["indicators"]).values_list("code", "pk"))
        unknown = [c for c in data["indicators"] if c not in indicators]
        if unknown:
            errors["indicators"] = [f"Таких показателей нет: {', '.join(unknown[:5])}."]
        if errors:
            raise serializers.ValidationError(errors)
        return {**data, "region": region, "framework": framework, "previous": previous, "indicators": list(indicators.values())}


# ---------------------------------------------------------------------------------------------------------
# School reports
# ---------------------------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    description = serializers.CharField(source="describe", read_only=True)
    file_url = serializers.SerializerMethodField(help_text="скачивание файла (только тем, кому видна школа)")

    class Meta:
        model = Evidence
        fields = ["id", "kind", "kind_label", "title", "number", "date", "issuer", "url", "file_name", "file_size", "file_url", "description"]

    def get_file_url(self, evidence) -> str | None:
        return reverse("evidence_file", args=[evidence.pk]) if evidence.file else None


class EntrySerializer(serializers.ModelSerializer):
    activity_type = serializers.CharField(source="activity_type.code", read_only=True, allow_null=True, default=None)
    direction = serializers.CharField(source="direction.code", read_only=True, allow_null=True, default=None)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_unplanned = serializers.BooleanField(read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ReportEntry
        fields = ["id", "planned_activity", "is_unplanned", "title", "activity_type", "direction", "status", "status_label",
                  "actual_result", "expected_result", "reason", "order", "evidence"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    campaign = serializers.CharField(source="campaign.code", read_only=True, allow_null=True, default=None)
    value = serializers.DecimalField(max_digits=12, decimal_places=3, coerce_to_string=False, read_only=True)
    previous = serializers.DecimalField(max_digits=12, decimal_places=3, coerce_to_string=False, read_only=True, allow_null=True,
                                        help_text="прежнее значение, если документ его называет («с 28 до 10 человек»)")

    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "indicator_name", "unit", "school", "municipality", "campaign", "report", "subject",
                  "period_start", "period_end", "value", "previous", "source"]


class IndicatorChangeSerializer(serializers.ModelSerializer):
    """A change a school's document states without a level («качество знаний повысилось на 1,1 %»)."""

    indicator = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    campaign = serializers.CharField(source="campaign.code", read_only=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=3, coerce_to_string=False, read_only=True,
                                      help_text="со знаком: снижение — отрицательное")

    class Meta:
        model = IndicatorChange
        fields = ["id", "indicator", "indicator_name", "school", "campaign", "report", "subject", "amount", "unit", "text", "source"]


class ReportSerializer(serializers.ModelSerializer):
    campaign = serializers.CharField(source="campaign.code", read_only=True)
    school_name = serializers.CharField(source="school.short_name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SchoolReport
        fields = ["id", "campaign", "school", "school_name", "status", "status_label", "version", "remarks", "updated_at",
                  "submitted_at", "certified_at", "accepted_at", "returned_at"]


class ReportPermissionsSerializer(serializers.Serializer):
    can_edit = serializers.BooleanField()
    can_submit = serializers.BooleanField()
    can_certify = serializers.BooleanField()
    can_accept = serializers.BooleanField()
    can_return = serializers.BooleanField()


class ReportDetailSerializer(ReportSerializer):
    entries = EntrySerializer(many=True, read_only=True)
    indicator_values = IndicatorValueSerializer(many=True, read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "summary", "entries", "indicator_values", "permissions"]

    @extend_schema_field(ReportPermissionsSerializer)
    def get_permissions(self, report) -> dict:
        return self.context["permissions"]


class ReportOpenSerializer(serializers.Serializer):
    campaign = serializers.SlugField(max_length=60, help_text="код кампании")
    school = id_field()


class VersionSerializer(StripsControls, serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="версия отчёта, которую видел пользователь")


class ReturnSerializer(VersionSerializer):
    remarks = serializers.CharField(max_length=5000, error_messages={
        "required": "Укажите замечания: школа должна знать, что исправить.",
        "blank": "Укажите замечания: школа должна знать, что исправить.",
    })


ENTRY_STATUSES = [("", "не отмечено"), *ReportEntry.Status.choices]


class EntryInputSerializer(StripsControls, serializers.Serializer):
    id = id_field(required=False, allow_null=True, help_text="пусто — новое, не запланированное мероприятие")
    title = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    status = serializers.ChoiceField(choices=ENTRY_STATUSES, required=False, allow_blank=True)
    actual_result = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=20000,
                                   help_text="причина невыполнения: нужна для отметок «выполнено частично», «не выполнено», «перенесено»")
    expected_result = serializers.CharField(required=False, allow_blank=True, max_length=20000,
                                            help_text="ожидаемый результат незапланированного мероприятия")
    activity_type = serializers.SlugField(required=False, allow_null=True, allow_blank=True, max_length=60, help_text="код вида мероприятия")
    direction = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=40, help_text="код направления")
    delete = serializers.BooleanField(required=False, default=False)


class IndicatorInputSerializer(StripsControls, serializers.Serializer):
    indicator = serializers.SlugField(max_length=40, help_text="код показателя из запрошенных кампанией")
    subject = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    value = serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True,
                                     help_text="null — удалить значение; допустимые значения — как в форме отчёта")

    def validate(self, data):
        indicator = Indicator.objects.filter(code=data["indicator"]).first()
        if indicator is not None and data["value"] is not None:
            try:
                data["value"] = validate_indicator_value(indicator, data["value"])
            except IndicatorValueError as exc:
                raise serializers.ValidationError({"value": [str(exc)]}) from None
        return data


EVIDENCE_KINDS = [(k, v) for k, v in Evidence.Kind.choices if k != Evidence.Kind.FILE]


class EvidenceInputSerializer(StripsControls, serializers.Serializer):
    entry = id_field(required=False, allow_null=True, help_text="id записи отчёта")
    new_entry = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10000,
                                         help_text="номер (с нуля) нового мероприятия в списке entries этого запроса")
    kind = serializers.ChoiceField(choices=EVIDENCE_KINDS, help_text="файлы загружаются отдельно: POST …/evidence/")
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    number = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    date = serializers.DateField(required=False, allow_null=True, default=None)
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=1000)

    def validate(self, data):
        if data.get("entry") is None and data.get("new_entry") is None:
            raise serializers.ValidationError({"entry": ["Укажите запись отчёта (entry) или новое мероприятие (new_entry)."]})
        if data["kind"] == Evidence.Kind.LINK and not data["url"]:
            raise serializers.ValidationError({"url": ["Для подтверждения-ссылки укажите адрес."]})
        if data["kind"] in ("order", "minutes", "letter") and not (data["number"] or data["title"]):
            raise serializers.ValidationError({"number": ["Укажите номер или название документа."]})
        return data


class ReportSaveSerializer(VersionSerializer):
    """A change to a draft or returned report: only what is sent changes.

    For an entry given by `id`, omitted fields keep their values. Entries without `id` are new,
    unplanned activities (a title is required). Indicator values are set or, with null, removed.
    """

    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    entries = EntryInputSerializer(many=True, required=False, max_length=1000)
    indicators = IndicatorInputSerializer(many=True, required=False, max_length=500)
    evidence = EvidenceInputSerializer(many=True, required=False, max_length=500)

    def validate(self, data):
        report: SchoolReport = self.context["report"]
        existing = {e.pk: e for e in report.entries.all()}
        types = {t.code: t.pk for t in ActivityType.objects.filter(is_active=True)}
        directions = dict(Direction.objects.filter(framework_id=report.campaign.framework_id).values_list("code", "pk"))
        requested = {i.code: i for i in report.campaign.indicators.all()}
        errors: dict = {}
        changes: list[EntryChange] = []
        new_count = 0
        for i, item in enumerate(data.get("entries", [])):
            problems = {}
            current = existing.get(item.get("id")) if item.get("id") is not None else None
            if item.get("id") is not None and current is None:
                problems["id"] = ["Запись отчёта не найдена: возможно, её удалили. Откройте отчёт заново."]
            if current is not None and item.get("delete") and not current.is_unplanned:
                problems["delete"] = ["Запланированное мероприятие удалить нельзя: отметьте его статус."]
            if item.get("id") is None and not item.get("delete") and not (item.get("title") or "").strip():
                problems["title"] = ["Укажите название мероприятия, которое не было запланировано."]
            type_code, direction_code = item.get("activity_type"), item.get("direction")
            if type_code and type_code not in types:
                problems["activity_type"] = [f"Вида мероприятия с кодом «{type_code}» нет в справочнике."]
            if direction_code and direction_code not in directions:
                problems["direction"] = [f"В системе направлений кампании нет направления «{direction_code}»."]
            if problems:
                errors.setdefault("entries", {})[i] = problems
                continue
            if item.get("id") is None:
                new_count += 1  # positions count every new item, as save_report's new_entry_index does
            changes.append(EntryChange(
                pk=item.get("id"),
                title=item["title"] if "title" in item else (current.title if current else ""),
                status=item["status"] if "status" in item else (current.status if current else ""),
                actual_result=(item["actual_result"] if "actual_result" in item else (current.actual_result if current else "")).strip(),
                activity_type_id=(types.get(type_code) if type_code else None) if "activity_type" in item else (current.activity_type_id if current else None),
                direction_id=(directions.get(direction_code) if direction_code else None) if "direction" in item else (current.direction_id if current else None),
                delete=item.get("delete", False), reason=item.get("reason"), expected_result=item.get("expected_result"),
            ))
        indicators: dict = {}
        for i, item in enumerate(data.get("indicators", [])):
            indicator = requested.get(item["indicator"])
            if indicator is None:
                errors.setdefault("indicators", {})[i] = {"indicator": [f"Кампания не запрашивает показатель «{item['indicator']}»."]}
            else:
                indicators[(indicator.pk, item["subject"].strip())] = item["value"]
        evidence: list[EvidenceInput] = []
        for i, item in enumerate(data.get("evidence", [])):
            if item.get("entry") is not None and item["entry"] not in existing:
                errors.setdefault("evidence", {})[i] = {"entry": ["Запись отчёта не найдена."]}
                continue
            if item.get("entry") is None and item["new_entry"] >= new_count:
                errors.setdefault("evidence", {})[i] = {"new_entry": ["Нового мероприятия с таким номером в запросе нет."]}
                continue
            evidence.append(EvidenceInput(
                entry_pk=item.get("entry"), new_entry_index=item.get("new_entry") if item.get("entry") is None else None,
                kind=item["kind"], title=item["title"].strip(), number=item["number"].strip(), date=item["date"], url=item["url"],
            ))
        if errors:
            raise serializers.ValidationError(errors)
        data["changes"] = (changes, evidence, indicators)
        return data


class EvidenceUploadSerializer(VersionSerializer):
    entry = id_field(help_text="id записи отчёта")
    file = serializers.FileField(max_length=300)
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices, required=False, default=Evidence.Kind.FILE)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    number = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    date = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_file(self, f):
        from django import forms

        from shnor.uploads import validate_upload

        try:
            validate_upload(f)
        except forms.ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return f


# ---------------------------------------------------------------------------------------------------------
# Coverage and completeness
# ---------------------------------------------------------------------------------------------------------


class CoverageQuerySerializer(serializers.Serializer):
    submitted = serializers.BooleanField(required=False, default=False, help_text="учитывать отправленные, но не заверенные отчёты")
    municipality = id_field(required=False, help_text="только школы одного муниципалитета")
    with_schools = serializers.BooleanField(
        required=False, default=False,
        help_text="со списками школ каждой строки (school_ids, uncertified_school_ids); без него списки пусты, а числа "
                  "всей кампании берутся из поддерживаемых счётчиков охвата",
    )


class CoverageRowSerializer(serializers.Serializer):
    direction = serializers.CharField(allow_null=True)
    activity_type = serializers.CharField(allow_null=True, help_text="пусто — строка направления целиком")
    name = serializers.CharField()
    schools = serializers.IntegerField()
    schools_total = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True, help_text="процент от школ кампании, с одним знаком")
    label = serializers.CharField(help_text="«13 (81,3 %)»")
    school_ids = serializers.ListField(child=serializers.IntegerField(), help_text="школы строки; пусто без with_schools")
    uncertified_school_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="из них засчитанные только по отправленным отчётам; пусто без with_schools"
    )


class CoverageSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    include_submitted = serializers.BooleanField()
    with_schools = serializers.BooleanField(help_text="строки перечисляют свои школы")
    schools_total = serializers.IntegerField()
    rows = CoverageRowSerializer(many=True)


class ProgressRowSerializer(serializers.Serializer):
    school = serializers.IntegerField(source="school.pk")
    school_name = serializers.CharField(source="school.short_name")
    municipality = serializers.CharField(source="school.municipality.name")
    state = serializers.CharField()
    state_label = serializers.CharField(source="label")
    report = serializers.IntegerField(source="report_id", allow_null=True)
    overdue = serializers.BooleanField()
    updated_at = serializers.DateTimeField(allow_null=True)


class CompletenessSerializer(serializers.Serializer):
    campaign = serializers.CharField(source="campaign.code")
    total = serializers.IntegerField()
    done = serializers.IntegerField(source="done_count", help_text="заверены или приняты")
    overdue = serializers.SerializerMethodField()
    counts = serializers.DictField(child=serializers.IntegerField())
    rows = ProgressRowSerializer(many=True)

    def get_overdue(self, progress) -> int:
        return len(progress.overdue)


class MembershipSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    region = serializers.IntegerField(source="region_id", allow_null=True)
    municipality = serializers.IntegerField(source="municipality_id", allow_null=True)
    school = serializers.IntegerField(source="school_id", allow_null=True)
    position = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")
    is_superuser = serializers.BooleanField()
    memberships = MembershipSerializer(many=True)


# ---------------------------------------------------------------------------------------------------------
# The аналитическая справка
# ---------------------------------------------------------------------------------------------------------


class FindingSerializer(StripsControls, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    is_manual = serializers.BooleanField(read_only=True)
    is_edited = serializers.BooleanField(read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "kind", "kind_label", "rule", "text", "addressee", "responsible", "deadline_text", "deadline", "order",
                  "is_dropped", "is_manual", "is_edited"]


class IssuedReportSerializer(serializers.ModelSerializer):
    docx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField(help_text="число отслеживаемых управленческих решений и рекомендаций кампании")

    class Meta:
        model = IssuedReport
        fields = ["id", "number", "title", "author_name", "author_position", "created_at", "docx_url", "pdf_url", "tasks"]

    def _url(self, issued, fmt: str) -> str | None:
        field = issued.docx if fmt == "docx" else issued.pdf
        return reverse("issued_file", args=[issued.campaign.code, issued.pk, fmt]) if field else None

    def get_docx_url(self, issued) -> str | None:
        return self._url(issued, "docx")

    def get_pdf_url(self, issued) -> str | None:
        return self._url(issued, "pdf")

    def get_tasks(self, issued) -> int:
        return issued.campaign.findings.filter(action__isnull=False).count()


class SpravkaSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    whole = serializers.BooleanField(help_text="пользователь видит все школы кампании; иначе справка — по его школам")
    can_edit = serializers.BooleanField(help_text="может выпускать справку (координатор кампании)")
    content = serializers.DictField(help_text="содержание справки: цель, задачи, результаты по направлениям, выводы, решения…")
    findings = FindingSerializer(many=True, help_text="выводы и решения, как их правит координатор (только для него)")
    issued = IssuedReportSerializer(many=True, help_text="выпущенные версии (только тем, кто видит все школы)")


class IssueSerializer(StripsControls, serializers.Serializer):
    author_name = serializers.CharField(max_length=300, help_text="подпись: «О. Г. Викульева»")
    author_position = serializers.CharField(max_length=500)
    date = serializers.DateField(required=False, allow_null=True, default=None, help_text="дата справки; пусто — сегодня")


# ---------------------------------------------------------------------------------------------------------
# Document intake
# ---------------------------------------------------------------------------------------------------------


class ImportFileSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ImportFile
        fields = ["id", "file_name", "size", "format", "status", "status_label", "error", "school"]


class ImportItemSerializer(serializers.ModelSerializer):
    activity_type = serializers.CharField(source="activity_type.code", read_only=True, allow_null=True, default=None)
    direction = serializers.CharField(source="direction.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ImportItem
        fields = ["id", "file", "kind", "where", "text", "school", "activity_type", "predicted_type", "confidence", "direction",
                  "status", "include", "entry"]


class ImportBatchSerializer(serializers.ModelSerializer):
    campaign = serializers.CharField(source="campaign.code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportBatch
        fields = ["id", "campaign", "school", "status", "status_label", "files_total", "files_done", "progress_percent",
                  "created_at", "committed_at", "undone_at"]


class ImportBatchDetailSerializer(ImportBatchSerializer):
    files = ImportFileSerializer(many=True, read_only=True)
    items = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField(help_text="файлы, не принятые при загрузке, и почему")

    class Meta(ImportBatchSerializer.Meta):
        fields = [*ImportBatchSerializer.Meta.fields, "files", "items", "warnings"]

    @extend_schema_field(ImportItemSerializer(many=True))
    def get_items(self, batch) -> list:
        return ImportItemSerializer(self.context["items"], many=True).data

    def get_warnings(self, batch) -> list[str]:
        return self.context.get("warnings", [])


class IntakeUploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(max_length=300, allow_empty_file=False), allow_empty=False, max_length=50)
    school = id_field(required=False, allow_null=True, help_text="пусто — определить школу по тексту (только координатору)")


ITEM_STATUSES = [("", "не отмечено"), *ReportEntry.Status.choices]


class ReviewItemSerializer(StripsControls, serializers.Serializer):
    id = id_field()
    include = serializers.BooleanField(required=False)
    school = id_field(required=False, allow_null=True)
    activity_type = serializers.SlugField(required=False, allow_null=True, allow_blank=True, max_length=60)
    direction = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=40)
    status = serializers.ChoiceField(choices=ITEM_STATUSES, required=False, allow_blank=True)


class ReviewSerializer(StripsControls, serializers.Serializer):
    """Corrections to the extracted items (only what is sent changes), then optionally commit into the reports."""

    items = ReviewItemSerializer(many=True, required=False, max_length=10000)
    commit = serializers.BooleanField(required=False, default=False, help_text="внести проверенные элементы в отчёты")

    def validate(self, data):
        batch: ImportBatch = self.context["batch"]
        allowed_schools: set[int] = self.context["schools"]
        items = {i.pk: i for i in ImportItem.objects.filter(file__batch=batch)}
        types = dict(ActivityType.objects.filter(is_active=True).values_list("code", "pk"))
        directions = dict(Direction.objects.filter(framework_id=batch.campaign.framework_id).values_list("code", "pk"))
        errors, changes = {}, []
        for i, row in enumerate(data.get("items", [])):
            item = items.get(row["id"])
            problems = {}
            if item is None:
                problems["id"] = ["Такого элемента в этом импорте нет."]
            if row.get("school") is not None and row["school"] not in allowed_schools:
                problems["school"] = ["Школа не найдена среди школ, в отчёты которых вы можете вносить данные."]
            if row.get("activity_type") and row["activity_type"] not in types:
                problems["activity_type"] = [f"Вида мероприятия с кодом «{row['activity_type']}» нет в справочнике."]
            if row.get("direction") and row["direction"] not in directions:
                problems["direction"] = [f"В системе направлений кампании нет направления «{row['direction']}»."]
            if problems:
                errors[i] = problems
                continue
            type_code, direction_code = row.get("activity_type"), row.get("direction")
            changes.append(ReviewChange(
                item_id=item.pk,
                include=row.get("include", item.include),
                school_id=row["school"] if "school" in row else item.school_id,
                activity_type_id=(types.get(type_code) if type_code else None) if "activity_type" in row else item.activity_type_id,
                direction_id=(directions.get(direction_code) if direction_code else None) if "direction" in row else item.direction_id,
                status=row.get("status", item.status),
            ))
        if errors:
            raise serializers.ValidationError({"items": errors})
        data["changes"] = changes
        return data


# ---------------------------------------------------------------------------------------------------------
# Recommendations and decisions
# ---------------------------------------------------------------------------------------------------------


class ActionSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="кампания, по итогам которой принято")
    addressee = serializers.CharField(read_only=True, help_text="адресат по-русски")
    status_label = serializers.CharField(read_only=True, help_text="состояние по-русски, с «срок истёк» для просроченных")
    is_overdue = serializers.BooleanField(read_only=True)
    evidence_order = serializers.CharField(read_only=True, help_text="«приказ от 15.11.2021 № 125»")
    evidence_url = serializers.CharField(read_only=True, help_text="ссылка на подтверждение (пусто, если её нет)")
    evidence_file_url = serializers.SerializerMethodField()
    schools = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Action
        fields = ["id", "kind", "campaign", "text", "addressee", "addressee_kind", "municipality", "schools", "deadline_text",
                  "deadline", "starts_on", "is_standing", "status", "status_label", "is_overdue", "note", "order_number", "order_date",
                  "evidence_order", "evidence_url", "evidence_file_url", "status_changed_at", "source"]
        read_only_fields = fields

    def get_evidence_file_url(self, action) -> str | None:
        if not action.evidence_file:
            return None
        request = self.context.get("request")
        url = reverse("action_evidence", args=[action.pk])
        return request.build_absolute_uri(url) if request else url


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(k, core_actions.STATUSES[k]) for k in MARKABLE])
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    order_number = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    order_date = serializers.DateField(required=False, allow_null=True, default=None)
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=1000, default="")
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)
    expected = serializers.ChoiceField(required=False, choices=list(core_actions.STATUSES.items()),
                                       help_text="состояние, которое видел пользователь: изменение на устаревшей странице отклоняется")

    def validate_evidence_file(self, f):
        if f:
            from django import forms

            from shnor.uploads import validate_upload

            try:
                validate_upload(f)
            except forms.ValidationError as exc:
                raise serializers.ValidationError(exc.messages) from None
        return f
