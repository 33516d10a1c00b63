from __future__ import annotations

from dataclasses import replace

from csp.constants import UNSAFE_INLINE
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shnor.core.render import CONTENT_TYPES, html
from shnor.core.render.build_template import VARIABLES
from shnor.core.render.docx import TemplateError
from shnor.core.render.kinds import FILE_PREFIXES, TEMPLATE_NAMES, default_template
from shnor.core.russian import agree
from shnor.monitoring.access import get_campaign_for_user
from shnor.monitoring.models import Campaign, SchoolReport
from shnor.monitoring.stamps import ids_key
from shnor.uploads import stored_file_response

from . import bundles, documents, stored
from . import dashboard as dashboard_model
from . import spravka as spravka_workflow
from .access import (
    can_view_analysis,
    coordinates,
    get_analysis_access,
    get_editable_campaign,
    get_issued_for_user,
    require_analyst,
)
from .forms import DashboardFilter, FindingForm, IssueForm, NewFindingForm, TemplateForm
from .models import DocumentBundle, Finding, IssuedReport, SpravkaTemplate

PREVIEW_ROWS = 30  # the preview's long lists (the schools, the appendix) show this many rows; the rest page by page below
LIST_PAGE = 100
FINDINGS_PAGE = 50  # findings in the editor per page (a national campaign has thousands: one per municipality and more)


@login_required
def spravka(request, code):
    return _spravka_page(request, code)


def _spravka_page(request, code, *, issue_form: IssueForm | None = None, new_form: NewFindingForm | None = None,
                  edited: tuple[Finding, FindingForm] | None = None):
    """The справка page; after a failed issue, a failed new point or a failed edit of a point (`edited`: the point and
    its form), with that form as it was sent and its errors."""
    access = get_analysis_access(request.user, code)
    campaign = access.campaign
    if access.can_edit and not campaign.findings.exists():
        # The first visit stores the rules' drafts from the stored analysis (the page shows the same one).
        got = stored.get(campaign, _analysed(access))
        if isinstance(got, stored.Pending):
            return _analysis_pending(request, campaign, got, "Аналитическая справка")
        spravka_workflow.ensure_findings(campaign, request.user, got.analysis if access.whole else None)
    name, position = spravka_workflow.default_author(request.user)
    last = IssuedReport.regional(campaign).first()
    initial = {"author_name": last.author_name if last else name, "author_position": last.author_position if last else position}
    preview = _preview(campaign, access, initial)
    if isinstance(preview, stored.Pending):
        return _analysis_pending(request, campaign, preview, "Аналитическая справка")
    fragment, counts = preview
    lists = _preview_lists(campaign, access, initial) if any(name in request.GET for name in counts) else {}
    issued = list(IssuedReport.regional(campaign).select_related("created_by")) if access.whole else []
    for r in issued:
        r.pdf_failed = spravka_workflow.pdf_failed(r)
    return render(request, "analysis/spravka.html", {
        "title": f"Аналитическая справка: {campaign.title}", "campaign": campaign, "access": access,
        "preview": fragment, "preview_css": html.CSS,
        "long_lists": [lst for lst in (_long_list(request, "schools", "Список образовательных организаций", counts, lists),
                                       _long_list(request, "appendix", "Приложение: образовательные организации к выводам, замечаниям и рекомендациям",
                                                  counts, lists)) if lst],
        **(_findings_page(request, campaign, edited) if access.can_edit else {"groups": []}),
        "kinds": Finding.Kind.choices, "issue_form": issue_form or IssueForm(initial=initial), "new_form": new_form or NewFindingForm(),
        "issued": issued,
        "template": SpravkaTemplate.objects.filter(region_id=campaign.region_id, kind="spravka").first(), "template_form": TemplateForm(),
        "variables": VARIABLES,
    })


def _preview_key(campaign, access, author: dict) -> tuple[str, str]:
    edited = campaign.findings.aggregate(n=Count("pk"), top=Max("pk"), last=Max("updated_at"))
    current = f"{stored.stamp(campaign)}|{edited['n']}:{edited['top']}:{edited['last']}"
    return f"preview-v2:{campaign.pk}:{ids_key(_analysed(access))}:{ids_key([author['author_name'], author['author_position']])}", current


