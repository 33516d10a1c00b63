"""Every table the pages show, as an export scoped to the user: one builder per table, registered in TABLES.

A builder takes the user, the query parameters (the same filters as the page) and, for campaign tables,
the campaign already fetched for this user; it returns a `Table` whose rows are produced lazily with a
fixed number of queries, so that a national export streams instead of filling memory.
Coverage and completeness come from `shnor.monitoring.exports`, the tables the campaign page exports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from shnor.audit.describe import action_label, changes_lines
from shnor.audit.filters import filter_events
from shnor.audit.models import AuditEvent
from shnor.core.sheets import Column, Table
from shnor.monitoring import exports as campaign_exports
from shnor.monitoring.completeness import NOT_STARTED, STATE_LABELS
from shnor.monitoring.models import Campaign, Evidence, IndicatorValue, ReportEntry, SchoolReport
from shnor.plans.models import PlannedActivity
from shnor.registry.access import require_coordinator
from shnor.registry.importing import COLUMNS as SCHOOL_COLUMNS
from shnor.registry.models import SchoolStatus, Scope

from .actions import actions_table
from .indicators import INDICATOR_COLUMNS
from .needs import NEED_EXPORT_COLUMNS
from .roadmaps import ROADMAP_COLUMNS

CODE = Column("code", "Код школы", width=10)
STATUS_LABELS = dict(SchoolStatus.Kind.choices)
ENTRY_STATUS = dict(ReportEntry.Status.choices)
CHUNK = 2000


def _visible_schools(user, params):
    """The user's schools with the school list's filters (q, municipality, status, school)."""
    return Scope.of(user).schools().filtered(params)


def _year(y: int | None) -> str:
    return f"{y}/{y + 1}" if y else ""


def schools_table(user, params, campaign=None) -> Table:
    """The school list in the registry import's layout, so that an export can be edited and loaded back."""
    schools = _visible_schools(user, params).order_by("municipality__name", "short_name", "pk")
    latest: dict[int, tuple] = {}
    for school_id, year, status, number, basis_date in (
        SchoolStatus.objects.filter(school__in=schools.values("pk")).order_by("year").values_list("school_id", "year", "status", "basis_number", "basis_date")
    ):
        latest[school_id] = (year, status, number, basis_date)

    def rows():
        for pk, muni, full, short, kind, number, website, email, inn in schools.values_list(
            "pk", "municipality__name", "full_name", "short_name", "kind", "number", "website", "email", "inn"
        ).iterator(CHUNK):
            year, status, basis_number, basis_date = latest.get(pk, (None, "", "", None))
            yield [pk, muni, full, short, kind, number, website, email, inn, STATUS_LABELS.get(status, ""), _year(year), basis_number, basis_date]

    return Table("shkoly", "Школы", [CODE, *SCHOOL_COLUMNS], rows(), notes=[f"Список школ на {timezone.localdate():%d.%m.%Y}"])


def roadmaps_table(user, params, campaign=None) -> Table:
    """Current roadmaps, one row per planned activity, in the roadmap import's layout."""
    schools = _visible_schools(user, params)
    activities = (
        PlannedActivity.objects.filter(roadmap__is_current=True, roadmap__school__in=schools.values("pk"))
        .order_by("roadmap__school__municipality__name", "roadmap__school__short_name", "roadmap__school_id", "order", "pk")
        .values_list(
            "roadmap__school_id", "roadmap__school__municipality__name", "roadmap__school__short_name", "roadmap__title",
            "roadmap__period_start", "roadmap__period_end", "roadmap__approved_by", "pk", "number", "section", "title",
            "activity_type__name", "deadline_text", "deadline_start", "deadline_end", "responsible", "expected_result", "indicator",
        )
    )
    columns = [*ROADMAP_COLUMNS, Column("deadline_start", "Срок: начало", width=12), Column("deadline_end", "Срок: окончание", width=12)]
    directions: dict[int, list[str]] = {}
    through = PlannedActivity.directions.through.objects.filter(plannedactivity__in=activities.values("pk"))
    for activity_id, code in through.order_by("direction__order").values_list("plannedactivity_id", "direction__name"):
        directions.setdefault(activity_id, []).append(code)

    def rows():
        for (school_id, muni, school, title, p_start, p_end, approved, pk, number, section, text, type_name, deadline, d_start, d_end,
             responsible, expected, indicator) in activities.iterator(CHUNK):
            period = f"{p_start:%d.%m.%Y} – {p_end:%d.%m.%Y}" if p_start and p_end else ""
            yield [school_id, muni, school, title, period, approved, number, section, text, type_name or "", "; ".join(directions.get(pk, [])),
                   deadline, responsible, expected, indicator, d_start, d_end]

    return Table("dorozhnye-karty", "Дорожные карты", columns, rows(),
                 notes=["Действующие дорожные карты. Столбцы «Срок: начало/окончание» система вычисляет из «Сроков» сама."])


