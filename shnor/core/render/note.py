"""The аналитическая записка о результатах за период (the half-year analysis genre) for a school or a municipality:
what was done by direction, the indicators against the previous period, conclusions.

Built from the same rows as the plan-vs-actual report (planfact.Activity, planfact.IndicatorChange); rendered by
kinds.renderers("note") from templates/note.docx (build_template.build_note) and templates/note.html.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from ..findings import count_in, lower_first
from ..russian import agree, count_share, format_date, format_decimal
from .kinds import renderers
from .planfact import NOT_DONE, Activity, IndicatorChange

OTHER = "Прочие мероприятия"
VARIABLES = {
    "title, subtitle, date_text": "заголовок, подзаголовок (школа или муниципалитет, кампания, период) и дата",
    "intro": "вводный абзац: сколько мероприятий выполнено",
    "directions": "что сделано по направлениям: name, lines (список строк)",
    "indicators": "показатели: name, before, after, text (фраза о динамике)",
    "conclusions": "выводы (список строк)",
    "author_name, author_position": "автор и его должность",
}


@dataclass
class Note:
    title: str
    subtitle: str
    date_text: str
    scope_name: str
    intro: str
    directions: list[dict]
    indicators: list[dict]
    conclusions: list[str]
    author_name: str = ""
    author_position: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def indicator_text(c: IndicatorChange) -> str:
    """«качество знаний: рост на 1,1 п.п. (с 40 до 41,1 %)», «количество неуспевающих: снижение с 28 до 10 чел.»
    (a noun, which agrees with any indicator's name)."""
    name = lower_first(c.name)
    if c.after is None:
        return f"{name}: нет данных за период"
    now = f"{format_decimal(c.after)} {c.unit}".strip()
    if c.before is None:
        return f"{name}: {now} (данных за предыдущий период нет)"
    delta = c.after - c.before
    if delta == 0:
        return f"{name}: без изменений ({now})"
    verb = "рост" if delta > 0 else "снижение"
    if c.unit == "%":
        return f"{name}: {verb} на {format_decimal(abs(delta))} п.п. (с {format_decimal(c.before)} до {now})"
    return f"{name}: {verb} с {format_decimal(c.before)} до {now}"


def build(activities: list[Activity], indicators: list[IndicatorChange], *, scope_name: str, campaign_title: str, period: str,
          on: date, author_name: str = "", author_position: str = "") -> Note:
    planned = [a for a in activities if a.planned]
    done = [a for a in planned if a.status == "done"]
    partial = [a for a in planned if a.status == "partial"]
    unplanned = [a for a in activities if not a.planned and a.status in ("done", "partial")]
    schools = len({a.school for a in activities})
    many = schools > 1
    if planned:
        intro = (f"За период ({period}) из {count_in(len(planned), 'запланированное мероприятие', 'gent')} дорожной карты выполнено "
                 f"{count_share(len(done), len(planned))}, частично — {count_share(len(partial), len(planned))}")
    else:
        intro = f"За период ({period}) в дорожной карте не было запланированных мероприятий"
    if unplanned:
        intro += f"; кроме того, проведено {agree(len(unplanned), 'мероприятие')}, не предусмотренное дорожной картой"
    intro += "."
    by_direction: dict[str, list[str]] = {}
    for a in activities:
        if a.status not in ("done", "partial"):
            continue
        where = f" ({a.school})" if many else ""
        line = f"{a.title}{where}" + (f": {a.actual}" if a.actual else "") + (" (выполнено частично)" if a.status == "partial" else "")
        by_direction.setdefault(a.direction or OTHER, []).append(line)
    directions = [{"name": name, "lines": lines} for name, lines in by_direction.items()]
    conclusions = []
    if planned:
        share = len(done) / len(planned)
        conclusions.append("дорожная карта за период выполнена в полном объёме" if share == 1 else
                           "мероприятия дорожной карты в основном выполнены" if share >= 0.8 else
                           "значительная часть мероприятий дорожной карты не выполнена: требуется корректировка плана и контроль сроков")
    failed = [a for a in planned if a.status in NOT_DONE and a.status != "partial"]
    if failed:
        reasons = sorted({a.reason.strip() for a in failed if a.reason.strip()})
        text = f"не выполнено или перенесено {agree(len(failed), 'мероприятие')}"
        conclusions.append(text + (f"; причины: {'; '.join(lower_first(r).rstrip('.') for r in reasons)}" if reasons else ""))
    up = [c for c in indicators if c.before is not None and c.after is not None and c.after != c.before]
    if up:
        conclusions.append("динамика показателей: " + "; ".join(indicator_text(c) for c in up))
    return Note(
        title="Аналитическая записка",
        subtitle=f"о результатах реализации дорожной карты: {scope_name}, {campaign_title} ({period})",
        date_text=format_date(on),
        scope_name=scope_name,
        intro=intro,
        directions=directions,
        indicators=[{"name": c.name, "before": "—" if c.before is None else f"{format_decimal(c.before)} {c.unit}".strip(),
                     "after": "—" if c.after is None else f"{format_decimal(c.after)} {c.unit}".strip(), "text": indicator_text(c)}
                    for c in indicators],
        conclusions=[f"{c.rstrip('.;')};" if i < len(conclusions) - 1 else f"{c.rstrip('.;')}." for i, c in enumerate(conclusions)],
        author_name=author_name,
        author_position=author_position,
    )


RENDERERS = renderers("note")