def _preview_lists(campaign, access, author: dict) -> dict:
    """The preview's long lists in full ({"schools": [...], "appendix": [...]}), read only when a page of them is asked for."""
    key, current = _preview_key(campaign, access, author)
    return stored.load(f"{key}:lists", current) or {}


def _preview(campaign, access, author: dict):
    """(the preview's HTML with the long lists shortened, the lists' lengths), kept under the analysis's stamp, the
    findings as edited and the author (the lists themselves apart); a Pending while a task computes a large analysis."""
    key, current = _preview_key(campaign, access, author)
    found = stored.load(key, current)
    if found is not None:
        return found
    got = stored.get(campaign, _analysed(access))
    if isinstance(got, stored.Pending):
        return got
    document = spravka_workflow.prepare(campaign, access.school_ids, whole=access.whole, analysis=got.analysis, drawn=got.charts,
                                        **author).spravka
    shortened = replace(document, schools=document.schools[:PREVIEW_ROWS], appendix=document.appendix[:PREVIEW_ROWS])
    found = (html.render_fragment(shortened), {"schools": len(document.schools), "appendix": len(document.appendix)})
    stored.keep(f"{key}:lists", campaign, current, {"schools": document.schools, "appendix": document.appendix})
    stored.keep(key, campaign, current, found)
    return found


@login_required
@require_POST
def analysis_retry(request, code):
    """Start again the analysis whose task failed (of the schools this user sees)."""
    access = get_analysis_access(request.user, code)
    stored.retry(access.campaign, None if access.whole else access.school_ids)
    messages.success(request, "Расчёт запущен заново.")
    return redirect(_spravka_url(access.campaign))


def _long_list(request, name: str, title: str, counts: dict, lists: dict) -> dict | None:
    """A list of the справка longer than the preview shows: collapsed, its pages read when asked for (?schools=2)."""
    if counts.get(name, 0) <= PREVIEW_ROWS:
        return None
    page = Paginator(lists[name], LIST_PAGE).get_page(request.GET.get(name)) if name in lists else None

    def at(number: int) -> str:  # the page's other pagers keep their places
        params = request.GET.copy()
        params[name] = str(number)
        return f"?{params.urlencode()}#list-{name}"

    return {"name": name, "title": title, "page": page, "total": counts[name], "shown": PREVIEW_ROWS, "open": page is not None,
            "appendix": name == "appendix", "first": at(1),
            "previous": at(page.previous_page_number()) if page and page.has_previous() else "",
            "next": at(page.next_page_number()) if page and page.has_next() else ""}


def _findings_in_order(campaign) -> list[tuple[str, Finding]]:
    return [(title, f) for title, group in spravka_workflow.findings_by_kind(campaign) for f in group]


def _findings_page(request, campaign, edited: tuple[Finding, FindingForm] | None = None) -> dict:
    """The findings editor, FINDINGS_PAGE findings a page (?findings=2), grouped by kind as the справка orders them.
    `edited`: a point whose edit was refused, shown on its page, open, with what was typed and the errors."""
    ordered = _findings_in_order(campaign)
    number = _finding_page_number(ordered, edited[0]) if edited else request.GET.get("findings")
    page = Paginator(ordered, FINDINGS_PAGE).get_page(number)
    groups: list[tuple[str, list[Finding]]] = []
    for title, finding in page:
        if not groups or groups[-1][0] != title:
            groups.append((title, []))
        if edited and finding.pk == edited[0].pk:  # shown as typed, never saved from here
            form = edited[1]
            for name in spravka_workflow.EDITABLE_FIELDS:
                setattr(finding, name, form.data.get(name, getattr(finding, name)))
            finding.form_errors = [e for errs in form.errors.values() for e in errs]
        groups[-1][1].append(finding)
    return {"groups": groups, "findings_page": page}


def _finding_page_number(ordered: list[tuple[str, Finding]], finding: Finding) -> int:
    ids = [f.pk for _, f in ordered]
    return ids.index(finding.pk) // FINDINGS_PAGE + 1 if finding.pk in ids else 1


def _finding_url(campaign, finding: Finding) -> str:
    """The справка page at the editor's page that holds the finding, scrolled to it."""
    number = _finding_page_number(_findings_in_order(campaign), finding)
    return f"{_spravka_url(campaign)}{f'?findings={number}' if number > 1 else ''}#finding-{finding.pk}"


