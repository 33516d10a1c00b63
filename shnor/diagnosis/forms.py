from __future__ import annotations

from django import forms

from shnor.core import needs as catalogue

from .door import NeedInput
from .models import Need


def _catalogue_choices():
    choices = [("", "— определить по формулировке —")]
    for kind, title in catalogue.KIND_PLURAL.items():
        choices.append((title, [(i.code, f"{i.code} {i.name}" if kind == "risk" else i.name) for i in catalogue.items_of(kind)]))
    return choices


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label="Вид", choices=Need.Kind.choices)
    text = forms.CharField(label="Формулировка (как написано)", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    group = forms.ChoiceField(label="Группа компетенций (для дефицита)", choices=[("", "—"), *Need.Group.choices], required=False)
    code = forms.ChoiceField(label="Пункт каталога", choices=_catalogue_choices, required=False,
                             help_text="Оставьте пустым — система подберёт типовую причину, дефицит или риск по формулировке.")
    period_text = forms.CharField(label="Период или дата выявления", max_length=200, required=False,
                                  help_text="например: «2020/2021 учебный год», «март 2021»")
    found_by = forms.ChoiceField(label="Кем выявлено", choices=Need.FoundBy.choices, initial=Need.FoundBy.CURATOR)
    source_name = forms.CharField(label="Документ-источник", max_length=300, required=False)
    source_place = forms.CharField(label="Место в документе", max_length=200, required=False, help_text="раздел, страница, строка таблицы")

    @classmethod
    def for_need(cls, need: Need, data=None):
        initial = {"kind": need.kind, "text": need.text, "group": need.group, "code": need.code if need.code_confirmed else "",
                   "period_text": need.period_text, "found_by": need.found_by, "source_name": need.source_name,
                   "source_place": need.source_place}
        return cls(data, initial=initial)

    def clean(self):
        data = super().clean()
        code = data.get("code")
        item = catalogue.catalogue().get(code or "")
        if item and data.get("kind") and item.kind != data["kind"]:
            self.add_error("code", "Этот пункт каталога другого вида: выберите пункт того же вида или оставьте поле пустым.")
        return data

    def to_input(self) -> NeedInput:
        d = self.cleaned_data
        return NeedInput(kind=d["kind"], text=d["text"], group=d["group"], code=d["code"], period_text=d["period_text"],
                         found_by=d["found_by"], source_name=d["source_name"], source_place=d["source_place"])
