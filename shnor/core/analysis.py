"""Analysis of one campaign: per-school gaps, dynamics against the previous campaign, forms of work,
schools with systemic work and lagging schools, and a check of «N (P %)» statements in text.

Pure: takes `CampaignData` (plain records built from the database or a document) and returns plain
dataclasses. The rules are explicit and their thresholds are the constants below; findings.py turns
the results into Russian sentences.

Rules
-----
* A report counts when it is certified by the curator or accepted (records.py decides); a school without
  a counted report is «не представила отчёт» and is left out of per-school gaps, not of percentages:
  percentages are always of the campaign's schools (DOMAIN.md).
* An entry is done when its status is done or partial.
* Analysed directions: the framework's directions in which at least one school of the campaign planned or did
  something. A direction nobody works in (e.g. «организационно-управленческие меры» in a school-level
  monitoring) is listed as not analysed instead of making every school look empty there.
* Empty direction of a school: an analysed direction with no done entry of that school.
* Systemic work (`SYSTEMIC_RULES`): a school did at least one type from every group of the rule.
  «Decisions on monitoring data» = a pedagogical council on management decisions + at least one kind of
  monitoring; «psychological support» = support of teachers + support of pupils.
* Lagging school: no counted report; or empty directions in more than half of the analysed directions
  (`LAGGING_EMPTY_SHARE`); or less than `LAGGING_COMPLETION` % of its planned entries done, counted only
  when it planned at least `LAGGING_MIN_PLANNED` entries.
* Dynamics: on the schools that have counted reports in both campaigns. An indicator change counts when it is
  visible at the indicator's precision; a school improved when more of its indicators improved than worsened.
  Percent indicators are averaged over schools (unweighted), counts are summed.
* Forms of work: done entries by the form of their activity type (catalogue tag). Traditional forms dominate
  when they make `TRADITIONAL_DOMINANCE` % or more of the traditional + interactive entries. Examples of each form
  are its types by number of done entries, equal numbers by name.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .coverage import Coverage, DirectionInfo, TypeInfo, coverage_of
from .needs import NeedCoverage, NeedRecord
from .needs import coverage as needs_coverage
from .outcomes import Outcomes
from .outcomes import Value as OutcomeValue
from .outcomes import build as build_outcomes
from .russian import parse_decimal, percent

DONE = frozenset({"done", "partial"})

# --- thresholds (documented above; findings.py has its own) ---
LAGGING_EMPTY_SHARE = Fraction(1, 2)  # more than this share of analysed directions empty
LAGGING_COMPLETION = Decimal(50)  # % of planned entries done
LAGGING_MIN_PLANNED = 2
TRADITIONAL_DOMINANCE = Decimal(60)  # % of traditional among traditional + interactive entries

FORM_LABELS = {
    "traditional": "традиционные (репродуктивные) формы",
    "interactive": "интерактивные и проектные формы",
    "other": "организационные и иные формы",
}


@dataclass(frozen=True)
class SystemicRule:
    code: str
    title: str  # what the work is, as in «системная работа по …»
    groups: tuple[frozenset[str], ...]  # a school needs a done type from every group


MONITORING_TYPES = frozenset({"quality_monitoring", "motivation_monitoring", "uud_monitoring", "results_analysis", "school_climate"})
SYSTEMIC_RULES = (
    SystemicRule(
        "monitoring_decisions",
        "принятие управленческих решений на основе результатов мониторинга",
        (frozenset({"pedagogical_council"}), MONITORING_TYPES),
    ),
    SystemicRule(
        "psych_support",
        "обеспечение психолого-педагогического сопровождения учителей и обучающихся",
        (frozenset({"teacher_psych_support"}), frozenset({"student_psych_support"})),
    ),
)


# ---------------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchoolInfo:
    id: int
    name: str
    municipality: str
    reported: bool = True  # has a counted report


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """One entry of a counted report."""

    school_id: int
    activity_type: str | None
    direction: str | None  # effective direction in the campaign's framework
    status: str  # done | partial | not_done | postponed | ""
    planned: bool = True
    has_evidence: bool = True
    certified: bool = True

    @property
    def done(self) -> bool:
        return self.status in DONE


@dataclass(frozen=True, slots=True)
class IndicatorRecord:
    school_id: int
    code: str
    name: str
    unit: str
    value: Decimal
    higher_is_better: bool = True
    decimals: int = 1
    subject: str = ""


@dataclass(frozen=True, slots=True)
class SchoolTally:
    """One school's entries reduced to what the rules need."""

    types_done: frozenset[str] = frozenset()
    directions_done: frozenset[str] = frozenset()
    planned: int = 0
    planned_done: int = 0
    done: int = 0  # done entries, planned or not
    unplanned_done: int = 0
    without_evidence: int = 0  # done entries with no evidence
    not_done: tuple[EntryRecord, ...] = ()  # planned entries not done, in the order of the entries