def _analysis_pending(request, campaign, pending, what: str):
    """The analysis of a large campaign is being computed by a task: its progress, and the page reloads itself."""
    return render(request, "analysis/analysis_pending.html", {
        "title": f"{what}: {campaign.title}", "what": what, "campaign": campaign, "pending": pending,
    })


def _finding_for_edit(request, code, pk) -> tuple[Campaign, Finding]:
    campaign = get_editable_campaign(request.user, code)
    return campaign, get_object_or_404(Finding, campaign=campaign, pk=pk)


@login_required
@require_POST
def finding_edit(request, code, pk):
    campaign, finding = _finding_for_edit(request, code, pk)
    form = FindingForm(request.POST, schools_total=campaign.schools.count())
    if not form.is_valid():
        messages.error(request, "Пункт не сохранён: " + " ".join(e for errs in form.errors.values() for e in errs))
        return _spravka_page(request, code, edited=(finding, form))  # the point open, as typed, with the errors
    spravka_workflow.edit_finding(finding, request.user, **{k: form.cleaned_data[k] for k in spravka_workflow.EDITABLE_FIELDS})
    messages.success(request, "Пункт справки сохранён.")
    return redirect(_finding_url(campaign, finding))


@login_required
@require_POST
def finding_drop(request, code, pk):
    campaign, finding = _finding_for_edit(request, code, pk)
    spravka_workflow.set_dropped(finding, request.user, not finding.is_dropped)
    messages.success(request, "Пункт исключён из справки." if not finding.is_dropped else "Пункт возвращён в справку.")
    return redirect(_finding_url(campaign, finding))


@login_required
@require_POST
def finding_add(request, code):
    campaign = get_editable_campaign(request.user, code)
    form = NewFindingForm(request.POST, schools_total=campaign.schools.count())
    if not form.is_valid():  # the page again, with what was typed and the errors beside the fields
        messages.error(request, "Пункт не добавлен: " + " ".join(e for errs in form.errors.values() for e in errs))
        return _spravka_page(request, code, new_form=form)
    spravka_workflow.ensure_findings(campaign, request.user)
    data = form.cleaned_data
    spravka_workflow.add_finding(campaign, request.user, data["kind"], data["text"], data["addressee"], data["responsible"], data["deadline_text"], data["deadline"])
    messages.success(request, "Пункт добавлен в справку.")
    return redirect(_spravka_url(campaign) + "#findings")


@login_required
@require_POST
def findings_regenerate(request, code):
    campaign = get_editable_campaign(request.user, code)
    added, removed = spravka_workflow.regenerate_findings(campaign, request.user)
    messages.success(request, f"Выводы пересчитаны по данным: добавлено {added}, заменено {removed}. Изменённые вручную пункты сохранены.")
    return redirect(_spravka_url(campaign) + "#findings")


@login_required
@require_POST
def spravka_issue(request, code):
    campaign = get_editable_campaign(request.user, code)
    form = IssueForm(request.POST)
    if not form.is_valid():  # the page again, with what was typed and the errors beside the fields
        messages.error(request, "Справка не выпущена: " + " ".join(
            f"{form.fields[name].label} — {e[0].rstrip('.').lower()}." if name in form.fields else e[0] for name, e in form.errors.items()))
        return _spravka_page(request, code, issue_form=form)
    try:
        issued = spravka_workflow.issue(campaign, request.user, form.cleaned_data["author_name"], form.cleaned_data["author_position"],
                                form.cleaned_data["date"])
    except spravka_workflow.SpravkaError as exc:
        messages.error(request, f"Справка не выпущена. {exc}")
        return redirect(_spravka_url(campaign) + "#issue")
    pdf_note = " PDF готовится и появится в списке выпущенных справок через несколько минут." if issued.pdf_status == IssuedReport.PdfStatus.PENDING else ""
    messages.success(request, f"Справка выпущена (версия {issued.number}). Управленческие решения переданы в поручения.{pdf_note}")
    return redirect(_spravka_url(campaign) + "#issued")


