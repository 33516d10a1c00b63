from __future__ import annotations

from django import forms

from shnor.uploads import SHEET_EXTENSIONS, validate_upload


class SheetUploadForm(forms.Form):
    file = forms.FileField(label="Файл XLSX или CSV", error_messages={"required": "Выберите файл."})

    def clean_file(self):
        f = self.cleaned_data["file"]
        validate_upload(f, extensions=SHEET_EXTENSIONS)
        return f


class IndicatorUploadForm(SheetUploadForm):
    campaign = forms.ModelChoiceField(
        queryset=None, required=False, label="Кампания", empty_label="— без кампании: период указан в каждой строке —",
        help_text="значения лягут в период кампании; без кампании период берётся из столбца «Период»",
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].to_field_name = "code"
