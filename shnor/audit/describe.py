"""The audit log in words a person reads: «отчёт изменён», «статус: черновик → выполнено», people's names.

The log stores action codes and field → [old, new] changes (see `log.record`); this module turns them into Russian
for the audit page and its export. Field names and coded values are read from the models' own verbose names and
choices, so that the log sits below every app and imports none of them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.apps import apps

ACTIONS = {
    "action.cancel": "отменён пункт решений и рекомендаций",
    "action.create": "записан пункт решений и рекомендаций",
    "action.delete": "удалён пункт решений и рекомендаций (отмена импорта)",
    "action.status": "отмечено исполнение решения или рекомендации",
    "action.update": "уточнён пункт решений и рекомендаций",
    "api.token_issue": "выдан ключ доступа к API",
    "api.token_revoke": "отозван ключ доступа к API",
    "auth.login": "вход в систему",
    "auth.password_change": "смена пароля",
    "auth.unlock": "снята блокировка входа",
    "campaign.close": "кампания закрыта",
    "campaign.create": "создана кампания",
    "campaign.remind": "напоминание школам",
    "campaign.reopen": "кампания открыта снова",
    "catalogue.direction_edit": "изменено направление",
    "catalogue.type_edit": "изменён вид мероприятия",
    "document.bundle": "заказан архив отчётов школ",
    "document.bundle.replace": "архив отчётов школ собран заново",
    "document.issue": "выпущен документ",
    "evidence.delete": "удалено подтверждение",
    "evidence.edit": "исправлено подтверждение",
    "finding.add": "добавлен вывод справки",
    "finding.edit": "изменён вывод справки",
    "findings.generate": "составлены выводы справки",
    "findings.regenerate": "выводы справки составлены заново",
    "indicators.import": "загружены показатели",
    "intake.certified": "заверение загруженных отчётов по документу",
    "intake.commit": "загружены отчёты из файлов",
    "intake.retry": "повторное чтение файла",
    "intake.review": "проверка прочитанного файла",
    "intake.undo": "отменена загрузка отчётов",
    "intake.upload": "загружены файлы отчётов",
    "municipal_report.accept": "отчёт о муниципальной дорожной карте принят",
    "municipal_report.certify": "отчёт о муниципальной дорожной карте заверен",
    "municipal_report.create": "отчёт о муниципальной дорожной карте создан",
    "municipal_report.edit": "отчёт о муниципальной дорожной карте изменён",
    "municipal_report.recall": "отчёт о муниципальной дорожной карте отозван",
    "municipal_report.return": "отчёт о муниципальной дорожной карте возвращён на доработку",
    "municipal_report.submit": "отчёт о муниципальной дорожной карте отправлен",
    "need.add": "дополнена диагностика школы",
    "need.adopt_risks": "рисковые профили перенесены в диагностику",
    "need.change": "изменена диагностика школы",
    "need.delete": "удалён пункт диагностики школы",
    "need.measures": "изменены меры по пункту диагностики",
    "registry.import": "загружен список школ",
    "report.accept": "отчёт принят",
    "report.certify": "отчёт заверен",
    "report.certify_by_document": "отчёт заверен по документу",
    "report.certify_by_document_undo": "снято заверение отчёта по документу",
    "report.create": "отчёт создан",
    "report.delete": "удалён пустой отчёт, созданный импортом",
    "report.edit": "отчёт изменён",
    "report.import": "в отчёт внесены данные из файла",
    "report.import_undo": "из отчёта убраны данные файла",
    "report.recall": "отчёт отозван руководителем",
    "report.return": "отчёт возвращён на доработку",
    "report.submit": "отчёт отправлен куратору",
    "roadmap.activity_delete": "удалено мероприятие дорожной карты",
    "roadmap.activity_save": "сохранено мероприятие дорожной карты",
    "roadmap.create": "создана дорожная карта",
    "roadmap.edit": "изменена дорожная карта",
    "roadmap.import": "загружена дорожная карта",
    "spravka.issue": "выпущена справка",
    "spravka.pdf_retry": "повторная сборка PDF справки",
    "spravka.template": "загружен бланк справки",
    "spravka.template_remove": "удалён бланк справки",
    "system.restore": "восстановление из резервной копии",
    "task.done": "поручение выполнено",
    "user.create": "создан пользователь",
}
# Keys written by the code itself rather than named after a model field.
KEYS = {
    "count": "количество", "removed": "удалено", "added": "добавлено", "number": "номер", "note": "примечание",
    "tasks_created": "поручений создано", "tasks_updated": "поручений обновлено", "tasks_cancelled": "поручений отменено",
    "actual_result": "фактический результат", "title": "название", "name": "название", "status": "статус",
    "activity_type_id": "вид мероприятия", "direction_id": "направление", "reports": "отчётов", "entries": "записей",
    "evidence": "подтверждений", "indicators": "показателей", "schools": "школ",
    "actions_created": "решений и рекомендаций записано", "actions_updated": "решений и рекомендаций уточнено",
    "actions_cancelled": "решений и рекомендаций отменено", "scope": "охват",
    "activities": "мероприятия дорожной карты", "report_entries": "мероприятия отчёта",
}
# Keys written by the code whose values are ids of rows of another app (named by model, not imported: the audit
# sits below those apps).
KEY_MODELS = {"activities": ("plans", "PlannedActivity"), "report_entries": ("monitoring", "ReportEntry")}
EMPTY = "—"


def action_label(code: str) -> str:
    """«report.edit» → «отчёт изменён»; an unknown code is shown as «другое действие», never as itself."""
    return ACTIONS.get(code, "другое действие")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, Any]]:
    """(field name → Russian name, field name → {coded value → label}, "<field>_id" → the related model)."""
    names: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    related: dict[str, Any] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            names.setdefault(field.name, str(field.verbose_name))
            if field.choices:
                values = choices.setdefault(field.name, {})
                for value, label in field.flatchoices:
                    values.setdefault(str(value), str(label))
            if field.is_relation and field.related_model is not None:
                related.setdefault(field.attname, field.related_model)
                names.setdefault(field.attname, str(field.verbose_name))
    return names, choices, related


def field_label(key: str) -> str:
    return KEYS.get(key) or _vocabulary()[0].get(key) or key.replace("_", " ")


def value_text(key: str, value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, list) and key in KEY_MODELS:
        return _named(key, value)
    if isinstance(value, list):
        return ", ".join(value_text(key, v) for v in value) or EMPTY
    if isinstance(value, dict):
        return "; ".join(change_text(k, v) for k, v in value.items())
    _names, choices, related = _vocabulary()
    if key == "scope":  # an archive's or a document's scope: «region» or «mun-<id>»
        return _scope_text(str(value))
    if key in choices and str(value) in choices[key]:
        return choices[key][str(value)]
    if key in related:
        obj = related[key]._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else EMPTY
    return str(value)


def _named(key: str, ids: list) -> str:
    """«Курсы …», «Наставничество …»: the rows of a list of ids, read in one query."""
    found = apps.get_model(*KEY_MODELS[key])._default_manager.in_bulk(ids)
    return ", ".join(f"«{found[i]}»" if i in found else "удалённое мероприятие" for i in ids) or EMPTY


def _scope_text(scope: str) -> str:
    if scope == "region":
        return "весь регион"
    if scope.startswith("mun-") and scope[4:].isdigit():
        municipality = apps.get_model("registry", "Municipality")._default_manager.filter(pk=int(scope[4:])).first()
        return str(municipality) if municipality is not None else "муниципалитет"
    return EMPTY


def change_text(key: str, value: Any) -> str:
    """One change: «статус: черновик → выполнено»; a nested change (an entry of a report) reads ««Курсы»: статус: …»."""
    if isinstance(value, dict):
        return f"«{key}»: " + "; ".join(change_text(k, v) for k, v in value.items())
    if isinstance(value, list) and len(value) == 2:  # log.diff writes [old, new]
        old, new = value
        return f"{field_label(key)}: {value_text(key, old)} → {value_text(key, new)}"
    return f"{field_label(key)}: {value_text(key, value)}"


def changes_lines(changes: dict[str, Any] | None) -> list[str]:
    return [change_text(k, v) for k, v in (changes or {}).items()]