@login_required
def spravka_download(request, code, fmt):
    """The справка as it stands now (not issued), for the schools this user may see."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Нет такого формата")
    access = get_analysis_access(request.user, code)
    if fmt == "pdf" and len(access.school_ids) > spravka_workflow.PDF_INLINE_SCHOOLS:
        # weasyprint would take minutes here (and gigabytes for a national campaign): not in a request.
        messages.info(request, f"PDF проекта справки на лету не формируется: в ней {agree(len(access.school_ids), 'школа')}. Скачайте DOCX или HTML; "
                               "PDF выпущенной справки готовится в фоне и появляется в списке выпущенных.")
        return redirect(_spravka_url(access.campaign))
    name, position = spravka_workflow.default_author(request.user)
    got = stored.get(access.campaign, None if access.whole else access.school_ids, inline=True)
    prepared = spravka_workflow.prepare(access.campaign, access.school_ids, whole=access.whole, author_name=name, author_position=position,
                                        analysis=got.analysis, drawn=got.charts)
    try:
        data = spravka_workflow.render(prepared.spravka, fmt, access.campaign.region_id)
    except spravka_workflow.SpravkaError as exc:
        messages.error(request, str(exc))
        return redirect(_spravka_url(access.campaign))
    return _attachment(data, fmt, f"spravka-{access.campaign.code}-proekt.{fmt}")


@login_required
def issued_file(request, code, pk, fmt):
    issued = get_issued_for_user(request.user, code, pk)
    if fmt == "pdf" and issued.pdf_status != IssuedReport.PdfStatus.READY:
        return _pdf_not_ready(request, issued)
    field = {"docx": issued.docx, "pdf": issued.pdf}.get(fmt)
    if not field:
        raise Http404("Такого файла у справки нет")
    return stored_file_response(field, f"spravka-{issued.campaign.code}-v{issued.number}.{fmt}", content_type=CONTENT_TYPES[fmt])


def _pdf_not_ready(request, issued: IssuedReport):
    """Why there is no PDF yet (being made, failed, or none for so many schools); back to the list."""
    if spravka_workflow.pdf_failed(issued):
        messages.error(request, f"PDF справки (версия {issued.number}) сформировать не удалось. Нажмите «Повторить» в списке выпущенных справок "
                                "или скачайте DOCX и сохраните его в PDF из Word.")
    elif issued.pdf_status == IssuedReport.PdfStatus.PENDING:
        messages.info(request, f"PDF справки (версия {issued.number}) готовится: обновите страницу через несколько минут. DOCX можно скачать сразу.")
    else:
        messages.info(request, f"PDF справки (версия {issued.number}) не формировался: она выпущена, когда для больших справок PDF не делался. "
                               "Скачайте DOCX или выпустите справку заново.")
    return redirect(_spravka_url(issued.campaign) + "#issued")


@login_required
@require_POST
def issued_pdf_retry(request, code, pk):
    campaign = get_editable_campaign(request.user, code)
    issued = get_issued_for_user(request.user, campaign.code, pk)
    try:
        spravka_workflow.retry_pdf(issued, request.user)
        messages.success(request, f"PDF справки (версия {issued.number}) готовится заново.")
    except spravka_workflow.SpravkaError as exc:
        messages.error(request, str(exc))
    return redirect(_spravka_url(campaign) + "#issued")


@login_required
@require_POST
def spravka_template(request, code):
    campaign = get_editable_campaign(request.user, code)
    if request.POST.get("remove"):
        removed = spravka_workflow.remove_region_template(campaign.region, request.user)
        messages.success(request, "Шаблон региона удалён: используется шаблон по умолчанию." if removed else "Шаблон региона не был загружен.")
        return redirect(_spravka_url(campaign) + "#template")
    form = TemplateForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Шаблон не загружен: " + " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(_spravka_url(campaign) + "#template")
    sample = spravka_workflow.prepare(campaign).spravka
    try:
        spravka_workflow.set_region_template(campaign.region, request.user, form.cleaned_data["file"].read(), form.cleaned_data["file"].name, sample)
    except TemplateError as exc:
        messages.error(request, f"Шаблон не принят. {exc.message}")
        return redirect(_spravka_url(campaign) + "#template")
    messages.success(request, "Шаблон справки региона загружен и проверен.")
    return redirect(_spravka_url(campaign) + "#template")


@login_required
def dashboard(request):
    scope = require_analyst(request.user)
    campaigns = list(Campaign.objects.visible_to(request.user).select_related("region", "framework", "previous"))
    code = request.GET.get("campaign") or _latest_with_data(campaigns)
    if code is None:
        return render(request, "analysis/dashboard.html", {"title": "Аналитика", "board": None})
    access = get_analysis_access(request.user, code)  # 404 for a campaign outside the user's scope
    board = dashboard_model.build(access.campaign, _analysed(access), request.GET.get("municipality", ""), request.GET.get("direction", ""))
    if isinstance(board, stored.Pending):
        return _analysis_pending(request, access.campaign, board, "Аналитика")
    municipalities = dashboard_model.municipality_names(access.campaign, access.school_ids)
    form = DashboardFilter(request.GET or None, campaigns=campaigns, municipalities=municipalities, directions=board.analysis.data.directions)
    return render(request, "analysis/dashboard.html", {"title": f"Аналитика: {access.campaign.title}", "board": board, "form": form,
                                                       "access": access, "is_regional": scope.is_regional})


def _analysed(access):
    """The schools an analysis is made of: None for all the campaign's (one stored analysis serves every such viewer)."""
    return None if access.whole else access.school_ids


