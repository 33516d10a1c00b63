"""The campaign's charts: coverage by direction against the previous campaign, completeness over the campaigns
so far, the municipalities compared. The campaign page shows their numbers at once (fmt None) and loads each
picture, an SVG drawn by core.render.charts, from `campaign_chart`, cached under the page's stamp: drawing is
kept out of the page's own time."""

from __future__ import annotations

import base64

from django.db.models import Count, OuterRef, Q, Subquery

from shnor.core import outcomes
from shnor.core.bulk import collector_paused
from shnor.core.render.charts import Chart, indicator_dynamics, one_series, two_series
from shnor.core.russian import agree, format_decimal, percent

from .coverage import coverage_for
from .models import Campaign, IndicatorValue, SchoolReport

CHART_KEYS = ("coverage", "indicators", "completeness", "municipalities")
HISTORY = 6  # campaigns shown in «completeness over time»
MAX_MUNICIPALITIES = 30  # bars in «municipalities compared»
DONE = (SchoolReport.Status.CERTIFIED, SchoolReport.Status.ACCEPTED)


def chart_context(c: Chart, url: str = "") -> dict:
    """What the template web/chart.html shows: the picture (inline, or at `url`) and its numbers as a table."""
    mime = "image/svg+xml" if c.fmt == "svg" else "image/png"
    src = url or f"data:{mime};base64,{base64.b64encode(c.image).decode('ascii')}"
    return {"key": c.key, "title": c.title, "src": src, "columns": c.columns, "rows": c.rows}


@collector_paused()
def campaign_charts(campaign: Campaign, school_ids: list[int], fmt: str | None = None, only: str | None = None,
                    coverage=None) -> list[Chart]:
    """The charts the data supports; with fmt None their numbers only, with `only` one chart by key. `school_ids`: a
    list or a query of ids (taken as a subquery). `coverage`: the campaign's certified coverage when the caller has it."""
    makers = {
        "coverage": lambda: coverage_against_previous(campaign, school_ids, fmt, coverage),
        "indicators": lambda: indicators_against_previous(campaign, school_ids, fmt),
        "completeness": lambda: completeness_over_time(campaign, school_ids, fmt),
        "municipalities": lambda: municipalities_compared(campaign, school_ids, fmt),
    }
    charts = [make() for key, make in makers.items() if only in (None, key)]
    return [c for c in charts if c is not None]


def _direction_shares(coverage) -> dict[str, tuple[str, object]]:
    return {r.direction: (r.name, r.percent) for r in coverage.rows if r.activity_type is None and r.direction is not None}


def coverage_against_previous(campaign: Campaign, school_ids: list[int], fmt: str | None = "svg", coverage=None) -> Chart | None:
    school_ids = list(school_ids)  # coverage_for keys its cache by the ids
    current = _direction_shares(coverage or coverage_for(campaign, False, school_ids))
    if not current:
        return None
    names = [name for name, _ in current.values()]
    now = [share for _, share in current.values()]
    heading = "Доля школ, в которых проводились мероприятия направления, %"
    if campaign.previous_id is None:
        return one_series("coverage", "Охват школ по направлениям", heading, names, now, fmt)
    previous = campaign.previous
    before = _direction_shares(coverage_for(previous, False, school_ids))  # narrowed to the previous campaign's schools there
    return two_series("coverage", "Охват школ по направлениям: эта и предыдущая кампания", heading, names,
                      [before.get(code, (None, None))[1] for code in current], now, fmt,
                      labels=(previous.period_label(), campaign.period_label()))


def indicators_against_previous(campaign: Campaign, school_ids: list[int], fmt: str | None = "svg") -> Chart | None:
    """The indicators in % of this campaign's and the previous one's counted reports (or entered apart from a report),
    totalled as the справка totals them: one query."""
    if campaign.previous_id is None:
        return None
    values = (IndicatorValue.objects.filter(campaign_id__in=[campaign.pk, campaign.previous_id], school_id__in=school_ids)
              .filter(Q(indicator__unit="%") | Q(indicator__code=outcomes.PUPILS))
              .filter(Q(report__isnull=True) | Q(report__status__in=DONE))
              .order_by("indicator__order", "subject", "school_id")
              .values_list("campaign_id", "school_id", "indicator__code", "indicator__name", "indicator__unit", "value", "subject",
                           "indicator__decimals", "indicator__higher_is_better"))
    found: dict[int, list[outcomes.Value]] = {campaign.pk: [], campaign.previous_id: []}
    for campaign_id, school_id, code, name, unit, value, subject, decimals, higher in values:
        found[campaign_id].append(outcomes.Value(school_id, "", code, name, unit, value, subject, decimals, higher))
    changes = outcomes.changes(found[campaign.pk], found[campaign.previous_id])
    if not changes:
        return None
    return indicator_dynamics(changes, fmt, labels=(campaign.previous.period_label(), campaign.period_label()))


def completeness_over_time(campaign: Campaign, school_ids: list[int], fmt: str | None = "svg") -> Chart | None:
    if campaign.previous_id is None:
        return None
    members = Campaign.schools.through.objects.filter(campaign_id=OuterRef("pk"), school_id__in=school_ids)
    done = SchoolReport.objects.filter(campaign_id=OuterRef("pk"), school_id__in=school_ids, status__in=DONE)
    found = {c.pk: c for c in Campaign.objects.filter(region_id=campaign.region_id, period_start__lte=campaign.period_start).only(
        "pk", "previous_id", "period_text", "period_start", "period_end").annotate(
        n_total=Subquery(members.values("campaign_id").annotate(n=Count("*")).values("n")[:1]),
        n_done=Subquery(done.values("campaign_id").annotate(n=Count("*")).values("n")[:1]))}
    chain, pk = [], campaign.pk
    while pk in found and len(chain) < HISTORY:
        chain.append(found[pk])
        pk = found[pk].previous_id
    if len(chain) < 2:
        return None
    chain.reverse()
    shares = [percent(c.n_done or 0, c.n_total or 0) for c in chain]
    return one_series("completeness", "Сдача отчётов по кампаниям", "Доля школ с заверенным или принятым отчётом, %",
                      [c.period_label() for c in chain], shares, fmt)


def municipalities_compared(campaign: Campaign, school_ids, fmt: str | None = "svg") -> Chart | None:
    """Each municipality's share of schools with a certified or accepted report; beyond MAX_MUNICIPALITIES (a national
    campaign has thousands) the lagging ones only, lowest share first — the full list is the campaign's export."""
    totals = dict(Campaign.schools.through.objects.filter(campaign_id=campaign.pk, school_id__in=school_ids)
                  .values_list("school__municipality__name").annotate(n=Count("*")).order_by())
    if len(totals) < 2:
        return None
    done = dict(SchoolReport.objects.filter(campaign=campaign, status__in=DONE, school_id__in=school_ids)
                .values_list("school__municipality__name").annotate(n=Count("*")).order_by())
    names = sorted(totals)
    title = "Сдача отчётов по муниципалитетам"
    if len(names) > MAX_MUNICIPALITIES:
        names = sorted(names, key=lambda name: (done.get(name, 0) / totals[name], name))[:MAX_MUNICIPALITIES]
        title = f"Сдача отчётов: {agree(MAX_MUNICIPALITIES, 'муниципалитет')} с наименьшей долей из {format_decimal(len(totals), 0)}"
    return one_series("municipalities", title, "Доля школ с заверенным или принятым отчётом, %",
                      names, [percent(done.get(name, 0), totals[name]) for name in names], fmt, wrap=40)
