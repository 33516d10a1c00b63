"""Checks of numbers the document states: «2 (17%)» for 2 schools of 16 is wrong, it is 12,5 %."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from shnor.core.reading.model import Draft


def percent_warnings(drafts: list[Draft], total: int | None) -> list[str]:
    """A line that names its own total («2 из 16 школ (12,5 %)») is checked against it, the others against the
    document's number of schools."""
    warnings = []
    for activity in drafts:
        of = activity.stated_of or total
        if activity.count is None or activity.stated_percent is None or not of:
            continue
        stated = activity.stated_percent
        true = Decimal(activity.count) * 100 / Decimal(of)
        places = max(0, -stated.as_tuple().exponent)
        # A stated value is right when it is the true share rounded to the decimals it shows.
        if true.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == stated:
            continue
        warnings.append(
            f"Строка «{activity.line or activity.text}»: {activity.count} из {of} — это "
            f"{_plain(true.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP))}\u00a0%, а не {_plain(stated)}\u00a0%."
        )
    return warnings


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")