NO_ENTRIES = SchoolTally()


Fact = tuple[str | None, str | None]  # (effective direction, activity type) of done entries


@dataclass
class EntrySummary:
    """A campaign's entries reduced to what the analysis needs: memory grows with schools × kinds of activity,
    not with entries. `summarise` builds it from entries; analysis/records.py builds the same from SQL
    aggregates for campaigns of tens of thousands of schools (tests compare the two)."""

    tallies: dict[int, SchoolTally] = field(default_factory=dict)  # schools with at least one entry
    worked: frozenset[str] = frozenset()  # directions with an entry of any status
    done_by_type: dict[str | None, int] = field(default_factory=dict)  # done entries per activity type
    # The coverage facts, deduplicated: per (direction, type) the sorted ids of the schools with a done entry there
    # (8 bytes a school: a national campaign has a million such pairs), and those of them certified by no entry.
    done_schools: dict[Fact, array] = field(default_factory=dict)
    uncertified: dict[Fact, frozenset[int]] = field(default_factory=dict)

    def coverage(self, school_ids: Collection[int], directions: Sequence[DirectionInfo], types: Sequence[TypeInfo]) -> Coverage:
        """The coverage of these facts on `school_ids`."""
        return coverage_of(self.done_schools, self.uncertified, school_ids, directions, types)


def school_ids(ids: Iterable[int]) -> array:
    """Sorted school ids, 8 bytes each."""
    return array("q", sorted(ids))


def summarise(entries: Iterable[EntryRecord]) -> EntrySummary:
    by_school: dict[int, list[EntryRecord]] = defaultdict(list)
    worked: set[str] = set()
    done_by_type: dict[str | None, int] = {}
    done_schools: dict[Fact, dict[int, bool]] = {}
    for e in entries:
        by_school[e.school_id].append(e)
        if e.direction is not None:
            worked.add(e.direction)
        if e.done:
            done_by_type[e.activity_type] = done_by_type.get(e.activity_type, 0) + 1
            bucket = done_schools.setdefault((e.direction, e.activity_type), {})
            # A school is certified for a fact when any of its entries there is certified.
            bucket[e.school_id] = bucket.get(e.school_id, False) or e.certified
    uncertified = {key: frozenset(s for s, certified in bucket.items() if not certified) for key, bucket in done_schools.items()}
    return EntrySummary(
        tallies={school: tally(es) for school, es in by_school.items()},
        worked=frozenset(worked),
        done_by_type=done_by_type,
        done_schools={key: school_ids(bucket) for key, bucket in done_schools.items()},
        uncertified={key: ids for key, ids in uncertified.items() if ids},
    )


def tally(entries: Sequence[EntryRecord]) -> SchoolTally:
    """One school's entries → its tally."""
    done = [e for e in entries if e.done]
    planned = [e for e in entries if e.planned]
    return SchoolTally(
        types_done=frozenset(e.activity_type for e in done if e.activity_type),
        directions_done=frozenset(e.direction for e in done if e.direction),
        planned=len(planned),
        planned_done=sum(1 for e in planned if e.done),
        done=len(done),
        unplanned_done=sum(1 for e in done if not e.planned),
        without_evidence=sum(1 for e in done if not e.has_evidence),
        not_done=tuple(e for e in planned if not e.done),
    )


