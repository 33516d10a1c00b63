"""Find the school a row of an uploaded table speaks of, among the schools the user may load data for.

A row names its school by our code (from an export or a template), or by its name — short or full — with
the municipality where names repeat. A school outside the user's scope is «not found», never «forbidden»:
the message must not reveal that it exists.
"""

from __future__ import annotations

from collections import defaultdict

from shnor.core.text import fold


class SchoolIndex:
    def __init__(self, schools):
        self.by_pk: dict[int, tuple[str, str, str]] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        for pk, short, full, muni in schools.values_list("pk", "short_name", "full_name", "municipality__name"):
            self.by_pk[pk] = (short, full, muni)
            self.by_name[fold(short)].add(pk)
            self.by_name[fold(full)].add(pk)

    def name(self, pk: int) -> str:
        return self.by_pk[pk][0]

    def find(self, code, name, municipality) -> tuple[int | None, str | None]:
        """(school id, None) or (None, a Russian message saying what to fix)."""
        name = str(name or "").strip()
        muni = fold(str(municipality or ""))
        if code not in (None, ""):
            try:
                pk = int(float(str(code).strip().replace(",", ".")))
            except ValueError:
                return None, f"код школы «{code}» — не число; возьмите код из выгрузки или оставьте столбец пустым"
            if pk not in self.by_pk:
                return None, f"школа с кодом {pk} не найдена среди школ, доступных вам"
            short, full, school_muni = self.by_pk[pk]
            if name and fold(name) not in (fold(short), fold(full)):
                return None, f"код {pk} принадлежит школе «{short}», а в строке написано «{name}»: проверьте, не сдвинулись ли строки"
            if muni and muni != fold(school_muni):
                return None, f"школа с кодом {pk} находится в муниципалитете «{school_muni}», а в строке — «{municipality}»"
            return pk, None
        if not name:
            return None, "не указана школа"
        found = self.by_name.get(fold(name), set())
        if muni:
            found = {pk for pk in found if fold(self.by_pk[pk][2]) == muni}
        if not found:
            where = f" муниципалитета «{municipality}»" if muni else ""
            return None, f"школа «{name}» не найдена среди школ{where}, доступных вам; проверьте название или укажите код школы из выгрузки"
        if len(found) > 1:
            return None, f"школ с названием «{name}» несколько ({len(found)}): укажите муниципалитет или код школы"
        return next(iter(found)), None
