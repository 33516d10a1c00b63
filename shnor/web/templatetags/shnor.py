from __future__ import annotations

from django import template

from shnor.core import russian

register = template.Library()


@register.filter
def person(user) -> str:
    """«Кузнецова Марина Ивановна», or the login when no name is set, or «—»."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username


@register.filter
def share(row) -> str:
    return row.label


@register.filter
def number(value, places: int = 1) -> str:
    return russian.format_decimal(value, places)


@register.filter
def agree(n, word: str) -> str:
    return russian.agree(int(n), word)
