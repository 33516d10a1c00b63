"""Findings the coordinator edits and issued справки. An issued decision or recommendation is tracked in shnor.actions;
the finding keeps the link to it (`Finding.action`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Finding(models.Model):
    class Kind(models.TextChoices):
        CONCLUSION = "conclusion", "вывод"
        REMARK = "remark", "замечание"
        DECISION = "decision", "управленческое решение"
        RECOMMENDATION = "recommendation", "адресная рекомендация"

    campaign = models.ForeignKey("monitoring.Campaign", on_delete=models.CASCADE, related_name="findings", verbose_name="кампания")
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    rule = models.CharField("правило", max_length=60, blank=True, help_text="пусто — добавлено вручную")
    text = models.TextField("текст")
    generated_text = models.TextField("исходный текст правила", blank=True)
    data = models.JSONField("числа", default=dict, blank=True)
    addressee = models.CharField("адресат", max_length=300, blank=True)
    responsible = models.CharField("ответственный", max_length=300, blank=True)
    deadline_text = models.CharField("срок", max_length=200, blank=True)
    deadline = models.DateField("срок (дата)", null=True, blank=True)
    order = models.PositiveIntegerField("порядок", default=0)
    is_dropped = models.BooleanField("исключено", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.OneToOneField("actions.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="finding",
                                  verbose_name="исполнение", help_text="запись о решении или рекомендации выпущенной справки")

    class Meta:
        verbose_name = "вывод или решение"
        verbose_name_plural = "выводы и решения"
        ordering = ["campaign", "kind", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_manual(self) -> bool:
        return not self.rule

    @property
    def is_edited(self) -> bool:
        return bool(self.rule) and self.text != self.generated_text


def spravka_path(instance: IssuedReport, filename: str) -> str:
    return f"spravki/{instance.campaign_id}/{filename}"


class IssuedReport(models.Model):
    """An issued аналитическая справка: the files and the content they were made from.

    The DOCX is made when the справка is issued. The PDF is made afterwards by a task of the
    queue (`shnor worker`) from the HTML page kept with it, so that it is the same справка even when the data
    have changed since; until then `pdf_status` says it is being prepared."""

    class PdfStatus(models.TextChoices):
        READY = "ready", "готов"
        PENDING = "pending", "готовится"
        FAILED = "failed", "не удалось сформировать"
        NONE = "none", "не формируется"  # versions issued before issue 16 with too many schools for weasyprint

    campaign = models.ForeignKey("monitoring.Campaign", on_delete=models.CASCADE, related_name="issued_reports", verbose_name="кампания")
    # What the document is (analysis.documents.KINDS) and about whom: the campaign's region, one municipality or one
    # school; versions are numbered within (campaign, kind, scope).
    kind = models.CharField("вид документа", max_length=20, default="spravka")
    scope_key = models.CharField("охват", max_length=40, default="region", help_text="region, mun-<id> или school-<id>")
    municipality = models.ForeignKey("registry.Municipality", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="муниципалитет")
    school = models.ForeignKey("registry.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="школа")
    number = models.PositiveIntegerField("номер версии")
    title = models.CharField("заголовок", max_length=500)
    author_name = models.CharField("автор", max_length=300, blank=True)
    author_position = models.CharField("должность автора", max_length=500, blank=True)
    docx = models.FileField("DOCX", upload_to=spravka_path, max_length=500)
    pdf = models.FileField("PDF", upload_to=spravka_path, max_length=500, blank=True)
    pdf_status = models.CharField("PDF", max_length=10, choices=PdfStatus.choices, default=PdfStatus.READY)
    pdf_task_id = models.CharField("задача PDF", max_length=64, blank=True, help_text="id задачи очереди, которая готовит PDF")
    html = models.FileField("HTML (источник PDF)", upload_to=spravka_path, max_length=500, blank=True)
    content = models.JSONField("содержание", default=dict)
    created_at = models.DateTimeField("выпущена", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "аналитическая справка"
        verbose_name_plural = "аналитические справки"
        ordering = ["campaign", "-number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "kind", "scope_key", "number"], name="issued_report_unique_version")]

    def __str__(self) -> str:
        return f"{self.title} (версия {self.number})"

    @classmethod
    def regional(cls, campaign):
        """The campaign's issued regional справки (the справка page, the API)."""
        return cls.objects.filter(campaign=campaign, kind="spravka", scope_key="region")


