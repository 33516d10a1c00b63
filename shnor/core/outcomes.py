"""Outcomes: indicator values of schools by period and subject, their municipal and regional totals, their dynamics
against the previous campaign and the same period a year earlier, the schools that left the ШНОР list, and «what
worked» — a descriptive comparison of schools that did an activity with those that did not.

Totals
------
* A count («чел.», «шт.») adds up over schools.
* A share («%») or a mean («балл») is weighted by the number of pupils (indicator PUPILS of the same campaign) when
  every school in the total has it; otherwise it is the unweighted mean of the schools' values, and `weighted` is
  False so that the text can say so.

What worked
-----------
* For each direction and activity type: the mean change of a main indicator (MAIN) between the previous and the
  current campaign in schools that did it during the period, against schools that did not.
* Suppressed when either group has fewer than MIN_GROUP schools: a mean over 3 schools says nothing.
* This is a comparison, not a proof of effect: schools choose what they do, and the text says so (CAVEAT).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

PUPILS = "pupils"
COUNT_UNITS = {"чел.", "шт."}
MAIN = ("quality", "success_rate", "vpr_avg")  # the main outcome indicators of «what worked» (with their subjects)
MIN_GROUP = 5
CAVEAT = ("Это сравнение групп школ, а не доказательство действия мероприятий: школы сами выбирают, что проводить, "
          "и на результаты влияет многое другое.")


@dataclass(frozen=True, slots=True)
class Value:
    school_id: int
    municipality: str
    code: str
    name: str
    unit: str
    value: Decimal
    subject: str = ""
    decimals: int = 1
    higher_is_better: bool = True


Key = tuple[str, str]  # (indicator code, subject)


def key(v: Value) -> Key:
    return v.code, v.subject


@dataclass(frozen=True)
class Total:
    value: Decimal
    schools: int
    weighted: bool  # False for a share or mean without pupil counts for every school: an unweighted mean


def total(values: Sequence[Value], pupils: dict[int, Decimal] | None = None) -> Total | None:
    if not values:
        return None
    if values[0].unit in COUNT_UNITS:
        return Total(sum((v.value for v in values), Decimal(0)), len(values), False)
    pupils = pupils or {}
    weights = [pupils.get(v.school_id) for v in values]
    if all(w for w in weights):
        mass = sum(weights, Decimal(0))
        return Total(sum((v.value * w for v, w in zip(values, weights, strict=True)), Decimal(0)) / mass, len(values), True)
    return Total(sum((v.value for v in values), Decimal(0)) / len(values), len(values), False)


def pupils_of(values: Iterable[Value]) -> dict[int, Decimal]:
    return {v.school_id: v.value for v in values if v.code == PUPILS}


@dataclass
class TotalRow:
    code: str
    subject: str
    name: str
    unit: str
    decimals: int
    region: Total | None
    municipalities: dict[str, Total] = field(default_factory=dict)


def totals(values: Sequence[Value]) -> list[TotalRow]:
    """Per indicator and subject (pupils excepted): the region's total and each municipality's, in the order first seen."""
    pupils = pupils_of(values)
    groups: dict[Key, list[Value]] = defaultdict(list)
    for v in values:
        if v.code != PUPILS:
            groups[key(v)].append(v)
    rows = []
    for (code, subject), vs in groups.items():
        by_muni: dict[str, list[Value]] = defaultdict(list)
        for v in vs:
            by_muni[v.municipality].append(v)
        rows.append(TotalRow(code, subject, vs[0].name, vs[0].unit, vs[0].decimals, total(vs, pupils),
                             {m: total(mv, pupils) for m, mv in sorted(by_muni.items())}))
    return rows


@dataclass
class Change:
    code: str
    subject: str
    name: str
    unit: str
    decimals: int
    before: Total
    after: Total
    higher_is_better: bool = True

    @property
    def delta(self) -> Decimal:
        return self.after.value - self.before.value

    @property
    def weighted(self) -> bool:
        return self.before.weighted and self.after.weighted


def changes(after: Sequence[Value], before: Sequence[Value]) -> list[Change]:
    """Per indicator and subject, the region's totals over the schools with a value in both periods."""
    old = {(v.code, v.subject, v.school_id): v for v in before if v.code != PUPILS}
    pupils_after, pupils_before = pupils_of(after), pupils_of(before)
    pairs: dict[Key, tuple[list[Value], list[Value]]] = {}
    for v in after:
        if v.code == PUPILS or (v.code, v.subject, v.school_id) not in old:
            continue
        a, b = pairs.setdefault(key(v), ([], []))
        a.append(v)
        b.append(old[(v.code, v.subject, v.school_id)])
    found = []
    for (code, subject), (a, b) in pairs.items():
        found.append(Change(code, subject, a[0].name, a[0].unit, a[0].decimals, total(b, pupils_before), total(a, pupils_after),
                            a[0].higher_is_better))
    return found


