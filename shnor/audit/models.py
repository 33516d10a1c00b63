"""The audit log: who changed what, when. Written by `audit.log.record`, read by coordinators on the audit page
(shnor/web/views.py) and in its export (exchange/tables.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditQuerySet(models.QuerySet):
    def visible_to(self, scope):
        """The events a reader with this registry `Scope` may see, scoped like the objects they are about: an event
        about a school goes with the school, one about a municipality as a whole with the municipality, and a
        region-level one (findings, reminders, campaign-wide imports naming schools of several districts) only to
        the region's regional coordinators. Everyone sees their own events. (The caller passes `Scope.of(user)`:
        the audit log sits below every app and imports none of them.)"""
        if scope.is_superuser:
            return self
        if not scope.is_coordinator:
            return self.none()
        return self.filter(
            models.Q(school__in=scope.schools())
            | models.Q(school__isnull=True, municipality__in=scope.municipalities())
            | models.Q(school__isnull=True, municipality__isnull=True, region__in=scope.coordinated_regions())
            | models.Q(user_id=scope.user.pk)
        )


class AuditEvent(models.Model):
    at = models.DateTimeField("когда", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="кто")
    action = models.CharField("действие", max_length=60, db_index=True)
    summary = models.CharField("описание", max_length=1000)
    object_type = models.CharField("объект", max_length=60)
    object_id = models.CharField("идентификатор", max_length=40, blank=True)
    municipality = models.ForeignKey("registry.Municipality", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name="муниципалитет")
    region = models.ForeignKey("registry.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="регион")
    school = models.ForeignKey("registry.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="школа")
    changes = models.JSONField("изменения", default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "запись журнала"
        verbose_name_plural = "журнал изменений"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.user}: {self.summary}"
