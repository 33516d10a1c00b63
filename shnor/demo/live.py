"""The demo's campaign in progress, dated relative to the day the demo is loaded.

The two campaigns that reproduce the Bryansk справка (II полугодие 2020, январь – июнь 2021) keep their dates and
every count. The campaign in progress (still `bryansk-2021-h2`, with `bryansk-2021-h1` as its previous) covers the
six months around the loading day, its reports are due three weeks after the period, and each school's roadmap gains
the period's activities, dated within it: those of the schools that have already reported lie behind them, the others
have some activities ahead (time left) and some whose own deadline has passed while the school has not marked them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from shnor.core.russian import format_date_numeric

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь")
DUE_AFTER = timedelta(days=20)  # as in the region's practice: «до 20 января» for July – December
# The report's state per school number in the campaign in progress; the others have not started.
STATES = {1: "accepted", 3: "certified", 5: "submitted", 7: "submitted", 8: "draft", 10: "returned", 11: "draft"}
REPORTED = {n for n, s in STATES.items() if s in ("submitted", "certified", "accepted")}
# Activity types of the period, in the order of their deadlines.
TYPES = ["pk_courses", "open_lessons", "methodical_events", "parent_education", "individual_work", "olympiads_contests", "quality_monitoring"]


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due: date

    @property
    def text(self) -> str:
        first, last = MONTHS[self.start.month - 1], MONTHS[self.end.month - 1]
        if self.start.year == self.end.year:
            return f"{first} – {last} {self.end.year} года"
        return f"{first} {self.start.year} – {last} {self.end.year} года"

    @property
    def title(self) -> str:
        return f"Мониторинг реализации дорожных карт ШНОР, {self.text}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_around(today: date) -> Period:
    """Six whole months ending with the month that holds the day a fortnight from `today`: the period is mostly behind,
    its last weeks ahead; the reports are due `DUE_AFTER` after it."""
    ahead = today + timedelta(days=14)
    end = _month_end(ahead.year, ahead.month)
    start = _add_months(date(end.year, end.month, 1), -5)
    return Period(start, end, end + DUE_AFTER)


def deadlines(number: int, period: Period, today: date) -> list[tuple[str, str]]:
    """(activity type, deadline as written) for one school. Schools that have reported did everything before today;
    the others have activities ahead of today and, for every other school, one whose deadline has passed."""
    past_end = max(period.start + timedelta(days=20), today - timedelta(days=7))
    span = (past_end - period.start).days
    result = []
    types = TYPES[number % 2:][:6]  # five or six activities a school, varied
    for i, code in enumerate(types):
        if number in REPORTED or i < len(types) - 2:
            when = period.start + timedelta(days=span * (i + 1) // (len(types) + 1))
            result.append((code, f"до {format_date_numeric(when)}"))
        else:  # the last two: one ahead of today, one already passed for every other school
            ahead = today + timedelta(days=10 + 14 * (i == len(types) - 1)) if (i == len(types) - 1 or number % 2) else past_end
            result.append((code, f"до {format_date_numeric(min(ahead, period.end))}"))
    return result
