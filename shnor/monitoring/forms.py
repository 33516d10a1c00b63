"""Forms of the monitoring pages. They validate and convert to workflow inputs; they save nothing."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from shnor.core.periods import months_spanned, shift_months
from shnor.core.russian import latin_slug
from shnor.core.text import strip_controls_in
from shnor.plans.models import ActivityType, Direction
from shnor.registry.models import School
from shnor.uploads import validate_upload

from .models import Campaign, Evidence, Indicator, ReportEntry, SchoolReport
from .workflow import EntryChange, EvidenceInput, IndicatorValueError, validate_indicator_value

NEW_SLOTS = 3
STATUS_CHOICES = [("", "— не отмечено —"), *ReportEntry.Status.choices]
EVIDENCE_KINDS = [("", "— без подтверждения —"), *[(k, v) for k, v in Evidence.Kind.choices]]
DATE_INPUTS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
REASON_LABEL = "Причина невыполнения"


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class IndicatorValueField(forms.DecimalField):
    """A number the indicator can take: the range is the workflow's, the same on every path into a value."""

    def __init__(self, indicator: Indicator, **kwargs):
        self.indicator = indicator
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        try:
            return validate_indicator_value(self.indicator, value)
        except IndicatorValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class ReportForm(forms.Form):
    """One form for the whole report: entries, evidence, unplanned activities and indicators."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(label="Общие выводы школы", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, report: SchoolReport, entries: list[ReportEntry], indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.report, self.entries, self.indicators = report, entries, indicators
        types = ActivityType.objects.filter(is_active=True)
        directions = Direction.objects.filter(framework_id=report.campaign.framework_id)
        for e in entries:
            p = f"e{e.pk}"
            self.fields[f"{p}-status"] = forms.ChoiceField(label="Отметка", choices=STATUS_CHOICES, required=False, initial=e.status, widget=forms.RadioSelect)
            self.fields[f"{p}-result"] = forms.CharField(label="Фактический результат", required=False, initial=e.actual_result, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{p}-reason"] = forms.CharField(label=REASON_LABEL, required=False, initial=e.reason, widget=forms.Textarea(attrs={"rows": 1}))
            self.fields[f"{p}-type"] = TypeChoiceField(label="Вид мероприятия", queryset=types, required=False, initial=e.activity_type_id, empty_label="— не указан —")
            self.fields[f"{p}-direction"] = forms.ModelChoiceField(label="Направление", queryset=directions, required=False, initial=e.direction_id, empty_label="— по виду мероприятия —")
            if e.is_unplanned:
                self.fields[f"{p}-title"] = forms.CharField(label="Мероприятие", initial=e.title, widget=forms.Textarea(attrs={"rows": 2}))
                self.fields[f"{p}-delete"] = forms.BooleanField(label="Удалить", required=False)
            self._evidence_fields(p)
        for i in range(NEW_SLOTS):
            p = f"new{i}"
            self.fields[f"{p}-title"] = forms.CharField(label="Мероприятие", required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{p}-status"] = forms.ChoiceField(label="Отметка", choices=STATUS_CHOICES, required=False, widget=forms.RadioSelect)
            self.fields[f"{p}-result"] = forms.CharField(label="Фактический результат", required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{p}-reason"] = forms.CharField(label=REASON_LABEL, required=False, widget=forms.Textarea(attrs={"rows": 1}))
            self.fields[f"{p}-type"] = TypeChoiceField(label="Вид мероприятия", queryset=types, required=False, empty_label="— не указан —")
            self.fields[f"{p}-direction"] = forms.ModelChoiceField(label="Направление", queryset=directions, required=False, empty_label="— по виду мероприятия —")
            self._evidence_fields(p)
        self.indicator_keys: list[tuple[str, Indicator, str]] = []
        for ind in indicators:
            field = IndicatorValueField(ind, label=f"{ind.name}, {ind.unit}", required=False, localize=True,
                                        error_messages={"invalid": "Введите число, например 12,5."})
            field.widget.attrs["inputmode"] = "decimal"
            self.fields[f"ind{ind.pk}"] = field
            self.indicator_keys.append((f"ind{ind.pk}", ind, ""))

    def _evidence_fields(self, p: str) -> None:
        self.fields[f"{p}-ev-kind"] = forms.ChoiceField(label="Подтверждение", choices=EVIDENCE_KINDS, required=False)
        self.fields[f"{p}-ev-title"] = forms.CharField(label="Название документа", required=False, max_length=1000)
        self.fields[f"{p}-ev-number"] = forms.CharField(label="Номер", required=False, max_length=50)
        self.fields[f"{p}-ev-date"] = forms.DateField(label="Дата", required=False, input_formats=DATE_INPUTS,
                                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                                     error_messages={"invalid": "Введите дату в виде ДД.ММ.ГГГГ."})
        self.fields[f"{p}-ev-url"] = forms.URLField(label="Ссылка", required=False, max_length=1000, assume_scheme="https",
                                                   error_messages={"invalid": "Введите ссылку, например https://clck.ru/34PaDg."})
        self.fields[f"{p}-ev-file"] = forms.FileField(label="Файл", required=False)

    def entry_rows(self):
        """(entry, bound fields) for the template, in order."""
        for e in self.entries:
            yield e, self._bound(f"e{e.pk}-")

    def new_rows(self):
        for i in range(NEW_SLOTS):
            yield i, self._bound(f"new{i}-")

    def _bound(self, prefix: str) -> dict:
        """Bound fields of one entry, keyed for templates: "e12-ev-kind" → "ev_kind"."""
        return {name[len(prefix):].replace("-", "_"): self[name] for name in self.fields if name.startswith(prefix)}

    def indicator_rows(self):
        for key, ind, _ in self.indicator_keys:
            yield ind, self[key]

    def clean(self):
        data = strip_controls_in(super().clean())
        for prefix in [f"e{e.pk}" for e in self.entries] + [f"new{i}" for i in range(NEW_SLOTS)]:
            f = data.get(f"{prefix}-ev-file")
            if f:
                try:
                    validate_upload(f)
                except forms.ValidationError as exc:
                    self.add_error(f"{prefix}-ev-file", exc)
            kind = data.get(f"{prefix}-ev-kind")
            has_any = any(data.get(f"{prefix}-ev-{k}") for k in ("title", "number", "date", "url", "file"))
            if has_any and not kind:
                data[f"{prefix}-ev-kind"] = "file" if f else "link" if data.get(f"{prefix}-ev-url") and not data.get(f"{prefix}-ev-number") else "order"
            if kind == "link" and not data.get(f"{prefix}-ev-url"):
                self.add_error(f"{prefix}-ev-url", "Для подтверждения-ссылки укажите адрес.")
            if kind == "file" and not f:
                self.add_error(f"{prefix}-ev-file", "Выберите файл подтверждения.")
            if kind in ("order", "minutes", "letter") and not (data.get(f"{prefix}-ev-number") or data.get(f"{prefix}-ev-title")):
                self.add_error(f"{prefix}-ev-number", "Укажите номер или название документа.")
            if data.get(f"{prefix}-status") in ReportEntry.NEED_REASON and not (data.get(f"{prefix}-reason") or "").strip():
                self.add_error(f"{prefix}-reason", "Укажите причину: мероприятие выполнено частично, не выполнено или перенесено.")
            if prefix.startswith("new") and (data.get(f"{prefix}-status") or data.get(f"{prefix}-result")) and not data.get(f"{prefix}-title", "").strip():
                self.add_error(f"{prefix}-title", "Укажите название мероприятия, которое не было запланировано.")
        return data

    def changes(self) -> tuple[list[EntryChange], list[EvidenceInput], dict]:
        """The workflow inputs of every valid field: all of them for a valid form, the valid part of an invalid one.

        A field with an error keeps the entry's stored value; a new activity or an evidence slot with any error
        is left out whole. So a failed save can still keep everything that was right (see `report_edit`).
        """
        d = self.cleaned_data
        entries: list[EntryChange] = []
        evidence: list[EvidenceInput] = []
        for e in self.entries:
            p = f"e{e.pk}"
            kept = self._kept
            activity_type, direction = kept(p, "type", e.activity_type), kept(p, "direction", e.direction)
            entries.append(EntryChange(
                # A mark that needs a reason waits for it: without one the stored mark stays.
                pk=e.pk, title=kept(p, "title", e.title), status=e.status if f"{p}-reason" in self.errors else kept(p, "status", e.status),
                actual_result=kept(p, "result", e.actual_result).strip(),
                activity_type_id=activity_type.pk if activity_type else None, direction_id=direction.pk if direction else None,
                delete=d.get(f"{p}-delete", False), reason=kept(p, "reason", e.reason),
            ))
            evidence += self._evidence(p, entry_pk=e.pk)
        self.saved_new_slots: list[int] = []
        for i in range(NEW_SLOTS):
            p = f"new{i}"
            if not self._slot_valid(p, ENTRY_PARTS) or not d[f"{p}-title"].strip():
                continue
            entries.append(EntryChange(
                pk=None, title=d[f"{p}-title"], status=d[f"{p}-status"], actual_result=d[f"{p}-result"].strip(),
                activity_type_id=d[f"{p}-type"].pk if d[f"{p}-type"] else None,
                direction_id=d[f"{p}-direction"].pk if d[f"{p}-direction"] else None, reason=d[f"{p}-reason"],
            ))
            evidence += self._evidence(p, new_entry_index=len(self.saved_new_slots))
            self.saved_new_slots.append(i)
        # Only the values the user changed: an untouched field must not overwrite (or delete) a value that
        # came from elsewhere, such as an Excel import.
        indicators = {(ind.pk, subject): d[key] for key, ind, subject in self.indicator_keys if key in self.changed_data and key in d}
        return entries, evidence, indicators

    def _kept(self, p: str, name: str, current):
        """The field's valid value, or the stored one when the field has an error."""
        return self.cleaned_data.get(f"{p}-{name}", current)

    def _slot_valid(self, p: str, parts) -> bool:
        return all(f"{p}-{part}" in self.cleaned_data for part in parts)

    def _evidence(self, p: str, entry_pk=None, new_entry_index=None) -> list[EvidenceInput]:
        d = self.cleaned_data
        kind = d.get(f"{p}-ev-kind")
        if not kind or not self._slot_valid(p, EVIDENCE_PARTS):
            return []
        return [EvidenceInput(
            entry_pk=entry_pk, new_entry_index=new_entry_index, kind=kind, title=d[f"{p}-ev-title"].strip(),
            number=d[f"{p}-ev-number"].strip(), date=d[f"{p}-ev-date"], url=d[f"{p}-ev-url"], file=d.get(f"{p}-ev-file"),
        )]

    def summary_value(self) -> str | None:
        return self.cleaned_data.get("summary")

    def error_list(self) -> list[tuple[str, str, str]]:
        """(element id, field label, message) of every error, for the summary at the top of the form."""
        return [(self._anchor(name), self._where(name), " ".join(self.errors[name])) for name in self.fields if name in self.errors]

    def _anchor(self, name: str) -> str:
        bf = self[name]
        return f"{bf.auto_id}_0" if isinstance(bf.field.widget, forms.RadioSelect) else bf.auto_id

    def _where(self, name: str) -> str:
        prefix = name.split("-", 1)[0]
        label = self.fields[name].label
        if prefix.startswith("new"):
            return f"Незапланированное мероприятие {int(prefix[3:]) + 1}: {label}"
        if prefix.startswith("e") and prefix[1:].isdigit():
            position = next((i for i, e in enumerate(self.entries, start=1) if e.pk == int(prefix[1:])), None)
            return f"Мероприятие {position}: {label}" if position else label
        return label

    def mark_first_error(self) -> None:
        """Autofocus the first invalid field: the browser scrolls to it on load, with or without JavaScript."""
        for name in self.fields:
            if name in self.errors:
                self.fields[name].widget.attrs["autofocus"] = True
                return


