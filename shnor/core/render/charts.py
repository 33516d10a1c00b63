"""Charts of the справка, the dashboard and the campaign page: PNG for the DOCX and the PDF, SVG for pages, each
with its numbers as a table for those who cannot see the picture.

matplotlib with the Agg backend and its bundled DejaVu Sans (it has Cyrillic); figures are made with the
object API (no pyplot state), so drawing is safe in a threaded server. Numbers on bars are formatted the
Russian way by core.russian.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ..analysis import Analysis  # noqa: E402
from ..findings import lower_first  # noqa: E402
from ..outcomes import Change  # noqa: E402
from ..russian import format_percent, percent  # noqa: E402

WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with the usual margins
DPI = 150
MAX_BARS = 40
COLOURS = {"current": "#1f5fa8", "previous": "#9db7d8", "other": "#c9d3de"}


@dataclass
class Chart:
    key: str
    title: str
    image: bytes
    fmt: str = "png"  # or "svg"
    columns: tuple[str, ...] = ()  # the numbers drawn, as a table: header…
    rows: list[tuple[str, ...]] = field(default_factory=list)  # …and one row per bar (group)

    @property
    def png(self) -> bytes:
        assert self.fmt == "png", "drawn as SVG"
        return self.image


def draw_charts(analysis: Analysis, fmt: str = "png") -> list[Chart]:
    """Every chart the data supports, in the order of the справка (none when nothing was reported)."""
    if not analysis.reported:
        return []
    charts = [coverage_by_direction(analysis, fmt), coverage_by_municipality(analysis, fmt), dynamics_by_direction(analysis, fmt)]
    return [c for c in charts if c is not None]


def one_series(key: str, title: str, heading: str, names: list[str], values: list, fmt: str | None = "png", wrap: int = 36) -> Chart:
    """Horizontal bars of shares in % (None draws as an empty bar and reads «—»), first name on top. With fmt None
    only the numbers: a page shows them at once and loads the picture apart."""
    rows = [(n, format_percent(v)) for n, v in zip(names, values, strict=True)]
    if fmt is None:
        return Chart(key, title, b"", "svg", ("", "Доля, %"), rows)
    fig = _figure(len(names))
    ax = fig.add_subplot()
    shown = [v or 0 for v in values][::-1]
    bars = ax.barh([_wrap(n, wrap) for n in names][::-1], [float(v) for v in shown], color=COLOURS["current"], height=0.6)
    _label_bars(ax, bars, shown)
    _style(ax)
    fig.suptitle(heading, fontsize=9)
    return Chart(key, title, _encode(fig, fmt), fmt, ("", "Доля, %"), rows)


def two_series(key: str, title: str, heading: str, names: list[str], before: list, after: list, fmt: str | None = "png",
               labels: tuple[str, str] = ("предыдущий период", "текущий период")) -> Chart:
    """Pairs of horizontal bars: the previous value (light) over the current one, first name on top."""
    columns = ("", *(f"{label[:1].upper()}{label[1:]}, %" for label in labels))
    rows = [(n, format_percent(b), format_percent(a)) for n, b, a in zip(names, before, after, strict=True)]
    if fmt is None:
        return Chart(key, title, b"", "svg", columns, rows)
    fig = _figure(len(names), groups=2, legend=True)
    ax = fig.add_subplot()
    positions = list(range(len(names)))
    old = [v or 0 for v in before][::-1]
    new = [v or 0 for v in after][::-1]
    b1 = ax.barh([p + 0.2 for p in positions], [float(v) for v in old], height=0.38, color=COLOURS["previous"], label=labels[0])
    b2 = ax.barh([p - 0.2 for p in positions], [float(v) for v in new], height=0.38, color=COLOURS["current"], label=labels[1])
    _label_bars(ax, b1, old)
    _label_bars(ax, b2, new)
    ax.set_yticks(positions, [_wrap(n) for n in names][::-1])
    _style(ax)
    fig.legend(fontsize=7.5, loc="lower center", ncols=2, frameon=False)
    fig.suptitle(heading, fontsize=9)
    return Chart(key, title, _encode(fig, fmt), fmt, columns, rows)


def _figure(bars: int, groups: int = 1, legend: bool = False) -> Figure:
    height = min(0.9 + 0.32 * bars * max(1, groups * 0.8), 9.0) + (0.3 if legend else 0)
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    # Fixed margins instead of a layout engine: the engines cost a quarter of a second a chart, and our
    # labels are wrapped to a known width anyway.
    fig.subplots_adjust(left=0.44, right=0.97, top=1 - 0.45 / height, bottom=(0.45 if legend else 0.1) / height)
    return fig


def _encode(fig: Figure, fmt: str) -> bytes:
    buf = BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None})  # no date: the same data, the same bytes
    else:
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


def coverage_by_direction(a: Analysis, fmt: str = "png") -> Chart | None:
    rows = [(lower_first(d.name), a.coverage.direction_row(d.code)) for d in a.analysed]
    if not rows:
        return None
    return one_series("directions", "Охват школ мероприятиями по направлениям",
                      "Доля школ, в которых проводились мероприятия направления, %",
                      [name.removeprefix("реализация мероприятий ") for name, _ in rows], [row.percent for _, row in rows], fmt)


def coverage_by_municipality(a: Analysis, fmt: str = "png") -> Chart | None:
    rows = [m for m in a.municipalities if m.directions_share is not None]
    if len(rows) < 2 or not a.analysed:
        return None
    rows.sort(key=lambda m: (m.directions_share, m.name))
    title = "Охват направлений по муниципалитетам"
    if len(rows) > MAX_BARS:
        rows = rows[:MAX_BARS]
        title += f" ({MAX_BARS} муниципалитетов с наименьшим охватом)"
    return one_series("municipalities", title, "Доля направлений, по которым ведут работу школы муниципалитета, %",
                      [m.name for m in rows], [m.directions_share for m in rows], fmt, wrap=40)


def dynamics_by_direction(a: Analysis, fmt: str = "png") -> Chart | None:
    d = a.dynamics
    if d is None or not d.school_ids or not d.directions:
        return None
    n = len(d.school_ids)
    return two_series("dynamics", "Динамика охвата по направлениям в сравнении с предыдущим периодом",
                      f"Доля школ по направлениям, % (школ в сравнении: {n})",
                      [lower_first(c.name).removeprefix("реализация мероприятий ") for c in d.directions],
                      [percent(c.before, n) for c in d.directions], [percent(c.after, n) for c in d.directions], fmt)


def indicator_dynamics(changes: Sequence[Change] | None, fmt: str | None = "png",
                       labels: tuple[str, str] = ("предыдущий период", "текущий период")) -> Chart | None:
    """The indicators given in % (качество знаний, успеваемость, доля подтверждённых отметок ВПР by subject): the
    previous period's total against this one's, over the schools with a value in both (core.outcomes.changes)."""
    from .content import indicator_label  # content draws its charts with this module

    shares = [c for c in changes or [] if c.unit == "%"]
    if not shares:
        return None
    n = max(c.after.schools for c in shares)
    return two_series("indicators", "Динамика показателей результатов",
                      f"Показатели, % (школ в сравнении: {n})",
                      [indicator_label(c.name, c.subject) for c in shares],
                      [c.before.value for c in shares], [c.after.value for c in shares], fmt, labels=labels)
