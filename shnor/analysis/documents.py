"""The documents beyond the regional справка, read from the database: kinds, scopes and the plan-vs-actual report.

A document is made for a campaign and a scope — the campaign's region, one municipality or one school — and one
kind: `spravka` (the аналитическая справка, made by spravka.py) or `plan-vs-actual` (the roadmap report, content
and layout in shnor.core.render.planfact). `make` renders either to DOCX, HTML or PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Avg, Count, Max, Q
from django.utils import timezone

from shnor.actions import door as actions_door
from shnor.actions.models import Action
from shnor.audit.log import record
from shnor.core import actions as core_actions
from shnor.core import findings as core_findings
from shnor.core.render import monitoring, note, planfact
from shnor.core.render.docx import TemplateError
from shnor.core.render.kinds import FILE_PREFIXES
from shnor.core.render.pdf import PdfError
from shnor.diagnosis.models import Need
from shnor.monitoring.models import Campaign, Evidence, IndicatorValue, MunicipalReport, ReportEntry
from shnor.monitoring.workflow import municipal_planned_for, planned_for
from shnor.plans.maps import framework_maps
from shnor.plans.models import Direction
from shnor.registry.models import Membership, Municipality, School, Scope
from shnor.routers import primary_reads

from . import spravka
from .access import can_view_analysis
from .models import IssuedReport

KINDS = {"spravka": "Аналитическая справка", "plan-vs-actual": "Отчёт о реализации дорожной карты",
         "note": "Аналитическая записка о результатах за период", "monitoring": "Отчёт о мониторинге"}
# Kinds made only for a municipality or the region, not for one school.
NOT_FOR_SCHOOL = frozenset({"monitoring"})
FORMATS = ("docx", "html", "pdf")
# The kinds made for a municipality's own roadmap (the справка is about schools).
OWN_KINDS = ("plan-vs-actual", "note")


class DocumentError(Exception):
    """A document that cannot be made as asked; the message is Russian."""


@dataclass
class Target:
    """What a document is about: the campaign's region (both None), one municipality or one school; with `own` the
    municipality's own roadmap (its own report in the campaign) instead of its schools."""

    campaign: Campaign
    municipality: Municipality | None = None
    school: School | None = None
    own: bool = False

    @property
    def level(self) -> str:
        return "school" if self.school else "municipality" if self.municipality else "region"

    @property
    def name(self) -> str:
        if self.school:
            return self.school.short_name
        return self.municipality.name if self.municipality else self.campaign.region.name

    def schools(self):
        """The campaign's schools in the scope, in the documents' order (none for a municipality's own roadmap)."""
        qs = self.campaign.schools.select_related("municipality")
        if self.own:
            return qs.none()
        if self.school:
            qs = qs.filter(pk=self.school.pk)
        elif self.municipality:
            qs = qs.filter(municipality=self.municipality)
        return qs.order_by("municipality__name", "short_name", "pk")

    @property
    def query(self) -> str:
        """The page's query naming this scope (document_download)."""
        if self.own:
            return f"?municipality={self.municipality.pk}&own=1"
        return f"?school={self.school.pk}" if self.school else f"?municipality={self.municipality.pk}" if self.municipality else ""

    @property
    def key(self) -> str:
        """IssuedReport.scope_key of this scope."""
        if self.own:
            return f"mun-own-{self.municipality.pk}"
        return f"school-{self.school.pk}" if self.school else f"mun-{self.municipality.pk}" if self.municipality else "region"

    def file_name(self, kind: str, fmt: str, version: int | None = None) -> str:
        """«otchet-bryansk-2021-h1-school-12-v2.docx»: the kind's Latin stem, the campaign, the scope, the version."""
        return f"{FILE_PREFIXES[kind]}-{self.campaign.code}-{self.key}{f'-v{version}' if version else ''}.{fmt}"

    def can_issue(self, user) -> bool:
        """Whoever owns the scope issues its documents: the school's head, the municipality's coordinator (or the
        regional one), the regional coordinator for the region."""
        scope = Scope.of(user)
        if self.school:
            return scope.can_submit_report_of(self.school) or scope.coordinates_school(self.school)
        if self.municipality:
            return scope.is_superuser or any(
                (m.role == Membership.Role.MUNICIPAL and m.municipality_id == self.municipality.pk)
                or (m.role == Membership.Role.REGIONAL and m.region_id == self.municipality.region_id) for m in scope.memberships)
        return scope.coordinates_region(self.campaign.region_id)

    def issued(self, kind: str | None = None):
        """The versions issued for this scope (of one kind, or all), newest first."""
        qs = IssuedReport.objects.filter(campaign=self.campaign, scope_key=self.key).order_by("kind", "-number")
        return qs.filter(kind=kind) if kind else qs

    def allowed(self, user) -> bool:
        """Who may make this document: whoever sees the school (its head, staff, curator, coordinators); for a
        municipality or the region a coordinator or observer who sees every school of it (a municipal coordinator
        their municipality, the regional coordinator the region)."""
        scope = Scope.of(user)
        if self.school:
            return scope.can_see_school(self.school)
        if self.own:  # its municipal coordinator, the region's coordinator and observer
            return scope.can_see_municipality(self.municipality)
        if not can_view_analysis(user):
            return False
        wanted = self.schools()
        return wanted.exists() and not wanted.exclude(pk__in=scope.schools().values("pk")).exists()


