"""Import of a school list from the XLSX/CSV template: checked row by row, committed all or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from shnor.audit.log import record
from shnor.core.documents.bounded import Limits
from shnor.core.sheets import Column, SheetRow, parse_date, read_table

from .models import Municipality, Region, School, SchoolStatus

COLUMNS = [
    Column("municipality", "Муниципалитет", required=True, aliases=("муниципальное образование", "район", "муниципальный район"), width=28, example="Жирятинский район"),
    Column("full_name", "Полное наименование", required=True, aliases=("наименование оо", "наименование", "полное наименование оо"), width=50,
           example="Муниципальное бюджетное общеобразовательное учреждение Колоднянская средняя общеобразовательная школа"),
    Column("short_name", "Краткое наименование", aliases=("сокращенное наименование", "краткое наименование оо"), width=32, example="МБОУ Колоднянская СОШ"),
    Column("kind", "Тип", aliases=("тип оо", "вид оо"), width=10, example="СОШ"),
    Column("number", "Номер", aliases=("№ школы",), width=8),
    Column("website", "Сайт", aliases=("адрес сайта", "сайт оо"), width=28, example="https://kolodnya.example.ru"),
    Column("email", "E-mail", aliases=("электронная почта", "email", "e-mail оо"), width=26),
    Column("inn", "ИНН", width=14),
    Column("status", "Статус", aliases=("категория",), width=14, example="ШНОР"),
    Column("year", "Учебный год", aliases=("год",), width=12, example="2021/2022"),
    Column("basis_number", "Номер приказа", aliases=("приказ №", "№ приказа"), width=14, example="123"),
    Column("basis_date", "Дата приказа", width=14, example="15.01.2021"),
]

STATUS_WORDS = {"шнор": "shnor", "шнро": "shnor", "зона риска": "risk", "риск": "risk", "школа-лидер": "leader", "лидер": "leader"}
KINDS = {k.value.casefold(): k.value for k in School.Kind}


@dataclass
class ImportReport:
    rows: list[SheetRow]
    created: int = 0
    updated: int = 0
    new_municipalities: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def errors(self) -> list[SheetRow]:
        return [r for r in self.rows if r.errors]


def guess_kind(name: str) -> str:
    low = name.casefold()
    for word, kind in (("ооо", None), ("сош", "СОШ"), ("оош", "ООШ"), ("нош", "НОШ"), ("гимназ", "гимназия"), ("лице", "лицей"),
                       ("интернат", "школа-интернат"), ("всош", "ВСОШ"), ("средняя", "СОШ"), ("основная", "ООШ"), ("начальная", "НОШ")):
        if kind and word in low:
            return kind
    return School.Kind.OTHER


def guess_number(name: str) -> str:
    m = re.search(r"№\s*(\d+[а-яА-Я]?)", name)
    return m.group(1) if m else ""


def parse_year(value) -> int:
    text = str(value).strip()
    m = re.match(r"^(\d{4})(?:\s*[/–-]\s*(\d{2,4}))?", text)
    if not m:
        raise ValueError(f"«{text}» — не учебный год; напишите, например, 2021/2022")
    return int(m.group(1))


def import_schools(data: bytes, filename: str, region: Region, user, *, commit: bool = True) -> ImportReport:
    """Check every row; if any row is wrong, write nothing and report each problem."""
    rows = read_table(data, filename, COLUMNS, limits=Limits.of(settings))
    report = ImportReport(rows)
    seen: dict[tuple[str, str], int] = {}
    municipalities = {m.name.casefold(): m for m in Municipality.objects.filter(region=region)}
    prepared = []
    for row in rows:
        v = row.values
        full_name = str(v.get("full_name") or "").strip()
        short_name = str(v.get("short_name") or full_name).strip()[:250]
        muni_name = str(v.get("municipality") or "").strip()
        if not muni_name:
            row.errors.append("не указан муниципалитет")
        if not full_name:
            row.errors.append("не указано полное наименование школы")
        key = (muni_name.casefold(), short_name.casefold())
        if key in seen:
            row.errors.append(f"школа «{short_name}» уже есть в строке {seen[key]}")
        seen[key] = row.number
        kind_raw = str(v.get("kind") or "").strip()
        kind = KINDS.get(kind_raw.casefold()) if kind_raw else guess_kind(full_name)
        if kind is None:
            row.errors.append(f"тип «{kind_raw}» не распознан; допустимо: {', '.join(KINDS.values())}")
        website = str(v.get("website") or "").strip()
        if website and not website.startswith(("http://", "https://")):
            website = "https://" + website
        try:
            if website:
                URLValidator()(website)
        except ValidationError:
            row.errors.append(f"адрес сайта «{v.get('website')}» некорректен")
        email = str(v.get("email") or "").strip()
        try:
            if email:
                EmailValidator()(email)
        except ValidationError:
            row.errors.append(f"адрес почты «{email}» некорректен")
        status = None
        if v.get("status"):
            status = STATUS_WORDS.get(str(v["status"]).strip().casefold())
            if status is None:
                row.errors.append(f"статус «{v['status']}» не распознан; допустимо: ШНОР, зона риска, школа-лидер")
        year = basis_date = None
        try:
            year = parse_year(v["year"]) if v.get("year") else None
        except ValueError as exc:
            row.errors.append(str(exc))
        try:
            basis_date = parse_date(v.get("basis_date"))
        except ValueError as exc:
            row.errors.append(f"дата приказа: {exc}")
        if status and not year:
            row.errors.append("для статуса укажите учебный год")
        prepared.append((row, muni_name, dict(
            full_name=full_name[:500], short_name=short_name, kind=kind or School.Kind.OTHER,
            number=str(v.get("number") or guess_number(full_name)).strip()[:10], website=website, email=email,
            inn=str(v.get("inn") or "").strip()[:12]), status, year, str(v.get("basis_number") or "").strip()[:50], basis_date))
    if report.errors or not commit:
        return report
    with transaction.atomic():
        for _row, muni_name, fields, status, year, basis_number, basis_date in prepared:
            muni = municipalities.get(muni_name.casefold())
            if muni is None:
                muni = municipalities[muni_name.casefold()] = Municipality.objects.create(region=region, name=muni_name)
                report.new_municipalities.append(muni_name)
            school = School.objects.filter(municipality=muni, short_name=fields["short_name"]).first()
            if school is None:
                school = School.objects.create(municipality=muni, **fields)
                report.created += 1
            else:
                for name, value in fields.items():
                    setattr(school, name, value)
                school.save()
                report.updated += 1
            if status:
                SchoolStatus.objects.update_or_create(
                    school=school, year=year, defaults={"status": status, "basis_number": basis_number, "basis_date": basis_date}
                )
        record(user, "registry.import", None, f"Импорт списка школ: создано {report.created}, обновлено {report.updated}",
               region=region, changes={"новые муниципалитеты": report.new_municipalities})
        report.committed = True
    return report
