from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus

from shnor import background
from shnor.audit.models import AuditEvent
from shnor.core.documents import FORMATS
from shnor.core.russian import agree
from shnor.core.sheets import Table
from shnor.plans.maps import framework_maps
from shnor.registry.access import get_school_for_user
from shnor.registry.models import Membership, Scope
from shnor.uploads import stored_file_response

from . import exports, reminders, workflow
from .access import (
    coordinates_campaign,
    get_campaign_for_user,
    get_coordinated_campaign,
    get_evidence_for_user,
    get_municipal_report_context,
    get_report_context,
)
from .board import CampaignBoard
from .charts import CHART_KEYS
from .coverage import counted_statuses, coverage_for, municipal_coverage
from .forms import ActionForm, CampaignForm, EvidenceForm, ReportForm, ReturnForm, based_on
from .models import Campaign, Evidence, IndicatorValue, MunicipalReport, ReportEntry, SchoolReport


@login_required
def campaign_list(request):
    campaigns = Campaign.objects.visible_to(request.user).select_related("region", "framework")
    return render(request, "monitoring/campaign_list.html", {"title": "Мониторинговые кампании", "campaigns": campaigns,
                                                             "can_create": Scope.of(request.user).is_regional})


@login_required
def campaign_create(request):
    scope = Scope.of(request.user)
    if not scope.is_regional:
        raise PermissionDenied("Создавать кампании может региональный координатор.")
    source = request.GET.get("from")
    previous = get_coordinated_campaign(request.user, source) if source else None
    form = CampaignForm(request.POST or None, scope=scope, initial=based_on(previous) if previous else None)
    if request.method == "POST" and form.is_valid():
        campaign = workflow.create_campaign(form, request.user)
        messages.success(request, f"Кампания «{campaign.title}» создана.")
        return redirect("campaign_detail", campaign.code)
    title = f"Новая кампания на основе «{previous.title}»" if previous else "Новая кампания"
    return render(request, "monitoring/campaign_form.html", {"title": title, "form": form})


@login_required
def campaign_detail(request, code):
    campaign = get_campaign_for_user(request.user, code)
    scope = Scope.of(request.user)
    include_submitted = request.GET.get("submitted") == "1"
    # The board computes lazily; the template caches its heavy fragments under board.key (see board.py).
    board = CampaignBoard(campaign, request.user, include_submitted, request.GET.get("page"))
    return render(request, "monitoring/campaign_detail.html", {
        "title": campaign.title,
        "campaign": campaign,
        "board": board,
        "include_submitted": include_submitted,
        "is_coordinator": scope.coordinates_region(campaign.region_id) or scope.is_coordinator,
        "reminders": _reminder_state(request, campaign),
        "can_close": scope.coordinates_region(campaign.region_id),
        "can_remind": coordinates_campaign(request.user, campaign),  # no link to a page the person may not open
        # The municipalities' own roadmaps: a table of their own, apart from the schools' coverage.
        "municipal_rows": municipal_coverage(campaign, include_submitted, scope.visible_municipalities().values("pk")),
    })


@login_required
@require_POST
def campaign_close(request, code):
    return _change_campaign(request, code, workflow.close_campaign, "Кампания закрыта: отчёты её школ больше не меняются.")


@login_required
@require_POST
def campaign_reopen(request, code):
    return _change_campaign(request, code, workflow.reopen_campaign, "Кампания открыта снова: отчёты можно заполнять, отправлять и заверять.")


def _change_campaign(request, code, step, done: str):
    campaign = get_campaign_for_user(request.user, code)
    if not Scope.of(request.user).coordinates_region(campaign.region_id):
        raise PermissionDenied("Закрыть или открыть кампанию может только региональный координатор.")
    try:
        step(campaign, request.user)
        messages.success(request, done)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("campaign_detail", campaign.code)