def _latest_with_data(campaigns: list[Campaign]) -> str | None:
    """The newest campaign with a certified or accepted report (a just-opened campaign has nothing to show yet)."""
    with_data = set(SchoolReport.objects.counted().filter(campaign__in=campaigns).values_list("campaign_id", flat=True).distinct())
    chosen = next((c for c in campaigns if c.pk in with_data), campaigns[0] if campaigns else None)
    return chosen.code if chosen else None


@login_required
def dashboard_schools(request, code):
    """Drill-down from a number of the dashboard: the schools (and their entries) behind it."""
    access = get_analysis_access(request.user, code)
    if request.GET.get("need"):
        drill = dashboard_model.need_drill(access.campaign, _analysed(access), request.GET["need"], request.GET.get("which", "schools"))
        if drill is None:
            raise Http404("Такой строки в таблице диагностики нет")
        return render(request, "analysis/dashboard_schools.html", {"title": f"{drill.label}: школы", "campaign": access.campaign, "drill": drill})
    if request.GET.get("worked"):
        worked = dashboard_model.worked_drill(access.campaign, _analysed(access), request.GET["worked"], request.GET.get("indicator", ""),
                                              request.GET.get("which", "did"), request.GET.get("municipality", ""))
        if worked is None:
            raise Http404("Такой строки в таблице «Что сработало» нет")
        return render(request, "analysis/worked_schools.html", {"title": f"{worked.label}: школы", "campaign": access.campaign, "drill": worked})
    drill = dashboard_model.drill_down(access.campaign, _analysed(access), municipality=request.GET.get("municipality", ""),
                                       direction=request.GET.get("direction", ""), type_code=request.GET.get("type", ""),
                                       missing=request.GET.get("missing") == "1")
    return render(request, "analysis/dashboard_schools.html", {"title": f"{drill.label}: школы", "campaign": access.campaign, "drill": drill})


@login_required
def document_list(request, code):
    """The documents of a campaign this user may make: for the region, their municipalities and their schools; for
    coordinators and observers the region's Word templates of every kind (its coordinators replace them)."""
    campaign = get_campaign_for_user(request.user, code)
    templates = None
    if can_view_analysis(request.user):
        own = {t.kind: t for t in SpravkaTemplate.objects.filter(region_id=campaign.region_id)}
        templates = [(kind, label, TEMPLATE_NAMES[kind], own.get(kind)) for kind, label in documents.KINDS.items()]
    return render(request, "analysis/documents.html", {
        "title": f"Документы — {campaign.title}", "campaign": campaign, "kinds": documents.KINDS, "school_less": documents.NOT_FOR_SCHOOL,
        "own_kinds": documents.OWN_KINDS,
        "rows": [(t, t.can_issue(request.user), list(t.issued())) for t in documents.targets_for(campaign, request.user)],
        "templates": templates, "can_edit_templates": templates is not None and coordinates(request.user, campaign),
        "bundle_targets": [t for t in documents.targets_for(campaign, request.user) if t.level != "school" and not t.own and t.can_issue(request.user)],
        "bundles": bundles.visible_bundles(campaign, request.user),
    })


