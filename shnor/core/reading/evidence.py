"""Evidence out of free text: orders, letters, minutes and links, with number, date, issuer and URL.

Reports write evidence inline and in every order: «Приказ Отдела образования от 09.03.2022 № 52 «О …»
https://clck.ru/34PaDg», «приказ ОО №15 от 12.01.2021», «протокол №3 от 25.03.2021», «Протоколы РМО».
A link written right after a document belongs to it; a link on its own is evidence of kind "link".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from shnor.core.reading.model import EvidenceRef

_ANCHORS = (
    ("order", r"приказ\w*|распоряжени\w*|постановлени\w*"),
    ("letter", r"информационн\w*\s+письм\w*|письм[оаеу]\w*"),
    ("minutes", r"протокол\w*"),
    ("other", r"удостоверени\w*|сертификат\w*|диплом\w*|справк[аиу]\b(?=\s+(?:от|№))"),
)
_ANCHOR = re.compile(
    "|".join(f"(?P<{kind}>(?<![\\w-])(?:{pattern}))" for kind, pattern in _ANCHORS), re.IGNORECASE
)
_TLDS = r"ru|рф|su|com|org|net|info|edu|online|site|pro|me|io"
URL = re.compile(
    rf"(?:https?://|www\.)[^\s<>«»\"]+|(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:{_TLDS})(?:/[^\s<>«»\"]*)?(?![\w-])",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"№\s*([0-9А-Яа-яA-Za-z][\w\-/.]*)")
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)")
_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
_TEXT_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\s+(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)"
    r"\s+(\d{4})",
    re.IGNORECASE,
)
_DATE_AFTER_OT = re.compile(r"\bот\s+(\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}\s+[а-я]+\s+\d{4})", re.IGNORECASE)
# Where an item without a quoted title ends: a sentence break, or a new capitalised phrase glued on
# (table cells often join several paragraphs: «… ресурсных дефицитов Подготовка аналитической записки»).
_ITEM_END = re.compile(r"[.;](?:\s|$)|\n|(?<=[а-яё0-9)»\"]) (?=[А-ЯЁ][а-яё]{2,})")
_KEEP_GOING_AFTER = {"о", "об", "утверждении", "положения", "программы", "плана", "порядка"}
_ATTACH_DISTANCE = 40  # a link this close after a document (only «страница 12» between) belongs to it


@dataclass
class _Span:
    kind: str
    start: int
    end: int
    head_end: int  # end of the anchor word


def find_evidence(text: str) -> list[EvidenceRef]:
    if not text:
        return []
    urls = [(m.start(), m.end(), _clean_url(m.group(0))) for m in URL.finditer(text)]
    anchors = [m for m in _ANCHOR.finditer(text) if not _inside_url(m.start(), urls)]
    items: list[tuple[_Span, EvidenceRef]] = []
    for i, match in enumerate(anchors):
        limit = anchors[i + 1].start() if i + 1 < len(anchors) else len(text)
        span = _Span(match.lastgroup or "other", match.start(), limit, match.end())
        evidence = _document(text, span, urls)
        if evidence is not None:
            items.append((span, evidence))
    used = {e.url for _, e in items if e.url}
    result = [e for _, e in items]
    for _, _, url in urls:
        if url not in used:
            result.append(EvidenceRef(kind="link", text=url, url=url))
            used.add(url)
    result.sort(key=lambda e: text.find(e.text[:20]) if e.text else 0)
    return _unique(result)


def _document(text: str, span: _Span, urls: list[tuple[int, int, str]]) -> EvidenceRef | None:
    body = text[span.start:span.end]
    head = span.head_end - span.start
    number = _NUMBER.search(body, head)
    when = _DATE_AFTER_OT.search(body, head)
    # The title is the first quotation after the number and date: a quotation before them is the issuer's
    # name («Приказ КГАУ ДПО «Институт …» от 07.02.2022 № 03-02-28 «Об утверждении …»»).
    first = _quoted(body, head)
    if first and any(m and m.start() > first[1] for m in (number, when)):
        title = _quoted(body, max(m.end() for m in (number, when) if m))
    else:
        title = first
        number = number if number and (not first or number.start() < first[0]) else None
        when = when if when and (not first or when.start() < first[0]) else None
    if title:
        end = title[1]
    else:
        fixed = max([head] + [m.end() for m in (number, when) if m])
        end = _item_end(body, fixed)
    url = ""
    for start, url_end, candidate in urls:
        if span.start + end <= start <= span.start + end + _ATTACH_DISTANCE and start < span.end:
            between = text[span.start + end:start]
            if not re.search(r"[.,;:]", between):
                url = candidate
                end = url_end - span.start
            break
    item_text = " ".join(body[:end].split()).rstrip(",;:")
    if item_text.endswith(")") and item_text.count(")") > item_text.count("("):
        item_text = item_text[:-1].rstrip()  # «(приказ УО от 01.03.2023 № 41)»: the bracket is the sentence's
    if url:
        item_text = item_text[: item_text.rfind(url)].rstrip() if url in item_text else item_text
    return EvidenceRef(
        kind=span.kind,
        text=item_text,
        number=number.group(1).rstrip(".,") if number else "",
        date=parse_date(when.group(1)) if when else None,
        url=url,
        issuer=_issuer(body, head, number, when, title),
        title=" ".join(body[title[0] + 1:title[1] - 1].split()) if title else "",
    )


def _item_end(body: str, start: int) -> int:
    position = start
    while True:
        match = _ITEM_END.search(body, position)
        if not match:
            return len(body)
        words = body[:match.start()].split()
        glued = match.group(0) == " "
        # A capital right after the anchor word is its issuer («приказа Отдела образования»), not a new phrase.
        if glued and (match.start() <= start or (words and words[-1].casefold() in _KEEP_GOING_AFTER)):
            position = match.end()
            continue
        return match.start()


def _quoted(body: str, start: int) -> tuple[int, int] | None:
    """(start, end) of the first «…» (nesting allowed) or "…" title after `start`; None when there is none."""
    open_at = min((i for i in (body.find("«", start), body.find('"', start), body.find("“", start)) if i >= 0),
                  default=-1)
    if open_at < 0:
        return None
    if body[open_at] == "«":
        depth = 0
        for i in range(open_at, len(body)):
            if body[i] == "«":
                depth += 1
            elif body[i] == "»":
                depth -= 1
                if depth == 0:
                    return open_at, i + 1
        return None
    closing = '"' if body[open_at] == '"' else "”"
    close_at = body.find(closing, open_at + 1)
    return (open_at, close_at + 1) if close_at > 0 else None


def _issuer(body: str, head: int, number, when, title) -> str:
    """Who issued the document: the words between the anchor and its date, number or title."""
    stops = [m.start() for m in (number, when) if m]
    if stops:
        end = min(stops)
        region = body[head:end]
        # «Приказ КГАУ ДПО «Институт …» от …» — a quoted name before the date is part of the issuer.
    else:
        end = title[0] if title else _item_end(body, head)
        region = body[head:end]
    region = re.split(r"\s(?:об?|по|на|для|с)\s", " " + region + " ", maxsplit=1)[0]
    region = " ".join(region.split()).strip(" ,;:-–")
    return region if len(region) <= 200 else ""


def parse_date(text: str) -> date | None:
    match = _NUMERIC_DATE.search(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(2000 + year if year < 100 else year, month, day)
        match = _TEXT_DATE.search(text)
        if match:
            month_word = match.group(2).casefold()
            month = next(n for stem, n in _MONTHS.items() if month_word.startswith(stem))
            return date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None
    return None


def unreadable_dates(text: str) -> list[str]:
    """Dates written in a document reference that do not exist («от 31.02.2021»)."""
    return [m.group(1) for m in _DATE_AFTER_OT.finditer(text or "") if parse_date(m.group(1)) is None]


def _clean_url(url: str) -> str:
    return url.rstrip(".,;:)»\"'")


def _inside_url(position: int, urls: list[tuple[int, int, str]]) -> bool:
    return any(start <= position < end for start, end, _ in urls)


def _unique(items: list[EvidenceRef]) -> list[EvidenceRef]:
    seen: set[tuple] = set()
    result = []
    for item in items:
        key = (item.kind, item.number, item.date, item.url, item.text if not (item.number or item.url) else "")
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result