@login_required
def campaign_chart(request, code, key):
    """A chart of the campaign page as SVG, for the viewer's schools; the page gives its numbers as a table."""
    campaign = get_campaign_for_user(request.user, code)
    svg = CampaignBoard(campaign, request.user).chart_svg(key) if key in CHART_KEYS else b""
    if not svg:
        raise Http404("Такой диаграммы нет")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=600"  # the page's address for it changes with the data
    return response


@login_required
def coverage_detail(request, code):
    """Drill-down: the schools and entries behind one number of the coverage table."""
    campaign = get_campaign_for_user(request.user, code)
    scope = Scope.of(request.user)
    include_submitted = request.GET.get("submitted") == "1"
    type_code, direction = request.GET.get("type") or None, request.GET.get("direction") or None
    visible_ids = list(campaign.schools.filter(pk__in=scope.schools().values("pk")).values_list("pk", flat=True))
    coverage = coverage_for(campaign, include_submitted, visible_ids)
    row = next((r for r in coverage.rows if r.activity_type == type_code and r.direction == direction), None)
    if row is None:
        raise Http404("Такой строки в таблице охвата нет")
    entries = ReportEntry.objects.filter(
        report__campaign=campaign, report__school_id__in=row.school_ids, report__status__in=counted_statuses(include_submitted), status__in=ReportEntry.DONE
    ).select_related("report__school", "activity_type").prefetch_related("evidence").order_by("report__school__short_name", "order")
    if type_code:
        entries = entries.filter(activity_type__code=type_code)
    maps = framework_maps(campaign.framework)
    entries = [e for e in entries if maps.effective_direction(e.activity_type_id, e.direction_id) == direction]
    schools = campaign.schools.filter(pk__in=row.school_ids).select_related("municipality")
    missing = campaign.schools.filter(pk__in=visible_ids).exclude(pk__in=row.school_ids).select_related("municipality")
    return render(request, "monitoring/coverage_detail.html", {
        "title": f"{row.name}: {row.label}", "campaign": campaign, "row": row, "entries": entries, "schools": schools,
        "missing": missing, "include_submitted": include_submitted,
    })


@login_required
def campaign_remind(request, code):
    """The preview of the reminders (who gets a letter, who has no address, when they were last sent); sending needs
    confirmation, and a second sending within REPEAT_GUARD an explicit «ещё раз»."""
    campaign = get_coordinated_campaign(request.user, code)
    letters = reminders.preview(campaign)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        if _reminder_state(request, campaign) == "running":
            messages.info(request, "Напоминания уже отправляются: дождитесь итога.")
            return redirect("campaign_detail", campaign.code)
        if letters.recent and request.POST.get("again") != "1":
            messages.warning(request, "Напоминания уже отправлялись недавно. Если нужно отправить ещё раз, отметьте «Отправить ещё раз».")
        else:
            result = reminders.remind.enqueue(campaign.pk, request.user.pk)
            if result.is_finished:  # a backend that runs tasks at once
                _show_reminders(request, result)
            else:
                request.session[_reminder_key(campaign)] = result.id
                messages.info(request, "Напоминания отправляются: итог появится на этой странице.")
            return redirect("campaign_detail", campaign.code)
    return render(request, "monitoring/remind_preview.html", {"title": "Напоминания просрочившим", "campaign": campaign, "preview": letters})


def _reminder_key(campaign) -> str:
    return f"reminders-{campaign.pk}"


def _reminder_state(request, campaign) -> str:
    """How the reminders this user asked for stand: "running", "failed" (with a retry button), or "" (shown or none)."""
    key = _reminder_key(campaign)
    result = background.result(request.session.get(key, ""))
    if result is None:
        request.session.pop(key, None)
        return ""
    if not result.is_finished:
        return "running"
    if result.status == TaskResultStatus.FAILED:
        return "failed"
    _show_reminders(request, result)
    request.session.pop(key)
    return ""