def school_deltas(after: Sequence[Value], before: Sequence[Value]) -> dict[Key, dict[int, Decimal]]:
    """Per indicator and subject: each school's change between the two periods."""
    old = {(v.code, v.subject, v.school_id): v.value for v in before}
    deltas: dict[Key, dict[int, Decimal]] = defaultdict(dict)
    for v in after:
        if (v.code, v.subject, v.school_id) in old:
            deltas[key(v)][v.school_id] = v.value - old[(v.code, v.subject, v.school_id)]
    return deltas


def left_shnor(this_year: dict[int, str], next_year: dict[int, str]) -> list[int]:
    """Schools in the ШНОР list this year whose next year's status is another one (a school without a next year's
    status is not counted: we do not know yet)."""
    return sorted(s for s, status in this_year.items() if status == "shnor" and next_year.get(s, "shnor") != "shnor")


# ---------------------------------------------------------------------------------------------------------
# What worked
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Comparison:
    label: str  # the direction or activity type
    is_type: bool
    indicator: str  # name, with the subject: «Средний балл ВПР (математика)»
    unit: str
    did: int  # schools that did it, with a change of the indicator
    did_not: int
    did_mean: Decimal | None = None
    did_not_mean: Decimal | None = None
    suppressed: bool = False
    group: str = ""  # the group's key, for the drill-down to its schools («teachers:» a direction, «teachers:pk_courses» a type)
    indicator_key: Key = ("", "")  # (indicator code, subject)

    @property
    def difference(self) -> Decimal | None:
        if self.did_mean is None or self.did_not_mean is None:
            return None
        return self.did_mean - self.did_not_mean


def what_worked(groups: Sequence[tuple], deltas: dict[Key, dict[int, Decimal]],
                names: dict[Key, tuple[str, str]], main: Sequence[str] = MAIN) -> list[Comparison]:
    """`groups`: (label, is an activity type, the schools that did it[, the group's key]). `deltas`: per indicator and
    subject, each school's change (only schools with a value in both periods take part). `names`: per key (name, unit)."""
    found = []
    keys = sorted((k for k in deltas if k[0] in main), key=lambda k: (main.index(k[0]), k[1]))
    sums = {k: (sum(deltas[k].values(), Decimal(0)), len(deltas[k])) for k in keys}
    for label, is_type, did, *rest in groups:
        did, group = set(did), (rest[0] if rest else "")
        for k in keys:
            changes_, (all_sum, all_n) = deltas[k], sums[k]
            yes = [changes_[s] for s in did if s in changes_]  # O(group), not O(schools): 50,000 schools × 50 types
            yes_sum, no_n = sum(yes, Decimal(0)), all_n - len(yes)
            name, unit = names[k]
            row = Comparison(label, is_type, f"{name} ({k[1]})" if k[1] else name, unit, len(yes), no_n, group=group, indicator_key=k)
            if len(yes) < MIN_GROUP or no_n < MIN_GROUP:
                row.suppressed = True
            else:
                row.did_mean, row.did_not_mean = yes_sum / len(yes), (all_sum - yes_sum) / no_n
            found.append(row)
    return found


@dataclass
class Outcomes:
    """The «Результаты» section's numbers: totals of the period and the two comparisons."""

    totals: list[TotalRow]
    vs_previous: list[Change] | None  # None: no previous campaign
    vs_year_before: list[Change] | None  # None: no campaign of the same period a year earlier
    year_before_title: str = ""
    left: list[int] = field(default_factory=list)  # schools that left the ШНОР list in the next year's status
    shnor_schools: int = 0  # schools in the list this year (the base of `left`)
    worked: list[Comparison] = field(default_factory=list)
    deltas: dict[Key, dict[int, Decimal]] = field(default_factory=dict)  # each school's change to the previous period

    def groups_of(self, row: Comparison, did: Iterable[int]) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
        """The schools behind one row of «what worked»: those that did it and the others, each with its change."""
        changes_ = self.deltas.get(row.indicator_key, {})
        did = set(did)
        return ({s: d for s, d in changes_.items() if s in did}, {s: d for s, d in changes_.items() if s not in did})


def build(current: Sequence[Value], previous: Sequence[Value] | None, year_before: Sequence[Value] | None,
          groups: Sequence[tuple[str, bool, Iterable[int]]] = (), statuses: tuple[dict, dict] = ({}, {}),
          year_before_title: str = "") -> Outcomes:
    names = {key(v): (v.name, v.unit) for v in current}
    deltas = school_deltas(current, previous) if previous is not None else {}
    worked = what_worked(groups, deltas, names) if previous is not None else []
    this_year, next_year = statuses
    return Outcomes(totals(current), changes(current, previous) if previous is not None else None,
                    changes(current, year_before) if year_before is not None else None, year_before_title,
                    left_shnor(this_year, next_year), sum(1 for s in this_year.values() if s == "shnor"), worked,
                    {k: v for k, v in deltas.items() if k[0] in MAIN})
