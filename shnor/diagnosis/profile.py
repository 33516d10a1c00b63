"""A school's diagnosis and outcome series as plain dicts, for `shnor profile` and the API."""

from __future__ import annotations

from shnor.monitoring.models import IndicatorValue

from .models import Need

KEYS = {Need.Kind.CAUSE: "causes", Need.Kind.DEFICIT: "deficits", Need.Kind.RISK: "risks"}


def need_as_dict(need: Need) -> dict:
    item = {"id": need.pk, "text": need.text, "period": need.period_text, "source": need.source,
            "catalogue_code": need.code or None, "catalogue_name": need.catalogue_item.name if need.catalogue_item else None,
            "measures": [m.activity.title for m in need.measures.all()] + [e.title for e in need.measure_entries.all()],
            "entry": need.entry.title if need.entry else None}
    if need.kind == Need.Kind.DEFICIT:
        item["group"] = need.get_group_display() if need.group else None
    if need.kind == Need.Kind.RISK:
        item["code"] = need.code or None
    return item


def needs_for_school(school) -> dict:
    """{"causes": [...], "deficits": [...], "risks": [...]}, the latest period first."""
    found: dict[str, list] = {key: [] for key in KEYS.values()}
    for need in (Need.objects.filter(school=school).select_related("entry").prefetch_related("measures__activity", "measure_entries")
                 .order_by("-period_start", "pk")):
        found[KEYS[need.kind]].append(need_as_dict(need))
    return found


def outcome_series(school) -> list[dict]:
    """The school's indicator values by indicator and subject, each a series of periods in time order."""
    series: dict[tuple, dict] = {}
    values = (IndicatorValue.objects.filter(school=school).select_related("indicator", "campaign")
              .order_by("indicator__order", "indicator__code", "subject", "period_start"))
    for v in values:
        row = series.setdefault((v.indicator_id, v.subject), {
            "indicator": v.indicator.code, "name": v.indicator.name, "unit": v.indicator.unit, "subject": v.subject or None, "values": []})
        row["values"].append({"period": v.campaign.period_label() if v.campaign else f"{v.period_start:%d.%m.%Y} – {v.period_end:%d.%m.%Y}",
                              "campaign": v.campaign.code if v.campaign else None, "period_start": v.period_start.isoformat(),
                              "period_end": v.period_end.isoformat(), "value": str(v.value.normalize())})
    return list(series.values())