@dataclass
class CampaignData:
    """A campaign as plain records: either its `entries`, or their `summary` already made (see EntrySummary)."""

    code: str
    title: str
    period_text: str
    period_start: date | None
    period_end: date | None
    schools: list[SchoolInfo]
    directions: list[DirectionInfo]
    types: list[TypeInfo]
    entries: list[EntryRecord] = field(default_factory=list)
    indicators: list[IndicatorRecord] = field(default_factory=list)
    region: str = ""
    summary: EntrySummary | None = field(default=None, repr=False, compare=False)
    needs: list[NeedRecord] = field(default_factory=list)  # the schools' causes, deficits and risks with their measures
    statuses: tuple[dict[int, str], dict[int, str]] = ({}, {})  # each school's status this academic year and the next

    def entry_summary(self) -> EntrySummary:
        """The entries' summary; computed from `entries` once when it was not given."""
        if self.summary is None:
            self.summary = summarise(self.entries)
        return self.summary

    def coverage(self) -> Coverage:
        return self.entry_summary().coverage([s.id for s in self.schools], self.directions, self.types)


# ---------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class SchoolProfile:
    school: SchoolInfo
    types_done: frozenset[str]
    directions_done: frozenset[str]
    empty_directions: list[str]  # codes, in framework order; schools with the same gaps share one list
    planned: int
    planned_done: int
    done: int  # done entries, planned or not
    unplanned_done: int
    not_done: Sequence[EntryRecord]  # planned entries not done
    without_evidence: int  # done entries with no evidence

    @property
    def completion(self) -> Decimal | None:
        return percent(self.planned_done, self.planned)


@dataclass
class LaggingSchool:
    profile: SchoolProfile
    reasons: list[str]  # codes: no_report, empty_directions, low_completion


@dataclass
class FormsOfWork:
    counts: dict[str, int]  # form → done entries
    schools_interactive: int  # schools with at least one interactive done entry
    schools_total: int
    examples: dict[str, list[str]]  # form → type names by frequency

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def traditional_share(self) -> Decimal | None:
        """% of traditional among traditional + interactive entries."""
        return percent(self.counts.get("traditional", 0), self.counts.get("traditional", 0) + self.counts.get("interactive", 0))

    @property
    def traditional_dominate(self) -> bool:
        share = self.traditional_share
        return share is not None and share >= TRADITIONAL_DOMINANCE


@dataclass
class MunicipalityRow:
    name: str
    school_ids: list[int]
    reported: int
    by_direction: dict[str, int]  # direction code → schools with a done entry there
    planned: int
    planned_done: int
    cells_covered: int  # (school, analysed direction) pairs with a done entry
    cells_total: int

    @property
    def schools(self) -> int:
        return len(self.school_ids)

    @property
    def completion(self) -> Decimal | None:
        return percent(self.planned_done, self.planned)

    @property
    def directions_share(self) -> Decimal | None:
        return percent(self.cells_covered, self.cells_total)


@dataclass
class CoverageChange:
    direction: str | None
    activity_type: str | None
    name: str
    before: int
    after: int
    total: int  # schools compared
    gained: list[int]
    lost: list[int]

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass
class IndicatorChange:
    code: str
    name: str
    unit: str
    decimals: int
    higher_is_better: bool
    per_school: list[tuple[int, Decimal, Decimal]]  # (school, before, after)
    improved: list[int]
    worsened: list[int]

    @property
    def is_percent(self) -> bool:
        return self.unit.strip() == "%"

    @property
    def before(self) -> Decimal:
        return _aggregate([b for _, b, _ in self.per_school], self.is_percent)

    @property
    def after(self) -> Decimal:
        return _aggregate([a for _, _, a in self.per_school], self.is_percent)

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


@dataclass
class Dynamics:
    previous_title: str
    previous_period: str
    school_ids: list[int]  # compared: counted reports in both campaigns
    directions: list[CoverageChange]
    types: list[CoverageChange]
    indicators: list[IndicatorChange]
    improved: list[int]
    worsened: list[int]


