"""Campaigns, school reports, their entries, evidence and indicator values."""

from __future__ import annotations

import os
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from shnor.core import russian
from shnor.core.text import shorten_file_name


class Indicator(models.Model):
    """A quantitative indicator that reports carry (качество знаний, успеваемость, неуспевающие, …)."""

    code = models.SlugField("код", max_length=40, unique=True)
    name = models.CharField("название", max_length=300)
    unit = models.CharField("единица", max_length=20, help_text="%, чел., балл, шт.")
    decimals = models.PositiveSmallIntegerField("знаков после запятой", default=1)
    higher_is_better = models.BooleanField("чем больше, тем лучше", default=True)
    per_subject = models.BooleanField("по предметам", default=False)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "показатель"
        verbose_name_plural = "показатели"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.name}, {self.unit}"

    def format(self, value) -> str:
        """A value as people write it for this indicator: «42,5 %», «3 чел.», «—» for none."""
        if value is None:
            return russian.DASH
        return f"{russian.format_decimal(value, self.decimals)}{russian.NBSP}{self.unit}".rstrip()


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Campaigns that include at least one school the user may see, or that the user coordinates."""
        from shnor.registry.models import Scope

        scope = Scope.of(user)
        if scope.is_superuser:
            return self
        # EXISTS rather than a join with DISTINCT: the join multiplies a campaign by its thousands of schools
        # (and every annotation a caller adds is computed once per school).
        members = Campaign.schools.through.objects.filter(campaign_id=OuterRef("pk"), school__in=scope.schools())
        return self.filter(Q(Exists(members)) | Q(region__in=scope.regions()))


class Campaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "идёт сбор отчётов"
        CLOSED = "closed", "завершена"

    code = models.SlugField("код", max_length=60, unique=True)
    title = models.CharField("название", max_length=500)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="campaigns", verbose_name="регион")
    municipality = models.ForeignKey(
        "registry.Municipality", null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns",
        verbose_name="муниципалитет", help_text="для муниципального мониторинга",
    )
    period_start = models.DateField("период: начало")
    period_end = models.DateField("период: окончание")
    period_text = models.CharField("период (как пишется в документах)", max_length=200, blank=True)
    framework = models.ForeignKey("plans.Framework", on_delete=models.PROTECT, related_name="campaigns", verbose_name="система направлений")
    due_date = models.DateField("срок сдачи отчётов")
    schools = models.ManyToManyField("registry.School", related_name="campaigns", verbose_name="школы")
    # The municipalities whose own roadmaps the campaign monitors (their own reports, apart from the schools').
    municipalities = models.ManyToManyField(
        "registry.Municipality", blank=True, related_name="own_campaigns", verbose_name="муниципальные дорожные карты",
        help_text="муниципалитеты, которые отчитываются в кампании о собственной дорожной карте",
    )
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="campaigns", verbose_name="запрашиваемые показатели")
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="предыдущая кампания")
    status = models.CharField("состояние", max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "мониторинговая кампания"
        verbose_name_plural = "мониторинговые кампании"
        ordering = ["-period_start", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return timezone.localdate() > self.due_date

    @property
    def is_open(self) -> bool:
        """A closed campaign's reports do not change (workflow refuses every step) until it is reopened."""
        return self.status == self.Status.OPEN

    def period_label(self) -> str:
        return self.period_text or f"{self.period_start:%d.%m.%Y} – {self.period_end:%d.%m.%Y}"

    def title_with_period(self) -> str:
        """The title, followed by the period in brackets unless the title already names it."""
        period = self.period_label()
        return self.title if period in self.title else f"{self.title} ({period})"


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shnor.registry.models import Scope

        return self.filter(Scope.of(user).school_q("school"))

    def counted(self, include_submitted: bool = False):
        """Reports whose entries count in coverage: certified by the curator or accepted."""
        statuses = list(SchoolReport.COUNTED)
        if include_submitted:
            statuses.append(SchoolReport.Status.SUBMITTED)
        return self.filter(status__in=statuses)