def _show_reminders(request, result) -> None:
    if result.status == TaskResultStatus.FAILED:
        messages.error(request, "Напоминания не отправлены: почтовый сервер не ответил или произошла ошибка. Нажмите кнопку ещё раз.")
        return
    sent, missing = result.return_value["sent"], result.return_value["missing"]
    if sent:
        messages.success(request, f"Отправлено напоминаний: {sent}.")
    else:
        messages.info(request, "Просроченных отчётов с известным адресом нет — напоминания не отправлялись.")
    if missing:
        messages.warning(request, f"Напоминание не отправлено — нет адреса электронной почты: {', '.join(missing)}.")


def _report_page_context(request, campaign, school, report):
    scope = Scope.of(request.user)
    entries = []
    if report:
        entries = list(report.entries.select_related("activity_type", "direction", "planned_activity")
                       .prefetch_related("evidence", "needs", "addressed_needs"))
    history = AuditEvent.objects.filter(object_type="monitoring.schoolreport", object_id=str(report.pk)).select_related("user")[:30] if report else []
    is_open = campaign.is_open  # a closed campaign's reports do not change: no buttons for it
    return {
        "campaign": campaign, "school": school, "report": report, "entries": entries,
        "indicator_values": report.indicator_values.select_related("indicator") if report else [],
        "indicator_changes": report.indicator_changes.select_related("indicator") if report else [],
        "history": history,
        "can_edit": is_open and scope.can_edit_report_of(school) and (report is None or report.is_editable),
        "can_submit": is_open and scope.can_submit_report_of(school) and report is not None and report.is_editable,
        "can_recall": is_open and scope.can_submit_report_of(school) and report is not None and report.status == SchoolReport.Status.SUBMITTED,
        "can_certify": is_open and scope.can_certify_report_of(school) and report is not None and report.status == SchoolReport.Status.SUBMITTED,
        "can_accept": is_open and scope.can_accept_report_of(school) and report is not None and report.status == SchoolReport.Status.CERTIFIED,
        "can_return": is_open and report is not None and (
            (report.status == SchoolReport.Status.SUBMITTED and (scope.can_certify_report_of(school) or scope.can_accept_report_of(school)))
            or (report.status == SchoolReport.Status.CERTIFIED and scope.can_accept_report_of(school))
        ),
    }


@login_required
def report_detail(request, code, school_pk):
    campaign, school, report = get_report_context(request.user, code, school_pk)
    context = _report_page_context(request, campaign, school, report)
    context["title"] = f"Отчёт: {school.short_name}"
    context["return_form"] = ReturnForm(initial={"version": report.version}) if report else None
    return render(request, "monitoring/report_detail.html", context)


def _editable_report(request, code, school_pk):
    """(campaign, school, report) for a person who may fill the report now; the report is opened on first use."""
    campaign, school, report = get_report_context(request.user, code, school_pk)
    if not Scope.of(request.user).can_edit_report_of(school):
        raise PermissionDenied("Заполнять отчёт могут только руководитель и сотрудники школы.")
    if not campaign.is_open:
        raise PermissionDenied(workflow.CAMPAIGN_CLOSED)
    if report is None:
        report = workflow.open_report(campaign, school, request.user)
    return campaign, school, report


def _report_form(report, data=None, files=None) -> ReportForm:
    campaign = report.campaign
    entries = list(report.entries.select_related("activity_type", "planned_activity").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))))
    indicators = list(campaign.indicators.all())
    # Every value of the school for the campaign, also those imported from Excel without the report.
    values = {(v.indicator_id, v.subject): _plain(v.value) for v in IndicatorValue.objects.filter(school=report.school, campaign=campaign)}
    initial = {"version": report.version, "summary": report.summary, **{f"ind{i.pk}": values.get((i.pk, "")) for i in indicators}}
    return ReportForm(data, files, report=report, entries=entries, indicators=indicators, initial=initial)


