from __future__ import annotations

from django import forms
from django.conf import settings

from shnor.core.analysis import check_shares
from shnor.core.text import strip_controls_in

from .models import Finding

MAX_TEMPLATE_MB = 10


def _stated_shares_error(text: str, total: int | None) -> str | None:
    """A Russian error when a «N (P %)» in the text does not match N of the campaign's schools."""
    wrong = [s for s in check_shares(text, total) if not s.ok]
    if not wrong:
        return None
    details = "; ".join(f"«{s.text}»: {s.count} из {s.total} — это {str(s.expected).replace('.', ',')} %" for s in wrong)
    return f"Проверьте доли: {details}."


class FindingForm(forms.Form):
    text = forms.CharField(label="Текст", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    addressee = forms.CharField(label="Адресат", required=False, max_length=300)
    responsible = forms.CharField(label="Ответственный", required=False, max_length=300)
    deadline_text = forms.CharField(label="Срок", required=False, max_length=200, help_text="как писать в справке: «до 1 декабря 2021 г.», «постоянно»")

    def __init__(self, *args, schools_total: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools_total = schools_total

    def clean_text(self):
        text = " ".join(self.cleaned_data["text"].split())
        if not text:
            raise forms.ValidationError("Текст не может быть пустым.")
        error = _stated_shares_error(text, self.schools_total)
        if error:
            raise forms.ValidationError(error)
        return text

    def clean(self):
        data = strip_controls_in(super().clean())
        # A date for tracking, when the written deadline is a plain one («до 01.12.2021», «с 1 сентября 2021 г.»).
        from shnor.core.periods import parse_period

        period = parse_period(data.get("deadline_text") or "")
        data["deadline"] = period.end if period.kind in ("date", "until") else period.start if period.kind == "from" else None
        return data


class NewFindingForm(FindingForm):
    kind = forms.ChoiceField(label="Раздел", choices=Finding.Kind.choices)


class IssueForm(forms.Form):
    date = forms.DateField(label="Дата справки", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           help_text="пусто — сегодня")
    author_name = forms.CharField(label="Автор (подпись)", max_length=300, help_text="например: О. Г. Викульева")
    author_position = forms.CharField(label="Должность автора", max_length=500)


class TemplateForm(forms.Form):
    file = forms.FileField(label="Шаблон справки (DOCX)")

    def __init__(self, *args, what: str = "справки", **kwargs):
        super().__init__(*args, **kwargs)
        self.what = what
        self.fields["file"].label = f"Шаблон {what} (DOCX)"

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = min(MAX_TEMPLATE_MB, getattr(settings, "UPLOAD_MAX_MB", MAX_TEMPLATE_MB))
        if f.size > limit * 1024 * 1024:
            raise forms.ValidationError(f"Файл больше {limit} МБ — это не похоже на шаблон {self.what}.")
        if not f.name.lower().endswith(".docx"):
            raise forms.ValidationError("Нужен документ Word в формате .docx.")
        return f


class DashboardFilter(forms.Form):
    campaign = forms.ChoiceField(label="Кампания", required=False)
    municipality = forms.ChoiceField(label="Муниципалитет", required=False)
    direction = forms.ChoiceField(label="Направление", required=False)

    def __init__(self, data, *, campaigns, municipalities, directions):
        super().__init__(data)
        self.fields["campaign"].choices = [(c.code, c.title) for c in campaigns]
        self.fields["municipality"].choices = [("", "все")] + [(m, m) for m in municipalities]
        self.fields["direction"].choices = [("", "все")] + [(d.code, d.name) for d in directions]
