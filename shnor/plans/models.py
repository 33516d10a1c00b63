"""Frameworks of directions, the activity-type catalogue, and each school's roadmap."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Framework(models.Model):
    """A system of directions that one region or municipality reports on (cluster4, risk500, …)."""

    code = models.SlugField("код", max_length=40, unique=True)
    name = models.CharField("название", max_length=300)
    description = models.TextField("описание", blank=True)
    region = models.ForeignKey(
        "registry.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="frameworks",
        verbose_name="регион", help_text="пусто — общий для всех регионов",
    )

    class Meta:
        verbose_name = "система направлений"
        verbose_name_plural = "системы направлений"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Direction(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="directions", verbose_name="система")
    code = models.CharField("код", max_length=40)
    name = models.CharField("название", max_length=500)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "направление"
        verbose_name_plural = "направления"
        ordering = ["framework", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="direction_unique_code")]

    def __str__(self) -> str:
        return self.name


class ActivityType(models.Model):
    class Form(models.TextChoices):
        # For the analysis of forms of work (see DOMAIN.md): reproductive forms versus active ones.
        TRADITIONAL = "traditional", "традиционная (репродуктивная) форма"
        INTERACTIVE = "interactive", "интерактивная или проектная форма"
        OTHER = "other", "организационная или иная форма"

    code = models.SlugField("код", max_length=60, unique=True)
    name = models.CharField("название", max_length=300)
    examples = models.TextField("примеры формулировок", blank=True, help_text="через точку с запятой")
    form = models.CharField("форма работы", max_length=12, choices=Form.choices, default=Form.OTHER)
    order = models.PositiveSmallIntegerField("порядок", default=0)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "вид мероприятия"
        verbose_name_plural = "виды мероприятий"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class TypeMapping(models.Model):
    """An activity type belongs to one or several directions of a framework; one is primary."""

    direction = models.ForeignKey(Direction, on_delete=models.CASCADE, related_name="mappings", verbose_name="направление")
    activity_type = models.ForeignKey(ActivityType, on_delete=models.CASCADE, related_name="mappings", verbose_name="вид мероприятия")
    is_primary = models.BooleanField("основное", default=True)

    class Meta:
        verbose_name = "вид мероприятия в направлении"
        verbose_name_plural = "виды мероприятий в направлениях"
        constraints = [models.UniqueConstraint(fields=["direction", "activity_type"], name="type_mapping_unique")]


class Roadmap(models.Model):
    """A school's roadmap, or a municipality's own (its activities carried out by the отдел образования, the МОЦ or a
    school-leader, reported in the municipality's own report): exactly one owner."""

    school = models.ForeignKey("registry.School", null=True, blank=True, on_delete=models.CASCADE, related_name="roadmaps", verbose_name="школа")
    municipality = models.ForeignKey(
        "registry.Municipality", null=True, blank=True, on_delete=models.CASCADE, related_name="roadmaps",
        verbose_name="муниципалитет", help_text="для собственной дорожной карты муниципалитета; тогда школа пуста",
    )
    title = models.CharField("название", max_length=500, default="Дорожная карта")
    framework = models.ForeignKey(Framework, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="система направлений")
    period_start = models.DateField("начало", null=True, blank=True)
    period_end = models.DateField("окончание", null=True, blank=True)
    approved_by = models.CharField("утверждена", max_length=500, blank=True, help_text="приказ, номер и дата")
    is_current = models.BooleanField("действующая", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        ordering = ["-is_current", "-period_start"]
        constraints = [
            models.CheckConstraint(
                name="roadmap_one_owner",
                condition=Q(school__isnull=False, municipality__isnull=True) | Q(school__isnull=True, municipality__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.owner}"

    @property
    def owner(self):
        """The school or the municipality whose roadmap this is."""
        return self.school if self.school_id else self.municipality

    @property
    def owner_label(self) -> str:
        """«школы МБОУ …» / «муниципалитета Рогнединский район», for the audit log and the pages."""
        return f"школы {self.school}" if self.school_id else f"муниципалитета {self.municipality}"


class PlannedActivity(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="activities", verbose_name="дорожная карта")
    number = models.CharField("№", max_length=20, blank=True)
    section = models.CharField("раздел", max_length=500, blank=True)
    title = models.TextField("мероприятие")
    activity_type = models.ForeignKey(ActivityType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="вид мероприятия")
    directions = models.ManyToManyField(Direction, blank=True, related_name="+", verbose_name="направления")
    deadline_text = models.CharField("сроки (как написано)", max_length=300, blank=True)
    deadline_start = models.DateField("срок: начало", null=True, blank=True)
    deadline_end = models.DateField("срок: окончание", null=True, blank=True)
    responsible = models.CharField("ответственный", max_length=500, blank=True)
    expected_result = models.TextField("ожидаемый результат", blank=True)
    indicator = models.CharField("показатель", max_length=500, blank=True)
    order = models.PositiveIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "мероприятие дорожной карты"
        verbose_name_plural = "мероприятия дорожной карты"
        ordering = ["roadmap", "order", "pk"]

    def __str__(self) -> str:
        return self.title[:80]

    def set_deadline(self, text: str) -> None:
        """Keep the deadline as written and, where it parses, as a date range.

        A deadline without a year of its own («в течение учебного года», «постоянно», «по графику»)
        recurs over the whole roadmap, so it gets the roadmap's period.
        """
        from shnor.core.periods import parse_period

        period = parse_period(text or "")
        self.deadline_text = period.text
        self.deadline_start, self.deadline_end = period.start, period.end
        if period.start is None and period.end is None and self.deadline_text:
            self.deadline_start, self.deadline_end = self.roadmap.period_start, self.roadmap.period_end

    def falls_within(self, start, end) -> bool:
        """Is this activity due within [start, end]? Unparsed deadlines count as due (we cannot tell)."""
        if self.deadline_start is None and self.deadline_end is None:
            return True
        lo = self.deadline_start or self.deadline_end
        hi = self.deadline_end or self.deadline_start
        return lo <= end and hi >= start