def template_path(instance: SpravkaTemplate, filename: str) -> str:
    return f"spravka-templates/{instance.region_id}/{filename}"


class SpravkaTemplate(models.Model):
    """A region's own Word template of one document kind (its letterhead); without one the kind's default is used."""

    region = models.ForeignKey("registry.Region", on_delete=models.CASCADE, related_name="document_templates", verbose_name="регион")
    kind = models.CharField("вид документа", max_length=20, default="spravka")
    file = models.FileField("шаблон DOCX", upload_to=template_path, max_length=500)
    file_name = models.CharField("имя файла", max_length=300)
    uploaded_at = models.DateTimeField("загружен", auto_now=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "шаблон документа"
        verbose_name_plural = "шаблоны документов"
        constraints = [models.UniqueConstraint(fields=["region", "kind"], name="document_template_unique_kind")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.region})"


def bundle_path(instance: DocumentBundle, filename: str) -> str:
    return f"document-bundles/{instance.campaign_id}/{filename}"


class DocumentBundle(models.Model):
    """The plan-vs-actual reports of every school of a scope (the region or a municipality) in one ZIP, made by a task
    of the queue (analysis.bundles.make_bundle), which counts the schools done as it goes."""

    class Status(models.TextChoices):
        WAITING = "waiting", "в очереди"
        RUNNING = "running", "собирается"
        READY = "ready", "готов"
        FAILED = "failed", "не удалось собрать"

    campaign = models.ForeignKey("monitoring.Campaign", on_delete=models.CASCADE, related_name="document_bundles", verbose_name="кампания")
    kind = models.CharField("вид документа", max_length=20, default="plan-vs-actual")
    scope_key = models.CharField("охват", max_length=40, default="region", help_text="region или mun-<id>")
    municipality = models.ForeignKey("registry.Municipality", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="муниципалитет")
    status = models.CharField("состояние", max_length=10, choices=Status.choices, default=Status.WAITING)
    done = models.PositiveIntegerField("готово школ", default=0)
    total = models.PositiveIntegerField("всего школ", default=0)
    file = models.FileField("ZIP", upload_to=bundle_path, max_length=500, blank=True)
    task_id = models.CharField("задача", max_length=64, blank=True)
    error = models.TextField("ошибка", blank=True)
    created_at = models.DateTimeField("заказан", auto_now_add=True)
    finished_at = models.DateTimeField("готов", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "архив документов"
        verbose_name_plural = "архивы документов"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.scope_key} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.READY else int(100 * self.done / self.total) if self.total else 0

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.WAITING, self.Status.RUNNING)


class StoredAnalysis(models.Model):
    """A campaign's analysis (and its charts) as computed for one set of schools, kept until what it reads changes
    (`stamp`: the data versions of the campaign, its previous campaign and the one a year before, and the day; see
    shnor.analysis.stored). Small ones are computed in the request; large ones by a task, which shows its progress here."""

    class State(models.TextChoices):
        COMPUTING = "computing", "вычисляется"
        READY = "ready", "готов"
        FAILED = "failed", "не удалось"

    campaign = models.ForeignKey("monitoring.Campaign", on_delete=models.CASCADE, related_name="+", verbose_name="кампания")
    key = models.CharField(max_length=120, unique=True)  # campaign and the schools analysed
    stamp = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.COMPUTING)
    schools = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    step = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    data = models.BinaryField(default=b"")  # the pickled (Analysis, charts), compressed
    computed_seconds = models.FloatField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "сохранённый анализ"
        verbose_name_plural = "сохранённые анализы"