class ReportState:
    """What a report's status allows; shared by the school's and the municipality's report."""

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def is_counted(self) -> bool:
        return self.status in self.COUNTED


class SchoolReport(ReportState, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        SUBMITTED = "submitted", "отправлен, ждёт заверения куратором"
        CERTIFIED = "certified", "заверен куратором"
        ACCEPTED = "accepted", "принят"
        RETURNED = "returned", "возвращён на доработку"

    COUNTED = (Status.CERTIFIED, Status.ACCEPTED)
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reports", verbose_name="кампания")
    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="reports", verbose_name="школа")
    status = models.CharField("состояние", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Optimistic locking: every saved change increments the version; a form posted with an
    # older version is refused instead of silently overwriting a colleague's work.
    version = models.PositiveIntegerField("версия", default=1)
    summary = models.TextField("общие выводы школы", blank=True)
    remarks = models.TextField("замечания при возврате", blank=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("отправлен", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    certified_at = models.DateTimeField("заверен", null=True, blank=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField("принят", null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    returned_at = models.DateTimeField("возвращён", null=True, blank=True)
    # «заверен по документу»: a report that arrived signed by the head and the curator, certified by a coordinator
    # from that document (the file kept as its evidence).
    certified_basis = models.CharField("основание заверения", max_length=500, blank=True)
    basis_file = models.FileField("подписанный документ", upload_to="reports/basis/", max_length=500, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "отчёт школы"
        verbose_name_plural = "отчёты школ"
        ordering = ["campaign", "school__short_name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "school"], name="report_unique_school")]
        indexes = [
            models.Index(fields=["campaign", "status"], name="report_campaign_status"),
            # campaign_stamp(): the count and latest change of a campaign's reports from the index alone.
            models.Index(fields=["campaign", "updated_at"], name="report_campaign_updated"),
        ]

    def __str__(self) -> str:
        return f"Отчёт {self.school} — {self.campaign.code}"

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in self.EDITABLE and today > self.campaign.due_date

    def get_status_display(self) -> str:
        """The state as people read it: a report certified from its signed document is «заверен по документу», not
        «заверен куратором» (no curator certified it in the system)."""
        if self.status == self.Status.CERTIFIED and self.certified_basis:
            return "заверен по документу"
        return self.Status(self.status).label


class MunicipalReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shnor.registry.models import Scope

        return self.filter(municipality__in=Scope.of(user).visible_municipalities())


class MunicipalReport(ReportState, models.Model):
    """A municipality's report on its own roadmap in a campaign.

    Filled in and submitted by the municipal coordinator, certified and then accepted by the regional coordinator
    (there is no curator of a municipality). A table of its own: nothing that counts the schools' reports (coverage,
    completeness, the справка's school tables) can count it by mistake.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        SUBMITTED = "submitted", "отправлен, ждёт заверения региональным координатором"
        CERTIFIED = "certified", "заверен региональным координатором"
        ACCEPTED = "accepted", "принят"
        RETURNED = "returned", "возвращён на доработку"

    COUNTED = (Status.CERTIFIED, Status.ACCEPTED)
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="municipal_reports", verbose_name="кампания")
    municipality = models.ForeignKey("registry.Municipality", on_delete=models.CASCADE, related_name="own_reports", verbose_name="муниципалитет")
    status = models.CharField("состояние", max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField("версия", default=1)  # optimistic locking, as SchoolReport.version
    summary = models.TextField("общие выводы", blank=True)
    remarks = models.TextField("замечания при возврате", blank=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("отправлен", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    certified_at = models.DateTimeField("заверен", null=True, blank=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField("принят", null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    returned_at = models.DateTimeField("возвращён", null=True, blank=True)

    objects = MunicipalReportQuerySet.as_manager()

    class Meta:
        verbose_name = "отчёт муниципалитета о дорожной карте"
        verbose_name_plural = "отчёты муниципалитетов о дорожных картах"
        ordering = ["campaign", "municipality__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "municipality"], name="municipal_report_unique")]

    def __str__(self) -> str:
        return f"Отчёт {self.municipality} о дорожной карте — {self.campaign.code}"


class EntryQuerySet(models.QuerySet):
    def done(self):
        return self.filter(status__in=ReportEntry.DONE)

    def missing_reason(self):
        """Entries not (fully) done without a reason: refused at submission, flagged for review after an import."""
        return self.filter(status__in=ReportEntry.NEED_REASON, reason="")


class ReportEntry(models.Model):
    class Status(models.TextChoices):
        DONE = "done", "выполнено"
        PARTIAL = "partial", "выполнено частично"
        NOT_DONE = "not_done", "не выполнено"
        POSTPONED = "postponed", "перенесено"

    DONE = (Status.DONE, Status.PARTIAL)
    # Statuses that need a reason for non-fulfilment («причина невыполнения»).
    NEED_REASON = (Status.PARTIAL, Status.NOT_DONE, Status.POSTPONED)

    # Exactly one owner: a school's report or a municipality's report on its own roadmap.
    report = models.ForeignKey(SchoolReport, null=True, blank=True, on_delete=models.CASCADE, related_name="entries", verbose_name="отчёт")
    municipal_report = models.ForeignKey(
        MunicipalReport, null=True, blank=True, on_delete=models.CASCADE, related_name="entries", verbose_name="отчёт муниципалитета",
    )
    planned_activity = models.ForeignKey(
        "plans.PlannedActivity", null=True, blank=True, on_delete=models.SET_NULL, related_name="entries",
        verbose_name="мероприятие дорожной карты", help_text="пусто — мероприятие не было запланировано",
    )
    title = models.TextField("мероприятие")
    activity_type = models.ForeignKey("plans.ActivityType", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="вид мероприятия")
    direction = models.ForeignKey(
        "plans.Direction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="направление",
        help_text="пусто — основное направление вида мероприятия",
    )
    status = models.CharField("отметка о выполнении", max_length=10, choices=Status.choices, blank=True)
    actual_result = models.TextField("фактический результат", blank=True)
    expected_result = models.TextField("ожидаемый результат", blank=True, help_text="по дорожной карте; у незапланированного — свой")
    reason = models.TextField("причина невыполнения", blank=True)
    # As a document writes them, for an unplanned entry (a planned one has its roadmap's section, number, deadline and
    # responsible person).
    section = models.CharField("раздел (как в документе)", max_length=500, blank=True)
    number = models.CharField("номер (как в документе)", max_length=30, blank=True)
    deadline_text = models.CharField("сроки (как в документе)", max_length=300, blank=True)
    responsible = models.CharField("ответственный (как в документе)", max_length=500, blank=True)
    # Quantities the result states: [{"value", "unit", "text", "of", "at_least"}]; «более 20» is a lower bound.
    quantities = models.JSONField("количества", default=list, blank=True)
    remark = models.TextField("замечание при возврате", blank=True, help_text="куратора или координатора к этой записи")
    # The entry as it was when the report was returned (status, result, reason, evidence ids): «изменено после возврата».
    at_return = models.JSONField("состояние при возврате", null=True, blank=True, editable=False)
    order = models.PositiveIntegerField("порядок", default=0)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "запись отчёта"
        verbose_name_plural = "записи отчёта"
        ordering = ["report", "order", "pk"]
        # Coverage reads (type, direction) of the done entries of a campaign's counted reports: with the two
        # columns in the index PostgreSQL answers it by an index-only scan instead of reading every entry.
        indexes = [models.Index(fields=["report", "status", "activity_type", "direction"], name="entry_report_status_type")]
        constraints = [
            models.CheckConstraint(
                name="entry_one_report",
                condition=Q(report__isnull=False, municipal_report__isnull=True) | Q(report__isnull=True, municipal_report__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def owner_report(self) -> SchoolReport | MunicipalReport:
        return self.report if self.report_id else self.municipal_report

    @property
    def is_unplanned(self) -> bool:
        return self.planned_activity_id is None

    @property
    def counts(self) -> bool:
        return self.status in self.DONE

    @property
    def is_past_due(self) -> bool:
        """A planned activity not marked yet whose own deadline in the roadmap has passed."""
        activity = self.planned_activity if self.planned_activity_id else None
        return (not self.status and activity is not None and activity.deadline_end is not None
                and activity.deadline_end < timezone.localdate())

    def snapshot(self) -> dict:
        return {"status": self.status, "actual_result": self.actual_result, "reason": self.reason,
                "evidence": sorted(e.pk for e in self.evidence.all())}

    @property
    def changed_since_return(self) -> bool:
        return self.at_return is not None and self.snapshot() != self.at_return

    @property
    def needs_reason(self) -> bool:
        return self.status in self.NEED_REASON and not self.reason.strip()


def evidence_path(instance: Evidence, filename: str) -> str:
    # The name people see is kept in file_name; on disk it must fit the file system's 255 bytes with room for
    # the suffix the storage adds to a taken name.
    entry = instance.entry
    owner = f"{entry.report.school_id}" if entry.report_id else f"mun-{entry.municipal_report.municipality_id}"
    campaign_id = entry.owner_report.campaign_id
    return f"evidence/{campaign_id}/{owner}/{shorten_file_name(os.path.basename(filename), max_bytes=120)}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        ORDER = "order", "приказ"
        MINUTES = "minutes", "протокол"
        LETTER = "letter", "письмо"
        LINK = "link", "ссылка"
        FILE = "file", "файл"
        OTHER = "other", "иное"

    entry = models.ForeignKey(ReportEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name="запись")
    kind = models.CharField("вид", max_length=10, choices=Kind.choices)
    title = models.CharField("название", max_length=1000, blank=True)
    number = models.CharField("номер", max_length=50, blank=True)
    date = models.DateField("дата", null=True, blank=True)
    issuer = models.CharField("кто издал", max_length=300, blank=True)
    url = models.URLField("ссылка", max_length=1000, blank=True)
    file = models.FileField("файл", upload_to=evidence_path, blank=True, max_length=500)
    file_name = models.CharField("имя файла", max_length=300, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "подтверждение"
        verbose_name_plural = "подтверждения"
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        """«Приказ от 09.03.2022 № 52 «О посещении семинара…»» — as people cite documents."""
        if self.kind == self.Kind.LINK and not (self.title or self.number):
            return self.url
        if self.kind == self.Kind.FILE and not self.title:
            return self.file_name
        parts = [self.get_kind_display().capitalize()]
        if self.issuer:
            parts.append(self.issuer)
        if self.date:
            parts.append(f"от {self.date:%d.%m.%Y}")
        if self.number:
            parts.append(f"№ {self.number}")
        if self.title:
            parts.append(f"«{self.title.strip('«»')}»")
        return " ".join(parts)


class IndicatorValue(models.Model):
    """A value always belongs to a school (or a municipality) and a period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values", verbose_name="показатель")
    school = models.ForeignKey("registry.School", null=True, blank=True, on_delete=models.CASCADE, related_name="indicator_values", verbose_name="школа")
    municipality = models.ForeignKey("registry.Municipality", null=True, blank=True, on_delete=models.CASCADE, related_name="indicator_values", verbose_name="муниципалитет")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="indicator_values", verbose_name="кампания")
    report = models.ForeignKey(SchoolReport, null=True, blank=True, on_delete=models.CASCADE, related_name="indicator_values", verbose_name="отчёт")
    period_start = models.DateField("период: начало")
    period_end = models.DateField("период: окончание")
    subject = models.CharField("предмет", max_length=100, blank=True)
    value = models.DecimalField("значение", max_digits=12, decimal_places=3)
    # «с 28 до 10 человек»: the level the document says the value changed from (28; the value is 10).
    previous = models.DecimalField("прежнее значение", max_digits=12, decimal_places=3, null=True, blank=True)
    source = models.CharField("источник", max_length=200, blank=True)

    class Meta:
        verbose_name = "значение показателя"
        verbose_name_plural = "значения показателей"
        ordering = ["indicator", "period_start"]
        constraints = [
            models.CheckConstraint(
                name="indicator_value_owner",
                condition=Q(school__isnull=False) | Q(municipality__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["indicator", "school", "campaign", "subject"], name="indicator_value_unique_campaign",
                condition=Q(campaign__isnull=False, school__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["campaign", "indicator"], name="indicator_value_campaign")]

    def __str__(self) -> str:
        return f"{self.indicator.name}: {self.value}"

    @property
    def label(self) -> str:
        """«10 чел. (было 28 чел.)», «42,5 %»."""
        now = self.indicator.format(self.value)
        return now if self.previous is None else f"{now} (было {self.indicator.format(self.previous)})"


class IndicatorChange(models.Model):
    """A change of an indicator as a school's document states it («качество знаний повысилось на 1,1 %», «снизилось
    на 3 п.п.», «увеличилось на 5 человек»): kept as a change with its sign and unit, since no level is known from it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="changes", verbose_name="показатель")
    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="indicator_changes", verbose_name="школа")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="indicator_changes", verbose_name="кампания")
    report = models.ForeignKey(SchoolReport, on_delete=models.CASCADE, related_name="indicator_changes", verbose_name="отчёт")
    subject = models.CharField("предмет", max_length=100, blank=True)
    amount = models.DecimalField("изменение", max_digits=12, decimal_places=3, help_text="со знаком: снижение — отрицательное")
    unit = models.CharField("единица (как в документе)", max_length=10, blank=True, help_text="%, п.п., чел.")
    text = models.TextField("как написано", blank=True)
    source = models.CharField("источник", max_length=200, blank=True)

    class Meta:
        verbose_name = "изменение показателя"
        verbose_name_plural = "изменения показателей"
        ordering = ["indicator", "subject"]
        constraints = [models.UniqueConstraint(fields=["indicator", "school", "campaign", "subject"], name="indicator_change_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.name}: {self.label}"

    @property
    def label(self) -> str:
        """«+1,1 %», «−3 п.п.», «+5 чел.»: as many decimals as the document wrote."""
        return russian.format_written(self.amount, self.unit, signed=True)


def _token() -> str:
    return os.urandom(8).hex()


class CampaignVersion(models.Model):
    """How many times what a campaign's analysis reads has changed: bumped, in the same transaction, by every door that
    changes it (monitoring.workflow, diagnosis.door, actions.door; see `versions.py`). The token tells apart two rows
    that count from the same number (a campaign deleted and made again), so a stored analysis is never taken for another's.

    `coverage_maps` fingerprints the framework's maps the maintained coverage counts (`CoverageCount`) were built with:
    empty until they are built."""

    campaign = models.OneToOneField(Campaign, primary_key=True, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=0)
    token = models.CharField(max_length=16, default=_token)
    coverage_maps = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = "версия данных кампании"
        verbose_name_plural = "версии данных кампаний"


class CoverageCount(models.Model):
    """Maintained coverage: how many of the campaign's schools count for one row of the coverage table (a direction, or
    an activity type within it), kept by the workflow step that changes it (`coverage_counts.py`).

    `direction` is the effective direction's code ("~" outside the framework's directions), `activity_type` the type's
    code ("" for the direction's own row). `counted`: schools whose report is certified or accepted; `submitted`: only
    submitted."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=60, blank=True)
    activity_type = models.CharField(max_length=60, blank=True)
    counted = models.IntegerField(default=0)
    submitted = models.IntegerField(default=0)

    class Meta:
        verbose_name = "охват (поддерживаемый счётчик)"
        verbose_name_plural = "охват (поддерживаемые счётчики)"
        constraints = [models.UniqueConstraint(fields=["campaign", "direction", "activity_type"], name="coverage_count_unique_row")]