ENTRY_PARTS = ("title", "status", "result", "type", "direction", "reason")
EVIDENCE_PARTS = ("ev-kind", "ev-title", "ev-number", "ev-date", "ev-url", "ev-file")


class EvidenceForm(forms.Form):
    """Correcting a saved evidence: its description and link (the file stays; delete and attach anew to replace it)."""

    kind = forms.ChoiceField(label="Вид", choices=Evidence.Kind.choices)
    number = forms.CharField(label="Номер", required=False, max_length=50)
    date = forms.DateField(label="Дата", required=False, input_formats=DATE_INPUTS, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"invalid": "Введите дату в виде ДД.ММ.ГГГГ."})
    title = forms.CharField(label="Название документа", required=False, max_length=1000)
    url = forms.URLField(label="Ссылка", required=False, max_length=1000, assume_scheme="https",
                         error_messages={"invalid": "Введите ссылку, например https://clck.ru/34PaDg."})

    def clean(self):
        data = strip_controls_in(super().clean())
        if data.get("kind") == "link" and not data.get("url"):
            self.add_error("url", "Для подтверждения-ссылки укажите адрес.")
        return data


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    remarks = forms.CharField(label="Замечания ко всему отчёту", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def entry_remarks(self, data) -> dict[int, str]:
        """Remarks per entry, posted as remark-<entry pk> beside each entry of the report page."""
        return {int(key[7:]): strip_controls_in(value) for key, value in data.items() if key.startswith("remark-") and key[7:].isdigit()}


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def proposed_code(title: str, start) -> str:
    """A free code from the title and the period's start: "monitoring-shnor-2026-07", then "…-2", "…-3"."""
    base = f"{latin_slug(title, 45)}-{start:%Y-%m}"
    code, n = base, 1
    while Campaign.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def based_on(previous: Campaign) -> dict:
    """The new campaign's form, filled from the previous one: the next period of the same length, the due date
    shifted alike, the same region, framework, schools and indicators."""
    months = months_spanned(previous.period_start, previous.period_end)
    return {
        "title": previous.title, "region": previous.region_id, "framework": previous.framework_id, "previous": previous.pk,
        "period_start": shift_months(previous.period_start, months), "period_end": shift_months(previous.period_end, months),
        "due_date": shift_months(previous.due_date, months),
        "schools": list(previous.schools.values_list("pk", flat=True)), "indicators": list(previous.indicators.values_list("pk", flat=True)),
        "municipalities": list(previous.municipalities.values_list("pk", flat=True)),
    }


class CampaignForm(forms.ModelForm):
    schools = forms.ModelMultipleChoiceField(queryset=School.objects.none(), label="Школы",
                                             widget=forms.CheckboxSelectMultiple(attrs={"class": "check"}))

    class Meta:
        model = Campaign
        fields = ["code", "title", "region", "period_start", "period_end", "period_text", "framework", "due_date", "schools", "municipalities",
                  "indicators", "previous"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "indicators": forms.CheckboxSelectMultiple(attrs={"class": "check"}),
            "municipalities": forms.CheckboxSelectMultiple(attrs={"class": "check"}),
        }
        error_messages = {"code": {"unique": "Кампания с таким кодом уже есть. Выберите другой код."}}

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = "Латиницей, для адресов страниц. Можно не заполнять: код составится из названия и начала периода."
        self.fields["region"].queryset = scope.regions()
        self.fields["schools"].queryset = scope.schools().select_related("municipality").order_by("municipality__name", "short_name")
        self.fields["previous"].queryset = Campaign.objects.filter(region__in=scope.regions())
        self.fields["region"].empty_label = "— выберите регион —"
        self.fields["framework"].empty_label = "— выберите систему направлений —"
        self.fields["previous"].empty_label = "— нет (первая кампания) —"
        # Only municipalities with an own roadmap can report on it.
        self.fields["municipalities"].queryset = scope.municipalities().filter(roadmaps__is_current=True).distinct().order_by("name")
        for name in ("period_start", "period_end", "due_date"):
            self.fields[name].input_formats = DATE_INPUTS

    def clean(self):
        data = strip_controls_in(super().clean())
        start, end, due = data.get("period_start"), data.get("period_end"), data.get("due_date")
        if not data.get("code") and data.get("title") and start and "code" not in self.errors:
            data["code"] = self.instance.code = proposed_code(data["title"], start)
        if start and end and start > end:
            self.add_error("period_end", "Окончание периода раньше его начала.")
        if start and end and due and not (start <= due <= end + timedelta(days=366)):
            self.add_error("due_date", "Срок сдачи отчётов должен быть не раньше начала периода и не позже чем через год после его окончания: проверьте год.")
        region = data.get("region")
        if region:
            wrong = [s for s in data.get("schools", []) if s.municipality.region_id != region.pk]
            if wrong:
                self.add_error("schools", f"Школы не из этого региона: {', '.join(s.short_name for s in wrong[:5])}.")
            wrong = [m for m in data.get("municipalities", []) if m.region_id != region.pk]
            if wrong:
                self.add_error("municipalities", f"Муниципалитеты не из этого региона: {', '.join(m.name for m in wrong[:5])}.")
        return data
