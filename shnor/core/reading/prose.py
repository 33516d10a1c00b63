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
from dataclasses import dataclass, field
from decimal import Decimal

from razdel import sentenize

from shnor.core.documents import Block
from shnor.core.documents.lines import split_marker
from shnor.core.reading.model import Draft, Statement
from shnor.core.reading.words import is_infinitive
from shnor.core.text import fold

FINDING_KINDS = ("goal", "task", "conclusion", "remark", "decision", "recommendation", "cause", "deficit")
_LEAD_INS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern)) for kind, pattern in (
        ("goal", r"^цел[ьи]\b"),
        ("task", r"^задачи\b"),
        ("conclusion", r"^(?:общие\s+|основные\s+)?(?:выводы?|заключение)\b"),
        ("remark", r"^замечани"),
        ("decision", r"^(?:управленческие\s+решения|принятые\s+решения|решения\b|решили\b|постановили\b)"),
        ("recommendation", r"^(?:адресные\s+|методические\s+)?рекомендаци|^предложения\b"),
        ("cause", r"^(?:основные\s+|возможные\s+)?причин|^среди\s+причин|выявлены\s+следующие\s+причин"),
        ("deficit", r"^(?:профессиональные\s+)?дефицит|^выявлен\w*\s+(?:следующие\s+)?(?:профессиональные\s+)?дефицит"
                    r"|^группа\s*\d+\.?\s*(?:компетенци\w*\s*)?[«\"]?\s*(?:управленческ|предметн|оценочн|психолого|методическ)"),
        ("results", r"^результаты(?:\s+анализа|\s+мониторинга|\s+реализации)?\b"),
        ("schools", r"^(?:объект\s+анализа|перечень\s+(?:оо|оу|школ|образовательных)|список\s+(?:оо|оу|школ))"),
        ("directions", r"^(?:направления\s+анализа|кластеры)"),
    )
)
_GROUPS = (
    ("управленческ", "управленческие"), ("предметн", "предметные"), ("оценочн", "оценочные"),
    ("психолого", "психолого-педагогические"), ("методическ", "методические"), ("коммуникативн", "коммуникативные"),
    ("цифров", "цифровые"),
)
_GROUP_HEAD = re.compile(r"^(?:группа\s*\d*\.?\s*)?[«\"]?\s*(" + "|".join(stem for stem, _ in _GROUPS) + r")\w*")
# «диагностика профессиональных дефицитов - 2 (17%);», «участие в районных семинарах -2(17%);»,
# «… – 2 школы (20 %)», «… – 2 из 16 школ (20 %)»
COUNT_LINE = re.compile(
    r"^(?P<text>.*?[^\s\-–—:])\s*[-–—:]\s*(?P<count>\d+)\s*(?:из\s*(?P<of>\d+)\s*)?(?:[А-ЯЁа-яё.]+\s*){0,2}"
    r"\(\s*(?P<percent>\d+(?:[.,]\d+)?)\s*%\s*\)\s*[;.,]?\s*$"
)
_SIGNATURE = re.compile(
    r"^(?:[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+|[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?)(?:,|\s*$)"
    r"|^(?:справку\s+подготовил|аналитическую\s+справку\s+подготовил|исполнитель|подготовил[аи]?)\b"
    r"|^(?:директор|заведующ|начальник|руководитель|заместитель|специалист|методист)\b.{0,80}(?:_{3,}|[А-ЯЁ]\.\s?[А-ЯЁ]\.)",
    re.IGNORECASE,
)
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
_RELATIVE = re.compile(r"^(?:котор|в\s+ходе\s+котор|по\s+итогам\s+котор|с\s+которым|где\b|чтобы\b|а\s+также\b)", re.IGNORECASE)


@dataclass
class ProseResult:
    findings: list[Statement] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)  # results lines and activities found in sentences
    listed_schools: list[str] = field(default_factory=list)  # a list of the document's schools
    stated_total: int | None = None  # «В мониторинге приняли участие 9 общеобразовательных организаций»
    body: list[Block] = field(default_factory=list)  # paragraphs outside any section, for prose activities


@dataclass
class _State:
    mode: str | None = None
    addressee: str = ""
    group: str = ""
    cluster: str = ""  # the current cluster heading inside «Результаты анализа»
    heading: str = ""  # the last heading, the section of prose activities
    listed: bool = False  # list items have been seen in the current section


