"""Issue 12, parts 4 and 5: `shnor import … --commit` without the web review, `--undo`, schools found from the
documents, and a folder of sixteen schools' reports committed as certified with one command."""

from __future__ import annotations

import io
import json
from datetime import date
from io import StringIO
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shnor.actions.models import Action
from shnor.audit.models import AuditEvent
from shnor.diagnosis.models import Need
from shnor.intake.models import ImportBatch, ImportItem
from shnor.intake.unattended import SYSTEM_NAME
from shnor.monitoring.models import Campaign, ReportEntry, SchoolReport

from .test_commit_kinds import REPORT

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "intake"


def run(*args) -> tuple[dict, int]:
    out = StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=StringIO())
        code = 0
    except SystemExit as exc:
        code = exc.code
    return json.loads(out.getvalue()), code


def profile(school) -> dict:
    out = StringIO()
    call_command("profile", "--school", str(school.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_a_cli_commit_puts_causes_deficits_and_recommendations_in_the_profile_and_undo_takes_them_out(world, tmp_path):
    (tmp_path / "otchet.txt").write_text(REPORT, encoding="utf-8")
    before = profile(world.a1)
    result, code = run(str(tmp_path / "otchet.txt"), "--campaign", world.campaign.code, "--commit", "--json")
    assert code == 0
    assert set(result) == {"batch", "files", "committed"}
    assert result["files"] == [{"name": "otchet.txt", "school": world.a1.short_name, "status": "committed", "reason": "по заголовку документа"}]
    assert result["committed"]["causes"] == 2 and result["committed"]["deficits"] == 2 and result["committed"]["recommendations"] == 2
    after = profile(world.a1)
    assert {c["text"] for c in after["causes"]} == {"дефицит педагогических кадров", "высокая доля обучающихся с рисками учебной неуспешности"}
    assert all("otchet.txt" in c["source"] for c in after["causes"])
    assert {d["group"] for d in after["deficits"]} == {"оценочные компетенции", "предметные компетенции"}
    assert len(after["recommendations"]) == len(before["recommendations"]) + 2
    assert any(r["deadline_text"] == "до 01.03.2022" for r in after["recommendations"])
    # Acted by the system user, named in the audit log.
    event = AuditEvent.objects.get(action="intake.commit")
    assert event.user.get_full_name() == SYSTEM_NAME and not event.user.has_usable_password() and not event.user.is_active

    undone, code = run("--undo", str(result["batch"]), "--json")
    assert code == 0 and undone == {"batch": result["batch"], "status": "undone"}
    assert profile(world.a1) == before
    assert not ReportEntry.objects.filter(report__school=world.a1, planned_activity=None).exists()


def test_low_confidence_items_are_stored_but_flagged_for_review(world, tmp_path):
    (tmp_path / "otchet.txt").write_text(REPORT + "\n4.\tРазное\tдекабрь 2021\tВыполнено\n", encoding="utf-8")
    result, _ = run(str(tmp_path / "otchet.txt"), "--campaign", world.campaign.code, "--commit", "--json")
    flagged = ImportItem.objects.filter(file__batch_id=result["batch"], needs_review=True)
    assert flagged.exists() and all(i.entry_id or i.need_id or i.action_id or not i.include for i in flagged)


def test_a_file_whose_school_is_unknown_or_ambiguous_is_skipped_with_the_reason_and_exit_status_3(world, tmp_path):
    (tmp_path / "alfa.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "nobody.txt").write_text(REPORT.replace("МБОУ «Альфа СОШ»", "школы"), encoding="utf-8")
    (tmp_path / "both.txt").write_text(REPORT.replace("Директор МБОУ «Альфа СОШ»", "Директор МБОУ Бета ООШ")
                                       .replace("Отчёт МБОУ «Альфа СОШ»", "Отчёт МБОУ «Альфа СОШ» и МБОУ Бета ООШ"), encoding="utf-8")
    result, code = run(str(tmp_path), "--campaign", world.campaign.code, "--commit", "--json")
    assert code == 3
    files = {f["name"]: f for f in result["files"]}
    assert files["alfa.txt"]["status"] == "committed" and files["alfa.txt"]["school"] == world.a1.short_name
    assert files["nobody.txt"]["status"] == "skipped" and "не названа" in files["nobody.txt"]["reason"], files
    assert files["both.txt"]["status"] == "skipped" and "несколько школ" in files["both.txt"]["reason"]
    assert "МБОУ Бета ООШ" in files["both.txt"]["reason"] and "--school" in files["both.txt"]["reason"]
    assert not SchoolReport.objects.filter(school=world.a2, campaign=world.campaign).exists()
    assert not ImportItem.objects.filter(file__file_name__in=["nobody.txt", "both.txt"]).exclude(entry=None, need=None, action=None).exists()

    # --school decides for every file; --municipality narrows the search to its schools.
    result, code = run(str(tmp_path / "both.txt"), "--campaign", world.campaign.code, "--commit", "--json", "--school", "Бета")
    assert code == 0 and result["files"][0]["school"] == world.a2.short_name


def test_bad_arguments_and_broken_files_get_russian_messages(world, tmp_path):
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "good.txt").write_text(REPORT, encoding="utf-8")
    result, code = run(str(tmp_path), "--campaign", world.campaign.code, "--commit", "--json")
    files = {f["name"]: f for f in result["files"]}
    assert code == 3 and files["broken.docx"]["status"] == "failed" and files["broken.docx"]["reason"]
    assert files["good.txt"]["status"] == "committed"
    for args, message in [
        (["x.txt", "--campaign", "nope", "--commit"], "не найдена"),
        (["x.txt", "--commit"], "Укажите кампанию"),
        (["x.txt", "--campaign", world.campaign.code, "--commit", "--user", "ghost"], "не найден"),
        (["x.txt", "--campaign", world.campaign.code, "--commit", "--school", "Гамма"], "не найден"),
        (["--undo", "999999"], "не найден"),
        ([str(tmp_path / "good.txt"), "--campaign", world.campaign.code, "--commit", "--certified", "--user", world.users["head"].username],
         "только координатор"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("import", *args, stdout=StringIO(), stderr=StringIO())


def test_the_dry_run_keeps_its_schema_and_adds_the_new_kinds(db, tmp_path):
    (tmp_path / "otchet.txt").write_text(REPORT, encoding="utf-8")
    out = StringIO()
    call_command("import", str(tmp_path / "otchet.txt"), "--dry-run", "--json", stdout=out, stderr=StringIO())
    document = json.loads(out.getvalue())["documents"][0]
    assert {"source", "format", "activities", "indicators", "findings", "warnings"} <= set(document)
    assert len(document["causes"]) == 2 and len(document["recommendations"]) == 2 and document["risks"] == []
    assert not ImportBatch.objects.exists()


# ---------------------------------------------------------------- a folder of sixteen reports, certified


ACTIVITIES = [  # (activity type, how a table names it, how a sentence says it was done)
    ("pk_courses", "Курсы повышения квалификации учителей математики", "Проведены курсы повышения квалификации учителей математики"),
    ("mentoring", "Наставничество молодых специалистов", "Организовано наставничество молодых специалистов"),
    ("parent_education", "Родительское собрание «Подготовка к ОГЭ»", "Проведено родительское собрание «Подготовка к ОГЭ»"),
    ("subject_weeks", "Предметная неделя по русскому языку и литературе", "Проведена предметная неделя по русскому языку и литературе"),
    ("career_guidance", "Профориентационные пробы для учащихся 9 классов", "Проведены профориентационные пробы для учащихся 9 классов"),
]
DONE_SENTENCES = {title: sentence for _, title, sentence in ACTIVITIES}


def plan_of(number: int) -> list[tuple[str, str, bool]]:
    """(type, title, done) of the n-th school's report: each school did a different mix; one row not done."""
    rows = []
    for j, (code, title, _) in enumerate(ACTIVITIES):
        if (number + j) % 4 == 0:
            continue  # not in this school's report at all
        rows.append((code, title, (number * 3 + j) % 5 != 0))
    return rows


def status_text(done: bool) -> str:
    return "Выполнено" if done else "Не выполнено: перенесено на следующий период из-за карантина"


def document(number: int, school) -> tuple[str, bytes]:
    """The n-th school's report in one of six layouts; the school named only in the title and the signature."""
    rows = plan_of(number)
    heading = f"Отчёт о реализации дорожной карты {school.full_name} за 2030/2031 учебный год"
    signature = [f"Директор {school.short_name} ____________ подпись", "Куратор ____________ подпись"]
    layout = number % 6
    if layout in (0, 1, 5):
        d = docx.Document()
        d.add_paragraph(heading)
        if layout == 0:
            header, cells = ["№", "Мероприятие", "Срок", "Отметка о выполнении"], lambda i, t, ok: [f"{i}.", t, "октябрь 2030", status_text(ok)]
        elif layout == 1:
            header, cells = ["Отметка о выполнении", "Наименование мероприятия", "Сроки проведения"], lambda i, t, ok: [status_text(ok), t, "ноябрь 2030"]
        else:
            header = ["№ п/п", "Наименование мероприятия", "Ответственный", "Информация о выполнении"]
            cells = lambda i, t, ok: [str(i), t, "заместитель директора", status_text(ok)]  # noqa: E731
        table = d.add_table(rows=1, cols=len(header))
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for i, (_, title, ok) in enumerate(rows, start=1):
            for cell, text in zip(table.add_row().cells, cells(i, title, ok), strict=True):
                cell.text = text
        for line in signature:
            d.add_paragraph(line)
        buffer = io.BytesIO()
        d.save(buffer)
        return f"report_{number:02d}.docx", buffer.getvalue()
    if layout == 2:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append([heading])
        sheet.append(["Мероприятие", "Ответственный", "Срок", "Результат"])
        for _, title, ok in rows:
            sheet.append([title, "заместитель директора", "декабрь 2030", status_text(ok)])
        for line in signature:
            sheet.append([line])
        buffer = io.BytesIO()
        book.save(buffer)
        return f"report_{number:02d}.xlsx", buffer.getvalue()
    done = [DONE_SENTENCES[title] for _, title, ok in rows if ok]  # prose and lists tell what was done
    if layout == 3:  # a numbered list in a Windows-1251 text file
        lines = [heading, "", "Информация о выполнении мероприятий:"]
        lines += [f"{i}. {sentence}." for i, sentence in enumerate(done, start=1)]
        return f"report_{number:02d}.txt", "\n".join([*lines, "", *signature]).encode("cp1251")
    text = "В отчётный период в школе велась работа по дорожной карте. " + " ".join(f"{sentence}." for sentence in done)  # prose
    return f"report_{number:02d}.txt", "\n".join([heading, "", text, "", *signature]).encode("utf-8")


@pytest.fixture
def folder_campaign(db):
    from shnor.registry.models import Region

    demo = Campaign.objects.get(code="bryansk-2021-h1")
    region = Region.objects.get(pk=demo.region_id)
    campaign = Campaign.objects.create(code="bryansk-2030", title="Мониторинг 2030/2031 учебного года", region=region,
                                       framework=demo.framework, period_start=date(2030, 9, 1), period_end=date(2031, 5, 31),
                                       due_date=date(2031, 6, 10))
    campaign.schools.set(demo.schools.all())
    return campaign


def test_a_folder_of_sixteen_reports_committed_as_certified_gives_coverage_the_documents_counts(folder_campaign, tmp_path):
    schools = list(folder_campaign.schools.order_by("pk"))
    assert len(schools) == 16
    expected: dict[str, int] = {}
    for number, school in enumerate(schools, start=1):
        name, data = document(number, school)
        (tmp_path / name).write_bytes(data)
        for code, _, done in plan_of(number):
            expected[code] = expected.get(code, 0) + (1 if done else 0)

    result, code = run(str(tmp_path), "--campaign", folder_campaign.code, "--commit", "--certified", "--json")
    assert code == 0, result["files"]
    assert sorted(f["school"] for f in result["files"]) == sorted(s.short_name for s in schools)
    assert all(f["status"] == "committed" for f in result["files"]) and result["committed"]["certified"] == 16

    reports = SchoolReport.objects.filter(campaign=folder_campaign)
    assert reports.count() == 16 and set(reports.values_list("status", flat=True)) == {"certified"}
    report = reports.first()
    assert report.certified_basis.startswith("документ «report_") and report.basis_file
    assert AuditEvent.objects.filter(action="report.certify_by_document").count() == 16
    summary = AuditEvent.objects.filter(action="report.certify_by_document").first().summary
    assert "заверен по документу: документ «report_" in summary and summary.count("заверен") == 1

    out = StringIO()
    call_command("coverage", "--campaign", folder_campaign.code, "--json", stdout=out)
    rows = {r["activity_type"]: r["schools"] for r in json.loads(out.getvalue()) if r["activity_type"]}
    assert {code: rows.get(code, 0) for code in expected} == expected

    # Undone: the reports the batch created are gone again and nothing is counted.
    assert run("--undo", str(result["batch"]), "--json")[0]["status"] == "undone"
    assert not reports.exists()
    assert not ReportEntry.objects.filter(report__campaign=folder_campaign).exclude(status="").exists()
    assert not Action.objects.filter(campaign=folder_campaign).exists() and not Need.objects.filter(source_name__startswith="report_").exists()