@dataclass
class Analysis:
    data: CampaignData
    coverage: Coverage
    analysed: list[DirectionInfo]
    not_analysed: list[DirectionInfo]
    profiles: list[SchoolProfile]
    forms: FormsOfWork
    municipalities: list[MunicipalityRow]
    systemic: dict[str, list[int]]  # SystemicRule.code → school ids
    lagging: list[LaggingSchool]
    dynamics: Dynamics | None
    previous_missing: bool  # True when there is no previous campaign to compare with
    needs: list[NeedCoverage] = field(default_factory=list)  # per cause, deficit and risk (core/needs.py)
    outcomes: Outcomes | None = None  # indicator totals, their dynamics, «what worked» (core/outcomes.py)

    @property
    def schools_total(self) -> int:
        return len(self.data.schools)

    @property
    def reported(self) -> list[SchoolInfo]:
        return [s for s in self.data.schools if s.reported]

    @property
    def not_reported(self) -> list[SchoolInfo]:
        return [s for s in self.data.schools if not s.reported]

    def school(self, school_id: int) -> SchoolInfo:
        return self._schools[school_id]

    def names(self, ids: Iterable[int]) -> list[str]:
        return [self._schools[i].name for i in ids]

    def direction_name(self, code: str | None) -> str:
        return next((d.name for d in self.data.directions if d.code == code), code or "")

    def type_name(self, code: str | None) -> str:
        return next((t.name for t in self.data.types if t.code == code), code or "вид не определён")

    def type_schools(self, code: str) -> list[int]:
        row = self.coverage.row_for_type(code)
        return list(row.school_ids) if row else sorted(p.school.id for p in self.profiles if code in p.types_done)

    def __post_init__(self) -> None:
        self._schools = {s.id: s for s in self.data.schools}


# ---------------------------------------------------------------------------------------------------------
# Computation
# ---------------------------------------------------------------------------------------------------------


def outcome_values(data: CampaignData) -> list[OutcomeValue]:
    muni = {s.id: s.municipality for s in data.schools}
    return [OutcomeValue(r.school_id, muni.get(r.school_id, ""), r.code, r.name, r.unit, r.value, r.subject, r.decimals, r.higher_is_better)
            for r in data.indicators]


def analyse(current: CampaignData, previous: CampaignData | None = None, year_before: CampaignData | None = None) -> Analysis:
    coverage = current.coverage()
    worked = current.entry_summary().worked
    analysed = [d for d in current.directions if d.code in worked]
    not_analysed = [d for d in current.directions if d.code not in worked]
    profiles = school_profiles(current, analysed)
    by_id = {p.school.id: p for p in profiles}
    systemic = {rule.code: systemic_schools(profiles, rule) for rule in SYSTEMIC_RULES}
    return Analysis(
        data=current,
        coverage=coverage,
        analysed=analysed,
        not_analysed=not_analysed,
        profiles=profiles,
        forms=forms_of_work(current),
        municipalities=municipality_rows(current, by_id, analysed),
        systemic=systemic,
        lagging=lagging_schools(profiles, len(analysed)),
        dynamics=dynamics(current, previous) if previous is not None else None,
        previous_missing=previous is None,
        needs=needs_coverage(current.needs),
        outcomes=build_outcomes(
            outcome_values(current), outcome_values(previous) if previous else None, outcome_values(year_before) if year_before else None,
            [(r.name, r.activity_type is not None, r.school_ids, f"{r.direction}:{r.activity_type or ''}")
             for r in coverage.rows if r.direction is not None],
            current.statuses, year_before.title if year_before else ""),
    )


def school_profiles(data: CampaignData, analysed: Sequence[DirectionInfo]) -> list[SchoolProfile]:
    tallies = data.entry_summary().tallies
    codes = [d.code for d in analysed]
    gaps: dict[frozenset[str] | None, list[str]] = {None: []}  # few distinct gap lists: shared, not one per school
    profiles = []
    for school in data.schools:
        t = tallies.get(school.id, NO_ENTRIES)
        key = t.directions_done if school.reported else None
        empty = gaps.get(key)
        if empty is None:
            empty = gaps[key] = [c for c in codes if c not in t.directions_done]
        profiles.append(SchoolProfile(
            school=school,
            types_done=t.types_done,
            directions_done=t.directions_done,
            empty_directions=empty,
            planned=t.planned,
            planned_done=t.planned_done,
            done=t.done,
            unplanned_done=t.unplanned_done,
            not_done=t.not_done,
            without_evidence=t.without_evidence,
        ))
    return profiles


