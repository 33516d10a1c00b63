"""The signature block at the end of a report: «Директор МБОУ СОШ № 2 ____________ И.И. Иванов», «Исполнитель:
Петрова А.А., тел. 8(423)55-1-23», «Руководитель ШМО /подпись/», «Справку подготовила …», «М.П.».

It is never an activity, a finding or a section, whether it is a paragraph, a line of a TXT table or a row of the
borderless table Word users lay signatures out with. (The school it names still counts: the intake finds a report's
school from the document's last lines, not from what is read here.)
"""

from __future__ import annotations

import re

_NAME = r"(?-i:[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?|[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.?)?)"
# Where the person signs: a line of underscores, «/подпись/», «(подпись)».
_BLANK = re.compile(r"_{3,}|/\s*подпись\s*/|\(\s*подпись\s*\)", re.IGNORECASE)
_POSITION = (r"(?:и\.\s?о\.\s*|врио\s+)?(?:директор|заместител|зам\.|руководител|заведующ|начальник|специалист|методист"
             r"|председател|секретар|куратор|исполнител|ответственн|глава|педагог|учител|советник|инспектор)")
_PATTERNS = (
    # «Директор школы: Иванов И.И.», «Зам. директора по УВР Петрова А.А.» — a position and a name, nothing after it.
    re.compile(rf"^{_POSITION}[^.!?«»\"]{{0,80}}?[\s:,/(]{_NAME}\s*/?\)?(?:\s+\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}\s*г?\.?)?\s*$",
               re.IGNORECASE),
    # «Иванов И.И.», «И.И. Иванов, заместитель директора по УВР».
    re.compile(rf"^{_NAME}\s*(?:$|,\s*{_POSITION})", re.IGNORECASE),
    # «Исполнитель: …», «Исп. Петрова А.А. 8-914-…», «Составитель: …».
    re.compile(r"^(?:исполнител\w*|исп\.|составител\w*)(?:\s|:|$)", re.IGNORECASE),
    # «Справку подготовила …», «Отчёт составлен заместителем директора …», «Подготовил: …» (but «Подготовлены
    # методические рекомендации» reports work done).
    re.compile(r"^(?:аналитическ\w+\s+)?(?:справк\w*|отч[её]т|анализ|информаци\w*|записк\w*)\s+"
               r"(?:подготовил|составил|подготовлен|составлен)\w*\b", re.IGNORECASE),
    re.compile(rf"^(?:подготовил|составил)[аи]?\b\s*(?::|.{{0,100}}{_NAME}\s*$)", re.IGNORECASE),
    re.compile(r"^м\.\s?п\.?$", re.IGNORECASE),
)


def is_signature(text: str) -> bool:
    """True for a line of the signature block (see the module's docstring)."""
    line = " ".join(text.split())
    if not line or len(line) > 200:
        return False
    if _BLANK.search(line):
        # A blank beside a position or a name, or alone («Проведено ____ консультаций» is a form left unfilled).
        return bool(re.search(_POSITION, line, re.IGNORECASE) or re.search(_NAME, line)
                    or not re.search(r"[А-ЯЁа-яё]{3,}", _BLANK.sub("", line)))
    return any(pattern.search(line) for pattern in _PATTERNS)


def is_signature_row(cells: list[str]) -> bool:
    """A table row holding a signature: its cells read together («Директор | ______ | И.И. Иванов»), or a lone blank
    for the signature («/подпись/», «__________»)."""
    texts = [" ".join(cell.split()) for cell in cells if cell.strip()]
    if not texts:
        return False
    joined = " ".join(texts)
    # A row of an activity table may well start with a position and end with a name (a table whose first column is
    # the responsible one): without a blank, only a short row is a signature.
    if is_signature(joined) and (_BLANK.search(joined) or len(joined.split()) <= 8):
        return True
    return all(_BLANK.fullmatch(t) or re.fullmatch(_NAME, t) for t in texts)