def needs_table(user, params, campaign=None) -> Table:
    """The diagnosis of the user's schools with sources and linked measures, in the diagnosis import's layout."""
    from shnor.diagnosis.models import Measure, Need

    schools = _visible_schools(user, params)
    needs = (Need.objects.filter(school__in=schools.values("pk"))
             .order_by("school__municipality__name", "school__short_name", "school_id", "-period_start", "kind", "pk"))
    measures: dict[int, list[str]] = {}
    for need_id, title in Measure.objects.filter(need__in=needs.values("pk")).order_by("activity__order").values_list("need_id", "activity__title"):
        measures.setdefault(need_id, []).append(title)
    kinds, groups, found = dict(Need.Kind.choices), dict(Need.Group.choices), dict(Need.FoundBy.choices)

    def rows():
        for pk, school_id, muni, school, kind, group, text_, code, period, found_by, source, place in needs.values_list(
            "pk", "school_id", "school__municipality__name", "school__short_name", "kind", "group", "text", "code", "period_text",
            "found_by", "source_name", "source_place",
        ).iterator(CHUNK):
            item = Need.catalogue_for(code)
            yield [school_id, muni, school, kinds.get(kind, ""), groups.get(group, ""), text_, item.name if item else "", period,
                   found.get(found_by, ""), source, place, "; ".join(measures.get(pk, []))]

    return Table("diagnostika", "Диагностика школ", NEED_EXPORT_COLUMNS, rows(),
                 notes=["Причины низких результатов, профессиональные дефициты педагогов и рисковые профили школ."])


def reports_table(user, params, campaign) -> Table:
    """The campaign's reports with their entries: a row per entry, and a row for a school that has not started."""
    schools = list(
        campaign.schools.filter(pk__in=Scope.of(user).schools().values("pk"))
        .order_by("municipality__name", "short_name", "pk").values_list("pk", "municipality__name", "short_name")
    )
    ids = [pk for pk, _, _ in schools]
    reports = dict(SchoolReport.objects.filter(campaign=campaign, school_id__in=ids).values_list("school_id", "status"))
    evidence: dict[int, list[str]] = {}
    for ev in Evidence.objects.filter(entry__report__campaign=campaign, entry__report__school_id__in=ids).order_by("pk").iterator(CHUNK):
        evidence.setdefault(ev.entry_id, []).append(ev.describe())
    entries = (
        ReportEntry.objects.filter(report__campaign=campaign, report__school_id__in=ids)
        .order_by("report__school__municipality__name", "report__school__short_name", "report__school_id", "order", "pk")
        .values_list("report__school_id", "pk", "order", "title", "planned_activity_id", "activity_type__name", "direction__name",
                     "status", "actual_result", "planned_activity__section", "planned_activity__deadline_text", "expected_result", "reason")
    )
    columns = [CODE, Column("municipality", "Муниципалитет", width=24), Column("school", "Школа", width=40),
               Column("report", "Состояние отчёта", width=22), Column("section", "Раздел", width=30), Column("order", "№", width=5),
               Column("title", "Мероприятие", width=60), Column("planned", "По дорожной карте", width=10), Column("deadline", "Сроки исполнения", width=20),
               Column("type", "Вид мероприятия", width=30), Column("direction", "Направление", width=30),
               Column("expected", "Ожидаемый результат", width=50), Column("status", "Отметка о выполнении", width=16),
               Column("result", "Фактический результат", width=60), Column("reason", "Причина невыполнения", width=40),
               Column("evidence", "Подтверждения", width=60)]

    def rows():
        pending = entries.iterator(CHUNK)
        current = next(pending, None)
        for pk, muni, name in schools:
            state = STATE_LABELS[reports.get(pk, NOT_STARTED)]
            wrote = False
            while current is not None and current[0] == pk:
                _, entry_id, order, title, planned, type_name, direction, status, result, section, deadline, expected, reason = current
                yield [pk, muni, name, state, section or "", order, title, "да" if planned else "нет", deadline or "", type_name or "",
                       direction or "", expected, ENTRY_STATUS.get(status, ""), result, reason, "; ".join(evidence.get(entry_id, []))]
                wrote = True
                current = next(pending, None)
            if not wrote:
                yield [pk, muni, name, state, "", None, "", "", "", "", "", "", "", "", "", ""]

    return Table(f"{campaign.code}-otchety", "Отчёты", columns, rows(), notes=[f"{campaign.title} ({campaign.period_label()})"])


