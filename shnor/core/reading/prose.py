"""Paragraphs and lists → findings, results lines and activities mentioned in sentences.

A справка is read like a person reads it: a lead-in («Выводы:», «Управленческие решения:», «Рекомендации»,
«Среди причин … выявлены следующие:») says what the items under it are; sub-lead-ins («Образовательным
организациям:», «Группа 1 «Управленческие компетенции»») say to whom or to which group they belong.
A results line «· диагностика профессиональных дефицитов - 2 (17%);» is an activity with its count.
Outside such sections, sentences that report something done («проведены педсовет «…» (МБОУ СОШ с. Зеркальное)»)
are read as activities when the document has no activity table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from razdel import sentenize

from shnor.core.documents import Block
from shnor.core.documents.lines import split_marker
from shnor.core.periods import parse_period
from shnor.core.reading.labels import group_of_heading, risk_code, risk_rule
from shnor.core.reading.model import Draft, Statement
from shnor.core.reading.schools import is_bare_school_name
from shnor.core.reading.signature import is_signature
from shnor.core.reading.status import read_status
from shnor.core.reading.words import is_infinitive, parse
from shnor.core.text import fold

FINDING_KINDS = ("goal", "task", "conclusion", "remark", "decision", "recommendation", "cause", "deficit", "risk")
_ADDRESSED = ("recommendation", "decision", "task", "remark")
_LEAD_INS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern)) for kind, pattern in (
        ("goal", r"^цел[ьи]\b"),
        ("task", r"^задачи\b"),
        ("conclusion", r"^(?:общие\s+|основные\s+)?(?:выводы?|заключение)\b"),
        ("remark", r"^замечани"),
        ("decision", r"^(?:управленческие\s+решения|принятые\s+решения|решени[ея]\b|решили\b|постановили\b)"),
        ("recommendation", r"^(?:адресные\s+|методические\s+)?рекомендаци|^предложения\b|^рекомендован|^рекомендуется\s*:"),
        ("cause", r"^(?:(?:основн|возможн|главн)\w*\s+)?причин|^среди\s+причин|выявлены\s+следующие\s+причин"
                  r"|^(?:основные\s+)?факторы\b"),
        ("deficit", r"^(?:профессиональные\s+)?затруднени\w*\s+педагог|^(?:профессиональные\s+)?дефицит(?!\w*\s+(?:педагогическ\w*\s+|учительск\w*\s+)?кадр)|^выявлен\w*\s+(?:следующие\s+)?(?:профессиональные\s+)?дефицит"
                    r"|^группа\s*\d+\.?\s*(?:компетенци\w*\s*)?[«\"]?\s*(?:управленческ|предметн|оценочн|психолого|методическ)"),
        ("risk", r"риск\w*\s+профил|рисков\w*\s+профил|профил\w*\s+риск|^(?:(?:актуальн|выявлен|основн|ключев|имеющ|приоритетн)\w*\s+)?риски\b|следующие\s+риски"
                 r"|выявил\w*\s+(?:у\s+себя\s+)?(?:следующие\s+)?риски|самодиагностик\w*.{0,60}\bриск"),
        ("results", r"^результаты(?:\s+анализа|\s+мониторинга|\s+реализации)?\b"),
        ("schools", r"^(?:объект\s+анализа|перечень\s+(?:оо|оу|школ|образовательных)|список\s+(?:оо|оу|школ))"),
        ("directions", r"^(?:направления\s+анализа|кластеры)"),
    )
)
# «диагностика профессиональных дефицитов - 2 (17%);», «участие в районных семинарах -2(17%);»,
# «… – 2 школы (20 %)», «… – 2 из 16 школ (20 %)»
COUNT_LINE = re.compile(
    r"^(?P<text>.*?[^\s\-–—:])\s*[-–—:]\s*(?P<count>\d+)\s*(?:из\s*(?P<of>\d+)\s*)?(?:[А-ЯЁа-яё.]+\s*){0,2}"
    r"\(\s*(?P<percent>\d+(?:[.,]\d+)?)\s*%\s*\)\s*[;.,]?\s*$"
)
# «Педагогический совет по итогам ВПР — выполнено», «Методический семинар «…» – проведён», «Курсы … — в процессе»:
# an activity named as a noun phrase, its status after a spaced dash.
_STATUS_WORDS = (r"(?:не\s+(?:был[оаи]?\s+)?)?(?:выполн|проведен|проведён|реализ|организован|состоял|исполнен|заверш|осуществл"
                 r"|сделан|перенес|отмен|отложен|частичн|в\s+процессе|в\s+работе|на\s+стадии|начат|продолжа)")
STATUS_LINE = re.compile(rf"^(?P<text>.*[^\s\-–—:])\s+[-–—]\s*(?P<status>{_STATUS_WORDS}[^–—]{{0,120}})$", re.IGNORECASE)
# … or in closing brackets: «Педсовет «Качество образования» (выполнено)».
_STATUS_BRACKET = re.compile(rf"^(?P<text>.*[^\s\-–—:])\s*\((?P<status>{_STATUS_WORDS}[^()]{{0,60}})\)\s*[;.,]?$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}\s*(?:г\.?|года)?\s*$|^\s*\d{1,2}\s+[а-я]+\s+\d{4}\s*(?:г\.?|года)?\s*$")
_STATED_TOTAL = re.compile(
    r"(?:приняли\s+участие|участвовал\w*|включен\w*|охвачен\w*)\s+(\d+)\s+(?:общеобразовательн\w+\s+)?"
    r"(?:организаци|учреждени|школ|оо\b|оу\b)"
)
_OF_TOTAL = re.compile(r"\bв\s+\d+\s+из\s+(\d+)\s+(?:общеобразовательн\w+\s+|образовательн\w+\s+)?(?:организаци|учреждени|школ|оо\b|оу\b)")

_DONE = re.compile(
    r"\b(?:проведен[аоы]?|проведён|проводил(?:ся|ась|ось|ись)|организован[аоы]?|разработан[аоы]?|утвержден[аоы]?"
    r"|утверждён|создан[аоы]?|составлен[аоы]?|сделан[аоы]?|внесен[аоы]?|внесён|включен[аоы]?|включён"
    r"|обучил(?:ись|ся|ась)|прошл[иа]|прошёл|образован[аоы]?|сформирован[аоы]?|подготовлен[аоы]?"
    r"|проанализирован[аоы]?|посетил[иа]?|принял[аи]?\s+участие|приняли\s+участие|выступил[аи]?"
    r"|поделил(?:ись|ся|ась)|состоял(?:ся|ась|ось|ись)|оформлен[аоы]?|обновлен[аоы]?|открыт[аоы]?)\b",
    re.IGNORECASE,
)
_ONGOING = re.compile(
    r"\b(?:проводится|проводятся|размещается|размещаются|оказывается|ведется|ведётся|осуществляется|реализуется)\b",
    re.IGNORECASE,
)
_ACTIVITY_NOUN = re.compile(
    r"^(?:[«\"]|педсовет|педагогическ\w+\s+совет|семинар|практикум|анкетировани|мониторинг|заседани|совещани"
    r"|мастер-класс|открыт\w+\s+урок|вебинар|курс|конференци|круглы\w+\s+стол|диагностик|консультаци|тренинг"
    r"|интенсив|сесси|предметн\w+\s+недел|недел|олимпиад|конкурс|собрани|лекторий|акци|экскурси|анализ|обучени"
    r"|посещени|контрольн|классн\w+\s+час|урок|проект|смотр|фестивал|форум|марафон|декад|встреч|беседа"
    r"|тестировани|опрос|обмен|родительск)",
    re.IGNORECASE,
)
# «…, в которых приняли участие 8 педагогов», «…, по итогам которого…»: a clause continuing the item before it.
_RELATIVE = re.compile(r"^(?:(?:[а-яё]+\s+){0,2}котор|где\b|чтобы\b|что\b|а\s+также\b)", re.IGNORECASE)
# «Причинами … являются …», «Основная причина — …»: the causes follow the verb or the dash on the same line.
_CAUSES_STATED = re.compile(r"\s+(?:явля\w+|стал[аои]?|был[аои]?|заключа\w+\s+в)\s+|\s+[—–-]\s+", re.IGNORECASE)
# «…, срок – до 15.12.2026, ответственный — заместитель директора…»: the deadline and the responsible of a decision.
_TERMS = re.compile(r"[,;.(]?\s*\b(?P<key>сроки?(?:\s+(?:исполнения|выполнения|реализации))?|ответственн(?:ый|ая|ые)"
                    r"(?:\s+за\s+(?:исполнение|выполнение))?)\s*[-–—:]\s*", re.IGNORECASE)
# «Во II полугодии будет проведён семинар», «Планируется, что будут проведены…», «Необходимо организовать…»: a plan
# or a need, not work reported (short forms only: «все запланированные мероприятия проведены» reports work done).
_INTENTION = re.compile(
    r"\b(?:будет|будут|планиру(?:ется|ются|ем|ет)|запланирован[аоы]?|предполага(?:ется|ются)|предстоит|необходимо|следует"
    r"|нужно|в\s+дальнейшем|в\s+перспективе)\b",
    re.IGNORECASE,
)
# «Анализ проведённых мероприятий показал, что…»: a conclusion drawn, not an activity.
_CONCLUDES = re.compile(r"\b(?:показал[аио]?|показывает|показывают|свидетельству(?:ет|ют)|позволил[аио]?|позволяет)\b", re.IGNORECASE)
# «Не проведены курсы…», «собрание не было проведено»: reported as not done.
_NEGATED = re.compile(r"\bне\s+(?:был[аои]?\s+)?(?:проведен|проведён|организован|выполнен|реализован|состоял|осуществл|сделан"
                      r"|разработан|создан|утвержден|утверждён|прошл|проводил)", re.IGNORECASE)


@dataclass
class ProseResult:
    findings: list[Statement] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)  # results lines and activities found in sentences
    listed_schools: list[str] = field(default_factory=list)  # a list of the document's schools
    stated_total: int | None = None  # «В мониторинге приняли участие 9 общеобразовательных организаций»
    body: list[Block] = field(default_factory=list)  # paragraphs outside any section, for prose activities
    sections: dict[str, str] = field(default_factory=dict)  # a body paragraph's `where` → the title it is under
    deadlines: dict[int, str] = field(default_factory=dict)  # id of a decision → its deadline as written («срок – …»)


@dataclass
class _State:
    mode: str | None = None
    addressee: str = ""
    group: str = ""
    cluster: str = ""  # the current cluster heading inside «Результаты анализа»
    heading: str = ""  # the last heading, the section of prose activities
    listed: bool = False  # list items have been seen in the current section
    risk: str | None = None  # inside a risk profile: the code of the risk the measures below belong to
    school: str = ""  # inside a list of work done: the school named over the items below


# «–обеспечить …» typed without a space after the dash is a bullet all the same (a minus before a digit is not).
_GLUED_DASH = re.compile(r"^\s*([-–—])(?=[а-яё«\"])")
# «Были проведены следующие мероприятия:», «В течение полугодия организованы:» — the list below reports work done.
_DONE_LEAD = re.compile(
    r"(?:проведен|проводил|организован|реализован|состоял|осуществлен)\w*\s+(?:\w+\s+){0,3}?(?:следующ|такие|мероприяти)"
    r"|следующ\w*\s+мероприяти\w*\s*(?:были\s+)?(?:проведен|реализован|организован)"
)
# The start of an addressee heading: «Органам местного самоуправления», «Образовательным организациям — ШНОР»,
# «Кураторам», «ЦНППМ», a named school.
_ADDRESSEE_START = re.compile(
    r"^(?:орган\w*|муниципальн\w+|образовательн\w+\s+организаци\w+|руководител\w+|администраци\w+|куратор\w*"
    r"|цнппм|центр\w*|отдел\w*|управлени\w*|комитет\w*|министерств\w*|департамент\w*|региональн\w+|школам"
    r"|педагог\w*|учител\w+|директор\w*|ОО\b|М[БАК]?ОУ\b|МОУ\b)",
    re.IGNORECASE,
)


def _normalised(block: Block) -> Block:
    match = _GLUED_DASH.match(block.text) if block.kind == "paragraph" else None
    if match:
        return replace(block, kind="list_item", text=block.text[match.end():].strip(), marker=match.group(1))
    return block


def read_prose(blocks: list[Block], corrections: dict | None = None) -> ProseResult:
    result = ProseResult()
    state = _State()
    for position, block in enumerate(blocks):
        if block.kind == "table":
            state.mode = None
            continue
        block = _normalised(block)
        text = " ".join(block.text.split())
        if not text:
            continue
        _stated_total(text, result)
        if state.mode in _ADDRESSED and _addressee_heading(text, block, state, result):
            continue
        if state.mode == "risk" and (risk_rule(text) or _is_bullet(block)) and _risk_block(text, block, state, result, corrections):
            continue  # «Дефицит педагогических кадров» inside a risk profile is a risk, not a lead-in of deficits
        lead = _lead_in(text, block)
        if lead is not None:
            kind, inline = lead
            state.mode, state.addressee, state.group, state.cluster, state.listed = kind, "", "", "", False
            state.risk = None
            if kind == "deficit":
                state.group = group_of_heading(_strip_number(text))
            if inline and kind == "deficit" and _group_heading(inline, replace(block, kind="paragraph")):
                state.group = group_of_heading(_strip_number(inline))  # «…дефициты: Группа 1 «Управленческие…»»
            elif inline and kind in _ADDRESSED and _addressee_heading(inline, replace(block, kind="paragraph"), state, result):
                pass  # «Рекомендации: Органам местного самоуправления» — a PDF line joined to its lead-in
            elif inline and kind in FINDING_KINDS:
                for item in _listed(inline) if kind == "cause" else [inline]:
                    _add_finding(item, block, state, result)  # cleaned there: «… Петрова А.А.» keeps its dot
                # «Решение: утвердить план…, срок – …» closes itself: a plain paragraph after it is not its item.
                state.listed = block.kind != "list_item" and inline.endswith(".")
            continue
        if is_signature(text) or _DATE_LINE.match(text):
            state.mode = None
            continue
        # «Были проведены следующие мероприятия:» — or without the colon, when a list follows it.
        introduces = text.endswith(":") or (state.mode is None and _DONE.search(text) is not None
                                            and position + 1 < len(blocks) and blocks[position + 1].kind == "list_item")
        if introduces and len(text) <= 200 and _DONE_LEAD.search(fold(text)):
            state.mode, state.listed, state.school = "done", False, ""
            continue
        if state.mode == "risk" and _risk_block(text, block, state, result, corrections):
            continue
        if block.kind == "heading":
            state.mode, state.heading = None, _strip_number(text)
            continue
        count_line = COUNT_LINE.match(text)
        if count_line:
            result.drafts.append(_count_draft(count_line, block, state.cluster or state.heading))
            state.listed = state.listed or block.kind == "list_item"
            continue
        status_line = (STATUS_LINE.match(text) or _STATUS_BRACKET.match(text)) if state.mode not in FINDING_KINDS and len(text) <= 400 else None
        if status_line and read_status(status_line.group("status")):
            item, deadline = _bracketed_deadline(_clean_item(status_line.group("text")))
            number = next((m for m in (block.marker, split_marker(text)[0]) if m and m[:1].isdigit()), "")
            result.drafts.append(Draft(
                text=item, where=block.where, number=number, actual=status_line.group("status").rstrip(";,. "),
                status=status_line.group("status"), deadline=deadline, origin="list", section=state.cluster or state.heading,
                schools=[state.school] if state.school else []))
            state.listed = state.listed or block.kind == "list_item"
            continue
        # A numbered line is a paragraph in one reader and a list item in another; inside a list of work done only a
        # paragraph can be a title.
        titled = block.kind == "paragraph" or (state.mode is None and block.kind == "list_item" and not _is_bullet(block))
        before_list = position + 1 < len(blocks) and blocks[position + 1].kind == "list_item"
        title = _section_title(text, block.marker, before_list) if state.mode in (None, "done") and titled else ""
        if title:
            state.heading = title  # «2. Работа с педагогами.» over its paragraphs or list: a TXT or PDF has no heading style
            continue
        if state.mode == "done" and is_bare_school_name(text.rstrip(":")):
            state.school = _clean_item(text).rstrip(":")  # «МБОУ СОШ № 2:» over the items of that school
            continue
        if state.mode == "done" and block.kind == "list_item":
            item = _clean_item(text)
            if not intended(item) and not intends(item):
                status = "" if _ONGOING.search(item) and not _DONE.search(item) else _status_word(item, listed=True)
                result.drafts.append(Draft(text=item, where=block.where, actual=item, status=status, origin="prose",
                                           section=state.heading, schools=[state.school] if state.school else []))
            continue
        if state.mode in FINDING_KINDS and _finding(text, block, state, result):
            continue
        if state.mode == "results" and _heads_results(block, text, blocks[position + 1:position + 2]):
            state.cluster = _clean_item(text).rstrip(":").strip()
            continue
        if state.mode == "schools" and block.kind == "list_item":
            result.listed_schools.append(_clean_item(text))
            continue
        if state.mode == "directions" and block.kind == "list_item":
            continue
        state.mode = None if state.mode not in (None, "results") else state.mode
        result.body.append(block)
        result.sections[block.where] = state.heading
    return result


def _addressee_heading(text: str, block: Block, state: _State, result: ProseResult) -> bool:
    """«Органам местного самоуправления:», «ЦНППМ», «МБОУ СОШ № 1, МБОУ СОШ № 3:» — the addressee of the bullets
    below it; «Кураторам: – посещать …; – …» — an addressee with its bullets on one line."""
    if block.kind == "list_item" and block.marker and not block.marker[:1].isdigit() and not text.endswith(":"):
        return False  # a bullet is an item, never a heading
    head, colon, rest = text.partition(":")
    if colon and rest.strip() and re.match(r"^\s*[-–—•·]", rest) and len(head) <= 150 and not _has_verb(head):
        state.addressee = _strip_number(head)
        for item in _inline_items(rest):
            _add_finding(item, block, state, result)
        state.listed = True
        return True
    if text.endswith(":") and len(text) <= 150 and not _has_verb(text) and not _lead_in(text, block):
        state.addressee = _strip_number(text)
        return True
    bare = _strip_number(text)
    if (not colon and len(bare) <= 80 and not bare.endswith((".", ";")) and _ADDRESSEE_START.match(bare)
            and not _has_verb(bare)):
        state.addressee = bare
        return True
    return False


def _has_verb(text: str) -> bool:
    """An infinitive or a finite verb among the first words: a recommendation, not the heading of one."""
    for word in re.findall(r"[а-яё]+", text.casefold())[:12]:
        if parse(word)[1] in ("INFN", "VERB"):
            return True
    return False


def _inline_items(text: str) -> list[str]:
    """«– обеспечить …; – организовать …» on one line (a cell, a TXT line) → the items."""
    parts = re.split(r"(?:^|(?<=[\s;.,]))[-–—•·]\s*(?=[А-ЯЁа-яё«\"])", " ".join(text.split()))
    return [item for item in (_clean_item(part) for part in parts) if item]


def _risk_block(text: str, block: Block, state: _State, result: ProseResult, corrections) -> bool:
    """Inside a risk profile: a risk («1. Дефицит педагогических кадров») or a measure listed under it."""
    bullet = _is_bullet(block)
    item = _clean_item(text)
    if len(item) > 300:
        state.mode = None
        return False
    if bullet and state.risk is not None:
        result.drafts.append(Draft(text=item, where=block.where, origin="list", risk=state.risk))
        return True
    looks_like_risk = not bullet and not _measure_wording(item)
    rule = risk_code(item, corrections, guess=False)[0] if looks_like_risk else ""
    if looks_like_risk and (rule or re.match(r"риск", fold(item)) or state.risk is None):
        code, confidence = (rule, 1.0) if rule else risk_code(item, corrections)
        item = re.sub(r"^риск\s*(?:№\s*)?\d*\s*[.:)–—-]?\s*", "", item, flags=re.IGNORECASE) or item
        result.findings.append(Statement(kind="risk", text=item, where=block.where, code=code, confidence=confidence))
        state.risk = code
        return True
    if state.risk is not None:
        result.drafts.append(Draft(text=item, where=block.where, origin="list", risk=state.risk))
        return True
    return False


def _is_bullet(block: Block) -> bool:
    return block.kind == "list_item" and bool(block.marker) and not block.marker[:1].isdigit()


def _measure_wording(text: str) -> bool:
    """«проведение недели математики», «привлечь молодых специалистов»: a measure, not the name of a risk."""
    words = re.findall(r"[а-яё]+", text.casefold())
    if not words:
        return False
    first = words[0]
    if first in ("отсутствие", "несформированность", "недостаточность"):
        return False
    pos = parse(first)[1]
    return pos == "INFN" or (pos == "NOUN" and first.endswith(("ние", "тие", "ция", "ка", "ота")))


def _reports_done(text: str) -> bool:
    """«Курсы повышения квалификации прошли 12 педагогов»: a report of work done, not a deficit or a cause."""
    return any(not re.search(r"\bне\s*$", text[:m.start()], re.IGNORECASE) for m in _DONE.finditer(text))


def measure_status(text: str) -> str | None:
    """The status a measure's own wording reports: «Проведена неделя математики» done, «Не проведено…» not done,
    «Перенесено на 2022 год» postponed; None for a measure that only names the work («Участие в работе РМО»)."""
    status = read_status(text)
    if status in ("not_done", "postponed"):
        return status
    return "done" if _reports_done(text) else None


def intended(text: str) -> bool:
    """«Сформировать заявку…», «Планируется обучение…», «Будет проведён…»: an intention, not a report."""
    folded = fold(text).lstrip("«\"(- –—")
    if re.match(r"(?:планиру|запланирован|предполага|будет|будут|предстоит|необходимо|следует|в\s+планах)", folded):
        return True
    first = re.match(r"[а-яё]+", folded)
    return bool(first) and is_infinitive(first.group(0))




_NOT_A_SECTION = re.compile(r"(?:отч[её]т|анализ|информаци|справк|аналитическ|план|муниципальн|государствен|утвержд|согласова"
                            r"|приложени|протокол|приказ|итог|всего)")


def _bracketed_deadline(item: str) -> tuple[str, str]:
    """«Педсовет «…» (октябрь 2021)» → («Педсовет «…»», «октябрь 2021»): a period in brackets closing the item is
    its deadline."""
    match = re.search(r"\s*\(([^()]{3,60})\)$", item)
    if match and parse_period(match.group(1)).kind != "unknown":
        return item[:match.start()].rstrip(" ,"), match.group(1).strip()
    return item, ""


def _section_title(text: str, marker: str = "", before_list: bool = False) -> str:
    """The title of a section when a paragraph is one: «Организационно-управленческие меры», «2. Работа с
    педагогами.», «Работа с родителями:» over a list — short, no verb, numbered or without a full stop; not the
    document's own title («Отчёт о реализации …»), a sentence or a school. "" otherwise."""
    typed, bare, _ = split_marker(text)
    bare = " ".join((bare if typed else text).split())
    marker = typed or marker  # a list's marker is kept apart from its text
    if marker and not marker[:1].isdigit() and not re.fullmatch(r"[IVX]+\.?", marker):
        return ""  # a bullet
    if bare.endswith((";", ",", "!", "?")) or (bare.endswith(".") and not marker) or (bare.endswith(":") and not before_list):
        return ""
    bare = bare.rstrip(".:").strip()
    if not bare[:1].isupper() or len(bare) > 80 or len(bare.split()) > 10 or re.search(r"[:%]|\d", bare):
        return ""
    if _NOT_A_SECTION.match(fold(bare)) or _DONE.search(bare) or _ONGOING.search(bare) or is_bare_school_name(bare):
        return ""
    # A verb or a short participle makes it a sentence («Выявлены следующие проблемы»).
    short = any(parse(word)[1] == "PRTS" for word in re.findall(r"[а-яё]+", bare.casefold()))
    return "" if short or _has_verb(bare) else bare


