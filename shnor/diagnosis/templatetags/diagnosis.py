"""The «Диагностика» section of the school page (the page belongs to monitoring, which sits below this app)."""

from __future__ import annotations

from itertools import groupby

from django import template

from shnor.registry.models import Scope

from ..models import Need

register = template.Library()


@register.inclusion_tag("diagnosis/section.html", takes_context=True)
def school_diagnosis(context, school):
    needs = list(Need.objects.filter(school=school).select_related("entry").prefetch_related("measures__activity", "measure_entries")
                 .order_by("-period_start", "period_text", "kind", "pk"))
    periods = [(period or "Период не указан", list(items)) for period, items in groupby(needs, key=lambda n: n.period_text)]
    adopted = {n.code for n in needs if n.kind == Need.Kind.RISK}
    registry_risks = [(s, [r for r in s.risk_profiles.all() if r.code not in adopted]) for s in school.statuses.prefetch_related("risk_profiles")]
    return {"school": school, "periods": periods, "can_edit": Scope.of(context["request"].user).can_diagnose(school),
            "registry_risks": [(s, rs) for s, rs in registry_risks if rs]}
