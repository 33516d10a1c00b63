"""What both imports share: the result with its per-row errors, and reading a cell as text."""

from __future__ import annotations

from dataclasses import dataclass, field

from shnor.core.sheets import SheetRow


@dataclass
class ImportResult:
    rows: list[SheetRow]
    committed: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # rows without a value (indicator templates come pre-filled with empty values)
    schools: int = 0
    notes: list[str] = field(default_factory=list)  # non-blocking remarks shown after a successful load

    @property
    def errors(self) -> list[SheetRow]:
        return [r for r in self.rows if r.errors]

    def error_lines(self) -> list[str]:
        return [f"строка {r.number}: {'; '.join(r.errors)}" for r in self.errors]


def text(value) -> str:
    """A cell as text: Excel gives 3.0 for «3», and a date for «01.10.2021» typed into a general cell."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())