def _heads_results(block: Block, text: str, following: list[Block]) -> bool:
    """A cluster heading inside «Результаты анализа»: it ends with a colon, or results lines follow it."""
    if text.endswith(":"):
        return True
    if block.kind != "list_item" or not following:
        return False
    after = following[0]
    return bool(COUNT_LINE.match(" ".join(after.text.split()))) or (after.kind == "list_item" and after.level > block.level)


def _lead_in(text: str, block: Block) -> tuple[str, str] | None:
    """(kind, text after the colon) when the block introduces a section; None otherwise."""
    if block.kind == "list_item" and not text.endswith(":"):
        return None  # an item of a list is a lead-in only when a list follows it
    marker, bare, _ = split_marker(text)
    bare = bare if marker and block.kind != "list_item" else text
    folded = fold(bare)
    for kind, pattern in _LEAD_INS:
        if not pattern.search(folded):
            continue
        head, colon, rest = bare.partition(":")
        stated = _CAUSES_STATED.search(bare) if kind == "cause" and not colon else None
        if stated and len(bare[:stated.start()]) <= 120:
            return kind, bare[stated.end():].strip()
        if block.kind == "heading" or bare.rstrip().endswith(":") or len(bare) <= 80:
            return kind, rest.strip() if colon else ""
        if colon and len(head) <= 60:
            return kind, rest.strip()
    # «Среди причин низких результатов выявлены следующие:» — the lead-in word is not first.
    head, colon, rest = bare.partition(":")
    folded = fold(head)
    # The lead-in's words anywhere before its colon; what follows the colon on the same line (a PDF joins lines)
    # is its first item or sub-heading.
    inline = rest.strip()
    if (colon and len(head) <= 200 and not _DONE_LEAD.search(folded)
            and (not inline or (len(head) >= 20 and len(inline) <= 150 and not _DONE.search(inline)))):
        if re.search(r"причин|факторы", folded):
            return "cause", rest.strip()
        if re.search(r"рекомендова|рекомендуется|рекомендаци", folded):
            return "recommendation", rest.strip()  # «По итогам мониторинга рекомендуется:»
        if re.search(r"управленческ\w*\s+решени", folded):
            return "decision", rest.strip()
        if re.search(r"(?:профессиональн\w*\s+)?(?:дефицит|затруднени)\w*\s+(?:у\s+)?(?:педагог|учител)", folded):
            return "deficit", rest.strip()
    return None