def _by_id_or_name(qs, value: str, names: tuple[str, ...], what: str):
    value = (value or "").strip()
    if value.isdecimal() and len(value) < 12:
        found = qs.filter(pk=int(value)).first()
        if found:
            return found
    query = Q()
    for name in names:
        query |= Q(**{f"{name}__iexact": value})
    matches = list(qs.filter(query)[:2])
    if not matches:
        raise DocumentError(f"{what} «{value}» не найден(а) среди школ кампании.")
    if len(matches) > 1:
        raise DocumentError(f"{what} «{value}»: найдено несколько, укажите код (id).")
    return matches[0]


def target_for(campaign: Campaign, school: str = "", municipality: str = "", own: bool = False) -> Target:
    """The scope named by an id or a short or full name (the CLI's --school / --municipality [--own])."""
    if school and municipality:
        raise DocumentError("Укажите либо школу, либо муниципалитет, а не то и другое.")
    if own:
        if not municipality:
            raise DocumentError("Собственная дорожная карта бывает только у муниципалитета: укажите муниципалитет.")
        found = _by_id_or_name(campaign.municipalities.all(), municipality, ("name",), "Муниципалитет с собственной дорожной картой")
        return Target(campaign, municipality=found, own=True)
    if school:
        return Target(campaign, school=_by_id_or_name(campaign.schools.select_related("municipality"), school,
                                                     ("short_name", "full_name"), "Школа"))
    if municipality:
        munis = Municipality.objects.filter(pk__in=campaign.schools.values("municipality_id"))
        return Target(campaign, municipality=_by_id_or_name(munis, municipality, ("name",), "Муниципалитет"))
    return Target(campaign)


def target_by_ids(campaign: Campaign, school_id: str = "", municipality_id: str = "", own: str = "") -> Target | None:
    """The scope a page asks for by id (?school= / ?municipality= [&own=1]); None when there is no such school or
    municipality in the campaign."""
    try:
        if own and municipality_id:
            return Target(campaign, municipality=campaign.municipalities.get(pk=int(municipality_id)), own=True)
        if school_id:
            return Target(campaign, school=campaign.schools.select_related("municipality").get(pk=int(school_id)))
        if municipality_id:
            return Target(campaign, municipality=Municipality.objects.filter(
                pk__in=campaign.schools.values("municipality_id")).get(pk=int(municipality_id)))
    except (ValueError, OverflowError, School.DoesNotExist, Municipality.DoesNotExist):
        return None
    return Target(campaign)