def systemic_schools(profiles: Iterable[SchoolProfile], rule: SystemicRule) -> list[int]:
    return [p.school.id for p in profiles if all(p.types_done & group for group in rule.groups)]


def lagging_schools(profiles: Iterable[SchoolProfile], analysed_count: int) -> list[LaggingSchool]:
    result = []
    for p in profiles:
        reasons = []
        if not p.school.reported:
            reasons.append("no_report")
        else:
            if analysed_count and Fraction(len(p.empty_directions), analysed_count) > LAGGING_EMPTY_SHARE:
                reasons.append("empty_directions")
            completion = p.completion
            if p.planned >= LAGGING_MIN_PLANNED and completion is not None and completion < LAGGING_COMPLETION:
                reasons.append("low_completion")
        if reasons:
            result.append(LaggingSchool(p, reasons))
    return result


def forms_of_work(data: CampaignData) -> FormsOfWork:
    form_of = {t.code: t.form for t in data.types}
    names = {t.code: t.name for t in data.types}
    summary = data.entry_summary()
    counts: Counter[str] = Counter()
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    for code, n in summary.done_by_type.items():
        form = form_of.get(code or "", "other")
        counts[form] += n
        if code:
            by_type[form][code] += n
    interactive = {code for code, form in form_of.items() if form == "interactive"}

    def by_frequency(counts: Counter[str]) -> list[str]:
        # Equally frequent types by name: the same examples whatever order the database returns entries in.
        return [names.get(code, code) for code, _ in sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], item[0])))]

    examples = {form: by_frequency(c) for form, c in by_type.items()}
    return FormsOfWork(
        counts={f: counts.get(f, 0) for f in FORM_LABELS},
        schools_interactive=sum(1 for t in summary.tallies.values() if t.types_done & interactive),
        schools_total=len(data.schools),
        examples=examples,
    )


def municipality_rows(data: CampaignData, profiles: dict[int, SchoolProfile], analysed: Sequence[DirectionInfo]) -> list[MunicipalityRow]:
    groups: dict[str, list[SchoolInfo]] = defaultdict(list)
    for s in data.schools:
        groups[s.municipality].append(s)
    codes = [d.code for d in analysed]
    rows = []
    for name in sorted(groups):
        schools = groups[name]
        ps = [profiles[s.id] for s in schools]
        rows.append(MunicipalityRow(
            name=name,
            school_ids=[s.id for s in schools],
            reported=sum(1 for s in schools if s.reported),
            by_direction={c: sum(1 for p in ps if c in p.directions_done) for c in codes},
            planned=sum(p.planned for p in ps),
            planned_done=sum(p.planned_done for p in ps),
            cells_covered=sum(1 for p in ps for c in codes if c in p.directions_done),
            cells_total=len(ps) * len(codes),
        ))
    return rows


def dynamics(current: CampaignData, previous: CampaignData) -> Dynamics:
    """Changes between two campaigns on the schools with counted reports in both."""
    before_ids = {s.id for s in previous.schools if s.reported}
    common = [s.id for s in current.schools if s.reported and s.id in before_ids]
    after_cov = current.entry_summary().coverage(common, current.directions, current.types)
    # The previous campaign's facts are placed in the current framework's directions when codes match.
    before_cov = previous.entry_summary().coverage(common, current.directions, current.types)
    directions, types = [], []
    for row in after_cov.rows:
        if row.direction is None:
            continue
        other = next((r for r in before_cov.rows if r.direction == row.direction and r.activity_type == row.activity_type), None)
        before = set(other.school_ids) if other else set()
        after = set(row.school_ids)
        if not before and not after:
            continue
        change = CoverageChange(row.direction, row.activity_type, row.name, len(before), len(after), len(common),
                                sorted(after - before), sorted(before - after))
        (directions if row.activity_type is None else types).append(change)
    indicators = indicator_changes(current.indicators, previous.indicators, set(common))
    score: Counter[int] = Counter()
    for ch in indicators:
        for s in ch.improved:
            score[s] += 1
        for s in ch.worsened:
            score[s] -= 1
    return Dynamics(
        previous_title=previous.title,
        previous_period=previous.period_text,
        school_ids=common,
        directions=directions,
        types=types,
        indicators=indicators,
        improved=sorted(s for s, v in score.items() if v > 0),
        worsened=sorted(s for s, v in score.items() if v < 0),
    )


