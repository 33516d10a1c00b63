from __future__ import annotations

from django import template

from shnor.audit.describe import action_label, changes_lines
from shnor.core import russian

register = template.Library()


@register.filter
def person(user) -> str:
    """«Кузнецова Марина Ивановна», or the login when no name is set, or «—»."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username


@register.filter
def verb(user, masculine: str) -> str:
    """{{ report.updated_by|verb:"изменил" }} → «изменила» for Марина Ивановна."""
    return russian.verb_past(masculine, russian.gender_of(person(user)) if user is not None else None)


@register.filter
def plural(n, word: str) -> str:
    """The word alone in the form for the number: {{ n|plural:"школа" }} → «школы» for 2."""
    return russian.plural(int(n), word)


@register.filter
def by_number(n, forms: str) -> str:
    """{{ n|by_number:"ждёт,ждут" }}: the verb for the number."""
    one, many = forms.split(",")
    return russian.by_number(int(n), one, many)


@register.filter
def action(code: str) -> str:
    return action_label(code)


@register.filter
def changes(event_changes) -> list[str]:
    return changes_lines(event_changes)


@register.filter
def share(row) -> str:
    return row.label


@register.filter
def number(value, places: int = 1) -> str:
    return russian.format_decimal(value, places)


@register.filter
def agree(n, word: str) -> str:
    return russian.agree(int(n), word)