def targets_for(campaign: Campaign, user) -> list[Target]:
    """Every scope of the campaign this user may make documents for: the region, municipalities, schools."""
    visible = campaign.schools.filter(pk__in=Scope.of(user).schools().values("pk")).select_related("municipality")
    visible = list(visible.order_by("municipality__name", "short_name", "pk"))
    found = [Target(campaign)] if visible and Target(campaign).allowed(user) else []
    munis = {s.municipality_id: s.municipality for s in visible}
    found += [t for t in (Target(campaign, municipality=m) for m in munis.values()) if t.allowed(user)]
    own = Scope.of(user).visible_municipalities(campaign.municipalities.all()).order_by("name")
    found += [Target(campaign, municipality=m, own=True) for m in own]
    return found + [Target(campaign, school=s) for s in visible]


def target_of_issued(issued: IssuedReport) -> Target:
    """The scope an issued document was made for."""
    return Target(issued.campaign, issued.municipality, issued.school, own=issued.scope_key.startswith("mun-own-"))


# ---------------------------------------------------------------------------------------------------------
# The plan-vs-actual report
# ---------------------------------------------------------------------------------------------------------


def _evidence(entry_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for ev in Evidence.objects.filter(entry_id__in=entry_ids).order_by("pk"):
        text = ev.describe()
        found.setdefault(ev.entry_id, []).append(f"{text} ({ev.url})" if ev.url and ev.url not in text else text)
    return found


def _own_activities(target: Target) -> list[planfact.Activity]:
    """The municipality's own roadmap: its report's planned entries in plan order (or the plan when it has no report
    yet), then the unplanned ones; one part, named for the roadmap."""
    campaign, muni = target.campaign, target.municipality
    part = f"Муниципальная дорожная карта: {muni.name}"
    entries = list(ReportEntry.objects.filter(municipal_report__campaign=campaign, municipal_report__municipality=muni)
                   .select_related("planned_activity").order_by("planned_activity__order", "order", "pk"))
    if not entries and not MunicipalReport.objects.filter(campaign=campaign, municipality=muni).exists():
        return [planfact.Activity(part, muni.name, a.section, a.number or str(i), a.title, a.deadline_text, a.responsible,
                                  a.expected_result, "", "", [], "", True)
                for i, a in enumerate(municipal_planned_for(campaign, muni), start=1)]
    evidence = _evidence([e.pk for e in entries])
    planned = [e for e in entries if not e.is_unplanned]
    unplanned = sorted((e for e in entries if e.is_unplanned), key=lambda e: (e.order, e.pk))
    out = []
    for i, e in enumerate(planned + unplanned, start=1):
        a = e.planned_activity
        section, number, deadline, responsible = _as_written(e, i)
        out.append(planfact.Activity(
            part, muni.name, section, number, e.title, deadline, responsible, e.expected_result or (a.expected_result if a else ""),
            e.actual_result, e.status, evidence.get(e.pk, []), e.reason, a is not None))
    return out


def activities(target: Target) -> list[planfact.Activity]:
    """Every school's planned activities in plan order (from its report, or its roadmap when it has none) and
    then its unplanned ones; for a municipality's own roadmap, its own report's."""
    if target.own:
        return _own_activities(target)
    campaign = target.campaign
    schools = list(target.schools())
    entries = (ReportEntry.objects.filter(report__campaign=campaign, report__school__in=schools)
               .select_related("planned_activity", "report")
               .order_by("report__school_id", "planned_activity__roadmap_id", "planned_activity__order", "order", "pk"))
    by_school: dict[int, list[ReportEntry]] = {}
    for e in entries:
        by_school.setdefault(e.report.school_id, []).append(e)
    evidence = _evidence([e.pk for rows in by_school.values() for e in rows])
    maps = framework_maps(campaign.framework)
    names = dict(Direction.objects.filter(framework_id=campaign.framework_id).values_list("code", "name"))

    def direction(type_id, direction_id) -> str:
        return names.get(maps.effective_direction(type_id, direction_id) or "", "")

    out: list[planfact.Activity] = []
    for school in schools:
        rows = by_school.get(school.pk)
        muni = school.municipality.name
        if rows is None:  # no report yet: the plan, nothing marked
            for i, a in enumerate(planned_for(campaign, school), start=1):
                out.append(planfact.Activity(school.short_name, muni, a.section, a.number or str(i), a.title, a.deadline_text,
                                             a.responsible, a.expected_result, "", "", [], "", True,
                                             direction(a.activity_type_id, None), school.pk))
            continue
        planned = [e for e in rows if not e.is_unplanned]
        unplanned = sorted((e for e in rows if e.is_unplanned), key=lambda e: (e.order, e.pk))
        for i, e in enumerate(planned + unplanned, start=1):
            a = e.planned_activity
            section, number, deadline, responsible = _as_written(e, i)
            out.append(planfact.Activity(
                school.short_name, muni, section, number, e.title, deadline, responsible, e.expected_result or (a.expected_result if a else ""),
                e.actual_result, e.status, evidence.get(e.pk, []), e.reason, a is not None,
                direction(e.activity_type_id, e.direction_id), school.pk,
            ))
    return out


def _as_written(entry: ReportEntry, position: int) -> tuple[str, str, str, str]:
    """(section, number, deadline, responsible) of an entry: its roadmap's, or as the document it was imported from
    wrote them; the number is its position when neither gives one."""
    a = entry.planned_activity
    if a is not None:
        return a.section, a.number or str(position), a.deadline_text, a.responsible
    return entry.section, entry.number or str(position), entry.deadline_text, entry.responsible


def indicator_changes(target: Target) -> list[planfact.IndicatorChange]:
    """The campaign's indicators averaged over the scope's schools, against the previous campaign."""
    campaign = target.campaign
    school_ids = list(target.schools().values_list("pk", flat=True))

    def averages(c) -> dict[int, Decimal]:
        if c is None:
            return {}
        rows = (IndicatorValue.objects.filter(campaign=c, school_id__in=school_ids, subject="")
                .values("indicator_id").annotate(v=Avg("value")))
        return {r["indicator_id"]: Decimal(str(r["v"])).quantize(Decimal("0.1")) for r in rows if r["v"] is not None}

    now, before = averages(campaign), averages(campaign.previous if campaign.previous_id else None)
    return [planfact.IndicatorChange(ind.name, ind.unit, before.get(ind.pk), now.get(ind.pk))
            for ind in campaign.indicators.order_by("order", "pk") if ind.pk in now or ind.pk in before]


def plan_vs_actual(target: Target, *, on: date | None = None, author_name: str = "", author_position: str = "") -> planfact.PlanVsActual:
    campaign = target.campaign
    return planfact.build(activities(target), indicator_changes(target), scope_name=target.name, region=campaign.region.name,
                          campaign_title=campaign.title, period=campaign.period_label(), on=on or timezone.localdate(),
                          author_name=author_name, author_position=author_position)


def analytical_note(target: Target, *, on: date | None = None, author_name: str = "", author_position: str = "") -> note.Note:
    campaign = target.campaign
    return note.build(activities(target), indicator_changes(target), scope_name=target.name, campaign_title=campaign.title,
                      period=campaign.period_label(), on=on or timezone.localdate(), author_name=author_name,
                      author_position=author_position)


# ---------------------------------------------------------------------------------------------------------
# The thematic monitoring report
# ---------------------------------------------------------------------------------------------------------


def monitoring_sources(target: Target, school_ids: list[int]) -> monitoring.Sources:
    """How the diagnoses of the scope's schools were found (records and schools by who found them), the documents they
    came from, and how many of the previous period's recommendations and decisions have their execution marked."""
    campaign = target.campaign
    needs = Need.objects.relevant_to(campaign.period_end).filter(school_id__in=school_ids)
    labels = dict(Need.FoundBy.choices)
    rows = needs.values("found_by").annotate(records=Count("pk"), schools=Count("school_id", distinct=True)).order_by("found_by")
    found = {labels.get(r["found_by"], r["found_by"]): (r["records"], r["schools"]) for r in rows}
    order = list(labels.values())
    documents_ = sorted(set(needs.exclude(source_name="").values_list("source_name", flat=True)))
    marked = sum(1 for item in spravka.previous_items(campaign, school_ids) if item.status != core_actions.NOT_STARTED)
    return monitoring.Sources(dict(sorted(found.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)),
                              documents_, marked)


def monitoring_report(target: Target, *, on: date | None = None, author_name: str = "", author_position: str = "") -> monitoring.Monitoring:
    if target.level == "school":
        raise DocumentError("Отчёт о мониторинге составляется для муниципалитета или региона, а не для одной школы.")
    campaign = target.campaign
    ids = list(target.schools().values_list("pk", flat=True))
    analysis = spravka.current_analysis(campaign, None if target.level == "region" else ids)[0]
    found = core_findings.generate(analysis, spravka.findings_context(campaign, author_name, target.level))
    return monitoring.build(analysis, found, monitoring_sources(target, ids), level=target.level, scope_name=target.name,
                            period=campaign.period_label(), campaign_title=campaign.title, on=on or timezone.localdate(),
                            author_name=author_name, author_position=author_position)


def track_recommendations(target: Target, doc: monitoring.Monitoring, issued: IssuedReport, user) -> dict[str, int]:
    """Each recommendation of an issued monitoring report is one tracked record (shnor.actions), found again by its key
    at the next version: an open one takes the new wording, one that is gone is cancelled. A recommendation that is
    already tracked, open, with the same text and addressee for this campaign (the справка's) is not written twice.
    Returns {key: action id}, kept with the issued version."""
    campaign = target.campaign
    before = target.issued("monitoring").exclude(pk=issued.pk).first()
    previous: dict[str, int] = (before.content.get("actions") or {}) if before else {}
    known = {a.pk: a for a in Action.objects.filter(pk__in=previous.values())}
    source = f"отчёт о мониторинге «{campaign.title}» ({target.name}), версия {issued.number}"
    kept: dict[str, int] = {}
    for r in doc.tracked:
        fields = {"text": r.text, "addressee_text": r.addressee, "municipality": target.municipality or campaign.municipality,
                  "school_ids": r.school_ids, "context": campaign.period_end, "source": source}
        action = known.get(previous.get(r.key, 0))
        if action is not None:
            actions_door.update(action, user, **fields)
        else:
            action = (Action.objects.open().filter(campaign=campaign, kind=Action.Kind.RECOMMENDATION, text=r.text,
                                                   addressee_text=r.addressee[:1000]).first()
                      or actions_door.create(user, kind=Action.Kind.RECOMMENDATION, region=campaign.region, campaign=campaign, **fields))
        kept[r.key] = action.pk
    for key, pk in previous.items():
        if key not in kept and pk in known and pk not in kept.values():
            actions_door.cancel(known[pk], user, f"нет в отчёте о мониторинге (версия {issued.number})")
    return kept


# ---------------------------------------------------------------------------------------------------------
# Any kind, any format
# ---------------------------------------------------------------------------------------------------------


def make(target: Target, kind: str, fmt: str, *, on: date | None = None, author_name: str = "", author_position: str = "") -> bytes:
    """The document's bytes; DocumentError (Russian) for an unknown kind or format or a broken template."""
    if kind not in KINDS:
        raise DocumentError(f"Неизвестный вид документа «{kind}»: {', '.join(KINDS)}.")
    if fmt not in FORMATS:
        raise DocumentError(f"Неизвестный формат «{fmt}»: {', '.join(FORMATS)}.")
    campaign = target.campaign
    if target.own and kind not in OWN_KINDS:
        raise DocumentError(f"По собственной дорожной карте муниципалитета составляются: {', '.join(KINDS[k].lower() for k in OWN_KINDS)}.")
    if kind in spravka.KIND_RENDERERS:
        build = {"plan-vs-actual": plan_vs_actual, "note": analytical_note, "monitoring": monitoring_report}[kind]
        return render(kind, fmt, build(target, on=on, author_name=author_name, author_position=author_position), campaign.region_id)
    whole = target.level == "region"
    ids = None if whole else list(target.schools().values_list("pk", flat=True))
    prepared = spravka.prepare(campaign, ids, whole=whole, author_name=author_name, author_position=author_position, on=on,
                               level=target.level, scope_name=target.name)
    try:
        return spravka.render(prepared.spravka, fmt, campaign.region_id)
    except spravka.SpravkaError as exc:
        raise DocumentError(str(exc)) from exc


def render(kind: str, fmt: str, doc, region_id: int) -> bytes:
    """A kind's content in a format; the DOCX in the region's own template of the kind when it has one."""
    try:
        template = spravka.region_template(region_id, kind) if fmt in ("docx", "pdf") else None  # the PDF is made of the DOCX
        return spravka.KIND_RENDERERS[kind][fmt](doc, template)
    except (TemplateError, PdfError) as exc:
        raise DocumentError(exc.message) from exc
    except spravka.SpravkaError as exc:
        raise DocumentError(str(exc)) from exc


def sample(target: Target, kind: str):
    """The content a region's new template of `kind` is tried with: the document of a small scope of the campaign
    (its first school, or that school's municipality for the monitoring report), or of the whole for the справка."""
    campaign = target.campaign
    if kind == "spravka":
        return spravka.prepare(campaign).spravka
    first = target.schools().first()
    if first is None:
        raise DocumentError("В кампании нет школ: проверить шаблон не на чем.")
    if kind == "monitoring":
        return monitoring_report(Target(campaign, municipality=first.municipality))
    return (plan_vs_actual if kind == "plan-vs-actual" else analytical_note)(Target(campaign, school=first))


@primary_reads()  # an issued document sees what was certified a moment ago (spravka.issue)
def issue(target: Target, kind: str, user, author_name: str = "", author_position: str = "", on: date | None = None) -> IssuedReport:
    """Issue a document of its scope's owner and keep it as the next version: the DOCX now, its PDF by the queue
    (spravka.make_pdf). The region's справка is spravka.issue (its decisions and recommendations are tracked)."""
    if not target.can_issue(user):
        raise DocumentError("Выпустить этот документ может только тот, кто за него отвечает: руководитель школы, "
                            "координатор муниципалитета или региональный координатор.")
    if target.own and kind not in OWN_KINDS:
        raise DocumentError(f"По собственной дорожной карте муниципалитета составляются: {', '.join(KINDS[k].lower() for k in OWN_KINDS)}.")
    if kind == "spravka" and target.level == "region":
        return spravka.issue(target.campaign, user, author_name, author_position, on)
    if kind == "monitoring":  # built once: its recommendations are tracked below
        doc = monitoring_report(target, on=on, author_name=author_name, author_position=author_position)
        docx = render(kind, "docx", doc, target.campaign.region_id)
    else:
        doc = None
        docx = make(target, kind, "docx", on=on, author_name=author_name, author_position=author_position)
    campaign = target.campaign
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # serialises version numbers
        number = (target.issued(kind).aggregate(m=Max("number"))["m"] or 0) + 1
        issued = IssuedReport(campaign=campaign, kind=kind, scope_key=target.key, municipality=target.municipality, school=target.school,
                              number=number, title=f"{KINDS[kind]} — {target.name}, {campaign.title}", author_name=author_name,
                              author_position=author_position, created_by=user, pdf_status=IssuedReport.PdfStatus.PENDING,
                              content={"kind": kind, "scope": target.key})
        issued.docx.save(target.file_name(kind, "docx", number), ContentFile(docx), save=False)
        issued.save()
        tracked = 0
        if doc is not None:
            issued.content = {**issued.content, "actions": track_recommendations(target, doc, issued, user)}
            issued.save(update_fields=["content"])
            tracked = len(issued.content["actions"])
        record(user, "document.issue", issued, f"Выпущен документ «{KINDS[kind]}» ({target.name}), версия {number}: {campaign.title}",
               school=target.school, municipality=target.municipality, region=campaign.region if target.level == "region" else None,
               changes={"kind": kind, "scope": target.key, "number": number, "recommendations_tracked": tracked})
        transaction.on_commit(lambda: spravka.start_pdf(issued.pk))
    return issued
