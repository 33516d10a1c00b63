"""Charts of the справка and the dashboard, drawn once as PNG bytes that the page, the DOCX and the PDF reuse.

matplotlib with the Agg backend and its bundled DejaVu Sans (it has Cyrillic); figures are made with the
object API (no pyplot state), so drawing is safe in a threaded server. Numbers on bars are formatted the
Russian way by core.russian.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from io import BytesIO

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ..analysis import Analysis  # noqa: E402
from ..findings import lower_first  # noqa: E402
from ..russian import format_percent, percent  # noqa: E402

WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with the usual margins
DPI = 150
MAX_BARS = 40
COLOURS = {"current": "#1f5fa8", "previous": "#9db7d8", "other": "#c9d3de"}


@dataclass
class Chart:
    key: str
    title: str
    png: bytes


def draw_charts(analysis: Analysis) -> list[Chart]:
    """Every chart the data supports, in the order of the справка (none when nothing was reported)."""
    if not analysis.reported:
        return []
    charts = [coverage_by_direction(analysis), coverage_by_municipality(analysis), dynamics_by_direction(analysis)]
    return [c for c in charts if c is not None]


def _figure(bars: int, groups: int = 1, legend: bool = False) -> Figure:
    height = min(0.9 + 0.32 * bars * max(1, groups * 0.8), 9.0) + (0.3 if legend else 0)
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    # Fixed margins instead of a layout engine: the engines cost a quarter of a second a chart, and our
    # labels are wrapped to a known width anyway.
    fig.subplots_adjust(left=0.44, right=0.97, top=1 - 0.45 / height, bottom=(0.45 if legend else 0.1) / height)
    return fig


def _png(fig: Figure) -> bytes:
    buf = BytesIO()
    # zlib level 1: a tenth of the encoding time of the default for a file a quarter larger.
    fig.savefig(buf, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _wrap(text: str, width: int = 36) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _style(ax) -> None:
    ax.set_xlim(0, 112)
    ax.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", labelsize=8, length=0)


def _label_bars(ax, bars, values) -> None:
    for bar, value in zip(bars, values, strict=True):
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, format_percent(value),
                va="center", ha="left", fontsize=7.5, family="DejaVu Sans")


def coverage_by_direction(a: Analysis) -> Chart | None:
    rows = [(lower_first(d.name), a.coverage.direction_row(d.code)) for d in a.analysed]
    if not rows:
        return None
    fig = _figure(len(rows))
    ax = fig.add_subplot()
    labels = [_wrap(name.removeprefix("реализация мероприятий ")) for name, _ in rows][::-1]
    values = [row.percent or 0 for _, row in rows][::-1]
    bars = ax.barh(labels, [float(v) for v in values], color=COLOURS["current"], height=0.6)
    _label_bars(ax, bars, values)
    _style(ax)
    fig.suptitle("Доля школ, в которых проводились мероприятия направления, %", fontsize=9)
    return Chart("directions", "Охват школ мероприятиями по направлениям", _png(fig))


def coverage_by_municipality(a: Analysis) -> Chart | None:
    rows = [m for m in a.municipalities if m.directions_share is not None]
    if len(rows) < 2 or not a.analysed:
        return None
    rows.sort(key=lambda m: (m.directions_share, m.name))
    title = "Охват направлений по муниципалитетам"
    if len(rows) > MAX_BARS:
        rows = rows[:MAX_BARS]
        title += f" ({MAX_BARS} муниципалитетов с наименьшим охватом)"
    fig = _figure(len(rows))
    ax = fig.add_subplot()
    labels = [_wrap(m.name, 40) for m in rows]
    values = [m.directions_share for m in rows]
    bars = ax.barh(labels, [float(v) for v in values], color=COLOURS["current"], height=0.6)
    _label_bars(ax, bars, values)
    _style(ax)
    fig.suptitle("Доля направлений, по которым ведут работу школы муниципалитета, %", fontsize=9)
    return Chart("municipalities", title, _png(fig))


def dynamics_by_direction(a: Analysis) -> Chart | None:
    d = a.dynamics
    if d is None or not d.school_ids or not d.directions:
        return None
    n = len(d.school_ids)
    changes = d.directions[::-1]
    fig = _figure(len(changes), groups=2, legend=True)
    ax = fig.add_subplot()
    positions = list(range(len(changes)))
    before = [percent(c.before, n) or 0 for c in changes]
    after = [percent(c.after, n) or 0 for c in changes]
    b1 = ax.barh([p + 0.2 for p in positions], [float(v) for v in before], height=0.38, color=COLOURS["previous"], label="предыдущий период")
    b2 = ax.barh([p - 0.2 for p in positions], [float(v) for v in after], height=0.38, color=COLOURS["current"], label="текущий период")
    _label_bars(ax, b1, before)
    _label_bars(ax, b2, after)
    ax.set_yticks(positions, [_wrap(lower_first(c.name).removeprefix("реализация мероприятий ")) for c in changes])
    _style(ax)
    fig.legend(fontsize=7.5, loc="lower center", ncols=2, frameon=False)
    fig.suptitle(f"Доля школ по направлениям, % (школ в сравнении: {n})", fontsize=9)
    return Chart("dynamics", "Динамика охвата по направлениям в сравнении с предыдущим периодом", _png(fig))