def _finding(text: str, block: Block, state: _State, result: ProseResult) -> bool:
    """Adds the block as a finding of the current section; False when the section has ended."""
    if state.mode == "deficit" and _group_heading(text, block):
        state.group = group_of_heading(_strip_number(text))
        return True
    if text.endswith(":") and len(text) <= 100 and state.mode in _ADDRESSED:
        state.addressee = text.rstrip(":").strip()
        return True
    if block.kind != "list_item" and state.listed and not split_marker(text)[0]:
        state.mode = None  # a plain paragraph after the list: the section is over
        return False
    if state.mode in ("deficit", "cause") and _reports_done(text):
        if block.kind != "list_item":
            state.mode = None
            return False
        return True  # «курсы прошли 12 педагогов» inside the list: a report, not a deficit
    _add_finding(_clean_item(text), block, state, result)
    state.listed = state.listed or block.kind == "list_item"
    return True


def _group_heading(text: str, block: Block) -> bool:
    """«Группа 3. Компетенции в области оценивания», «Предметные:», «Психолого-педагогические компетенции»."""
    bare = _strip_number(text)
    if re.match(r"группа\b", fold(bare)):
        return True
    if not group_of_heading(bare):
        return False
    return text.endswith(":") or (len(bare) <= 80 and block.kind != "list_item" and "." not in bare.rstrip("."))


