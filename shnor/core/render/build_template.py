"""Build the default Word template of the справка: `python -m shnor.core.render.build_template [OUT]`.

The template is a plain DOCX with docxtpl (jinja2) tags; a region may replace it with its own letterhead
keeping the same variables (listed in VARIABLES). A4, Times New Roman 14 pt, margins 30/15/20/20 mm.
Run this script again after changing it and commit the resulting templates/spravka.docx.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).parent / "templates" / "spravka.docx"
FONT = "Times New Roman"

# What a region's own template may use (shown to coordinators on the upload form).
VARIABLES = {
    "title, subtitle, date_text": "заголовок, подзаголовок и дата справки",
    "region, campaign_title": "регион и название кампании",
    "notes": "предупреждения о неполноте данных (список)",
    "goal, tasks": "цель и задачи (tasks — список)",
    "object_text, sources": "объект, период и источники анализа (sources — список)",
    "schools": "школы: number, name, municipality, reported",
    "directions, not_analysed": "направления (кластеры) и пояснение о неанализируемых",
    "results": "результаты по направлениям: title, label, lines (каждая — text)",
    "charts": "диаграммы: image, title",
    "municipalities": "сравнение муниципалитетов: name, schools, reported, directions_share, completion",
    "municipal_roadmaps_lead, municipal_roadmaps_lines": "мероприятия муниципальных дорожных карт: пояснение и строки по муниципалитетам (список)",
    "needs_lead, needs_lines": "диагностика и меры: пояснение и строки по причинам, дефицитам и рискам (список)",
    "outcome_lead, outcome_lines": "результаты: показатели по региону и их динамика, в том числе ВПР и ОГЭ по предметам (список)",
    "worked_lead, worked_lines": "что сработало: сравнение школ, проводивших и не проводивших мероприятия (список)",
    "dynamics_lead, dynamics_rows, dynamics_indicators": "динамика: пояснение, строки (name, before, after, delta), показатели",
    "previous_tasks_lead, previous_tasks": "исполнение рекомендаций и решений предыдущего периода: text, responsible, deadline, status, note",
    "execution_counts, execution_overdue": "их число по состояниям (status, number) и просроченные по адресатам (addressee, items: text, deadline)",
    "conclusions, remarks": "выводы и замечания (списки строк)",
    "decisions": "управленческие решения: number, text, responsible, deadline",
    "recommendations": "адресные рекомендации: addressee, text",
    "author_name, author_position": "автор и его должность",
    "appendix": "приложение — школы из длинных перечней выводов и рекомендаций: number, name, municipality, what",
}


def _fonts(style, size: int) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(doc, text: str = "", *, bold: bool = False, align=None, keep: bool = False):
    p = doc.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
    if align is not None:
        p.alignment = align
    if keep:
        p.paragraph_format.keep_with_next = True
    return p


def _heading(doc, text: str):
    return _para(doc, text, bold=True, keep=True)


def _table(doc, headers: list[str], loop: str, cells: list[str], widths_mm: list[int]):
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        run.bold = True
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for i, text in enumerate(cells):
        table.rows[2].cells[i].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    table.autofit = False
    _fix_widths(table, widths_mm, font_pt=12)
    return table


def _fix_widths(table, widths_mm: list[int], *, font_pt: int) -> None:
    """Fixed column widths (Word reads the cells' widths, LibreOffice the table grid's), cells left-aligned, unindented."""
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for i, width in enumerate(widths_mm):
            row.cells[i].width = Mm(width)
            for p in row.cells[i].paragraphs:
                p.paragraph_format.first_line_indent = Mm(0)
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
                for run in p.runs:
                    run.font.size = Pt(font_pt)


def _numbered(doc, var: str, item: str = "{{ loop.index }}) {{ x }}"):
    _para(doc, f"{{%p for x in {var} %}}")
    _para(doc, item)
    _para(doc, "{%p endfor %}")


def _document(*, landscape: bool = False, size: int = 14):
    """An empty A4 document in the house style with the title, subtitle and date lines every kind opens with."""
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.left_margin, section.right_margin = Mm(20), Mm(15)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = doc.styles["Normal"]
    _fonts(normal, size)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.first_line_indent = Mm(12.5)
    _fonts(doc.styles["Table Grid"], 12)
    for text, bold in (("{{ title }}", True), ("{{ subtitle }}", False), ("{{ date_text }}", False)):
        p = _para(doc, text, bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.first_line_indent = Mm(0)
    _para(doc)
    return doc


def build(out: Path = OUT) -> Path:
    doc = _document()
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "{%p for n in notes %}")
    p = _para(doc, "{{ n }}")
    p.runs[0].italic = True
    _para(doc, "{%p endfor %}")

    p = _para(doc)
    p.add_run("Цель: ").bold = True
    p.add_run("{{ goal }}")
    _heading(doc, "Задачи:")
    _numbered(doc, "tasks")
    p = _para(doc)
    p.add_run("Объект анализа").bold = True
    p.add_run(" — {{ object_text }}.")
    _heading(doc, "Источники:")
    _numbered(doc, "sources", "· {{ x }}")

    _heading(doc, "Перечень образовательных организаций")
    _table(doc, ["№", "Образовательная организация", "Муниципалитет"], "school in schools",
           ["{{ school.number }}", "{{ school.name }}{% if not school.reported %} (отчёт не представлен){% endif %}", "{{ school.municipality }}"],
           [12, 100, 53])

    _para(doc, "{%p if directions %}")
    _heading(doc, "Направления анализа (кластеры):")
    _numbered(doc, "directions")
    _para(doc, "{%p if not_analysed %}")
    _para(doc, "{{ not_analysed }}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if results %}")
    _heading(doc, "Результаты анализа:")
    _para(doc, "{%p for r in results %}")
    _para(doc, "{{ loop.index }}) {{ r.title }} — {{ r.label }}:")
    _para(doc, "{%p for line in r.lines %}")
    _para(doc, "· {{ line.text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p for c in charts %}")
    p = _para(doc, "{{ c.image }}", align=center)
    p.paragraph_format.first_line_indent = Mm(0)
    p.paragraph_format.keep_with_next = True
    p = _para(doc, "{{ c.title }}", align=center)
    p.paragraph_format.first_line_indent = Mm(0)
    p.runs[0].italic = True
    _para(doc, "{%p endfor %}")

    _para(doc, "{%p if municipalities %}")
    _heading(doc, "Сравнение муниципалитетов")
    _table(doc, ["Муниципалитет", "Школ", "Представили отчёт", "Доля направлений с мероприятиями", "Выполнено запланированного"],
           "m in municipalities", ["{{ m.name }}", "{{ m.schools }}", "{{ m.reported }}", "{{ m.directions_share }}", "{{ m.completion }}"],
           [55, 18, 28, 34, 30])
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if municipal_roadmaps_lead %}")
    p = _para(doc)
    p.add_run("Мероприятия муниципальных дорожных карт. ").bold = True
    p.add_run("{{ municipal_roadmaps_lead }}")
    _numbered(doc, "municipal_roadmaps_lines", "· {{ x }}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if needs_lead %}")
    p = _para(doc)
    p.add_run("Диагностика и меры. ").bold = True
    p.add_run("{{ needs_lead }}")
    _numbered(doc, "needs_lines", "· {{ x }}")
    _para(doc, "{%p endif %}")

    for var, title in (("outcome", "Результаты. "), ("worked", "Что сработало. ")):
        _para(doc, f"{{%p if {var}_lead %}}")
        p = _para(doc)
        p.add_run(title).bold = True
        p.add_run(f"{{{{ {var}_lead }}}}")
        _numbered(doc, f"{var}_lines", "· {{ x }}")
        _para(doc, "{%p endif %}")

    _para(doc, "{%p if dynamics_lead %}")
    p = _para(doc)
    p.add_run("Динамика. ").bold = True
    p.add_run("{{ dynamics_lead }}")
    _table(doc, ["Направление", "Предыдущий период", "Текущий период", "Изменение"], "row in dynamics_rows",
           ["{{ row.name }}", "{{ row.before }}", "{{ row.after }}", "{{ row.delta }}"], [75, 30, 30, 30])
    _para(doc, "{%p if dynamics_indicators %}")
    _para(doc, "Показатели результатов:")
    _numbered(doc, "dynamics_indicators", "· {{ x }}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if previous_tasks_lead %}")
    p = _para(doc)
    p.add_run("Исполнение рекомендаций и управленческих решений предыдущего периода. ").bold = True
    p.add_run("{{ previous_tasks_lead }}")
    _para(doc, "{%p if execution_counts %}")
    _table(doc, ["Состояние", "Число"], "c in execution_counts", ["{{ c.status }}", "{{ c.number }}"], [60, 30])
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if execution_overdue %}")
    _para(doc, "Срок истёк, не выполнено:")
    _numbered(doc, "execution_overdue",
              "· {{ x.addressee }}: {% for i in x.items %}{{ i.text }} ({{ i.deadline }}){% if not loop.last %}; {% endif %}{% endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if previous_tasks %}")
    _table(doc, ["Рекомендация или решение", "Адресат", "Срок", "Исполнение"], "t in previous_tasks",
           ["{{ t.text }}", "{{ t.responsible }}", "{{ t.deadline }}", "{{ t.status }}{% if t.note %}: {{ t.note }}{% endif %}"], [75, 35, 25, 30])
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")

    for var, title in (("conclusions", "Выводы:"), ("remarks", "Замечания по мониторингу реализации мероприятий «дорожных карт»:")):
        _para(doc, f"{{%p if {var} %}}")
        _heading(doc, title)
        _numbered(doc, var)
        _para(doc, "{%p endif %}")

    _para(doc, "{%p if decisions %}")
    _heading(doc, "Управленческие решения:")
    _table(doc, ["№", "Решение", "Ответственный", "Срок"], "d in decisions",
           ["{{ d.number }}", "{{ d.text }}", "{{ d.responsible }}", "{{ d.deadline }}"], [10, 95, 35, 25])
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if recommendations %}")
    _heading(doc, "Адресные рекомендации:")
    _para(doc, "{%p for r in recommendations %}")
    p = _para(doc)
    p.add_run("{{ loop.index }}) ")
    p.add_run("{{ r.addressee }}:").bold = True
    p.add_run(" {{ r.text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    _para(doc)
    _para(doc)
    p = _para(doc, "{{ author_name }}{% if author_name and author_position %}, {% endif %}{{ author_position }}")
    p.paragraph_format.first_line_indent = Mm(0)
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT

    _para(doc, "{%p if appendix %}")
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("Приложение")
    p = _para(doc, "Перечень образовательных организаций к выводам, замечаниям и рекомендациям", bold=True, align=center, keep=True)
    p.paragraph_format.first_line_indent = Mm(0)
    _table(doc, ["№", "Образовательная организация", "Муниципалитет", "Что относится к организации"], "row in appendix",
           ["{{ row.number }}", "{{ row.name }}", "{{ row.municipality }}", "{{ row.what }}"], [12, 55, 35, 63])
    _para(doc, "{%p endif %}")

    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


PLAN_VS_ACTUAL = Path(__file__).parent / "templates" / "plan-vs-actual.docx"
PLAN_COLUMNS = [  # header, cell, width in mm (landscape A4: 262 mm between the margins)
    ("№", "{{ r.number }}", 10), ("Наименование мероприятия", "{{ r.title }}", 50), ("Сроки исполнения", "{{ r.deadline }}", 22),
    ("Ответственный", "{{ r.responsible }}", 25), ("Ожидаемый результат", "{{ r.expected }}", 35),
    ("Фактический результат / информация о выполнении", "{{ r.actual }}", 45), ("Отметка о выполнении", "{{ r.status }}", 20),
    ("Подтверждение", "{{ r.evidence }}", 30), ("Причина невыполнения", "{{ r.reason }}", 25),
]


def build_plan_vs_actual(out: Path = PLAN_VS_ACTUAL) -> Path:
    """The default template of the plan-vs-actual report (variables: shnor.core.render.planfact.VARIABLES)."""
    doc = _document(landscape=True, size=12)
    _para(doc, "{%p for part in schools %}")
    _heading(doc, "{{ part.name }}{% if part.municipality %} ({{ part.municipality }}){% endif %}")
    headers = [h for h, _, _ in PLAN_COLUMNS]
    table = doc.add_table(rows=7, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for i, header in enumerate(headers):
        table.rows[0].cells[i].paragraphs[0].add_run(header).bold = True
    table.rows[1].cells[0].text = "{%tr for s in part.sections %}"
    section_row = table.rows[2].cells[0].merge(table.rows[2].cells[-1])
    section_row.paragraphs[0].add_run("{{ s.title }}").bold = True
    table.rows[3].cells[0].text = "{%tr for r in s.rows %}"
    for i, (_, cell, _) in enumerate(PLAN_COLUMNS):
        table.rows[4].cells[i].text = cell
    table.rows[5].cells[0].text = "{%tr endfor %}"
    table.rows[6].cells[0].text = "{%tr endfor %}"
    _fix_widths(table, [w for _, _, w in PLAN_COLUMNS], font_pt=10)
    _para(doc)
    _para(doc, "{%p endfor %}")
    _heading(doc, "Анализ эффективности")
    _para(doc, "{%p for x in efficiency %}")
    _para(doc, "{{ x }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if reasons %}")
    _heading(doc, "Причины невыполнения")
    _table(doc, ["Причина", "Мероприятий", "Мероприятия"], "x in reasons", ["{{ x.reason }}", "{{ x.count }}", "{{ x.activities }}"], [80, 35, 147])
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if unplanned_lines %}")
    _heading(doc, "Мероприятия, не предусмотренные дорожной картой")
    _numbered(doc, "unplanned_lines")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if indicators %}")
    _heading(doc, "Показатели")
    _table(doc, ["Показатель", "Предыдущий период", "Текущий период", "Изменение"], "x in indicators",
           ["{{ x.name }}", "{{ x.before }}", "{{ x.after }}", "{{ x.change }}"], [110, 45, 45, 62])
    _para(doc, "{%p endif %}")
    return _signed_and_saved(doc, out)


NOTE = Path(__file__).parent / "templates" / "note.docx"


def build_note(out: Path = NOTE) -> Path:
    """The default template of the analytical note (variables: shnor.core.render.note.VARIABLES)."""
    doc = _document()
    _para(doc, "{{ intro }}")
    _para(doc, "{%p if directions %}")
    _heading(doc, "Что сделано по направлениям")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p for dir in directions %}")
    p = _para(doc, "{{ dir.name }}", keep=True)
    p.runs[0].italic = True
    _para(doc, "{%p for x in dir.lines %}")
    _para(doc, "– {{ x }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if indicators %}")
    _heading(doc, "Показатели")
    _table(doc, ["Показатель", "Предыдущий период", "Текущий период", "Динамика"], "x in indicators",
           ["{{ x.name }}", "{{ x.before }}", "{{ x.after }}", "{{ x.text }}"], [55, 30, 30, 50])
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if conclusions %}")
    _heading(doc, "Выводы")
    _numbered(doc, "conclusions")
    _para(doc, "{%p endif %}")
    return _signed_and_saved(doc, out)


MONITORING = Path(__file__).parent / "templates" / "monitoring.docx"


def _signed_and_saved(doc, out: Path) -> Path:
    """The author's line that ends every document kind, then the template written to `out`."""
    _para(doc)
    _para(doc, "{{ author_position }} {{ author_name }}")
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


