"""Uploaded documents, what was read from them, and the user's review before commit."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from shnor.core import russian


class ImportBatch(models.Model):
    """One upload of one or many files for a campaign; committed and undone as a whole."""

    class Status(models.TextChoices):
        READING = "reading", "файлы читаются"
        READY = "ready", "готов к проверке"
        FAILED = "failed", "чтение прервано"
        COMMITTED = "committed", "внесён в отчёты"
        UNDONE = "undone", "отменён"

    campaign = models.ForeignKey("monitoring.Campaign", on_delete=models.CASCADE, related_name="imports", verbose_name="кампания")
    school = models.ForeignKey(
        "registry.School", null=True, blank=True, on_delete=models.CASCADE, related_name="imports",
        verbose_name="школа", help_text="пусто — определить школу по тексту документа",
    )
    status = models.CharField("состояние", max_length=10, choices=Status.choices, default=Status.READING)
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    task_id = models.CharField("задача чтения", max_length=64, blank=True, help_text="id задачи очереди, которая читает файлы")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)
    certified = models.BooleanField("заверить по документу", default=False,
                                    help_text="отчёты подписаны руководителем и куратором: координатор заверяет их по документу")
    certified_report_ids = models.JSONField(default=list, blank=True, help_text="отчёты, заверенные по документу этим импортом")
    created_report_ids = models.JSONField(default=list, blank=True, help_text="отчёты, созданные этим импортом (отмена удаляет их, если в них ничего не вносили)")

    class Meta:
        verbose_name = "импорт документов"
        verbose_name_plural = "импорт документов"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Импорт №{self.pk} ({self.campaign.code})"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.files_total else round(100 * self.files_done / self.files_total)


def upload_path(instance: ImportFile, filename: str) -> str:
    return f"intake/{instance.batch_id}/{filename}"


class ImportFile(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "ждёт чтения"
        READING = "reading", "читается"
        READ = "read", "прочитан"
        FAILED = "failed", "не прочитан"

    FINISHED = (Status.READ, Status.FAILED)

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files", verbose_name="импорт")
    file = models.FileField("файл", upload_to=upload_path, max_length=500)
    file_name = models.CharField("имя файла", max_length=300)
    size = models.PositiveBigIntegerField("размер", default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    format = models.CharField("формат", max_length=10, blank=True)
    status = models.CharField("состояние", max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField("ошибка", blank=True)
    school = models.ForeignKey("registry.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="школа")
    extraction = models.JSONField("извлечённое", default=dict, blank=True)
    # How the school was found (Russian, shown for confirmation), and the campaign's schools it could be when
    # the document is ambiguous: [{"id", "name"}]. Never guessed: an ambiguous file waits for a person.
    school_found = models.CharField("как определена школа", max_length=300, blank=True)
    school_candidates = models.JSONField("возможные школы", default=list, blank=True)

    class Meta:
        verbose_name = "загруженный файл"
        verbose_name_plural = "загруженные файлы"
        ordering = ["batch", "pk"]

    def __str__(self) -> str:
        return self.file_name


class ImportItem(models.Model):
    """One extracted activity, indicator or finding, as the reviewer sees and edits it."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", "мероприятие"
        INDICATOR = "indicator", "показатель"
        FINDING = "finding", "вывод"

    file = models.ForeignKey(ImportFile, on_delete=models.CASCADE, related_name="items", verbose_name="файл")
    kind = models.CharField("вид", max_length=10, choices=Kind.choices)
    where = models.CharField("где в документе", max_length=200, blank=True)
    text = models.TextField("текст")
    data = models.JSONField("данные", default=dict)
    school = models.ForeignKey("registry.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="школа")
    activity_type = models.ForeignKey("plans.ActivityType", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="вид мероприятия")
    predicted_type = models.CharField(max_length=60, blank=True)
    confidence = models.FloatField("уверенность", null=True, blank=True)
    direction = models.ForeignKey("plans.Direction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="направление")
    status = models.CharField("отметка о выполнении", max_length=10, blank=True)
    include = models.BooleanField("включить", default=True)
    needs_review = models.BooleanField("проверить", default=False, help_text="уверенность ниже порога: внесено без проверки человеком")
    order = models.PositiveIntegerField(default=0)
    # An activity row matched to the school's planned activity it reports on (None: «нет в плане»), the score of
    # the match and the other candidates [{"id", "title", "score"}]; `match_decided` is False for rows read before matching.
    planned_activity = models.ForeignKey("plans.PlannedActivity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                         verbose_name="запланированное мероприятие")
    match_score = models.FloatField("сходство с запланированным", null=True, blank=True)
    candidates = models.JSONField("другие запланированные мероприятия", default=list, blank=True)
    match_decided = models.BooleanField(default=False)
    # A finding as the reviewer left it (read values are kept in `data`): its kind, competence group, catalogue or
    # risk code, addressee and deadline as written.
    finding_kind = models.CharField("вид вывода", max_length=20, blank=True)
    group = models.CharField("группа компетенций", max_length=12, blank=True)
    code = models.CharField("код по каталогу", max_length=40, blank=True)
    addressee = models.CharField("адресат", max_length=1000, blank=True)
    deadline_text = models.CharField("срок", max_length=200, blank=True)
    # What committing did, so that the import can be undone exactly (monitoring knows nothing of intake):
    # the entry or value written, the fields it had before when an existing one was changed, the evidence
    # created, and the fields as written, so that undo sees what a person changed since (workflow.Written).
    entry = models.ForeignKey("monitoring.ReportEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    indicator_value = models.ForeignKey("monitoring.IndicatorValue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    indicator_change = models.ForeignKey("monitoring.IndicatorChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    previous = models.JSONField(null=True, blank=True)
    evidence_ids = models.JSONField("подтверждения, созданные импортом", default=list, blank=True)
    written = models.JSONField("как записано импортом", null=True, blank=True)
    need = models.ForeignKey("diagnosis.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.ForeignKey("actions.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "извлечённый элемент"
        verbose_name_plural = "извлечённые элементы"
        ordering = ["file", "order"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def value_label(self) -> str:
        """An indicator item's number as read: «+1,1 %» for a change, «10 чел. (было 28)» for a level."""
        value, previous = self.data.get("value"), self.data.get("previous")
        if value is None:
            return russian.DASH
        text = russian.format_written(Decimal(str(value)), self.data.get("unit") or "", signed=bool(self.data.get("change")))
        return text if previous is None else f"{text} (было {russian.format_written(Decimal(str(previous)))})"


class TrainingExample(models.Model):
    """A user's correction of an activity type, used by `shnor retrain`."""

    text = models.TextField("текст")
    activity_type = models.ForeignKey("plans.ActivityType", on_delete=models.CASCADE, related_name="+", verbose_name="вид мероприятия")
    predicted_type = models.CharField("предсказано", max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "исправление классификации"
        verbose_name_plural = "исправления классификации"
        ordering = ["-created_at"]


class CorrectionExample(models.Model):
    """A reviewer's correction of what the reader classified besides activity types — a finding's kind, a deficit's
    competence group, a risk's code, an addressee — as a (text, corrected label) pair for retraining."""

    class Kind(models.TextChoices):
        FINDING_KIND = "finding_kind", "вид вывода"
        GROUP = "group", "группа компетенций"
        CODE = "code", "код по каталогу"
        ADDRESSEE = "addressee", "адресат"

    kind = models.CharField("что исправлено", max_length=20, choices=Kind.choices)
    text = models.TextField("текст")
    label = models.CharField("исправлено на", max_length=1000)
    predicted = models.CharField("предсказано", max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "исправление при проверке"
        verbose_name_plural = "исправления при проверке"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind"], name="correction_kind")]
