"""The справка workflow: analyse a campaign, keep its findings as the coordinator edits them, issue the
document, and track its issued decisions and recommendations to execution (shnor.actions).

Every state change runs in one transaction and writes an audit event. The pure work (analysis, findings,
charts, rendering) is in shnor.core; this module reads the database and stores the results.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, timedelta

import django_tasks
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shnor import background
from shnor.actions import door as actions_door
from shnor.actions.models import Action
from shnor.audit.log import record
from shnor.core import actions as core_actions
from shnor.core import findings as core_findings
from shnor.core.analysis import Analysis, analyse
from shnor.core.bulk import collector_paused
from shnor.core.render import RENDERERS, charts, content, monitoring, note, planfact
from shnor.core.render import pdf as pdf_renderer
from shnor.core.render.docx import TemplateError, check_template
from shnor.core.render.kinds import FILE_PREFIXES, TEMPLATE_NAMES
from shnor.core.render.pdf import PdfError
from shnor.core.russian import agree
from shnor.core.text import clip
from shnor.monitoring.coverage import municipal_coverage
from shnor.monitoring.models import Campaign
from shnor.plans.maps import framework_maps
from shnor.registry.models import Membership, Region, School
from shnor.routers import primary_reads

from .models import Finding, IssuedReport, SpravkaTemplate
from .records import alongside, campaign_data

EDITABLE_FIELDS = ("text", "addressee", "responsible", "deadline_text", "deadline")
# The PDF of an issued справка or document is made by a task after issuing, never in the request, at any size:
# LibreOffice converts the issued DOCX (shnor.core.render.pdf; a few seconds for 500 schools, minutes for a
# national справка of tens of thousands of pages). The PDF of a draft (not issued) is made in the request only up
# to PDF_INLINE_SCHOOLS.
PDF_INLINE_SCHOOLS = 100

log = logging.getLogger(__name__)


class SpravkaError(Exception):
    """A справка that cannot be made as asked; the message is for the coordinator."""


# ---------------------------------------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------------------------------------


@collector_paused()
def analysis_for(campaign: Campaign, school_ids=None, progress=None) -> Analysis:
    """The campaign's analysis on `school_ids` (all its schools when None), with dynamics against its previous campaign.
    `progress(per cent, step)` is told how far it has gone (a task's progress). Computed every time but for the earlier
    campaigns' facts (shnor.analysis.stored.facts): the pages take it from shnor.analysis.stored, which keeps it until
    what it reads changes. Those facts are read by a second thread (`alongside`) while this one reads the campaign:
    the campaign's reading waits on the database for seconds at national scale, and reading the facts is Python work
    that fills those waits (a national справка computed on the spot: 9.0–9.7 → 7.0–7.3 s)."""
    from . import stored  # stored computes analyses with this module's analysis_for

    say = progress or (lambda share, step: None)
    say(5, "отчёты и показатели кампании")
    maps = framework_maps(campaign.framework)

    def earlier_facts():
        previous = None
        if campaign.previous_id:
            prev = campaign.previous
            prev_maps = maps if prev.framework_id == campaign.framework_id else framework_maps(prev.framework)
            previous = stored.facts(prev, school_ids, prev_maps)
        earlier = year_before(campaign)
        before = stored.facts(earlier, school_ids, framework_maps(earlier.framework)) if earlier else None
        return previous, before

    with alongside(earlier_facts) as facts:
        current = campaign_data(campaign, school_ids, maps=maps)
        say(50, "предыдущая кампания")
        previous, before = facts()
    say(75, "выводы и сравнения")
    return analyse(current, previous, before)


def current_analysis(campaign: Campaign, school_ids=None) -> tuple[Analysis, list | None]:
    """(the analysis, its charts or None): the stored one when its stamp is current — the stamp is read now, so a change
    made a moment ago makes it stale — else computed now (without charts). At national scale this is the difference
    between reading a kept analysis and a minute of work in the request."""
    from . import stored  # stored computes analyses with this module's analysis_for

    kept = stored.ready(campaign, school_ids)
    return (kept.analysis, kept.charts) if kept else (analysis_for(campaign, school_ids), None)


def year_before(campaign: Campaign) -> Campaign | None:
    """The campaign of the same region (and municipality) for the same period a year earlier, give or take a fortnight."""
    start = campaign.period_start
    around = date(start.year - 1, start.month, min(start.day, 28))
    return (Campaign.objects.filter(region_id=campaign.region_id, municipality_id=campaign.municipality_id,
                                    period_start__range=(around - timedelta(days=15), around + timedelta(days=15)))
            .exclude(pk=campaign.pk).select_related("framework").order_by("period_start").first())


def next_campaign(campaign: Campaign) -> Campaign | None:
    return Campaign.objects.filter(previous=campaign).order_by("period_start").first()


# The following campaign continues this one when its period starts within this long after this one's end.
FOLLOWS_WITHIN = timedelta(days=62)


def next_due(campaign: Campaign, following: Campaign | None) -> date | None:
    """When the next period's reports are due, as this campaign's справка states it: the following campaign's due
    date when that campaign directly follows; when it was set up for a later period (the demo's live campaign, moved
    to the day the demo is loaded), its due date's lag after its own period, after the half-year following this one —
    never a date years after the period the справка is about."""
    if following is None:
        return None
    if following.period_start <= campaign.period_end + FOLLOWS_WITHIN:
        return following.due_date
    month = campaign.period_end.month + 6
    year, month = campaign.period_end.year + (month - 1) // 12, (month - 1) % 12 + 1
    half_year_end = date(year, month, calendar.monthrange(year, month)[1])
    return half_year_end + (following.due_date - following.period_end)


def findings_context(campaign: Campaign, author: str = "", level: str = "region") -> core_findings.Context:
    return core_findings.Context(author=author, next_due=next_due(campaign, next_campaign(campaign)), level=level,
                                 centre="ЦНППМ" if level == "region" else "МОЦ")


def default_author(user) -> tuple[str, str]:
    """(«О. Г. Викульева», position) of a coordinator, for the signature line and the decision on individual help."""
    if user is None or not user.is_authenticated:
        return "", ""
    initials = "".join(f"{part[0]}. " for part in user.first_name.split() if part)
    name = f"{initials}{user.last_name}".strip() or user.get_username()
    position = next((m.position for m in user.memberships.all() if m.role == Membership.Role.REGIONAL and m.position), "")
    position = position or next((m.position for m in user.memberships.all() if m.position), "")
    return name, position


def _to_core(row: Finding) -> core_findings.SpravkaItem:
    return core_findings.SpravkaItem(row.kind, row.rule, row.data.get("key", ""), row.text, row.data, row.addressee,
                                 row.responsible, row.deadline_text, row.deadline, row.data.get("school_ids", []))


def _new_row(campaign: Campaign, draft: core_findings.SpravkaItem, order: int, user) -> Finding:
    return Finding(campaign=campaign, kind=draft.kind, rule=draft.rule, text=draft.text, generated_text=draft.text,
                   data={**draft.data, "key": draft.key, "school_ids": draft.school_ids}, addressee=draft.addressee,
                   responsible=draft.responsible, deadline_text=draft.deadline_text, deadline=draft.deadline, order=order,
                   updated_by=user if getattr(user, "is_authenticated", False) else None)


# ---------------------------------------------------------------------------------------------------------
# Findings the coordinator edits
# ---------------------------------------------------------------------------------------------------------


def stored_findings(campaign: Campaign, with_data: bool = True) -> list[Finding]:
    """The campaign's findings in the справка's order; without their `data` (the schools each concerns, thousands of ids
    in a national campaign) when only their text is shown."""
    rows = list(campaign.findings.all() if with_data else campaign.findings.defer("data"))
    return sorted(rows, key=lambda f: (core_findings.KINDS.index(f.kind), f.order, f.pk))


def findings_by_kind(campaign: Campaign) -> list[tuple[str, list[Finding]]]:
    """[(«Выводы», [...]), («Замечания», [...]), …] in the order of the справка, empty kinds left out (for the page: their
    `data` is not read)."""
    rows = stored_findings(campaign, with_data=False)
    groups = [(core_findings.KIND_TITLES[kind], [f for f in rows if f.kind == kind]) for kind in core_findings.KINDS]
    return [(title, items) for title, items in groups if items]


@transaction.atomic
def ensure_findings(campaign: Campaign, user, analysis: Analysis | None = None) -> list[Finding]:
    """The campaign's findings; the first call stores the rules' drafts so that the coordinator can edit them."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # two first visits must not both generate
    rows = stored_findings(campaign)
    if rows:
        return rows
    analysis = analysis or current_analysis(campaign)[0]
    drafts = core_findings.generate(analysis, findings_context(campaign, default_author(user)[0]))
    Finding.objects.bulk_create([_new_row(campaign, d, i, user) for i, d in enumerate(drafts)])
    record(user, "findings.generate", campaign, f"Сформированы выводы и решения по данным: {len(drafts)}", region=campaign.region,
           changes={"count": len(drafts)})
    return stored_findings(campaign)


@transaction.atomic
def regenerate_findings(campaign: Campaign, user) -> tuple[int, int]:
    """Recompute the rules' drafts from the current data. Findings edited, dropped or added by hand stay;
    untouched drafts are replaced. Returns (added, removed)."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    rows = stored_findings(campaign)
    untouched = [r for r in rows if r.rule and not r.is_edited and not r.is_dropped]
    kept = {(r.rule, r.data.get("key", "")) for r in rows if r not in untouched}
    drafts = core_findings.generate(current_analysis(campaign)[0], findings_context(campaign, default_author(user)[0]))
    Finding.objects.filter(pk__in=[r.pk for r in untouched]).delete()
    order = max((r.order for r in rows), default=0) + 1
    new = [_new_row(campaign, d, order + i, user) for i, d in enumerate(drafts) if (d.rule, d.key) not in kept]
    Finding.objects.bulk_create(new)
    record(user, "findings.regenerate", campaign, f"Выводы пересчитаны по данным: заменено {len(untouched)}, добавлено {len(new)}",
           region=campaign.region, changes={"removed": len(untouched), "added": len(new)})
    return len(new), len(untouched)


@transaction.atomic
def edit_finding(finding: Finding, user, **fields) -> Finding:
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    before = {k: getattr(finding, k) for k in EDITABLE_FIELDS}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"not an editable field: {name}")
        setattr(finding, name, value)
    finding.updated_by = user
    finding.save()
    after = {k: getattr(finding, k) for k in EDITABLE_FIELDS}
    from shnor.audit.log import diff

    record(user, "finding.edit", finding, f"Изменён пункт «{finding.get_kind_display()}»: {clip(finding.text, 200)}",
           region=finding.campaign.region, changes=diff(before, after))
    return finding


@transaction.atomic
def set_dropped(finding: Finding, user, dropped: bool) -> Finding:
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    finding.is_dropped = dropped
    finding.updated_by = user
    finding.save(update_fields=["is_dropped", "updated_by", "updated_at"])
    action = "finding.drop" if dropped else "finding.restore"
    verb = "Исключён" if dropped else "Возвращён"
    record(user, action, finding, f"{verb} пункт «{finding.get_kind_display()}»: {clip(finding.text, 200)}", region=finding.campaign.region)
    return finding


@transaction.atomic
def add_finding(campaign: Campaign, user, kind: str, text: str, addressee: str = "", responsible: str = "",
                deadline_text: str = "", deadline: date | None = None) -> Finding:
    if kind not in Finding.Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    order = (campaign.findings.aggregate(m=Max("order"))["m"] or 0) + 1
    finding = Finding.objects.create(campaign=campaign, kind=kind, rule="", text=text, addressee=addressee, responsible=responsible,
                                     deadline_text=deadline_text, deadline=deadline, order=order, updated_by=user)
    record(user, "finding.add", finding, f"Добавлен пункт «{finding.get_kind_display()}»: {clip(text, 200)}", region=campaign.region)
    return finding


# ---------------------------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Prepared:
    analysis: Analysis
    findings: list[core_findings.SpravkaItem]
    spravka: content.Spravka


def previous_items(campaign: Campaign, school_ids=None) -> list[core_actions.Item]:
    """The recommendations and decisions issued for the previous campaign, with their execution as marked; for a part of
    the campaign (`school_ids`), those addressed to these schools, their municipalities and every school of the region."""
    if not campaign.previous_id:
        return []
    items = Action.objects.filter(campaign_id=campaign.previous_id)
    if school_ids is not None:
        items = items.addressed_to(School.objects.filter(pk__in=list(school_ids)))
    return [core_actions.Item(a.kind, a.text, a.addressee, a.deadline_text, a.status, a.deadline, a.is_standing,
                              "; ".join(x for x in (a.note, a.evidence_order) if x))
            for a in items.select_related("region", "municipality").order_by("kind", "deadline", "pk")]


@collector_paused()
def prepare(campaign: Campaign, school_ids=None, *, whole: bool = True, author_name: str = "", author_position: str = "",
            on: date | None = None, analysis: Analysis | None = None, level: str = "region", scope_name: str = "",
            drawn: list | None = None) -> Prepared:
    """The справка's content for the schools a viewer may see. The whole campaign uses the stored (edited)
    findings when there are any; a part of it (a municipal coordinator) gets the rules' findings on that part.
    A municipality's or a school's own справка (`level`, `scope_name`) addresses the bodies of that level. `drawn`: the
    analysis's charts when already drawn (a stored analysis keeps them)."""
    if analysis is None:
        analysis, drawn = current_analysis(campaign, None if whole else school_ids)
    rows = stored_findings(campaign) if whole else []
    if rows:
        found = [_to_core(r) for r in rows if not r.is_dropped]
    else:
        found = core_findings.generate(analysis, findings_context(campaign, author_name, level))
    if whole:
        scope_note = ""
    elif level == "municipality":
        scope_note = f"Справка по муниципалитету: {scope_name}."
    elif level == "school":
        scope_note = f"Справка по образовательной организации: {scope_name}."
    else:
        scope_note = f"Справка составлена по школам, доступным пользователю: {len(analysis.data.schools)} из {campaign.schools.count()}."
    meta = content.Meta(on or timezone.localdate(), author_name, author_position, scope_note,
                        previous_items(campaign, None if whole else school_ids))
    spravka = content.build(analysis, found, meta, charts.draw_charts(analysis) if drawn is None else drawn)
    if level == "region":
        spravka.municipal_roadmaps_lead, spravka.municipal_roadmaps_lines = municipal_roadmaps(campaign, None if whole else school_ids)
    return Prepared(analysis, found, spravka)


def municipal_roadmaps(campaign: Campaign, school_ids=None) -> tuple[str, list[str]]:
    """The справка's «Мероприятия муниципальных дорожных карт»: (the lead, one line per municipality), counted apart
    from the schools; for a part of the region (`school_ids`) its schools' municipalities. ("", []) when none."""
    ids = None if school_ids is None else School.objects.filter(pk__in=school_ids).values("municipality_id")
    rows = municipal_coverage(campaign, municipality_ids=ids)
    if not rows:
        return "", []
    counted = sum(1 for r in rows if r.counted)
    lead = ("Собственные дорожные карты муниципалитетов (мероприятия отделов образования, муниципальных методических центров, "
            f"школ-лидеров) учитываются отдельно от школ. Учтены заверенные и принятые отчёты муниципалитетов: {counted} из {len(rows)}.")
    lines = []
    for r in rows:
        planned = agree(r.planned, "мероприятие")
        if r.counted:
            lines.append(f"{r.municipality.name}: запланировано {planned}, выполнено полностью или частично — {r.done_label}, "
                         f"не выполнено или перенесено — {r.not_done}, проведено вне плана — {r.unplanned}")
        else:
            state = {"not_started": "не начат", "draft": "не отправлен", "returned": "возвращён на доработку"}.get(r.state, "ещё не заверен")
            lines.append(f"{r.municipality.name}: отчёт {state}, запланировано {planned}")
    return lead, content.punctuate(lines)


def region_template(region_id: int, kind: str = "spravka") -> bytes | None:
    """The region's own Word template of a document kind; None when it has none (the kind's default is used)."""
    template = SpravkaTemplate.objects.filter(region_id=region_id, kind=kind).first()
    if template is None:
        return None
    try:
        with template.file.open("rb") as fh:
            return fh.read()
    except FileNotFoundError:
        raise SpravkaError(f"Файл шаблона {TEMPLATE_NAMES[kind]} региона не найден в хранилище. Загрузите шаблон заново или "
                           "удалите его.") from None


@collector_paused()
def render(spravka: content.Spravka, fmt: str, region_id: int | None = None) -> bytes:
    """Render in `fmt`; a region's broken template becomes a SpravkaError with the reason in Russian."""
    template = region_template(region_id) if fmt in ("docx", "pdf") and region_id is not None else None
    try:
        return RENDERERS[fmt](spravka, template)
    except (TemplateError, PdfError) as exc:
        raise SpravkaError(exc.message) from exc


@primary_reads()  # the issued справка must see a certification made a moment ago, never a lagging replica
def issue(campaign: Campaign, user, author_name: str, author_position: str, on: date | None = None) -> IssuedReport:
    """Issue the справка: render the DOCX and keep it with the content; queue its PDF (made from that DOCX, see
    `make_pdf`); track its decisions and recommendations (shnor.actions). The analysis is the stored one when current."""
    analysis, drawn = current_analysis(campaign)
    ensure_findings(campaign, user, analysis)
    prepared = prepare(campaign, author_name=author_name, author_position=author_position, on=on, analysis=analysis, drawn=drawn)
    # Rendered before the transaction: slow, and may fail.
    docx = render(prepared.spravka, "docx", campaign.region_id)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # serialises version numbers
        number = (IssuedReport.regional(campaign).aggregate(m=Max("number"))["m"] or 0) + 1
        issued = IssuedReport(campaign=campaign, number=number, title=f"{prepared.spravka.title} — {campaign.title}",
                              author_name=author_name, author_position=author_position, content=prepared.spravka.as_dict(), created_by=user)
        issued.docx.save(f"spravka-{campaign.code}-v{number}.docx", ContentFile(docx), save=False)
        issued.pdf_status = IssuedReport.PdfStatus.PENDING
        issued.save()
        created, updated, cancelled = _sync_actions(campaign, issued, user)
        record(user, "spravka.issue", issued, f"Выпущена аналитическая справка, версия {number}: {campaign.title}", region=campaign.region,
               changes={"number": number, "actions_created": created, "actions_updated": updated, "actions_cancelled": cancelled})
        transaction.on_commit(lambda: start_pdf(issued.pk))
    return issued


def start_pdf(issued_id: int) -> None:
    """Queue the making of a pending PDF (a task of the worker: LibreOffice takes seconds to minutes)."""
    result = make_pdf.enqueue(issued_id)
    IssuedReport.objects.filter(pk=issued_id).update(pdf_task_id=result.id)


@django_tasks.task()
def make_pdf(issued_id: int) -> bool:
    """The task: make and keep the PDF of an issued справка or document whose PDF is pending, from its issued DOCX;
    True when it made it.

    A failure is kept (the PDF «не удалось сформировать», the reason in the log; the DOCX stays available) and not
    retried automatically: the справка page offers «Повторить»."""
    issued = IssuedReport.objects.select_related("campaign").filter(pk=issued_id, pdf_status=IssuedReport.PdfStatus.PENDING).first()
    if issued is None:
        return False
    try:
        with issued.docx.open("rb") as fh:
            data = pdf_renderer.from_docx(fh.read())
    except Exception:
        log.exception("the PDF of issued справка %s failed", issued_id)
        IssuedReport.objects.filter(pk=issued_id).update(pdf_status=IssuedReport.PdfStatus.FAILED)
        raise
    stem = f"{issued.campaign.code}-v{issued.number}" if issued.scope_key == "region" else f"{issued.campaign.code}-{issued.scope_key}-v{issued.number}"
    issued.pdf.save(f"{FILE_PREFIXES.get(issued.kind, 'spravka')}-{stem}.pdf", ContentFile(data), save=False)
    IssuedReport.objects.filter(pk=issued_id).update(pdf=issued.pdf.name, pdf_status=IssuedReport.PdfStatus.READY)
    return True


def pdf_failed(issued: IssuedReport) -> bool:
    """The PDF could not be made: its task raised, or its worker died (the task stays failed, nobody takes it over)."""
    return (issued.pdf_status == IssuedReport.PdfStatus.FAILED
            or (issued.pdf_status == IssuedReport.PdfStatus.PENDING and background.has_failed(issued.pdf_task_id)))


def retry_pdf(issued: IssuedReport, user) -> None:
    """Make again, by hand, a PDF that could not be made."""
    with transaction.atomic():
        issued = IssuedReport.objects.select_for_update().select_related("campaign").get(pk=issued.pk)
        if not pdf_failed(issued) or not issued.docx:
            raise SpravkaError("PDF этой справки не прерывался: повторять нечего.")
        issued.pdf_status = IssuedReport.PdfStatus.PENDING
        issued.save(update_fields=["pdf_status"])
        record(user, "spravka.pdf_retry", issued, f"Повторное формирование PDF справки, версия {issued.number}: {issued.campaign.title}",
               region=issued.campaign.region)
    start_pdf(issued.pk)


TRACKED = (Finding.Kind.DECISION, Finding.Kind.RECOMMENDATION)


def _sync_actions(campaign: Campaign, issued: IssuedReport, user) -> tuple[int, int, int]:
    """Each decision and recommendation of the справка is one tracked record; re-issuing updates the open ones and
    cancels those of dropped items. Returns (created, updated, cancelled)."""
    created = updated = cancelled = 0
    source = f"аналитическая справка «{campaign.title}», версия {issued.number}"
    for f in stored_findings(campaign):
        if f.kind not in TRACKED:
            continue
        if f.is_dropped:
            if f.action_id and actions_door.cancel(f.action, user, f"исключено из справки (версия {issued.number})"):
                cancelled += 1
            continue
        fields = {"text": f.text, "addressee_text": f.addressee if f.kind == Finding.Kind.RECOMMENDATION else f.responsible,
                  "deadline_text": f.deadline_text, "deadline": f.deadline, "municipality": campaign.municipality,
                  "school_ids": f.data.get("school_ids", []), "context": campaign.period_end,
                  "source": f"{source}: {'по правилу' if f.rule else 'добавлено координатором'}"}
        if f.action_id is None:
            action = actions_door.create(user, kind=f.kind, region=campaign.region, campaign=campaign, **fields)
            Finding.objects.filter(pk=f.pk).update(action=action)
            created += 1
        elif actions_door.update(f.action, user, **fields):
            updated += 1
    return created, updated, cancelled


# ---------------------------------------------------------------------------------------------------------
# The region's template, tasks
# ---------------------------------------------------------------------------------------------------------


KIND_RENDERERS = {"plan-vs-actual": planfact.RENDERERS, "note": note.RENDERERS, "monitoring": monitoring.RENDERERS}


def set_region_template(region: Region, user, data: bytes, file_name: str, sample, kind: str = "spravka") -> SpravkaTemplate:
    """Accept a region's Word template of a document kind only when it fills without errors with `sample` (that
    kind's content; TemplateError otherwise)."""
    if kind == "spravka":
        check_template(data, sample)
    else:
        KIND_RENDERERS[kind]["docx"](sample, data)
    with transaction.atomic():
        template, _ = SpravkaTemplate.objects.select_for_update().get_or_create(region=region, kind=kind, defaults={"file_name": file_name})
        if template.file:
            template.file.delete(save=False)
        template.file.save(f"{FILE_PREFIXES[kind]}-template-{region.code}.docx", ContentFile(data), save=False)
        template.file_name, template.uploaded_by = file_name, user
        template.save()
        record(user, "spravka.template", template, f"Загружен шаблон {TEMPLATE_NAMES[kind]} региона: {file_name}", region=region,
               changes={"kind": kind})
    return template


@transaction.atomic
def remove_region_template(region: Region, user, kind: str = "spravka") -> bool:
    template = SpravkaTemplate.objects.select_for_update().filter(region=region, kind=kind).first()
    if template is None:
        return False
    record(user, "spravka.template_remove", template, f"Удалён шаблон {TEMPLATE_NAMES[kind]} региона: {template.file_name}", region=region,
           changes={"kind": kind})
    template.file.delete(save=False)
    template.delete()
    return True