def _bullets(doc, var: str) -> None:
    _para(doc, f"{{%p for x in {var} %}}")
    _para(doc, "– {{ x }}")
    _para(doc, "{%p endfor %}")


def build_monitoring(out: Path = MONITORING) -> Path:
    """The default template of the thematic monitoring report (variables: shnor.core.render.monitoring.VARIABLES)."""
    doc = _document()
    _para(doc, "{%p for n in notes %}")
    _para(doc, "{{ n }}").runs[0].italic = True
    _para(doc, "{%p endfor %}")
    _heading(doc, "1. Введение и методы сбора информации")
    _para(doc, "{{ intro }}")
    _para(doc, "Методы и источники информации:")
    _bullets(doc, "methods")
    _heading(doc, "2. Причины низких результатов")
    _para(doc, "{{ causes_lead }}")
    _bullets(doc, "causes")
    _heading(doc, "3. Профессиональные дефициты педагогов по группам компетенций")
    _para(doc, "{{ deficits_lead }}")
    _para(doc, "{%p for g in deficit_groups %}")
    _para(doc, "{{ g.title }}", keep=True).runs[0].italic = True
    _bullets(doc, "g.lines")
    _para(doc, "{%p endfor %}")
    _heading(doc, "4. Проведённые меры")
    _para(doc, "{%p if measures_lead %}")
    _para(doc, "{{ measures_lead }}")
    _bullets(doc, "measures")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if activities %}")
    _para(doc, "Мероприятия, проведённые школами, по направлениям (число школ):")
    _para(doc, "{%p for r in activities %}")
    _para(doc, "{{ loop.index }}) {{ r.title }} — {{ r.label }}", keep=True)
    _para(doc, "{%p for line in r.lines %}")
    _para(doc, "– {{ line.text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")
    _heading(doc, "5. Результаты и что сработало")
    _para(doc, "{%p if outcome_lead %}")
    _para(doc, "{{ outcome_lead }}")
    _bullets(doc, "outcome_lines")
    _para(doc, "{%p else %}")
    _para(doc, "Показатели результатов за период в отчётах школ не указаны.")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if worked_lead %}")
    _para(doc, "{{ worked_lead }}")
    _bullets(doc, "worked_lines")
    _para(doc, "{%p endif %}")
    _heading(doc, "6. Выводы")
    _numbered(doc, "conclusions")
    _heading(doc, "7. Адресные рекомендации")
    _para(doc, "{%p for r in recommendations %}")
    _para(doc, "{{ r.addressee }}:", keep=True).runs[0].italic = True
    _numbered(doc, "r.lines")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if appendix %}")
    _heading(doc, "Приложение. Школы из перечней отчёта")
    _table(doc, ["№", "Школа", "Муниципалитет", "Что относится к школе"], "a in appendix",
           ["{{ a.number }}", "{{ a.name }}", "{{ a.municipality }}", "{{ a.what }}"], [10, 55, 40, 60])
    _para(doc, "{%p endif %}")
    return _signed_and_saved(doc, out)


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
    print(build_plan_vs_actual())
    print(build_note())
    print(build_monitoring())
