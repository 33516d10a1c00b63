"""Russian period expressions («Октябрь 2020», «в течение учебного года», «до 01.12.2021») → date ranges.

Roadmap deadlines and report periods are typed by hand, so the same period comes in many spellings.
`parse_period` reads one such cell; `find_periods` picks the expressions out of prose. Neither raises:
what is not understood comes back as kind "unknown" with no dates.

Kinds: "date" (one day, start == end), "range" (start..end, inclusive), "until" (a deadline),
"from" (a start), "recurring" (постоянно, ежемесячно, по графику…), "unknown".
`Period.is_parsed` is true when at least one date is known; an expression can be recognised
(its kind is set) and still have no dates, e.g. «Октябрь» or «постоянно» without a context date.

Conventions
-----------
* An academic year (учебный год) Y runs 1 Sep Y – 31 Aug Y+1 and is named by its first year
  (`academic_year_of`). «2020-2021», «2020/21», «2020–2021 уч. г.», «2020-2021 год» are academic years;
  «2020–2022 годы», «2020-2021 гг.» and non-consecutive pairs are calendar spans (1 Jan – 31 Dec).
* Half-years: with an academic year or none, I = 1 Sep – 31 Dec and II = 1 Jan – 31 May
  (summer belongs to no half); with one calendar year («I полугодие 2021»), I = 1 Jan – 30 Jun, II = 1 Jul – 31 Dec.
* Quarters are calendar quarters.
* School terms (четверти): I = 1 Sep – 31 Oct, II = 1 Nov – 31 Dec, III = 1 Jan – 20 Mar, IV = 21 Mar – 31 May.
  With one calendar year («III четверть 2022») it is the term that falls in that year.
* «I–II квартал 2021», «1-2 полугодие»: from the start of the first to the end of the last.
* Seasons need a year: весна = Mar–May, лето = Jun–Aug, осень = Sep–Nov (зима is ambiguous and not read).
* No year («Октябрь», «I полугодие», «в течение учебного года», «сентябрь-октябрь», «до 25 мая»): resolved in the
  academic year containing `context` — Sep–Dec in its first calendar year, Jan–Aug in the second. Quarters
  follow the month they start with. Without a context such an expression keeps its kind but has no dates.
* Ranges: a part without a year borrows the other part's year, stepping over New Year when needed:
  «ноябрь – февраль 2022» is 1 Nov 2021 – 28 Feb 2022. A range whose start is after its end is "unknown".
* «до X», «к X», «в срок до X» (kind "until"): end = X when X is a day; when X is longer (a month, a year, a half)
  end = the day before X begins, because «до мая» means before May. «до конца X», «не позднее X», «по X»:
  end = the last day of X. start = 1 Sep of the context's academic year, or of the end's academic year when that
  would come after the end; None without a context.
* «с X», «начиная с X» (kind "from"): start = first day of X, end = 31 Aug of X's academic year.
* Recurring («постоянно», «ежемесячно», «еженедельно», «ежеквартально», «по (спец.) графику»,
  «по мере необходимости», «в течение года»): the context's academic year, or no dates without a context.
* «в течение месяца» / «недели» are durations with no anchor, not periods: "unknown".
* Two-digit years are 20YY. Dates that do not exist («31.02.2021») make the expression "unknown".
* `parse_period` on a cell holding several expressions («Октябрь 2020, апрель 2021») returns the span covering
  them ("range"), or "recurring" over that span when a recurring word is among them; otherwise "unknown".
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Period", "academic_year_of", "find_periods", "parse_period"]


@dataclass(frozen=True)
class Period:
    text: str  # as written, whitespace-normalised
    start: date | None
    end: date | None  # inclusive
    kind: str  # "date" | "range" | "until" | "from" | "recurring" | "unknown"

    @property
    def is_parsed(self) -> bool:
        return self.start is not None or self.end is not None


def academic_year_of(d: date) -> int:
    """The academic year containing `d`, named by its first calendar year."""
    return d.year if d.month >= 9 else d.year - 1


# ---------------------------------------------------------------------------------------------------------
# Calendar helpers
# ---------------------------------------------------------------------------------------------------------


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def _academic_span(ay: int) -> tuple[date, date]:
    return date(ay, 9, 1), date(ay + 1, 8, 31)


def _year_in_academic(month: int, ay: int) -> int:
    """Calendar year of `month` inside academic year `ay`."""
    return ay if month >= 9 else ay + 1


def _academic_half(n: int, ay: int) -> tuple[date, date]:
    return (date(ay, 9, 1), date(ay, 12, 31)) if n == 1 else (date(ay + 1, 1, 1), date(ay + 1, 5, 31))


def _calendar_half(n: int, year: int) -> tuple[date, date]:
    return (date(year, 1, 1), date(year, 6, 30)) if n == 1 else (date(year, 7, 1), date(year, 12, 31))


def _quarter(n: int, year: int) -> tuple[date, date]:
    first = 3 * n - 2
    return date(year, first, 1), _month_span(year, first + 2)[1]


# (start month, start day, end month, end day) of the four school terms.
_TERMS = {1: (9, 1, 10, 31), 2: (11, 1, 12, 31), 3: (1, 1, 3, 20), 4: (3, 21, 5, 31)}


def _term(n: int, ay: int) -> tuple[date, date]:
    sm, sd, em, ed = _TERMS[n]
    return date(_year_in_academic(sm, ay), sm, sd), date(_year_in_academic(em, ay), em, ed)


_SEASONS = {"весн": (3, 5), "лет": (6, 8), "осен": (9, 11)}


# ---------------------------------------------------------------------------------------------------------
# Vocabulary: month names in every case, ordinals
# ---------------------------------------------------------------------------------------------------------


def _month_forms() -> dict[str, int]:
    soft = ("ь", "я", "ю", "ем", "ём", "е")  # январь, января, январю, январем/январём, январе
    hard = ("", "а", "у", "ом", "е")  # март, марта, марту, мартом, марте
    stems = {
        "январ": (1, soft),
        "феврал": (2, soft),
        "март": (3, hard),
        "апрел": (4, soft),
        "июн": (6, soft),
        "июл": (7, soft),
        "август": (8, hard),
        "сентябр": (9, soft),
        "октябр": (10, soft),
        "ноябр": (11, soft),
        "декабр": (12, soft),
    }
    forms = {stem + end: month for stem, (month, ends) in stems.items() for end in ends}
    forms.update({f: 5 for f in ("май", "мая", "маю", "маем", "мае")})
    return forms


_MONTHS = _month_forms()


def _month_number(word: str) -> int:
    return _MONTHS[word.lower()]


def _ordinal(word: str) -> int:
    w = word.lower().replace("і", "i")  # a Cyrillic І typed for a Roman I
    roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
    if w in roman:
        return roman[w]
    if w[0].isdigit():
        return int(w[0])
    for prefix, n in (("перв", 1), ("втор", 2), ("трет", 3), ("четв", 4)):
        if w.startswith(prefix):
            return n
    raise ValueError(word)


# ---------------------------------------------------------------------------------------------------------
# Regular-expression pieces. Each simple pattern is built twice: with named groups (prefix given) to read it,
# and without (prefix None) to embed it in the composite patterns, since a name may occur only once.
# ---------------------------------------------------------------------------------------------------------


def _g(prefix: str | None, name: str, body: str) -> str:
    return f"(?P<{prefix}_{name}>{body})" if prefix else f"(?:{body})"


_NOT_LETTER = r"(?![^\W\d_])"
# Python 3.11 allows no backslash inside an f-string expression, hence these names.
_DAY_DIGITS = r"\d{1,2}"
_TWO_DIGITS = r"\d{2}"
_YEAR_DIGITS = r"(?:19|20)\d{2}"
_SHORT_OR_LONG_YEAR = r"\d{4}|\d{2}"
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")" + _NOT_LETTER
_YEAR4 = r"(?:19|20)\d{2}(?!\d)"
_YEAR2OR4 = r"(?:(?:19|20)\d{2}|\d{2})(?!\d)"
_PAIR_SEP = r"\s*[-–—−‑/]\s*"
_DASH = r"\s*[-–—−‑]\s*"
_YEAR_SING = r"(?:\s*(?:год(?:ом|а|у)?(?!\w)|г\.|г(?!\w)))"  # 2021 г. / 2021 года / 2021года
_YEAR_PLUR = r"(?:\s*(?:год(?:ы|ов|ах)(?!\w)|гг\.|гг(?!\w)))"
_ACADEMIC_MARK = r"(?:\s*(?:учебн(?:ый|ого|ом|ому|ым)|уч\.?)\s*(?:год(?:ом|а|у)?(?!\w)|г\.|г(?!\w)))"
_ORD = (
    r"(?:[IІ]V|[IІ]{1,3}|[1-4](?:-?(?:ое|ой|ая|ого|го|е|й|я))?"
    r"|перв(?:ое|ого|ом|ому|ый|ая|ой|ую)|втор(?:ое|ого|ом|ому|ой|ая|ую)"
    r"|трет(?:ье|ьего|ьем|ьему|ий|ья|ьей|ью)|четв[её]рт(?:ое|ого|ом|ому|ый|ая|ой|ую))(?!\w)"
)
_HALF = r"полугоди(?:ем|е|я|ю|и)(?!\w)"
_QUARTER = r"квартал(?:ом|а|у|е)?(?!\w)"
_TERM = r"четверт(?:ью|ь|и)(?!\w)"
_SEASON = r"весн(?:ой|а|ы|у|е)|лет(?:ом|о|а|у|е)|осен(?:ью|ь|и)"
_ACADEMIC_WORDS = r"(?:учебн(?:ый|ого|ом|ому)\s+год(?:ом|а|у)?|уч\.\s*год(?:а|у)?)(?!\w)"


def _year_spec(p: str | None) -> str:
    """What may follow «I полугодие» / «3 квартал» / «II четверть»: an academic year, a year, or neither."""
    pair = rf"{_g(p, 'ay1', _YEAR4)}{_PAIR_SEP}{_g(p, 'ay2', _YEAR2OR4)}(?:{_ACADEMIC_MARK}|{_YEAR_SING})?"
    single = rf"{_g(p, 'y', _YEAR4)}{_YEAR_SING}?"
    words = r"(?:текущего\s+)?" + _ACADEMIC_WORDS
    return rf"(?:\s+(?:{pair}|{single}|{words}))?"


def _p_iso(p: str | None) -> str:
    return (
        rf"(?<![\d.]){_g(p, 'y', _YEAR_DIGITS)}-{_g(p, 'm', _TWO_DIGITS)}-{_g(p, 'd', _TWO_DIGITS)}(?![\d])"
    )


def _p_numeric(p: str | None) -> str:
    return (
        rf"(?<![\d.,]){_g(p, 'd', _DAY_DIGITS)}\.{_g(p, 'm', _DAY_DIGITS)}\.{_g(p, 'y', _SHORT_OR_LONG_YEAR)}"
        rf"(?!\d|\.\d){_YEAR_SING}?"
    )


def _p_text_date(p: str | None) -> str:
    # «01» июля 2021 г.: official documents quote the day.
    return (
        rf"(?<!\d)[«\"“„]?{_g(p, 'd', _DAY_DIGITS)}[»\"”]?\s*{_g(p, 'mon', _MONTH)}"
        rf"(?:\s*{_g(p, 'y', _YEAR4)}{_YEAR_SING}?)?"
    )


def _p_month(p: str | None) -> str:
    return rf"{_g(p, 'mon', _MONTH)}(?:\s*{_g(p, 'y', _YEAR4)}{_YEAR_SING}?)?"


def _ordinals(p: str | None) -> str:
    """«I», «3-й», «первое», or a run of them: «I–II»."""
    return rf"{_g(p, 'n', _ORD)}(?:{_DASH}{_g(p, 'n2', _ORD)})?\s*"


def _p_half(p: str | None) -> str:
    return rf"{_ordinals(p)}{_HALF}{_year_spec(p)}"


def _p_quarter(p: str | None) -> str:
    return rf"{_ordinals(p)}{_QUARTER}{_year_spec(p)}"


def _p_term(p: str | None) -> str:
    return rf"{_ordinals(p)}{_TERM}{_year_spec(p)}"


def _p_season(p: str | None) -> str:
    return rf"{_g(p, 's', _SEASON)}\s+{_g(p, 'y', _YEAR4)}{_YEAR_SING}?"


def _p_calendar_span(p: str | None) -> str:
    return rf"{_g(p, 'y1', _YEAR4)}{_PAIR_SEP}{_g(p, 'y2', _YEAR4)}{_YEAR_PLUR}"


def _p_academic(p: str | None) -> str:
    return rf"{_g(p, 'y1', _YEAR4)}{_PAIR_SEP}{_g(p, 'y2', _YEAR2OR4)}(?:{_g(p, 'mark', _ACADEMIC_MARK)}|{_YEAR_SING})?"


def _p_year(p: str | None) -> str:
    # A lone number is too often not a year («ВПР 2020», «№ 2020»): a year needs «г.» / «год».
    return rf"(?:календарн(?:ый|ого|ом|ому|ым)\s+)?{_g(p, 'y', _YEAR4)}{_YEAR_SING}"


def _p_academic_words(p: str | None) -> str:
    return rf"(?:(?:текущ(?:ий|его|ем|ему)|весь|всего)\s+)?{_ACADEMIC_WORDS}"


# ---------------------------------------------------------------------------------------------------------
# Reading the simple expressions
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    kind: str  # "date" or "range"
    start: date | None  # both None: recognised, but needs a context date
    end: date | None


_UNRESOLVED_DATE = _Span("date", None, None)
_UNRESOLVED_RANGE = _Span("range", None, None)
_Group = Callable[[str], str | None]


def _ay(context: date | None) -> int | None:
    return academic_year_of(context) if context else None


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if len(text) == 2 else y


def _academic_pair(first: str, second: str) -> int:
    """«2020-2021», «2020/21» → 2020; a pair of non-consecutive years is no academic year."""
    y1, y2 = int(first), int(second)
    ok = y2 == (y1 + 1) % 100 if len(second) == 2 else y2 == y1 + 1
    if not ok:
        raise ValueError(f"{first}-{second} is not an academic year")
    return y1


def _day(g: _Group, month: int, context: date | None) -> _Span:
    if g("y"):
        year = _year(g("y"))
    elif context:
        year = _year_in_academic(month, academic_year_of(context))
    else:
        return _UNRESOLVED_DATE
    d = date(year, month, int(g("d")))
    return _Span("date", d, d)


def _r_iso(g: _Group, context: date | None) -> _Span:
    d = date(int(g("y")), int(g("m")), int(g("d")))
    return _Span("date", d, d)


def _r_numeric(g: _Group, context: date | None) -> _Span:
    return _day(g, int(g("m")), context)


def _r_text_date(g: _Group, context: date | None) -> _Span:
    return _day(g, _month_number(g("mon")), context)


def _r_month(g: _Group, context: date | None) -> _Span:
    month = _month_number(g("mon"))
    if g("y"):
        year = int(g("y"))
    elif context:
        year = _year_in_academic(month, academic_year_of(context))
    else:
        return _UNRESOLVED_RANGE
    return _Span("range", *_month_span(year, month))


def _explicit_academic(g: _Group) -> int | None:
    return _academic_pair(g("ay1"), g("ay2")) if g("ay1") else None


def _numbered(g: _Group, one: Callable[[int], _Span]) -> _Span:
    """The period numbered «n», or the run «n–n2» of them."""
    first = one(_ordinal(g("n")))
    if not g("n2"):
        return first
    last = one(_ordinal(g("n2")))
    if first.start is None or last.end is None:
        return _UNRESOLVED_RANGE
    if first.start > last.end:
        raise ValueError("numbered periods in reverse order")
    return _Span("range", first.start, last.end)


def _r_half(g: _Group, context: date | None) -> _Span:
    def one(n: int) -> _Span:
        if n > 2:
            raise ValueError("a year has two halves")
        if g("y"):
            return _Span("range", *_calendar_half(n, int(g("y"))))
        ay = _explicit_academic(g) or _ay(context)
        return _Span("range", *_academic_half(n, ay)) if ay else _UNRESOLVED_RANGE

    return _numbered(g, one)


def _r_quarter(g: _Group, context: date | None) -> _Span:
    def one(n: int) -> _Span:
        if g("y"):
            return _Span("range", *_quarter(n, int(g("y"))))
        ay = _explicit_academic(g) or _ay(context)
        if not ay:
            return _UNRESOLVED_RANGE
        return _Span("range", *_quarter(n, _year_in_academic(3 * n - 2, ay)))

    return _numbered(g, one)


def _r_term(g: _Group, context: date | None) -> _Span:
    def one(n: int) -> _Span:
        if g("y"):  # «III четверть 2022»: the term that falls in 2022
            ay = int(g("y")) if n <= 2 else int(g("y")) - 1
        else:
            ay = _explicit_academic(g) or _ay(context)
        return _Span("range", *_term(n, ay)) if ay else _UNRESOLVED_RANGE

    return _numbered(g, one)


def _r_season(g: _Group, context: date | None) -> _Span:
    first, last = next(months for stem, months in _SEASONS.items() if g("s").lower().startswith(stem))
    year = int(g("y"))
    return _Span("range", date(year, first, 1), _month_span(year, last)[1])


def _r_calendar_span(g: _Group, context: date | None) -> _Span:
    y1, y2 = int(g("y1")), int(g("y2"))
    if y1 > y2:
        raise ValueError("years in reverse order")
    return _Span("range", date(y1, 1, 1), date(y2, 12, 31))


def _r_academic(g: _Group, context: date | None) -> _Span:
    y1, second = int(g("y1")), g("y2")
    consecutive = int(second) == (y1 + 1 if len(second) == 4 else (y1 + 1) % 100)
    if consecutive:
        return _Span("range", *_academic_span(y1))
    if g("mark") or len(second) == 2 or int(second) < y1:
        raise ValueError("not an academic year")
    return _Span("range", date(y1, 1, 1), date(int(second), 12, 31))  # «2020-2022»: a calendar span


def _r_year(g: _Group, context: date | None) -> _Span:
    y = int(g("y"))
    return _Span("range", date(y, 1, 1), date(y, 12, 31))


def _r_academic_words(g: _Group, context: date | None) -> _Span:
    return _Span("range", *_academic_span(academic_year_of(context))) if context else _UNRESOLVED_RANGE


# Order matters: at one position the first alternative that matches wins.
_SIMPLE: dict[str, tuple[Callable[[str | None], str], Callable[[_Group, date | None], _Span]]] = {
    "iso": (_p_iso, _r_iso),
    "num": (_p_numeric, _r_numeric),
    "tdate": (_p_text_date, _r_text_date),
    "half": (_p_half, _r_half),
    "quarter": (_p_quarter, _r_quarter),
    "term": (_p_term, _r_term),
    "season": (_p_season, _r_season),
    "span": (_p_calendar_span, _r_calendar_span),
    "ayear": (_p_academic, _r_academic),
    "year": (_p_year, _r_year),
    "month": (_p_month, _r_month),
    "aywords": (_p_academic_words, _r_academic_words),
}
_DAY_KINDS = ("iso", "num", "tdate")


def _alternatives(names: tuple[str, ...], prefix: bool) -> str:
    return "|".join(f"(?P<{n}>{_SIMPLE[n][0](n)})" if prefix else _SIMPLE[n][0](None) for n in names)


_SIMPLE_RE = re.compile(_alternatives(tuple(_SIMPLE), prefix=True), re.IGNORECASE)


def _resolve_simple(text: str, context: date | None) -> _Span:
    m = _SIMPLE_RE.fullmatch(text)
    if not m:
        raise ValueError(f"not a simple period: {text!r}")
    name = next(n for n in _SIMPLE if m.group(n) is not None)
    return _SIMPLE[name][1](lambda key: m.group(f"{name}_{key}"), context)


# ---------------------------------------------------------------------------------------------------------
# Range ends («с 11.01. по 18.01.2021», «январь–июнь 2021»): a day, a month, maybe without a year
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Point:
    day: int | None
    month: int | None  # None: a bare day number, «с 11 по 18 января»
    year: int | None


def _p_point_numeric(p: str | None) -> str:
    # Without a year the month must have two digits, so that a decimal such as «4.5» is no date.
    month = r"\d{1,2}(?=\.\d)|\d{2}"
    return (
        rf"(?<![\d.,]){_g(p, 'd', _DAY_DIGITS)}\.{_g(p, 'm', month)}(?:\.{_g(p, 'y', _SHORT_OR_LONG_YEAR)})?\.?"
        rf"(?!\d){_YEAR_SING}?"
    )


_POINTS = {
    "piso": _p_iso,
    "pnum": _p_point_numeric,
    "ptext": _p_text_date,
    "pmonth": _p_month,
}
_POINT_ANY = "|".join(f"(?:{build(None)})" for build in _POINTS.values())
_POINT_RE = re.compile("|".join(f"(?P<{n}>{build(n)})" for n, build in _POINTS.items()), re.IGNORECASE)
_BARE_DAY = r"(?<![\d.,])\d{1,2}(?![\d.,])"


def _point(text: str) -> _Point:
    if re.fullmatch(_BARE_DAY, text):
        return _Point(int(text), None, None)
    m = _POINT_RE.fullmatch(text)
    if not m:
        raise ValueError(f"not a range end: {text!r}")
    name = next(n for n in _POINTS if m.group(n) is not None)
    fields = {k: m.group(f"{name}_{k}") for k in ("d", "m", "mon", "y") if f"{name}_{k}" in m.re.groupindex}
    month = _month_number(fields["mon"]) if fields.get("mon") else int(fields["m"])
    day = int(fields["d"]) if fields.get("d") else None
    year = _year(fields["y"]) if fields.get("y") else None
    return _Point(day, month, year)


def _resolve_range(a_text: str, b_text: str, context: date | None) -> _Span:
    a, b = _point(a_text), _point(b_text)
    if b.month is None:
        raise ValueError("a range must end with a month")
    if b.year is not None:
        b_year = b.year
    elif a.year is not None and a.month is not None:
        b_year = a.year if (b.month, b.day or 31) >= (a.month, a.day or 1) else a.year + 1
    elif context:
        b_year = _year_in_academic(b.month, academic_year_of(context))
    else:
        return _UNRESOLVED_RANGE
    if a.month is None:  # «с 11 по 18 января 2021»
        a_month, a_year = b.month, b_year
    elif a.year is not None:
        a_month, a_year = a.month, a.year
    else:
        a_month = a.month
        a_year = b_year if (a.month, a.day or 1) <= (b.month, b.day or 31) else b_year - 1
    start = date(a_year, a_month, a.day or 1)
    end = date(b_year, b.month, b.day) if b.day else _month_span(b_year, b.month)[1]
    if start > end:
        raise ValueError("range ends before it starts")
    return _Span("range", start, end)


# ---------------------------------------------------------------------------------------------------------
# The composite grammar: recurring words, deadlines, ranges, starts, and simple periods after a preposition
# ---------------------------------------------------------------------------------------------------------

_FILLER = r"(?:(?:в|за|на)\s+период|в\s+течение(?:\s+всего)?|в\s+ходе|по\s+итогам|по\s+состоянию\s+на|за|на|в|во)\s+"
_RECURRING = (
    r"(?:постоянно|ежемесячно|еженедельно|ежеквартально|ежегодно|ежедневно|регулярно|систематически"
    r"|по\s+мере\s+необходимости"
    r"|(?:по|согласно)\s+(?:(?:спец\.?|специальному|отдельному|утвержд[её]нному|индивидуальному)\s*)?графику"
    r"|в\s+течение\s+(?:всего\s+)?года)(?!\w)"
)
_UNTIL_TARGETS = _alternatives(
    ("iso", "num", "tdate", "half", "quarter", "term", "season", "span", "ayear", "year", "month", "aywords"),
    prefix=False,
)
_DAY_TARGETS = _alternatives(_DAY_KINDS, prefix=False)
_FROM_TARGETS = _alternatives(("iso", "num", "tdate", "year", "month"), prefix=False)
_SIMPLE_ANY = _alternatives(tuple(_SIMPLE), prefix=False)
_CONNECTOR = rf"(?:\s+(?:по|до)\s+|{_DASH})"

_MASTER = re.compile(
    "|".join(
        rf"(?<!\w)(?P<{name}>{body})"
        for name, body in (
            ("rec", _RECURRING),
            ("year_end", r"до\s+конца\s+(?:текущего\s+)?(?:календарного\s+)?года(?!\w)"),
            (
                "until",
                r"(?P<u_kw>до\s+конца|в\s+срок\s+до|срок\s+до|не\s+позднее|не\s+позже|до|к)\s+"
                rf"(?P<u_t>{_UNTIL_TARGETS})",
            ),
            ("until_day", rf"(?P<ud_kw>по)\s+(?P<ud_t>{_DAY_TARGETS})"),
            (
                "range_kw",
                rf"(?:{_FILLER})?(?:с|со|от)\s+(?P<rk_a>{_POINT_ANY}|{_BARE_DAY}){_CONNECTOR}(?P<rk_b>{_POINT_ANY})",
            ),
            ("range_dash", rf"(?:{_FILLER})?(?P<rd_a>{_POINT_ANY}|{_BARE_DAY}){_DASH}(?P<rd_b>{_POINT_ANY})"),
            ("from", rf"(?:начиная\s+с|с|со)\s+(?P<f_t>{_FROM_TARGETS})"),
            ("simple", rf"(?:{_FILLER})?(?P<s_t>{_SIMPLE_ANY})"),
        )
    ),
    re.IGNORECASE,
)

_INCLUSIVE_UNTIL = ("до конца", "не позднее", "не позже", "по")


def _until_start(end: date, context: date | None) -> date | None:
    if context is None:
        return None
    start = _academic_span(academic_year_of(context))[0]
    return start if start <= end else _academic_span(academic_year_of(end))[0]


def _until(keyword: str, target: _Span, context: date | None) -> Period:
    if target.start is None or target.end is None:
        return Period("", None, None, "until")
    inclusive = " ".join(keyword.lower().split()) in _INCLUSIVE_UNTIL
    end = target.end if inclusive or target.kind == "date" else target.start - timedelta(days=1)
    return Period("", _until_start(end, context), end, "until")


def _resolve_master(m: re.Match[str], context: date | None) -> Period:
    """Dates of one match of _MASTER; raises ValueError for impossible dates. The text is filled in by the caller."""
    if m.group("rec") is not None:
        if context is None:
            return Period("", None, None, "recurring")
        return Period("", *_academic_span(academic_year_of(context)), "recurring")
    if m.group("year_end") is not None:
        if context is None:
            return Period("", None, None, "until")
        end = date(context.year, 12, 31)
        return Period("", _until_start(end, context), end, "until")
    if m.group("until") is not None:
        return _until(m.group("u_kw"), _resolve_simple(m.group("u_t"), context), context)
    if m.group("until_day") is not None:
        return _until(m.group("ud_kw"), _resolve_simple(m.group("ud_t"), context), context)
    if m.group("range_kw") is not None:
        span = _resolve_range(m.group("rk_a"), m.group("rk_b"), context)
        return Period("", span.start, span.end, "range")
    if m.group("range_dash") is not None:
        span = _resolve_range(m.group("rd_a"), m.group("rd_b"), context)
        return Period("", span.start, span.end, "range")
    if m.group("from") is not None:
        target = _resolve_simple(m.group("f_t"), context)
        if target.start is None:
            return Period("", None, None, "from")
        return Period("", target.start, _academic_span(academic_year_of(target.start))[1], "from")
    span = _resolve_simple(m.group("s_t"), context)
    return Period("", span.start, span.end, span.kind)


# ---------------------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------------------


def _normalize(text: str) -> str:
    return " ".join(str(text).split())


def _with_text(period: Period, text: str) -> Period:
    return Period(text, period.start, period.end, period.kind)


def find_periods(text: str, context: date | None = None) -> list[Period]:
    """Period expressions in prose, in order and without overlaps; impossible dates are skipped."""
    norm = _normalize(text)
    found = []
    for m in _MASTER.finditer(norm):
        try:
            period = _resolve_master(m, context)
        except (ValueError, OverflowError):
            continue
        found.append(_with_text(period, m.group(0)))
    return found


_BARE_YEAR = re.compile(r"(?:(?:в|за|на)\s+)?((?:19|20)\d{2})", re.IGNORECASE)
_WRAPPING = " \t.,;:!()[]"


def parse_period(text: str, context: date | None = None) -> Period:
    """One deadline or period as written in a table cell; never raises."""
    norm = _normalize(text)
    body = norm.strip(_WRAPPING)
    m = _MASTER.fullmatch(body)
    if m:
        try:
            return _with_text(_resolve_master(m, context), norm)
        except (ValueError, OverflowError):
            return Period(norm, None, None, "unknown")
    if bare := _BARE_YEAR.fullmatch(body):  # a cell holding just «2021»
        y = int(bare.group(1))
        return Period(norm, date(y, 1, 1), date(y, 12, 31), "range")
    return _combine(norm, find_periods(norm, context))


def _combine(text: str, found: list[Period]) -> Period:
    """A cell with extra words or several expressions: one expression, or the span covering several."""
    if len(found) == 1:
        return _with_text(found[0], text)
    dated = [p for p in found if p.kind in ("date", "range") and p.start and p.end]
    recurring = [p for p in found if p.kind == "recurring"]
    if not found or len(dated) + len(recurring) != len(found):
        return Period(text, None, None, "unknown")
    if not dated:  # «постоянно, по графику»
        return _with_text(recurring[0], text)
    start = min(p.start for p in dated if p.start)
    end = max(p.end for p in dated if p.end)
    return Period(text, start, end, "recurring" if recurring else "range")


def shift_months(d: date, months: int) -> date:
    """The same day `months` later (or earlier); the 31st becomes the month's last day where there is none."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, monthrange(year, month + 1)[1]))


def months_spanned(start: date, end: date) -> int:
    """How many calendar months the period touches: July – December is 6."""
    return (end.year - start.year) * 12 + end.month - start.month + 1
