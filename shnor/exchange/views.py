"""Excel exchange pages: exports of the tables the pages show, templates, and the two imports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from shnor.core.documents import FORMATS, csv, xlsx
from shnor.core.sheets import SheetError, Table
from shnor.monitoring.access import get_campaign_for_user
from shnor.monitoring.models import Campaign
from shnor.registry.access import get_school_for_user
from shnor.registry.models import Membership, Scope
from shnor.routers import analytics_reads

from . import tables
from .access import coordinated_schools, require_indicator_loader, require_roadmap_editor, roadmap_schools
from .actions import import_statuses
from .blanks import indicator_template, roadmap_template
from .forms import IndicatorUploadForm, SheetUploadForm
from .indicators import import_indicators
from .needs import diagnosed_schools, import_needs
from .roadmaps import import_roadmaps


@login_required
def index(request):
    scope = Scope.of(request.user)
    return render(request, "exchange/index.html", {
        "title": "Обмен данными с Excel",
        "campaigns": Campaign.objects.visible_to(request.user).select_related("region")[:50],
        "is_coordinator": scope.is_coordinator, "is_regional": scope.is_regional,
        "can_load_roadmaps": scope.is_coordinator or bool({Membership.Role.HEAD, Membership.Role.CURATOR} & scope.roles),
        "can_load_needs": diagnosed_schools(request.user).exists(),
    })


EXPORT_FORMATS = ("xlsx", "csv")


def _streamed_on_replica(table: Table):
    # The CSV is produced after the view has returned: the generator enters the replica block itself.
    with analytics_reads():
        yield from csv.stream(table, zone=timezone.get_current_timezone())


def _download(table: Table, fmt: str):
    if fmt == "csv":
        response = StreamingHttpResponse(_streamed_on_replica(table), content_type=FORMATS["csv"].content_type)
    else:
        with analytics_reads():
            response = FileResponse(xlsx.write(table, zone=timezone.get_current_timezone()),
                                    content_type=FORMATS["xlsx"].content_type)
    response["Content-Disposition"] = f'attachment; filename="{table.name}.{fmt}"'
    return response


@login_required
def export(request, table, fmt, code=None):
    if fmt not in EXPORT_FORMATS:
        raise Http404("Нет такого формата: выгрузка бывает в XLSX или CSV")
    campaign = get_campaign_for_user(request.user, code) if code else None
    if campaign is None and request.GET.get("campaign"):
        campaign = get_campaign_for_user(request.user, request.GET["campaign"])
    with analytics_reads():  # the campaign's tables are computed here, before the download streams the rows
        built = tables.build_table(request.user, table, request.GET, campaign)
    return _download(built, fmt)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=FORMATS["xlsx"].content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def roadmap_blank(request):
    require_roadmap_editor(request.user)
    schools = None
    if request.GET.get("school"):
        school = get_school_for_user(request.user, request.GET["school"])
        schools = roadmap_schools(request.user).filter(pk=school.pk)
    return _xlsx(roadmap_template(schools), "shablon_dorozhnaya_karta.xlsx")


@login_required
def indicator_blank(request):
    require_indicator_loader(request.user)
    campaign = get_campaign_for_user(request.user, request.GET["campaign"]) if request.GET.get("campaign") else None
    schools = coordinated_schools(request.user).filter(campaigns=campaign) if campaign else None
    return _xlsx(indicator_template(campaign, schools), f"shablon_pokazateli{'_' + campaign.code if campaign else ''}.xlsx")


def _finish(request, result, done: str):
    if result.committed:
        messages.success(request, done)
        for note in result.notes:
            messages.info(request, note)
    else:
        messages.error(request, "Файл не загружен: исправьте ошибки в строках ниже и загрузите его снова. Ничего не изменено.")


@login_required
def roadmap_import(request):
    require_roadmap_editor(request.user)
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            result = import_roadmaps(f.read(), f.name, request.user, roadmap_schools(request.user))
        except SheetError as exc:
            form.add_error("file", str(exc))
        else:
            _finish(request, result, f"Дорожные карты загружены: школ {result.schools}, мероприятий {result.created}.")
    return render(request, "exchange/import.html", {
        "title": "Загрузка дорожных карт из Excel", "form": form, "result": result, "kind": "roadmaps",
        "school": request.GET.get("school", ""),
    }, status=_status(request, form, result))


@login_required
def indicator_import(request):
    require_indicator_loader(request.user)
    scope = Scope.of(request.user)
    campaigns = Campaign.objects.all() if scope.is_superuser else Campaign.objects.filter(region__in=scope.regions())
    form = IndicatorUploadForm(request.POST or None, request.FILES or None, campaigns=campaigns,
                               initial={"campaign": request.GET.get("campaign")})
    result = None
    if request.method == "POST" and form.is_valid():
        f, campaign = form.cleaned_data["file"], form.cleaned_data["campaign"]
        try:
            result = import_indicators(f.read(), f.name, request.user, coordinated_schools(request.user), campaign)
        except SheetError as exc:
            form.add_error("file", str(exc))
        else:
            _finish(request, result, f"Показатели загружены: новых значений {result.created}, изменено {result.updated}, "
                                     f"без изменений {result.unchanged}, строк без значения {result.skipped}.")
    return render(request, "exchange/import.html", {
        "title": "Загрузка показателей из Excel", "form": form, "result": result, "kind": "indicators",
        "campaign": request.GET.get("campaign", ""),
    }, status=_status(request, form, result))


@login_required
def need_import(request):
    """A school's causes, deficits and risks from a filled-in export «Диагностика школ»: curators and coordinators."""
    schools = diagnosed_schools(request.user)
    if not schools.exists():
        raise PermissionDenied("Диагностику школ загружают кураторы и координаторы.")
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            result = import_needs(f.read(), f.name, request.user, schools)
        except SheetError as exc:
            form.add_error("file", str(exc))
        else:
            _finish(request, result, f"Диагностика загружена: школ {result.schools}, новых записей {result.created}, "
                                     f"уже были {result.unchanged}.")
    return render(request, "exchange/import.html", {"title": "Загрузка диагностики школ из Excel", "form": form, "result": result,
                                                    "kind": "needs"}, status=_status(request, form, result))


@login_required
def action_import(request):
    """The execution of recommendations and decisions from a filled-in export «Рекомендации и решения»: for anyone
    signed in; each row is checked against the user's right to mark that item."""
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            result = import_statuses(f.read(), f.name, request.user)
        except SheetError as exc:
            form.add_error("file", str(exc))
        else:
            _finish(request, result, f"Исполнение отмечено: изменено {result.updated}, без изменений {result.unchanged}.")
    return render(request, "exchange/import.html", {"title": "Загрузка исполнения рекомендаций и решений из Excel", "form": form,
                                                    "result": result, "kind": "actions"}, status=_status(request, form, result))


def _status(request, form, result) -> int:
    if request.method != "POST":
        return 200
    return 400 if not form.is_valid() or (result is not None and not result.committed) else 200
