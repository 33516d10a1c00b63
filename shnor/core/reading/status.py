"""Status of an activity from a status cell or from the wording of its result."""

from __future__ import annotations

import re

from shnor.core.text import fold

# Checked in this order: «выполнено частично» is partial, «не выполнено: перенесено на …» is postponed.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("partial", re.compile(r"не в полном объеме|не полностью|частичн")),
    ("postponed", re.compile(r"перенес|перенос|отложен|отсрочен")),
    ("not_done", re.compile(
        r"\bне\s+(?:был[оаи]?\s+)?(?:выполн|провод|проведен|реализ|исполн|состоял|организ|осуществл|сделан|начат)"
        r"|^(?:нет|не|-|—|–|0|0 ?%)$|\bотменен|\bне выполнено")),
    ("partial", re.compile(r"в процессе|в работе|выполняется|реализуется|на стадии|\bначат|продолжается|в стадии")),
    # Short participles only: «проведено» reports a result, «проведение» names the activity.
    ("done", re.compile(
        r"^(?:\+|да|v|✓|✔|100 ?%)$|\b(?:выполнен|исполнен|реализован|проведен|сделан|завершен|достигнут|осуществлен"
        r"|организован)(?:[аоы]|ы)?\b|\bсостоял(?:ся|ась|ось|ись)\b")),
)


def read_status(text: str) -> str | None:
    """"done" | "partial" | "not_done" | "postponed", or None when the text says nothing about it."""
    folded = fold(text or "")
    if not folded:
        return None
    for status, pattern in _RULES:
        if pattern.search(folded):
            return status
    return None