@login_required
@require_POST
def document_bundle_start(request, code):
    """Order the ZIP of the plan-vs-actual reports of every school of the region or a municipality (POST municipality=)."""
    campaign = get_campaign_for_user(request.user, code)
    target = documents.target_by_ids(campaign, "", request.POST.get("municipality", ""))
    if target is None or not target.allowed(request.user):
        raise Http404("Нет такого документа")
    if not target.can_issue(request.user):
        raise PermissionDenied("Архив отчётов собирает координатор муниципалитета или региональный координатор.")
    try:
        bundle = bundles.start(target, request.user)
    except bundles.BundleError as exc:
        messages.error(request, f"Архив не заказан. {exc}")
        return redirect(reverse("document_list", args=[campaign.code]) + "#bundles")
    messages.success(request, f"Архив отчётов ({target.name}, {agree(bundle.total, 'школа')}) собирается. Ход сборки показан ниже.")
    return redirect(reverse("document_list", args=[campaign.code]) + "#bundles")


def _bundle_of(request, campaign, pk) -> DocumentBundle | None:
    """The campaign's bundle `pk` if the user may see it; None when there is none (replaced by a newer one)."""
    bundle = DocumentBundle.objects.filter(campaign=campaign, pk=pk).select_related("municipality", "campaign__region").first()
    if bundle is not None and not bundles.target_of(bundle).allowed(request.user):
        raise Http404("Архив не найден")
    return bundle


def _bundle_for_user(request, code, pk) -> DocumentBundle:
    bundle = _bundle_of(request, get_campaign_for_user(request.user, code), pk)
    if bundle is None:
        raise Http404("Архив не найден")
    return bundle


@login_required
def document_bundle_progress(request, code, pk):
    """How far the ZIP is (the page polls it)."""
    bundle = _bundle_for_user(request, code, pk)
    return JsonResponse({"status": bundle.status, "done": not bundle.is_running, "schools_done": bundle.done, "schools_total": bundle.total,
                         "percent": bundle.percent, "text": f"Готово отчётов: {bundle.done} из {bundle.total}"})


@login_required
def document_bundle_file(request, code, pk):
    campaign = get_campaign_for_user(request.user, code)
    bundle = _bundle_of(request, campaign, pk)
    if bundle is None:  # replaced by a newer one (bundles._drop_superseded)
        messages.info(request, "Этого архива больше нет: его заменил архив, собранный позже. Скачайте новый в списке архивов.")
        return redirect(reverse("document_list", args=[campaign.code]) + "#bundles")
    if bundle.status != DocumentBundle.Status.READY or not bundle.file:
        messages.info(request, f"Архив ещё не готов: {bundle.get_status_display()}.")
        return redirect(reverse("document_list", args=[bundle.campaign.code]) + "#bundles")
    return stored_file_response(bundle.file, bundle.file.name.rsplit("/", 1)[-1], content_type="application/zip")


@login_required
def document_template_file(request, code, kind):
    """The Word template of a kind the region's documents are made with: its own, or the default one to start from."""
    if kind not in documents.KINDS:
        raise Http404("Нет такого документа")
    campaign = get_analysis_access(request.user, code).campaign
    own = SpravkaTemplate.objects.filter(region_id=campaign.region_id, kind=kind).first()
    name = f"{FILE_PREFIXES[kind]}-shablon-{campaign.region.code}.docx" if own else f"{FILE_PREFIXES[kind]}-shablon.docx"
    if own:
        return stored_file_response(own.file, name, content_type=CONTENT_TYPES["docx"])
    return _attachment(default_template(kind), "docx", name)


@login_required
@require_POST
def document_template(request, code, kind):
    """Upload (checked by filling it) or remove the region's own Word template of a kind; for the campaign's coordinators."""
    if kind not in documents.KINDS:
        raise Http404("Нет такого документа")
    campaign = get_editable_campaign(request.user, code)
    back = redirect(reverse("document_list", args=[campaign.code]) + "#templates")
    what = TEMPLATE_NAMES[kind]
    if request.POST.get("remove"):
        removed = spravka_workflow.remove_region_template(campaign.region, request.user, kind)
        messages.success(request, f"Шаблон {what} региона удалён: используется шаблон по умолчанию." if removed
                         else f"Шаблон {what} региона не был загружен.")
        return back
    form = TemplateForm(request.POST, request.FILES, what=what)
    if not form.is_valid():
        messages.error(request, f"Шаблон {what} не загружен: " + " ".join(e for errs in form.errors.values() for e in errs))
        return back
    try:
        sample = documents.sample(documents.Target(campaign), kind)
        spravka_workflow.set_region_template(campaign.region, request.user, form.cleaned_data["file"].read(),
                                             form.cleaned_data["file"].name, sample, kind)
    except TemplateError as exc:
        messages.error(request, f"Шаблон {what} не принят. {exc.message}")
        return back
    except documents.DocumentError as exc:
        messages.error(request, f"Шаблон {what} не принят. {exc}")
        return back
    messages.success(request, f"Шаблон {what} региона загружен и проверен.")
    return back