def _add_finding(item: str, block: Block, state: _State, result: ProseResult) -> None:
    addressee, group = state.addressee, state.group if state.mode == "deficit" else ""
    head, colon, rest = item.partition(":")
    if colon and rest.strip() and len(head) <= 150 and not _has_verb(head):
        if state.mode in _ADDRESSED and _ADDRESSEE_START.match(head.strip()):
            addressee, item = head.strip(), _clean_item(rest)  # «Руководителям ОО: обеспечить …»
        elif state.mode == "deficit" and group_of_heading(head) and len(head) <= 60:
            group, item = group_of_heading(head), _clean_item(rest)  # «оценочные: критериальное оценивание»
    terms = {}
    if state.mode in ("decision", "recommendation"):
        item, terms = _terms(item)
    item = _clean_item(item)
    finding = Statement(kind=state.mode or "", text=item, where=block.where, addressee=addressee, group=group)
    if state.mode in ("decision", "recommendation"):
        finding.responsible = terms.get("ответственн") or responsible_of(item)
        if terms.get("срок"):
            result.deadlines[id(finding)] = terms["срок"]
    result.findings.append(finding)


def _terms(item: str) -> tuple[str, dict[str, str]]:
    """«утвердить план…, срок – до 15.12.2026, ответственный — Петрова А.А.» → («утвердить план…», {"срок": «до
    15.12.2026», "ответственн": «Петрова А.А.»})."""
    found = list(_TERMS.finditer(item))
    if not found:
        return item, {}
    terms = {}
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(item)
        key = "срок" if fold(match.group("key")).startswith("срок") else "ответственн"
        value = item[match.end():end].strip(" ,;)")
        terms[key] = value if re.search(r"\b[А-ЯЁ]\.$", value) else value.rstrip(".")  # «Петрова А.А.» keeps its dot
    return item[:found[0].start()].rstrip(" ,;.("), terms