def read_prose(blocks: list[Block]) -> ProseResult:
    result = ProseResult()
    state = _State()
    for position, block in enumerate(blocks):
        if block.kind == "table":
            state.mode = None
            continue
        text = " ".join(block.text.split())
        if not text:
            continue
        _stated_total(text, result)
        lead = _lead_in(text, block)
        if lead is not None:
            kind, inline = lead
            state.mode, state.addressee, state.group, state.cluster, state.listed = kind, "", "", "", False
            if kind == "deficit":
                state.group = _group(text) or ""
            if inline and kind in FINDING_KINDS:
                result.findings.append(Statement(kind=kind, text=inline, where=block.where))
            continue
        if _SIGNATURE.match(text) or _DATE_LINE.match(text):
            state.mode = None
            continue
        if block.kind == "heading":
            state.mode, state.heading = None, _strip_number(text)
            continue
        count_line = COUNT_LINE.match(text)
        if count_line:
            result.drafts.append(_count_draft(count_line, block, state.cluster or state.heading))
            state.listed = state.listed or block.kind == "list_item"
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
    return result


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
        if block.kind == "heading" or bare.rstrip().endswith(":") or len(bare) <= 80:
            return kind, rest.strip() if colon else ""
        if colon and len(head) <= 60:
            return kind, rest.strip()
    # «Среди причин низких результатов выявлены следующие:» — the lead-in word is not first.
    if bare.rstrip().endswith(":") and re.search(r"причин", folded) and len(bare) <= 200:
        return "cause", ""
    return None


def _finding(text: str, block: Block, state: _State, result: ProseResult) -> bool:
    """Adds the block as a finding of the current section; False when the section has ended."""
    if state.mode == "deficit":
        group = _group(text)
        if group and (text.endswith(":") or len(text) <= 80 and block.kind != "list_item"):
            state.group = group
            return True
    if text.endswith(":") and len(text) <= 100 and state.mode in ("recommendation", "decision", "task", "remark"):
        state.addressee = text.rstrip(":").strip()
        return True
    if block.kind != "list_item" and state.listed and not split_marker(text)[0]:
        state.mode = None  # a plain paragraph after the list: the section is over
        return False
    item = _clean_item(text)
    finding = Statement(kind=state.mode or "", text=item, where=block.where, addressee=state.addressee,
                      group=state.group if state.mode == "deficit" else "")
    if state.mode in ("decision", "recommendation"):
        finding.responsible = responsible_of(item)
    result.findings.append(finding)
    state.listed = state.listed or block.kind == "list_item"
    return True


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


def _group(text: str) -> str | None:
    match = _GROUP_HEAD.match(fold(_strip_number(text)))
    if not match:
        return None
    return next(name for stem, name in _GROUPS if match.group(1).startswith(stem))


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


def prose_drafts(blocks: list[Block]) -> list[Draft]:
    """Activities reported in sentences: each enumerated item after «проводились следующие мероприятия:», or
    each sentence saying something was done."""
    drafts: list[Draft] = []
    for block in blocks:
        for sentence in sentenize(block.text):
            text = sentence.text.strip()
            if not text or text.endswith(":"):
                continue
            for item, status in _items(text):
                drafts.append(Draft(text=item, where=block.where, actual=item, status=status, origin="prose"))
    return drafts


def _items(sentence: str) -> list[tuple[str, str]]:
    head, colon, tail = sentence.partition(":")
    if colon and tail.strip() and (_DONE.search(head) or _ONGOING.search(head) or re.search(r"мероприят", head)):
        parts = _top_level_split(tail)
        # Items listed after «проводились следующие мероприятия:» were done, unless worded as ongoing.
        return [(part, "" if _ONGOING.search(part) and not _DONE.search(part) else "выполнено")
                for part in _merge_parts(parts)]
    if not (_DONE.search(sentence) or _ONGOING.search(sentence)):
        return []
    parts = _merge_parts(_top_level_split(sentence))
    # Split a sentence only into clauses that each report something («…, составлены планы …»); quoted titles
    # after a comma are names of one programme or course, not separate activities.
    if len(parts) > 1 and all(_DONE.search(p) or _ONGOING.search(p) or (_ACTIVITY_NOUN.match(p) and p[:1] not in "«\"")
                              for p in parts[1:]):
        return [(part, _status_word(part)) for part in parts]
    return [(" ".join(sentence.split()).rstrip(". "), _status_word(sentence))]


def _status_word(text: str) -> str:
    """The status cell a prose item would have had: done for «проведён», nothing for «проводится»."""
    if _DONE.search(text):
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