@login_required
def document_download(request, code, kind, fmt):
    """A document (kind) for the region, a municipality (?municipality=) or a school (?school=), made now."""
    if kind not in documents.KINDS or fmt not in documents.FORMATS:
        raise Http404("Нет такого документа")
    campaign = get_campaign_for_user(request.user, code)
    target = documents.target_by_ids(campaign, request.GET.get("school", ""), request.GET.get("municipality", ""), request.GET.get("own", ""))
    if target is None or not target.allowed(request.user) or (target.school and kind in documents.NOT_FOR_SCHOOL):
        raise Http404("Нет такого документа")
    if fmt == "pdf" and target.schools().count() > spravka_workflow.PDF_INLINE_SCHOOLS:
        messages.info(request, "PDF такого большого документа на лету не формируется: скачайте DOCX или HTML.")
        return redirect("document_list", campaign.code)
    name, position = spravka_workflow.default_author(request.user)
    try:
        data = documents.make(target, kind, fmt, author_name=name, author_position=position)
    except documents.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("document_list", campaign.code)
    return _attachment(data, fmt, target.file_name(kind, fmt))


@login_required
@require_POST
def document_issue(request, code, kind):
    """Issue a document of a scope (POST school= or municipality=) as its next version; for the scope's owner."""
    if kind not in documents.KINDS:
        raise Http404("Нет такого документа")
    campaign = get_campaign_for_user(request.user, code)
    target = documents.target_by_ids(campaign, request.POST.get("school", ""), request.POST.get("municipality", ""), request.POST.get("own", ""))
    if target is None or not target.allowed(request.user) or (target.school and kind in documents.NOT_FOR_SCHOOL):
        raise Http404("Нет такого документа")
    if not target.can_issue(request.user):
        raise PermissionDenied("Выпустить этот документ может руководитель школы, координатор муниципалитета или региональный координатор.")
    name, position = spravka_workflow.default_author(request.user)
    try:
        issued = documents.issue(target, kind, request.user, name, position)
    except (documents.DocumentError, spravka_workflow.SpravkaError) as exc:
        messages.error(request, f"Документ не выпущен. {exc}")
        return redirect("document_list", campaign.code)
    messages.success(request, f"Выпущен документ «{documents.KINDS[kind]}» ({target.name}), версия {issued.number}. PDF появится через несколько минут.")
    return redirect("document_list", campaign.code)


@login_required
def document_issued_file(request, code, pk, fmt):
    """A file of an issued document, for whoever may make the document of its scope."""
    campaign = get_campaign_for_user(request.user, code)
    issued = IssuedReport.objects.filter(campaign=campaign, pk=pk).select_related("school", "municipality").first()
    target = documents.target_of_issued(issued) if issued else None
    if target is None or not target.allowed(request.user) or fmt not in ("docx", "pdf"):
        raise Http404("Документ не найден")
    if fmt == "pdf" and issued.pdf_status != IssuedReport.PdfStatus.READY:
        messages.info(request, f"PDF документа: {issued.get_pdf_status_display()}. Скачайте DOCX.")
        return redirect("document_list", campaign.code)
    return stored_file_response(issued.docx if fmt == "docx" else issued.pdf, target.file_name(issued.kind, fmt, issued.number),
                                content_type=CONTENT_TYPES[fmt])


def _spravka_url(campaign) -> str:
    from django.urls import reverse

    return reverse("spravka", args=[campaign.code])


def _attachment(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if fmt == "html":
        # A stand-alone document opened in the browser: its styles are inside it (no scripts; they stay forbidden).
        response._csp_update = {"style-src": [UNSAFE_INLINE]}
    return response
