from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shnor.core.classify import LOW_CONFIDENCE
from shnor.core.documents import ACCEPTED_EXTENSIONS, accepted_formats
from shnor.diagnosis.models import Need
from shnor.monitoring.access import get_campaign_for_user
from shnor.monitoring.models import ReportEntry, SchoolReport
from shnor.plans.models import ActivityType, Direction
from shnor.registry.models import Scope

from . import services
from .access import get_batch_for_user, intake_schools
from .models import ImportBatch, ImportItem


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the pattern of Django's documentation)."""

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data] or super().clean(None, initial)
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    school = forms.ModelChoiceField(queryset=None, required=False, label="Школа",
                                    empty_label="— определить по тексту документа —")
    files = MultipleFileField(label="Файлы", widget=MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
                              error_messages={"required": "Выберите хотя бы один файл.", "empty": "Файл пустой: выберите файл с содержимым."})

    def __init__(self, *args, schools, coordinator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if not coordinator:
            self.fields["school"].required = True
            self.fields["school"].empty_label = None


@login_required
def upload(request, code):
    campaign = get_campaign_for_user(request.user, code)
    schools = intake_schools(request.user, campaign)
    if not schools.exists():
        raise PermissionDenied("Загружать документы могут координаторы и сотрудники школ этой кампании.")
    coordinator = Scope.of(request.user).is_coordinator
    form = UploadForm(request.POST or None, request.FILES or None, schools=schools, coordinator=coordinator)
    if request.method == "POST" and not campaign.is_open:
        form.is_valid()  # keeps what was chosen; the files are not taken
        form.add_error(None, f"Кампания «{campaign.title}» закрыта: загружать в неё отчёты нельзя. "
                             "Выберите открытую кампанию или попросите регионального координатора открыть эту снова.")
    elif request.method == "POST" and form.is_valid():
        uploads = [services.Upload(f.name, f.read()) for f in form.cleaned_data["files"]]
        try:
            batch, warnings = services.create_batch(campaign, form.cleaned_data["school"], uploads, request.user)
        except services.IntakeError as exc:
            form.add_error("files", str(exc))
        else:
            for w in warnings:
                messages.warning(request, w)
            services.start_reading(batch)
            return redirect("intake_batch", batch.pk)
    batches = ImportBatch.objects.filter(campaign=campaign).select_related("school", "created_by")
    if not coordinator:
        batches = batches.filter(created_by=request.user)
    return render(request, "intake/upload.html", {"title": "Загрузка документов", "campaign": campaign, "form": form,
                                                  "batches": batches[:50], "max_mb": settings.INTAKE_MAX_MB,
                                                  "accepted": accepted_formats()},
                  status=400 if form.errors else 200)


@login_required
def batch_detail(request, pk):
    batch = get_batch_for_user(request.user, pk)
    failed = services.reading_failed(batch)
    files = list(batch.files.select_related("school"))
    items = list(ImportItem.objects.filter(file__batch=batch).select_related("file", "school", "activity_type", "direction", "entry"))
    # Reports that cannot take the batch's items, said beside their files before the commit refuses them.
    locked = dict(SchoolReport.objects.filter(campaign=batch.campaign, school__in={f.school_id for f in files})
                  .exclude(status__in=SchoolReport.EDITABLE).values_list("school_id", "status"))
    for f in files:
        f.locked_status = SchoolReport.Status(locked[f.school_id]).label if f.school_id in locked else ""
    return render(request, "intake/batch.html", {
        "title": f"Импорт № {batch.pk}", "batch": batch, "files": files,
        "activities": [i for i in items if i.kind == ImportItem.Kind.ACTIVITY],
        "indicators": [i for i in items if i.kind == ImportItem.Kind.INDICATOR],
        "findings": [i for i in items if i.kind == ImportItem.Kind.FINDING],
        "finding_kinds": list(services.FINDING_KINDS.items()), "groups": Need.Group.choices, "stored_findings": services.STORED_FINDINGS,
        "may_certify": Scope.of(request.user).is_coordinator,
        "schools": intake_schools(request.user, batch.campaign),
        "types": ActivityType.objects.filter(is_active=True),
        "directions": Direction.objects.filter(framework=batch.campaign.framework),
        "statuses": ReportEntry.Status.choices, "low_confidence": LOW_CONFIDENCE,
        "reading": batch.status == ImportBatch.Status.READING and not failed, "failed": failed,
    })


@login_required
def batch_progress(request, pk):
    batch = get_batch_for_user(request.user, pk)
    status = ImportBatch.Status.FAILED if services.reading_failed(batch) else batch.status
    return JsonResponse({"status": status, "files_done": batch.files_done, "files_total": batch.files_total, "percent": batch.progress_percent})


def _int_or_none(value):
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def batch_review(request, pk):
    batch = get_batch_for_user(request.user, pk)
    allowed_schools = set(intake_schools(request.user, batch.campaign).values_list("pk", flat=True))
    # The choices the review page offers; anything else (a forged id, a direction of another framework) is refused.
    types = set(ActivityType.objects.filter(is_active=True).values_list("pk", flat=True))
    directions = set(Direction.objects.filter(framework_id=batch.campaign.framework_id).values_list("pk", flat=True))
    statuses = {"", *ReportEntry.Status.values}
    changes, refused = [], set()
    for item_id in request.POST.getlist("item"):
        item_id = _int_or_none(item_id)
        if item_id is None:
            continue
        school = _int_or_none(request.POST.get(f"school-{item_id}"))
        activity_type = _int_or_none(request.POST.get(f"type-{item_id}"))
        direction = _int_or_none(request.POST.get(f"direction-{item_id}"))
        if request.POST.get(f"type-{item_id}") and activity_type not in types:
            refused.add("вид мероприятия не из справочника")
        if request.POST.get(f"direction-{item_id}") and direction not in directions:
            refused.add("направление не из системы направлений кампании")
        status = request.POST.get(f"status-{item_id}", "")
        planned = request.POST.get(f"planned-{item_id}")
        if planned is not None and planned != "none" and not planned.isdigit():
            refused.add("запланированное мероприятие не из списка")
        changes.append(services.ReviewChange(
            item_id=item_id, include=request.POST.get(f"include-{item_id}") == "on",
            school_id=school if school in allowed_schools else None,
            activity_type_id=activity_type, direction_id=direction,
            status=status if status in statuses else "",
            planned=None if planned is None else ("" if planned == "none" else planned),
            finding_kind=request.POST.get(f"fkind-{item_id}"), group=request.POST.get(f"group-{item_id}"),
            code=request.POST.get(f"code-{item_id}"), addressee=request.POST.get(f"addressee-{item_id}"),
            deadline_text=request.POST.get(f"deadline-{item_id}"),
        ))
    file_schools = []
    for file_id in request.POST.getlist("file"):
        file_id = _int_or_none(file_id)
        if file_id is None:
            continue
        school = _int_or_none(request.POST.get(f"file-school-{file_id}"))
        if request.POST.get(f"file-school-{file_id}") and school not in allowed_schools:
            refused.add("школа не из списка")
        file_schools.append(services.FileSchool(file_id, school if school in allowed_schools else None))
    certified = request.POST.get("certified") == "on"
    if certified and not Scope.of(request.user).is_coordinator:
        refused.add("заверить по документу может только координатор")
    if refused:
        messages.error(request, "Проверка не сохранена: " + "; ".join(sorted(refused)) + ". Выберите значения из списков и сохраните снова.")
        return redirect("intake_batch", batch.pk)
    try:
        services.save_review(batch, changes, request.user, file_schools)
        if "commit" in request.POST:
            if certified != batch.certified:
                services.set_certified(batch, certified, request.user)
            counts = services.commit_batch(batch, request.user)
            messages.success(request, services.committed_message(counts))
        else:
            messages.success(request, "Проверка сохранена.")
    except services.IntakeError as exc:
        messages.error(request, str(exc))
    return redirect("intake_batch", batch.pk)


@login_required
@require_POST
def batch_retry(request, pk):
    batch = get_batch_for_user(request.user, pk)
    try:
        services.retry_reading(batch, request.user)
        messages.success(request, f"Импорт № {batch.pk}: чтение файлов начато заново.")
    except services.IntakeError as exc:
        messages.error(request, str(exc))
    return redirect("intake_batch", batch.pk)


@login_required
@require_POST
def batch_undo(request, pk):
    batch = get_batch_for_user(request.user, pk)
    try:
        services.undo_batch(batch, request.user)
        messages.success(request, f"Импорт № {batch.pk} отменён: всё, что он внёс, удалено из отчётов.")
    except services.IntakeError as exc:
        messages.error(request, str(exc))
    return redirect("intake_batch", batch.pk)
