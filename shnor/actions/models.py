"""Recommendations and management decisions tracked to execution.

One record per recommendation or decision, whoever wrote it (the справка editor, the rules, an imported document).
Only `shnor.actions.door` changes these tables. The links to the analysis (the finding it came from, the справка
that issued it) are kept by the analysis, above this app; `source` says in words where it comes from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from shnor.core import actions as core


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=core.OPEN_STATUSES)

    def addressed_to(self, schools):
        """Items addressed to these schools, to every ШНОР school of their municipalities or region, and to their
        municipalities' bodies (their own ОМСУ or every ОМСУ of the region). `schools`: a School queryset."""
        places = (core.MUNICIPALITY, core.ALL_SCHOOLS)
        municipalities = schools.values("municipality_id")
        regions = schools.values("municipality__region_id")
        q = (models.Q(schools__in=schools.values("pk")) | models.Q(addressee_kind__in=places, municipality_id__in=municipalities)
             | models.Q(addressee_kind__in=places, municipality__isnull=True, region_id__in=regions))
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))


def evidence_path(instance: Action, filename: str) -> str:
    return f"actions/{instance.region_id}/{instance.pk}/{filename}"


class Action(models.Model):
    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "рекомендация"
        DECISION = "decision", "управленческое решение"

    ADDRESSEE_CHOICES = list(core.ADDRESSEE_KINDS.items())
    STATUS_CHOICES = list(core.STATUSES.items())

    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    region = models.ForeignKey("registry.Region", on_delete=models.CASCADE, related_name="+", verbose_name="регион")
    campaign = models.ForeignKey("monitoring.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="actions",
                                 verbose_name="кампания, по итогам которой принято")
    text = models.TextField("текст")
    addressee_kind = models.CharField("адресат", max_length=20, choices=ADDRESSEE_CHOICES)
    addressee_text = models.CharField("адресат (как написано)", max_length=1000, blank=True)
    municipality = models.ForeignKey("registry.Municipality", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                     verbose_name="муниципалитет адресата", help_text="пусто — все муниципалитеты региона")
    schools = models.ManyToManyField("registry.School", blank=True, related_name="+", verbose_name="школы-адресаты")
    deadline_text = models.CharField("срок (как написано)", max_length=200, blank=True)
    deadline = models.DateField("выполнить до", null=True, blank=True)
    starts_on = models.DateField("начать с", null=True, blank=True)
    is_standing = models.BooleanField("постоянно", default=False, help_text="«постоянно», «в течение года»: срок не истекает")
    status = models.CharField("состояние", max_length=12, choices=STATUS_CHOICES, default=core.NOT_STARTED)
    note = models.TextField("отметка об исполнении", blank=True)
    order_number = models.CharField("приказ: номер", max_length=100, blank=True)
    order_date = models.DateField("приказ: дата", null=True, blank=True)
    evidence_url = models.URLField("ссылка на подтверждение", max_length=1000, blank=True)
    evidence_file = models.FileField("файл подтверждения", upload_to=evidence_path, max_length=500, blank=True)
    evidence_file_name = models.CharField("имя файла", max_length=300, blank=True)
    status_changed_at = models.DateTimeField("отмечено", null=True, blank=True)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                          verbose_name="отметил")
    source = models.CharField("источник", max_length=1000, blank=True,
                              help_text="справка и её версия, правило или документ и место в нём")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "рекомендация или решение"
        verbose_name_plural = "рекомендации и решения"
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["region", "addressee_kind"]), models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.status in core.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return core.is_overdue(self.status, self.deadline, self.is_standing, timezone.localdate())

    def status_label(self) -> str:
        """«выполнено», «в работе», «не начато, срок истёк»."""
        return core.status_label(self.status, self.deadline, self.is_standing, timezone.localdate())

    @property
    def addressee(self) -> str:
        """Who it is addressed to, in Russian: as written when it was, otherwise from the kind and the place."""
        if self.addressee_text:
            return self.addressee_text
        label = self.get_addressee_kind_display()
        if self.addressee_kind in (core.MUNICIPALITY, core.ALL_SCHOOLS):
            return f"{label} ({self.municipality.name if self.municipality_id else self.region.name})"
        return label

    @property
    def evidence_order(self) -> str:
        """«приказ от 01.09.2021 № 15»"""
        if not self.order_number and not self.order_date:
            return ""
        when = f" от {self.order_date:%d.%m.%Y}" if self.order_date else ""
        number = f" № {self.order_number}" if self.order_number else ""
        return f"приказ{when}{number}"
