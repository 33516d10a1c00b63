"""A school's needs — causes of low results, professional deficits, risk profiles — and the roadmap activities
that address them. Only `shnor/diagnosis/door.py` changes these tables."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from shnor.core import needs as catalogue


class NeedQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shnor.registry.models import Scope

        return self.filter(Scope.of(user).school_q("school"))

    def relevant_to(self, period_end):
        """Needs known by the end of a period: found before it ends, or with no date."""
        return self.filter(models.Q(period_start__isnull=True) | models.Q(period_start__lte=period_end))


class Need(models.Model):
    class Kind(models.TextChoices):
        CAUSE = "cause", "причина низких результатов"
        DEFICIT = "deficit", "профессиональный дефицит"
        RISK = "risk", "рисковый профиль"

    class Group(models.TextChoices):
        MANAGEMENT = "management", "управленческие компетенции"
        SUBJECT = "subject", "предметные компетенции"
        ASSESSMENT = "assessment", "оценочные компетенции"
        PSYCHOLOGY = "psychology", "психолого-педагогические компетенции"

    class FoundBy(models.TextChoices):
        SELF = "self", "самодиагностика"
        SURVEY = "survey", "комплексное обследование"
        CURATOR = "curator", "визит куратора"
        MONITORING = "monitoring", "отчёт о мониторинге"
        REGISTRY = "registry", "реестр ШНОР (рисковые профили статуса)"

    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="needs", verbose_name="школа")
    kind = models.CharField("вид", max_length=10, choices=Kind.choices)
    group = models.CharField("группа компетенций", max_length=12, choices=Group.choices, blank=True)
    text = models.TextField("формулировка (как написано)")
    code = models.CharField("код по каталогу", max_length=40, blank=True, help_text="типовая причина, дефицит или код риска «500+»")
    confidence = models.DecimalField("уверенность классификации", max_digits=3, decimal_places=2, null=True, blank=True)
    code_confirmed = models.BooleanField("код подтверждён человеком", default=False)
    period_text = models.CharField("период или дата (как написано)", max_length=200, blank=True)
    period_start = models.DateField("период: начало", null=True, blank=True)
    period_end = models.DateField("период: окончание", null=True, blank=True)
    found_by = models.CharField("кем выявлено", max_length=12, choices=FoundBy.choices, default=FoundBy.CURATOR)
    source_name = models.CharField("документ-источник", max_length=300, blank=True)
    source_place = models.CharField("место в документе", max_length=200, blank=True)
    # Read from a report's row («информация о выполнении» listing the causes found): that row's entry.
    entry = models.ForeignKey("monitoring.ReportEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="needs",
                              verbose_name="запись отчёта, где указано")
    # Measures against the need that are not in the roadmap (a risk profile's measures without a planned activity):
    # the report entries that hold them. Roadmap activities are `measures`.
    measure_entries = models.ManyToManyField("monitoring.ReportEntry", blank=True, related_name="addressed_needs",
                                             verbose_name="меры вне дорожной карты")
    created_at = models.DateTimeField("внесено", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = "потребность школы"
        verbose_name_plural = "диагностика школ"
        ordering = ["school", "-period_start", "kind", "pk"]
        indexes = [models.Index(fields=["school", "kind"], name="need_school_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:80]}"

    @staticmethod
    def catalogue_for(code: str) -> catalogue.CatalogueItem | None:
        return catalogue.catalogue().get(code) if code else None

    @property
    def catalogue_item(self) -> catalogue.CatalogueItem | None:
        return self.catalogue_for(self.code)

    @property
    def label(self) -> str:
        """The catalogue name when classified, else the text as written."""
        item = self.catalogue_item
        return item.name if item else self.text

    @property
    def source(self) -> str:
        parts = [self.get_found_by_display()]
        if self.source_name:
            parts.append(f"«{self.source_name}»" + (f", {self.source_place}" if self.source_place else ""))
        return "; ".join(parts)


class Measure(models.Model):
    """A roadmap activity that addresses a need, confirmed by a person."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="measures", verbose_name="потребность")
    activity = models.ForeignKey("plans.PlannedActivity", on_delete=models.CASCADE, related_name="need_links", verbose_name="мероприятие дорожной карты")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="подтвердил")
    confirmed_at = models.DateTimeField("подтверждено", auto_now_add=True)

    class Meta:
        verbose_name = "мера по потребности"
        verbose_name_plural = "меры по потребностям"
        constraints = [models.UniqueConstraint(fields=["need", "activity"], name="measure_unique")]

    def __str__(self) -> str:
        return f"{self.activity} → {self.need}"
