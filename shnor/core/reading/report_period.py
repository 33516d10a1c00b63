"""The period a report covers, picked among the periods (shnor.core.periods) of its title and first paragraphs.

Titles carry several periods: the programme's («на 2020-2022 годы»), the date the справка was signed
(«01 июля 2021 года»), when the analysis was done («С 11.01. по 18.01.2021 года был проведён анализ») and the one
reported on («за I полугодие 2020-2021 учебного года», «в период с января по июнь 2021 года», «на 2022 год»).
The reported one is introduced by «за», «в период», or «на» in the title, and spans less than a programme.
"""

from __future__ import annotations

import re
from datetime import date

from shnor.core.documents import Block
from shnor.core.periods import Period, find_periods

_LOOK_AT = 12  # blocks from the top
_REPORTED = re.compile(r"(?:\bза|\bв\s+период|\bпериод|\bпо\s+итогам)\s*$", re.IGNORECASE)
_DONE_AFTER = re.compile(r"^\s*(?:года?\s+)?(?:был[аои]?\s+)?(?:проведен|проведён|состоял)", re.IGNORECASE)


def report_period(blocks: list[Block], reference: date | None) -> Period | None:
    best: tuple[float, Period] | None = None
    texts = [b for b in blocks if b.kind != "table"][:_LOOK_AT]
    for position, block in enumerate(texts):
        for period in find_periods(block.text, reference):
            if not period.is_parsed or period.start is None or period.end is None:
                continue
            score = _score(block.text, period, position)
            if score > 0 and (best is None or score > best[0]):
                best = (score, period)
    return best[1] if best else None


def _score(text: str, period, position: int) -> float:
    at = text.find(period.text)
    before = text[:at] if at >= 0 else ""
    after = text[at + len(period.text):] if at >= 0 else ""
    lowered = period.text.casefold()
    score = -0.1 * position
    if _REPORTED.search(before) or lowered.startswith(("за ", "в период", "по итогам")):
        score += 3
    elif position == 0 and (re.search(r"\bна\s*$", before) or lowered.startswith("на ")):
        score += 2
    if period.start == period.end:
        score -= 3  # a single day is a signature or order date
    if (period.end - period.start).days > 550:
        score -= 1.5  # a programme's span, not a reporting period
    if _DONE_AFTER.match(after):
        score -= 2  # when the analysis was done, not what it covers
    if re.search(r"\d{4}", period.text):
        score += 0.5
    return score