def indicators_table(user, params, campaign=None) -> Table:
    """Indicator values of the user's schools (of one campaign, or all), in the indicator import's layout."""
    values = IndicatorValue.objects.filter(school__in=_visible_schools(user, params).values("pk"))
    if campaign is not None:
        values = values.filter(campaign=campaign)
    values = values.order_by("school__municipality__name", "school__short_name", "school_id", "indicator__order", "subject", "period_start").values_list(
        "school_id", "school__municipality__name", "school__short_name", "indicator__name", "subject", "value", "indicator__unit",
        "period_start", "period_end", "campaign__code", "campaign__period_text", "source", "previous",
    )
    # After the import's own columns: «с 28 до 10 человек» is 10 with 28 before it.
    columns = [*INDICATOR_COLUMNS, Column("unit", "Единица", width=8), Column("campaign", "Кампания", width=20),
               Column("previous", "Прежнее значение (по документу)", width=14)]

    def rows():
        for school_id, muni, school, indicator, subject, value, unit, start, end, code, period_text, source, previous in values.iterator(CHUNK):
            period = period_text or f"{start:%d.%m.%Y} – {end:%d.%m.%Y}"
            yield [school_id, muni, school, indicator, subject, value, period, source, unit, code or "", previous]

    name = f"{campaign.code}-pokazateli" if campaign else "pokazateli"
    notes = [f"{campaign.title} ({campaign.period_label()})"] if campaign else ["Значения показателей по всем периодам"]
    return Table(name, "Показатели", columns, rows(), notes=notes)


def audit_table(user, params, campaign=None) -> Table:
    """The audit log with the audit page's filters (action, user, school, since, until)."""
    events, errors = filter_events(AuditEvent.objects.visible_to(require_coordinator(user)), params)
    if errors:
        raise Http404(" ".join(errors))
    events = events.order_by("-at", "-pk").values_list("at", "user__last_name", "user__first_name", "user__username", "action", "summary", "school__short_name", "object_type",
                                                         "object_id", "changes")
    columns = [Column("at", "Когда", width=18), Column("user", "Пользователь", width=18), Column("action", "Действие", width=22),
               Column("summary", "Описание", width=70), Column("school", "Школа", width=36),
               Column("changes", "Изменения", width=60)]

    def rows():
        for at, last, first, username, action, summary, school, _type, _id, changes in events.iterator(CHUNK):
            who = f"{first or ''} {last or ''}".strip() or username or "система"
            yield [at, who, action_label(action), summary, school or "", "; ".join(changes_lines(changes))]

    return Table("zhurnal", "Журнал изменений", columns, rows(), notes=[f"Журнал изменений, выгружен {timezone.localtime():%d.%m.%Y %H:%M}"])


def _from_campaign_exports(builder: Callable, name: str) -> Callable:
    def build(user, params, campaign) -> Table:
        visible = list(campaign.schools.filter(pk__in=Scope.of(user).schools().values("pk")).values_list("pk", flat=True))
        args = (campaign, visible, params.get("submitted") == "1") if name == "coverage" else (campaign, visible)
        title, columns, rows = builder(*args)
        return Table(f"{campaign.code}-{name}", title, columns, rows, notes=[f"{campaign.title} ({campaign.period_label()})"])

    return build


@dataclass(frozen=True)
class Spec:
    label: str
    build: Callable[..., Table]
    campaign: str  # "required", "optional" or "none"
    coordinators_only: bool = False


TABLES: dict[str, Spec] = {
    "schools": Spec("Список школ", schools_table, "none"),
    "roadmaps": Spec("Дорожные карты", roadmaps_table, "none"),
    "needs": Spec("Диагностика школ", needs_table, "none"),
    "indicators": Spec("Показатели", indicators_table, "optional"),
    "audit": Spec("Журнал изменений", audit_table, "none", coordinators_only=True),
    "coverage": Spec("Охват школ мероприятиями", _from_campaign_exports(campaign_exports.coverage_table, "coverage"), "required"),
    "completeness": Spec("Сдача отчётов", _from_campaign_exports(campaign_exports.completeness_table, "completeness"), "required"),
    "reports": Spec("Отчёты школ с мероприятиями", reports_table, "required"),
    "actions": Spec("Рекомендации и решения", actions_table, "optional"),
}
CAMPAIGN_TABLES = [name for name, spec in TABLES.items() if spec.campaign != "none"]


def build_table(user, name: str, params, campaign: Campaign | None = None) -> Table:
    spec = TABLES.get(name)
    if spec is None:
        raise Http404("Нет такой выгрузки")
    if spec.campaign == "required" and campaign is None:
        raise Http404("Эта выгрузка делается по кампании")
    if spec.campaign == "none" and campaign is not None:
        raise Http404("Эта выгрузка не относится к кампании")
    if spec.coordinators_only and not Scope.of(user).is_coordinator:
        raise PermissionDenied("Эта выгрузка доступна только координаторам.")
    return spec.build(user, params, campaign)