def _listed(text: str) -> list[str]:
    """«низкая мотивация обучающихся, дефицит кадров; слабая база» → the items: split on «;» when there is one,
    else on commas; a clause continuing an item («…, в том числе…», «…, которые…») stays with it."""
    parts = [p.strip() for p in text.split(";")] if ";" in text else _top_level_split(text)
    items: list[str] = []
    for part in parts:
        if items and (_RELATIVE.match(part) or re.match(r"(?:в\s+том\s+числе|особенно|прежде\s+всего|связанн|обусловленн)",
                                                        part, re.IGNORECASE)):
            items[-1] = f"{items[-1]}, {part}"
        else:
            items.append(re.sub(r"^(?:а\s+также|и)\s+", "", part))
    return [item for item in items if item]


def responsible_of(text: str) -> str:
    """Who a decision is addressed to: the words before its first infinitive («ЦНППМ запланировать …»)."""
    words = list(re.finditer(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)?", text))
    for i, word in enumerate(words[:16]):
        # Past the first word, a capital means a name («О.Г.Викульевой»), never the verb.
        if (i == 0 or word.group(0)[:1].islower()) and is_infinitive(word.group(0)):
            if i == 0:
                if fold(word.group(0)) in ("рекомендовать", "поручить", "обязать", "предложить"):
                    rest = text[word.end():]
                    return responsible_of(rest.strip())
                return ""
            return text[:word.start()].strip(" ,:;–-")
    return ""


def _count_draft(match: re.Match[str], block: Block, section: str) -> Draft:
    return Draft(
        text=_clean_item(match.group("text")),
        where=block.where,
        section=section,
        count=int(match.group("count")),
        stated_percent=Decimal(match.group("percent").replace(",", ".")),
        stated_of=int(match.group("of")) if match.group("of") else None,
        origin="list",
        line=_clean_item(match.string),
    )


def _stated_total(text: str, result: ProseResult) -> None:
    if result.stated_total is not None:
        return
    folded = fold(text)
    match = _STATED_TOTAL.search(folded) or _OF_TOTAL.search(folded)
    if match:
        result.stated_total = int(match.group(1))


def _clean_item(text: str) -> str:
    marker, bare, _ = split_marker(text)
    return " ".join((bare if marker else text).split()).rstrip(";,. ").strip()


def _strip_number(text: str) -> str:
    marker, bare, _ = split_marker(text)
    return (bare if marker else text).strip().rstrip(".:")


# ---------------------------------------------------------------- activities inside sentences


def prose_drafts(blocks: list[Block], sections: dict[str, str] | None = None) -> list[Draft]:
    """Activities reported in sentences: each enumerated item after «проводились следующие мероприятия:», or
    each sentence saying something was done; each under the title of its paragraph's section (`sections`)."""
    drafts: list[Draft] = []
    for block in blocks:
        section = (sections or {}).get(block.where, "")
        for sentence in sentenize(block.text):
            text = sentence.text.strip()
            if not text or text.endswith(":"):
                continue
            for item, status in _items(text):
                drafts.append(Draft(text=item, where=block.where, actual=item, status=status, origin="prose", section=section))
    return drafts


def _items(sentence: str) -> list[tuple[str, str]]:
    head, colon, tail = sentence.partition(":")
    if colon and tail.strip() and (_DONE.search(head) or _ONGOING.search(head) or re.search(r"мероприят", head)):
        if intends(head):
            return []  # «Во II полугодии будут проведены: …»
        parts = _top_level_split(tail)
        if any(re.match(r"\d", part) for part in parts):
            # «Педагоги прошли обучение по программам ДПО: 4 человека, курсы «…»»: a count after the colon says how
            # many, the sentence is one activity.
            return [] if intends(sentence) else [(" ".join(sentence.split()).rstrip(". "), _status_word(sentence))]
        # Items listed after «проводились следующие мероприятия:» were done, unless worded as ongoing.
        return [(part, "" if _ONGOING.search(part) and not _DONE.search(part) else _status_word(part, listed=True))
                for part in _merge_parts(parts) if not intends(part)]
    if not (_DONE.search(sentence) or _ONGOING.search(sentence)) or _CONCLUDES.search(sentence):
        return []
    parts = _merge_parts(_top_level_split(sentence))
    # Split a sentence only into clauses that each report something («…, составлены планы …»); quoted titles
    # after a comma are names of one programme or course, not separate activities.
    if len(parts) > 1 and all(_DONE.search(p) or _ONGOING.search(p) or (_ACTIVITY_NOUN.match(p) and p[:1] not in "«\"")
                              for p in parts[1:]):
        return [(part, _status_word(part)) for part in parts if not intends(part)]
    return [] if intends(sentence) else [(" ".join(sentence.split()).rstrip(". "), _status_word(sentence))]


def intends(text: str) -> bool:
    """A clause worded as a plan or a need before anything it reports done («будет проведён», «планируется, что…»)."""
    intention = _INTENTION.search(text)
    done = _DONE.search(text)
    return intention is not None and (done is None or intention.start() < done.start())


def _status_word(text: str, *, listed: bool = False) -> str:
    """The status cell a prose item would have had: done for «проведён» (or any item of a list of work done), not done
    for «не проведён», nothing for «проводится»."""
    if _NEGATED.search(text):
        return "не выполнено"
    if listed or _DONE.search(text):
        return "выполнено"
    return ""


def _merge_parts(parts: list[str]) -> list[str]:
    """Keep together what a comma split but one activity holds («создан банк учащихся, с которыми …»)."""
    merged: list[str] = []
    for part in parts:
        starts_new = bool(_ACTIVITY_NOUN.match(part) or _DONE.search(part) or _ONGOING.search(part[:40]))
        if merged and (not starts_new or _RELATIVE.match(part)):
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    return [" ".join(p.split()).rstrip(". ") for p in merged if p.strip()]


def _top_level_split(text: str) -> list[str]:
    """Split on commas (and «;») outside quotes and brackets."""
    parts: list[str] = []
    depth_quote = depth_paren = 0
    current = []
    for ch in text:
        if ch == "«":
            depth_quote += 1
        elif ch == "»":
            depth_quote = max(0, depth_quote - 1)
        elif ch == "(":
            depth_paren += 1
        elif ch == ")":
            depth_paren = max(0, depth_paren - 1)
        if ch in ",;" and not depth_quote and not depth_paren:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]
