"""Document → Extraction: the one entry point of reading, and its JSON form for the CLI and the review screen."""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from datetime import date
from decimal import Decimal

from shnor.core.documents import Document
from shnor.core.periods import Period, find_periods
from shnor.core.reading.activities import build
from shnor.core.reading.cells import cell_findings
from shnor.core.reading.checks import percent_warnings
from shnor.core.reading.indicators import find_indicators
from shnor.core.reading.labels import addressee_kind, deficit_group, risk_code
from shnor.core.reading.model import Draft, Extraction, ReadingContext, SchoolMention, Statement
from shnor.core.reading.prose import COUNT_LINE, prose_drafts, read_prose
from shnor.core.reading.report_period import report_period
from shnor.core.reading.schools import find_school_names, mention
from shnor.core.reading.tables import read_table


def extract(document: Document, context: ReadingContext | None = None) -> Extraction:
    context = context or ReadingContext()
    result = Extraction(source=document.source, format=document.format, warnings=list(document.warnings))
    table_drafts: list[Draft] = []
    table_schools: list[str] = []
    table_risks: list[Statement] = []
    table_recommendations: list[tuple[Statement, str]] = []
    for block in document.blocks:
        if block.kind != "table":
            continue
        table = read_table(block, context.corrections)
        table_drafts.extend(table.activities)
        table_risks.extend(table.risks)
        table_recommendations.extend(table.recommendations)
        result.indicators.extend(table.indicators)
        table_schools.extend(table.school_names)
        result.warnings.extend(table.warnings)
    prose = read_prose(document.blocks, context.corrections)
    cell_found = [finding for draft in table_drafts for finding in cell_findings(draft)]
    drafts = table_drafts + prose.drafts
    if not table_drafts:
        # Sentences are read as activities only when no table lists them: in a table report the prose around
        # the table describes the procedure, not the work done.
        drafts += prose_drafts(prose.body, prose.sections)
    drafts.sort(key=lambda d: _order(document, d.where))
    result.period = report_period(document.blocks, context.reference_date)
    reference = context.reference_date or (result.period.start if result.period else None)
    if reference != context.reference_date:
        context = replace(context, reference_date=reference)
    result.activities = build(drafts, context, result.warnings)
    deadlines = {id(statement): cell for statement, cell in table_recommendations} | prose.deadlines
    findings = sorted(table_risks + [s for s, _ in table_recommendations] + cell_found + prose.findings,
                      key=lambda f: _order(document, f.where))
    for finding in findings:
        if finding.kind in ("decision", "recommendation"):
            finding.deadline = _finding_deadline(deadlines.get(id(finding)) or finding.text, reference)
            finding.standing = finding.deadline is not None and finding.deadline.kind == "recurring"
        _label(finding, context)
    result.findings = findings
    for block in document.blocks:
        # A results line «курсы повышения квалификации - 16 (100%)» counts schools, not an indicator's value.
        if block.kind != "table" and not COUNT_LINE.match(" ".join(block.text.split())):
            result.indicators.extend(find_indicators(block.text, block.where))
    listed = prose.listed_schools + table_schools
    result.schools = _schools(document, listed, result, context)
    total = _total(listed, prose.stated_total, context, drafts)
    result.warnings.extend(percent_warnings(drafts, total))
    return result


def _schools(document: Document, listed: list[str], result: Extraction, context: ReadingContext) -> list[SchoolMention]:
    """Every school the document names: its list of schools first, then those named anywhere else."""
    names: list[str] = []
    for text in listed:
        found = [name for _, _, name in find_school_names(text)]
        names.extend(found or [text])
    for block in document.blocks:
        texts = [cell for row in block.rows or [] for cell in row] if block.kind == "table" else [block.text]
        for text in texts:
            names.extend(name for _, _, name in find_school_names(text))
    mentions: list[SchoolMention] = []
    seen: set = set()
    for name in names:
        item = mention(name, context.schools)
        key = item.school_id if item.school_id is not None else " ".join(name.casefold().split())
        if key not in seen:
            seen.add(key)
            mentions.append(item)
    for activity in result.activities:
        for school in activity.schools:
            key = school.school_id if school.school_id is not None else " ".join(school.text.casefold().split())
            if key not in seen:
                seen.add(key)
                mentions.append(school)
    return mentions


def _total(listed: list[str], stated: int | None, context: ReadingContext, drafts: list[Draft]) -> int | None:
    """How many schools the percentages of the document are of."""
    if len(listed) >= 2:
        return len(listed)
    if context.schools_total:
        return context.schools_total
    if stated:
        return stated
    full = [d.count for d in drafts if d.stated_percent == 100 and d.count]
    return full[0] if full else None


def _finding_deadline(text: str, reference: date | None):
    periods = [p for p in find_periods(text, reference) if p.kind != "unknown"]
    if not periods:
        return None
    period = periods[-1]  # «… подготовить отчёт … до 01 декабря 2021 года»: the deadline closes the sentence
    if period.kind == "recurring":
        # «(постоянно)»: a standing obligation from the decision on, not the school year the report was about.
        return Period(period.text, None, None, "recurring")
    return period


def _label(finding: Statement, context: ReadingContext) -> None:
    """The finding's code, group, addressee kind and named schools (see `labels`)."""
    corrections = context.corrections
    if finding.kind in ("cause", "risk") and not finding.code:
        finding.code, confidence = risk_code(finding.text, corrections)
        finding.confidence = confidence if finding.code else 1.0
    elif finding.kind == "deficit" and not finding.group:
        finding.group, confidence = deficit_group(finding.text, corrections)
        finding.confidence = confidence if finding.group else 1.0
    elif finding.kind in ("recommendation", "decision", "task", "remark") and (finding.addressee or finding.responsible):
        who = finding.addressee or finding.responsible
        finding.schools = [mention(name, context.schools) for _, _, name in find_school_names(who)]
        finding.addressee_kind, finding.confidence = addressee_kind(who, len(finding.schools), corrections)


def _order(document: Document, where: str) -> tuple[int, int]:
    """Keeps activities in document order: table rows and list lines are merged by their block's position."""
    for block in document.blocks:
        if where == block.where or where.startswith(block.where + ","):
            row = where.rsplit("строка ", 1)[-1] if "строка" in where[len(block.where):] else "0"
            return block.index, int(row) if row.isdigit() else 0
    return len(document.blocks), 0


# ---------------------------------------------------------------- JSON


def extraction_to_dict(extraction: Extraction) -> dict:
    """JSON-ready: dates as ISO strings, decimals as numbers, dataclasses as dicts."""
    return _plain(extraction)


def _plain(value):
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
