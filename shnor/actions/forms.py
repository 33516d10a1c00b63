from django import forms

from shnor.core import actions as core
from shnor.uploads import validate_upload

from .door import MARKABLE


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Состояние", choices=[(s, core.STATUSES[s]) for s in MARKABLE], initial=core.DONE)
    note = forms.CharField(label="Отметка об исполнении", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="что сделано или почему не выполнено")
    order_number = forms.CharField(label="Приказ: номер", required=False, max_length=100)
    order_date = forms.DateField(label="Приказ: дата", required=False, input_formats=["%d.%m.%Y", "%Y-%m-%d"],
                                 error_messages={"invalid": "Дату приказа напишите так: 01.09.2021."},
                                 widget=forms.DateInput(attrs={"placeholder": "дд.мм.гггг"}))
    evidence_url = forms.URLField(label="Ссылка на подтверждение", required=False, max_length=1000, assume_scheme="https",
                                  error_messages={"invalid": "Ссылка должна начинаться с http:// или https://."})
    evidence_file = forms.FileField(label="Файл подтверждения", required=False)
    expected = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data is not None and not self.data.get("status"):
            self.data = self.data.copy()
            self.data["status"] = core.DONE  # the short «Выполнено» form sends only a note

    def clean_evidence_file(self):
        f = self.cleaned_data.get("evidence_file")
        if f:
            validate_upload(f)
        return f
