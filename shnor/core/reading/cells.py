"""Lists inside a table cell: «информация о выполнении» may hold a lead-in sentence and a list of what was found
(«По итогам анализа выявлены причины низких результатов: – низкая мотивация …; – пробелы …»).

The list comes in three shapes: one paragraph per item (Word numbering, whose markers are not in the text),
typed dashes on their own lines, or everything on one line (TXT saved from Word, a PDF cell's wrapped lines).
"""

from __future__ import annotations

import re

from shnor.core.documents import Block
from shnor.core.reading.model import Draft, Statement
from shnor.core.reading.prose import FINDING_KINDS, _clean_item, _inline_items, _lead_in

_ITEM_START = re.compile(r"^\s*[-–—•·]")
# The last sentence before a colon: the lead-in of the list after it.
_LEAD = re.compile(r"(?:^|(?<=[.!?;])\s+|\n)(?P<lead>[^.!?;\n]{6,200}):")


def cell_findings(draft: Draft) -> list[Statement]:
    """The findings listed in a row's result cell (and its expected-result cell), linked to the row."""
    found: list[Statement] = []
    for text in (draft.actual, draft.expected):
        if ":" in (text or ""):
            found.extend(_listed(text, draft.where))
    return found


def _listed(text: str, where: str) -> list[Statement]:
    result: list[Statement] = []
    for match in _LEAD.finditer(text):
        lead = match.group("lead").strip()
        probe = Block(kind="paragraph", text=lead + ":", index=0, where=where)
        kind = (_lead_in(lead + ":", probe) or ("", ""))[0]
        if kind not in FINDING_KINDS or kind in ("goal", "task", "conclusion"):
            continue
        following = _LEAD.search(text, match.end())
        tail = text[match.end():following.start() if following else len(text)]
        for item in _items(tail):
            result.append(Statement(kind=kind, text=item, where=where, activity_where=where))
    return result


def _items(tail: str) -> list[str]:
    lines = [line.strip() for line in tail.split("\n") if line.strip()]
    if not lines:
        return []
    if len(lines) == 1 or not any(_ITEM_START.match(line) for line in lines):
        first = lines[0]
        if _ITEM_START.match(first):
            return _inline_items(first)
        if len(lines) == 1:
            # «выявлены причины: низкая мотивация; пробелы в знаниях» — items apart by semicolons.
            return [item for item in (_clean_item(part) for part in first.split(";")) if item]
        items = []
        for line in lines:  # Word's numbering keeps its markers out of the text: one paragraph per item
            items.append(_clean_item(line))
            if line.rstrip().endswith("."):
                break
        return [item for item in items if item]
    items: list[str] = []
    for line in lines:
        if _ITEM_START.match(line):
            items.extend(_inline_items(line))
        elif items and line[:1].islower():
            items[-1] = _clean_item(f"{items[-1]} {line}")  # an item wrapped onto the next line
        else:
            break
    return items