def indicator_changes(after: Sequence[IndicatorRecord], before: Sequence[IndicatorRecord], schools: set[int]) -> list[IndicatorChange]:
    """Per indicator without subject: the schools having a value in both campaigns, in the order first seen."""
    old = {(r.code, r.school_id): r for r in before if not r.subject and r.school_id in schools}
    grouped: dict[str, list[IndicatorRecord]] = defaultdict(list)
    for r in after:
        if not r.subject and (r.code, r.school_id) in old:
            grouped[r.code].append(r)
    changes = []
    for code, records in grouped.items():
        first = records[0]
        step = Decimal(1).scaleb(-first.decimals)
        per_school, improved, worsened = [], [], []
        for r in sorted(records, key=lambda r: r.school_id):
            b = old[(code, r.school_id)].value
            per_school.append((r.school_id, b, r.value))
            diff = r.value - b
            if abs(diff) >= step:  # a change smaller than the shown precision is no change
                better = (diff > 0) == first.higher_is_better
                (improved if better else worsened).append(r.school_id)
        changes.append(IndicatorChange(code, first.name, first.unit, first.decimals, first.higher_is_better, per_school, improved, worsened))
    return changes


def _aggregate(values: list[Decimal], is_percent: bool) -> Decimal:
    if not values:
        return Decimal(0)
    total = sum(values, Decimal(0))
    return total / len(values) if is_percent else total


# ---------------------------------------------------------------------------------------------------------
# «N (P %)» statements in text
# ---------------------------------------------------------------------------------------------------------

_SHARE_RE = re.compile(r"(?<![\d,.])(?P<count>\d{1,6})\s*\(\s*(?P<pct>\d{1,3}(?:[.,]\d+)?)\s*%\s*\)")


@dataclass(frozen=True)
class ShareStatement:
    text: str  # as written: «2(17%)»
    start: int
    count: int
    stated: Decimal
    decimals: int
    total: int | None
    expected: Decimal | None  # the share to one decimal, half up, as the system prints it

    @property
    def ok(self) -> bool:
        if self.total is None or self.total == 0:
            return True
        exact = Fraction(self.count * 100, self.total)
        # Correct when the stated value is a rounding of the exact share at the stated precision
        # (either way at an exact half, so that «6,25» → «6,3» and a truncating «6,2» are not both errors).
        half = Fraction(1, 2 * 10**self.decimals)
        return abs(Fraction(self.stated) - exact) <= half


def find_shares(text: str) -> list[tuple[str, int, int, Decimal, int]]:
    found = []
    for m in _SHARE_RE.finditer(text):
        pct_text = m.group("pct")
        stated = parse_decimal(pct_text)
        if stated is None:
            continue
        decimals = len(re.split(r"[.,]", pct_text)[1]) if re.search(r"[.,]", pct_text) else 0
        found.append((m.group(0), m.start(), int(m.group("count")), stated, decimals))
    return found


def infer_total(found: Sequence[tuple[str, int, int, Decimal, int]]) -> int | None:
    """The number of schools the statements are shares of: a «N (100 %)» if any, else the total that makes
    the most statements consistent (the smallest such)."""
    hundreds = Counter(count for _, _, count, stated, _ in found if stated == 100)
    if hundreds:
        return hundreds.most_common(1)[0][0]
    if not found:
        return None
    low = max(1, max(count for _, _, count, _, _ in found))
    best, best_score = None, -1
    for total in range(low, max(low * 20, 200)):
        score = sum(1 for text, start, count, stated, decimals in found
                    if ShareStatement(text, start, count, stated, decimals, total, None).ok)
        if score > best_score:
            best, best_score = total, score
    return best


def check_shares(text: str, total: int | None = None) -> list[ShareStatement]:
    """Every «N (P %)» in `text` checked against N of `total` (inferred when not given)."""
    found = find_shares(text)
    total = total if total is not None else infer_total(found)
    result = []
    for raw, start, count, stated, decimals in found:
        expected = percent(count, total) if total else None
        result.append(ShareStatement(raw, start, count, stated, decimals, total, expected))
    return result
