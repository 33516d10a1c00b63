"""What reading a document produces: activities, indicators and findings, each with where it was found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shnor.core.periods import Period


@dataclass
class SchoolRef:
    id: int
    name: str
    short_name: str = ""
    municipality: str = ""


@dataclass
class ReadingContext:
    schools: list[SchoolRef] = field(default_factory=list)
    type_directions: dict[str, str] = field(default_factory=dict)  # activity_type code → direction code
    classify: Callable[[str], tuple[str | None, float]] | None = None  # None → the project's default classifier
    reference_date: date | None = None  # resolves periods written without a year
    schools_total: int | None = None  # checks stated percentages when the document does not list its schools
    # The campaign framework's directions (code, name): a document section that names one («Подпрограмма 1 «…»»)
    # sets the activity's `section_direction`. Empty → not matched.
    directions: list[tuple[str, str]] = field(default_factory=list)
    # Reviewers' corrections per finding classifier ("cause" → risk500 code, "deficit" → group, "addressee" →
    # addressee kind): (text, label) pairs trained on together with the packaged corpora.
    corrections: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class EvidenceRef:
    """A confirming document as a text names it (an order, minutes, a link); monitoring.Evidence stores one."""

    kind: str  # "order" | "minutes" | "link" | "letter" | "other"
    text: str
    number: str = ""
    date: date | None = None
    url: str = ""
    issuer: str = ""
    title: str = ""  # the document's own title as quoted («О посещении семинара…»), without the quotes; "" if none


@dataclass
class Quantity:
    value: Decimal
    unit: str  # the lemma of the counted noun: «педагог», «неделя», «ОУ»
    text: str
    of: Decimal | None = None  # «в 5 из 8 ОУ» → 8
    at_least: bool = False  # «более 20», «не менее 3», «свыше 10»: `value` is a lower bound
    at_most: bool = False  # «не более 5», «менее 10», «до 10» (without «с … до»): `value` is an upper bound
    previous: Decimal | None = None  # «с 28 до 10 человек» → 28 (value 10): a change of a level


@dataclass
class SchoolMention:
    text: str
    school_id: int | None = None


@dataclass
class Activity:
    text: str
    where: str
    section: str = ""
    number: str = ""  # the row number as written («1.», «2.3»)
    activity_type: str | None = None
    direction: str | None = None
    confidence: float = 0.0
    deadline: Period | None = None
    responsible: str = ""
    expected_result: str = ""
    actual_result: str = ""
    indicator: str = ""
    status: str | None = None  # "done" | "partial" | "not_done" | "postponed" | None
    status_inferred: bool = False  # True when "done" was assumed from a non-empty result without a status word
    evidence: list[EvidenceRef] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    schools: list[SchoolMention] = field(default_factory=list)
    count: int | None = None  # «мастер-классы - 13 (81%)» → 13
    stated_percent: Decimal | None = None  # … → 81
    origin: str = "table"  # "table" | "list" (a results line) | "prose" (a sentence)
    # The document's own section as written is `section`; split into its number and name when it has them:
    # «Подпрограмма 1 «Адресная поддержка…»» → "1", "Адресная поддержка…"; «2. Работа с педагогами» → "2", ….
    section_number: str = ""
    section_title: str = ""
    section_direction: str | None = None  # the context's framework direction the section names (code), if any
    risk: str = ""  # a measure listed under a risk of a risk profile: that risk's risk500 code («R2»)
    reason: str = ""  # the table's «причины невыполнения» cell as written
    intended: bool = False  # worded as an intention («Сформировать заявку…», «Планируется…»): not reported as done


@dataclass
class Draft:
    """An activity as read, all cells still text; `activities.build` turns it into an Activity."""

    text: str
    where: str
    section: str = ""
    number: str = ""
    responsible: str = ""
    expected: str = ""
    actual: str = ""
    indicator: str = ""
    deadline: str = ""
    evidence: str = ""
    status: str = ""  # the status cell, when the table has one apart from the result
    schools: list[str] = field(default_factory=list)
    count: int | None = None
    stated_percent: Decimal | None = None
    stated_of: int | None = None  # «2 из 16 школ (12,5 %)» → 16: the line's own total
    origin: str = "table"
    line: str = ""  # a results line as written, quoted in warnings
    risk: str = ""
    reason: str = ""


@dataclass
class IndicatorMention:
    """An indicator's value as a document states it; monitoring.Indicator is the indicator a campaign asks for."""

    name: str
    value: Decimal | None
    unit: str
    text: str
    where: str
    code: str | None = None
    previous: Decimal | None = None
    change: bool = False  # the value is a change («повысилось на 1,1 %»), not a level
    subject: str = ""
    stage: str = ""


@dataclass
class Statement:
    """A conclusion, remark, decision, deficit… that a document states. What the справка itself concludes from
    the numbers is a `core.findings.SpravkaItem`."""

    kind: str  # "conclusion" | "remark" | "decision" | "recommendation" | "cause" | "deficit" | "risk" | "goal" | "task"
    text: str
    where: str
    addressee: str = ""  # as written: the heading above the item («Органам местного самоуправления»)
    group: str = ""  # deficits: управленческие / предметные / оценочные / психолого-педагогические
    responsible: str = ""
    deadline: Period | None = None
    code: str = ""  # risks (and causes that name one): the risk500 code «R1»…«R11»
    addressee_kind: str = ""  # recommendations/decisions: core.actions kind (municipality, schools, all_schools,
    #                           curators, cnppm, regional); "" when there is no addressee
    schools: list[SchoolMention] = field(default_factory=list)  # schools the addressee (or the item) names
    standing: bool = False  # the deadline is a standing obligation («постоянно»): never overdue, no end date
    activity_where: str = ""  # read from an activity's cell: that activity's `where`
    confidence: float = 1.0  # of the classified label (code / group / addressee_kind); 1.0 when a rule decided


@dataclass
class Extraction:
    source: str
    format: str
    period: Period | None = None
    schools: list[SchoolMention] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    indicators: list[IndicatorMention] = field(default_factory=list)
    findings: list[Statement] = field(default_factory=list)  # "findings" in the JSON and the review screen
    warnings: list[str] = field(default_factory=list)