@login_required
def report_edit(request, code, school_pk):
    campaign, school, report = _editable_report(request, code, school_pk)
    if not report.is_editable:
        messages.info(request, f"Отчёт в состоянии «{report.get_status_display()}» — изменить его нельзя.")
        return redirect("report_detail", campaign.code, school.pk)
    can_submit = Scope.of(request.user).can_submit_report_of(school)
    form = _report_form(report, request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            entry_changes, evidence, indicator_values = form.changes()
            try:
                if "submit" in request.POST and can_submit:
                    workflow.save_and_submit(report, request.user, form.cleaned_data["version"], entry_changes, indicator_values, evidence, form.cleaned_data["summary"])
                    messages.success(request, "Отчёт сохранён и отправлен куратору на заверение.")
                    return redirect("report_detail", campaign.code, school.pk)
                workflow.save_report(report, request.user, form.cleaned_data["version"], entry_changes, indicator_values, evidence, form.cleaned_data["summary"])
                messages.success(request, "Изменения сохранены.")
                return redirect("report_edit", campaign.code, school.pk)
            except workflow.WorkflowError as exc:
                form.add_error(None, str(exc))
        else:
            form = _keep_valid_part(request, report, form)
        form.mark_first_error()
    last = last_period(report, form.entries)
    for entry in form.entries:
        entry.last_period = last.get(entry.pk)
    return render(request, "monitoring/report_form.html", {
        "title": f"Отчёт школы: {school.short_name}", "heading": f"Отчёт школы: {school.short_name}", "campaign": campaign,
        "school": school, "report": report, "form": form, "can_submit": can_submit, "owner_words": "школы",
        "back_url": reverse("report_detail", args=[campaign.code, school.pk]), "submit_label": "Сохранить и отправить куратору",
        "autosave_url": reverse("report_autosave", args=[campaign.code, school.pk]),
    }, status=400 if request.method == "POST" else 200)


def _keep_valid_part(request, report, form: ReportForm) -> ReportForm:
    """A failed save loses nothing: the valid part (fields, new activities, evidence with its files) is saved into
    the draft through the workflow, and the form comes back with the person's input, the errors, and the saved
    files listed as attached. Files cannot be put back into a file input, so keeping them server-side is the way."""
    entry_changes, evidence, indicator_values = form.changes()
    if "version" not in form.cleaned_data:
        form.add_error(None, "Отчёт не сохранён: форма устарела — откройте отчёт заново.")
        return form
    existing = {e.pk for e in form.entries}
    try:
        report = workflow.save_report(report, request.user, form.cleaned_data["version"], entry_changes, indicator_values, evidence,
                                      form.cleaned_data.get("summary"))
    except workflow.WorkflowError as exc:
        form.add_error(None, str(exc))
        return form
    created = list(report.entries.exclude(pk__in=existing).order_by("order", "pk"))
    renamed = {f"new{slot}": f"e{entry.pk}" for slot, entry in zip(form.saved_new_slots, created, strict=False)}
    attached = {f"e{x.entry_pk}" if x.entry_pk else f"new{form.saved_new_slots[x.new_entry_index]}" for x in evidence}
    data, files = _moved(request.POST, renamed, attached), _moved(request.FILES, renamed, attached)
    data["version"] = str(report.version)
    kept = _report_form(report, data, files)
    kept.is_valid()
    kept.add_error(None, "Отчёт сохранён не полностью: исправьте отмеченные поля. Остальное, в том числе приложенные файлы, "
                         "сохранено в черновике.")
    return kept


def _moved(values, renamed: dict[str, str], attached: set[str]):
    """Form data with the saved new activities under their entries' names and the saved evidence slots emptied."""
    moved = MultiValueDict() if not isinstance(values, QueryDict) else QueryDict(mutable=True)
    for key, items in values.lists():
        prefix, dash, rest = key.partition("-")
        if dash and prefix in attached and rest.startswith("ev-"):
            continue
        moved.setlist(f"{renamed.get(prefix, prefix)}-{rest}" if dash else key, items)
    return moved


def last_period(report, entries) -> dict:
    """Entry pk → the same activity in the school's report of the previous campaign (by planned activity, else title)."""
    previous = report.campaign.previous_id and SchoolReport.objects.filter(campaign_id=report.campaign.previous_id, school_id=report.school_id).first()
    if not previous:
        return {}
    before = list(previous.entries.all())
    by_plan = {e.planned_activity_id: e for e in before if e.planned_activity_id}
    by_title = {e.title.strip().casefold(): e for e in before}
    found = {}
    for e in entries:
        match = by_plan.get(e.planned_activity_id) if e.planned_activity_id else None
        match = match or by_title.get(e.title.strip().casefold())
        if match is not None:
            found[e.pk] = match
    return found


@login_required
@require_POST
def report_autosave(request, code, school_pk):
    """The draft saved in the background (static/shnor/shnor.js): the valid fields of the entries, the indicators
    and the summary. New activities and evidence wait for the «Сохранить» button, so nothing is created twice."""
    campaign, school, report = _editable_report(request, code, school_pk)
    if not report.is_editable:
        return JsonResponse({"error": f"Отчёт в состоянии «{report.get_status_display()}» — изменить его нельзя."}, status=409)
    form = _report_form(report, request.POST)
    form.is_valid()
    if "version" not in form.cleaned_data:
        return JsonResponse({"error": "Форма устарела: обновите страницу."}, status=409)
    entry_changes, _, indicator_values = form.changes()
    entry_changes = [replace(c, delete=False) for c in entry_changes if c.pk is not None]
    try:
        report = workflow.save_report(report, request.user, form.cleaned_data["version"], entry_changes, indicator_values, [],
                                      form.cleaned_data.get("summary"))
    except workflow.WorkflowError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    return JsonResponse({"version": report.version, "saved_at": f"{timezone.localtime():%H:%M}", "errors": len(form.errors)})


def _plain(value: Decimal) -> Decimal:
    """38.500 → 38.5 and 12.000 → 12 for the form (the column keeps three decimals)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


ACTIONS = {
    "submit": (workflow.submit, "Отчёт отправлен куратору на заверение."),
    "certify": (workflow.certify, "Отчёт заверен."),
    "accept": (workflow.accept, "Отчёт принят. Теперь он закрыт для изменений."),
    "recall": (workflow.recall, "Отчёт отозван и снова стал черновиком: исправьте его и отправьте куратору ещё раз."),
}


@login_required
@require_POST
def report_action(request, code, school_pk, action):
    campaign, school, report = get_report_context(request.user, code, school_pk)
    if report is None:
        raise Http404("Отчёт ещё не начат")
    if action == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return redirect("report_detail", campaign.code, school.pk)
        per_entry = form.entry_remarks(request.POST)
        step = lambda r, u, v: workflow.return_report(r, u, v, form.cleaned_data["remarks"], per_entry)  # noqa: E731
        done = "Отчёт возвращён школе на доработку."
    elif action in ACTIONS:
        form = ActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Форма устарела: обновите страницу.")
            return redirect("report_detail", campaign.code, school.pk)
        step, done = ACTIONS[action]
    else:
        raise Http404()
    _check_role(request.user, school, action)
    try:
        step(report, request.user, form.cleaned_data["version"])
        messages.success(request, done)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("report_detail", args=[campaign.code, school.pk])  # «//evil.example» is another site, not a path
    return redirect(back)


@login_required
@require_POST
def reports_accept(request):
    """Bulk accept from the coordinator's home page: the ticked certified reports, each through workflow.accept."""
    scope = Scope.of(request.user)
    if not scope.is_coordinator:
        raise PermissionDenied("Принимать отчёты может координатор.")
    seen = {}
    for value in request.POST.getlist("report"):
        pk, _, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            seen[int(pk)] = int(version)
    reports = SchoolReport.objects.visible_to(request.user).filter(pk__in=seen).select_related("school__municipality")
    if not seen:
        messages.error(request, "Отметьте отчёты, которые нужно принять.")
        return redirect("home")
    accepted, refused = workflow.accept_many([(r, seen[r.pk]) for r in reports], request.user)
    missing = len(seen) - len(accepted) - len(refused)
    if accepted:
        messages.success(request, f"Принято: {agree(len(accepted), 'отчёт')}.")
    for reason in refused:
        messages.error(request, f"Не принят — {reason}")
    if missing:
        messages.error(request, f"Не найдено (нет доступа или удалены): {agree(missing, 'отчёт')}.")
    return redirect("home")


def _check_role(user, school, action) -> None:
    """Refuse with 403 before touching the workflow when the user has no role for this action at all."""
    scope = Scope.of(user)
    allowed = {
        "submit": scope.can_submit_report_of(school),
        "certify": scope.can_certify_report_of(school),
        "accept": scope.can_accept_report_of(school),
        "return": scope.can_certify_report_of(school) or scope.can_accept_report_of(school),
        "recall": scope.can_submit_report_of(school),
    }[action]
    if not allowed:
        raise PermissionDenied("У вас нет прав на это действие с отчётом этой школы.")


@login_required
def evidence_file(request, pk):
    evidence = get_evidence_for_user(request.user, pk)
    if not evidence.file:
        raise Http404("У подтверждения нет файла")
    return stored_file_response(evidence.file, evidence.file_name or evidence.file.name.rsplit("/", 1)[-1])


def _evidence_to_change(request, pk) -> tuple[Evidence, str]:
    """(the evidence, the address of its report's form) for a person who may fill that report."""
    evidence = get_evidence_for_user(request.user, pk)
    entry, scope = evidence.entry, Scope.of(request.user)
    if entry.municipal_report_id:
        report = entry.municipal_report
        if not scope.can_edit_municipal_report(report.municipality):
            raise PermissionDenied("Изменять подтверждения может только муниципальный координатор.")
        return evidence, reverse("municipal_report_edit", args=[report.campaign.code, report.municipality_id])
    if not scope.can_edit_report_of(entry.report.school):
        raise PermissionDenied("Изменять подтверждения могут только руководитель и сотрудники школы.")
    return evidence, reverse("report_edit", args=[entry.report.campaign.code, entry.report.school_id])


@login_required
def evidence_edit(request, pk):
    evidence, back = _evidence_to_change(request, pk)
    form = EvidenceForm(request.POST or None, initial={f: getattr(evidence, f) for f in workflow.EVIDENCE_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            workflow.update_evidence(evidence, request.user, **form.cleaned_data)
            messages.success(request, "Подтверждение исправлено.")
            return redirect(back)
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
    return render(request, "monitoring/evidence_form.html", {"title": "Исправить подтверждение", "evidence": evidence, "back_url": back,
                                                             "form": form}, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence, back = _evidence_to_change(request, pk)
    form = ActionForm(request.POST)
    try:
        if not form.is_valid():
            raise workflow.WorkflowError("Форма устарела: обновите страницу.")
        workflow.delete_evidence(evidence, request.user, form.cleaned_data["version"])
        messages.success(request, f"Подтверждение «{evidence.describe()}» удалено.")
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(back)


@login_required
def curator_queue(request):
    scope = Scope.of(request.user)
    school_ids = [m.school_id for m in scope.memberships if m.role == Membership.Role.CURATOR]
    if not school_ids:
        raise PermissionDenied("Очередь на заверение есть только у кураторов.")
    reports = SchoolReport.objects.filter(school_id__in=school_ids).select_related("school", "campaign").order_by("status", "submitted_at")
    waiting = [r for r in reports if r.status == SchoolReport.Status.SUBMITTED]
    others = [r for r in reports if r.status != SchoolReport.Status.SUBMITTED]
    return render(request, "monitoring/curator_queue.html", {"title": "Очередь на заверение", "waiting": waiting, "others": others})


@login_required
def school_detail(request, pk):
    """A school's page: its statuses, current roadmap, reports and what its latest report covers."""
    school = get_school_for_user(request.user, pk)
    reports = list(SchoolReport.objects.filter(school=school).select_related("campaign__framework").order_by("-campaign__period_start"))
    roadmap = school.roadmaps.filter(is_current=True).prefetch_related("activities__activity_type").first()
    gaps = None
    latest = next((r for r in reports if r.is_counted or r.status == SchoolReport.Status.SUBMITTED), None)
    if latest:
        coverage = coverage_for(latest.campaign, include_submitted=True, school_ids=[school.pk])
        gaps = {
            "campaign": latest.campaign,
            "empty_directions": [coverage.direction_row(d.code).name for d in coverage.directions if not coverage.direction_row(d.code).schools],
            "done_types": [r.name for r in coverage.type_rows() if r.schools],
        }
    return render(request, "monitoring/school_detail.html", {
        "title": school.short_name, "school": school, "reports": reports, "roadmap": roadmap,
        "statuses": school.statuses.prefetch_related("risk_profiles"), "gaps": gaps,
        "can_edit_roadmap": Scope.of(request.user).can_edit_roadmap_of(school),
    })


@login_required
def export_table(request, code, table, fmt):
    if table not in exports.TABLES or fmt not in exports.WRITERS:
        raise Http404("Нет такой выгрузки")
    campaign = get_campaign_for_user(request.user, code)
    visible = list(campaign.schools.filter(pk__in=Scope.of(request.user).schools().values("pk")).values_list("pk", flat=True))
    args = (campaign, visible, request.GET.get("submitted") == "1") if table == "coverage" else (campaign, visible)
    title, columns, rows = exports.TABLES[table](*args)
    sheet = Table(f"{campaign.code}-{table}", title, columns, rows, notes=[f"{campaign.title} ({campaign.period_label()})"])
    data = exports.WRITERS[fmt](sheet, zone=timezone.get_current_timezone())
    response = HttpResponse(data, content_type=FORMATS[fmt].content_type)
    response["Content-Disposition"] = f'attachment; filename="{campaign.code}-{table}.{fmt}"'
    return response


# ---------------------------------------------------------------------------------------------------------
# A municipality's own report on its roadmap: the municipal coordinator fills and submits it, the regional
# coordinator certifies, accepts or returns it (workflow.*_municipal)
# ---------------------------------------------------------------------------------------------------------


@login_required
def municipal_report_detail(request, code, municipality_pk):
    campaign, municipality, report = get_municipal_report_context(request.user, code, municipality_pk)
    scope, is_open = Scope.of(request.user), campaign.is_open
    status = report.status if report else None
    fills, certifies = scope.can_edit_municipal_report(municipality), scope.can_certify_municipal_report(municipality)
    S = MunicipalReport.Status
    return render(request, "monitoring/municipal_report_detail.html", {
        "title": f"Отчёт о муниципальной дорожной карте: {municipality.name}", "campaign": campaign, "municipality": municipality,
        "report": report,
        "entries": list(report.entries.select_related("activity_type", "planned_activity").prefetch_related("evidence")) if report else [],
        "planned": [] if report else workflow.municipal_planned_for(campaign, municipality),
        "history": AuditEvent.objects.filter(object_type="monitoring.municipalreport", object_id=str(report.pk)).select_related("user")[:30]
        if report else [],
        "can_edit": is_open and fills and (report is None or report.is_editable),
        "can_submit": is_open and fills and report is not None and report.is_editable,
        "can_recall": is_open and fills and status == S.SUBMITTED,
        "can_certify": is_open and certifies and status == S.SUBMITTED,
        "can_accept": is_open and certifies and status == S.CERTIFIED,
        "can_return": is_open and certifies and status in (S.SUBMITTED, S.CERTIFIED),
        "return_form": ReturnForm(initial={"version": report.version}) if report else None,
    })


def _municipal_report_form(report, data=None, files=None) -> ReportForm:
    entries = list(report.entries.select_related("activity_type", "planned_activity").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))))
    return ReportForm(data, files, report=report, entries=entries, indicators=[],
                      initial={"version": report.version, "summary": report.summary})


@login_required
def municipal_report_edit(request, code, municipality_pk):
    campaign, municipality, report = get_municipal_report_context(request.user, code, municipality_pk)
    if not Scope.of(request.user).can_edit_municipal_report(municipality):
        raise PermissionDenied("Заполнять отчёт о муниципальной дорожной карте может только муниципальный координатор.")
    if not campaign.is_open:
        raise PermissionDenied(workflow.CAMPAIGN_CLOSED)
    detail = reverse("municipal_report_detail", args=[campaign.code, municipality.pk])
    if report is None:
        report = workflow.open_municipal_report(campaign, municipality, request.user)
    if not report.is_editable:
        messages.info(request, f"Отчёт в состоянии «{report.get_status_display()}» — изменить его нельзя.")
        return redirect(detail)
    form = _municipal_report_form(report, request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            entry_changes, evidence, _ = form.changes()
            args = (report, request.user, form.cleaned_data["version"], entry_changes, evidence, form.cleaned_data["summary"])
            try:
                if "submit" in request.POST:
                    workflow.save_and_submit_municipal(*args)
                    messages.success(request, "Отчёт сохранён и отправлен региональному координатору на заверение.")
                    return redirect(detail)
                workflow.save_municipal_report(*args)
                messages.success(request, "Изменения сохранены.")
                return redirect("municipal_report_edit", campaign.code, municipality.pk)
            except workflow.WorkflowError as exc:
                form.add_error(None, str(exc))
        form.mark_first_error()
    heading = f"Отчёт о муниципальной дорожной карте: {municipality.name}"
    return render(request, "monitoring/report_form.html", {
        "title": heading, "heading": heading, "campaign": campaign, "report": report, "form": form, "can_submit": True,
        "owner_words": "муниципалитета", "back_url": detail, "submit_label": "Сохранить и отправить региональному координатору",
    }, status=400 if request.method == "POST" else 200)


MUNICIPAL_ACTIONS = {
    "submit": (workflow.submit_municipal, "Отчёт отправлен региональному координатору на заверение.", "fills"),
    "recall": (workflow.recall_municipal, "Отчёт отозван и снова стал черновиком.", "fills"),
    "certify": (workflow.certify_municipal, "Отчёт заверен.", "certifies"),
    "accept": (workflow.accept_municipal, "Отчёт принят. Теперь он закрыт для изменений.", "certifies"),
}


@login_required
@require_POST
def municipal_report_action(request, code, municipality_pk, action):
    campaign, municipality, report = get_municipal_report_context(request.user, code, municipality_pk)
    if report is None:
        raise Http404("Отчёт ещё не начат")
    detail = reverse("municipal_report_detail", args=[campaign.code, municipality.pk])
    if action == "return":
        form, who = ReturnForm(request.POST), "certifies"
        step = lambda r, u, v: workflow.return_municipal(r, u, v, form.cleaned_data["remarks"])  # noqa: E731
        done = "Отчёт возвращён муниципалитету на доработку."
    elif action in MUNICIPAL_ACTIONS:
        form = ActionForm(request.POST)
        step, done, who = MUNICIPAL_ACTIONS[action]
    else:
        raise Http404()
    scope = Scope.of(request.user)
    allowed = scope.can_edit_municipal_report(municipality) if who == "fills" else scope.can_certify_municipal_report(municipality)
    if not allowed:
        raise PermissionDenied("У вас нет прав на это действие с отчётом этого муниципалитета.")
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs) or "Форма устарела: обновите страницу.")
        return redirect(detail)
    try:
        step(report, request.user, form.cleaned_data["version"])
        messages.success(request, done)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(detail)
