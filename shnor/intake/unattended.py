"""Intake without the web review (`shnor import … --commit`): many schools' documents in, each school found from its
document, everything committed in one batch; a file whose school is not found or is ambiguous is left out and named.

Items the reader was not sure of (confidence below the threshold) are stored all the same and flagged for review
(`ImportItem.needs_review`); the batch's page shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from shnor.core.text import fold, parse_id
from shnor.registry.models import Membership, Municipality, School, Scope

from . import services
from .models import ImportBatch, ImportFile, ImportItem

SYSTEM_USERNAME = "shnor-import"
SYSTEM_NAME = "Загрузка из командной строки"


class CliError(Exception):
    """A refused command; the message is Russian."""


@dataclass
class FileOutcome:
    name: str
    school: str | None
    status: str  # "committed" | "skipped" | "failed" | "refused"
    reason: str = ""


@dataclass
class Outcome:
    batch: int | None
    files: list[FileOutcome] = field(default_factory=list)
    committed: dict[str, int] = field(default_factory=dict)
    error: str = ""

    @property
    def skipped(self) -> bool:
        return any(f.status != "committed" for f in self.files)

    def as_dict(self) -> dict:
        data = {"batch": self.batch, "files": [{"name": f.name, "school": f.school, "status": f.status, "reason": f.reason} for f in self.files],
                "committed": self.committed}
        if self.error:
            data["error"] = self.error
        return data

    def text(self) -> str:
        lines = [f"Импорт № {self.batch}" if self.batch else "Импорт не создан"]
        labels = {"committed": "внесён", "skipped": "не внесён", "failed": "не прочитан", "refused": "не принят"}
        for f in self.files:
            lines.append(f"  {f.name}: {labels[f.status]}" + (f" — {f.school}" if f.school else "") + (f" ({f.reason})" if f.reason else ""))
        if self.committed:
            lines.append(services.committed_message(self.committed))
        if self.error:
            lines.append(self.error)
        return "\n".join(lines)


def system_user(campaign=None):
    """The acting user when `--user` is not given: «Загрузка из командной строки», named so in the audit log. It
    cannot log in; it coordinates the campaign's region so that the doors let it write (the command's caller runs
    the server)."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": SYSTEM_NAME, "is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if campaign is not None:
        Membership.objects.get_or_create(user=user, role=Membership.Role.REGIONAL, region=campaign.region)
        user.__dict__.pop("_shnor_scope", None)  # the scope is computed again with the membership
    return user


def acting_user(username: str | None, campaign=None):
    if not username:
        return system_user(campaign)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CliError(f"Пользователь «{username}» не найден.")
    if not user.is_active:
        raise CliError(f"Пользователь «{username}» заблокирован.")
    return user


def _find(model_qs, text: str, what: str, name_of: Callable):
    pk = parse_id(text)
    if pk is not None and text.strip().isdigit():
        found = model_qs.filter(pk=pk).first()
        if found:
            return found
    wanted = fold(text)
    candidates = list(model_qs)
    exact = [o for o in candidates if wanted in {fold(n) for n in name_of(o)}]
    partial = exact or [o for o in candidates if any(wanted in fold(n) for n in name_of(o))]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise CliError(f"{what} «{text}» в кампании не найден(а): укажите номер (id), краткое или полное наименование.")
    raise CliError(f"Под «{text}» подходит несколько: " + "; ".join(f"{o.pk} — {name_of(o)[0]}" for o in partial[:10]) + ". Уточните.")


def find_school(campaign, text: str) -> School:
    return _find(campaign.schools.select_related("municipality"), text, "Школа", lambda s: (s.short_name, s.full_name))


def find_municipality(campaign, text: str) -> Municipality:
    return _find(Municipality.objects.filter(region=campaign.region), text, "Муниципалитет", lambda m: (m.name,))


def commit_files(campaign, paths: list[Path], *, school_text: str | None = None, municipality_text: str | None = None,
                 certified: bool = False, username: str | None = None, progress: Callable | None = None) -> Outcome:
    user = acting_user(username, campaign)
    if certified and not Scope.of(user).is_coordinator:
        raise CliError("Заверить отчёты по документу (--certified) может только координатор.")
    school = find_school(campaign, school_text) if school_text else None
    municipality = find_municipality(campaign, municipality_text) if municipality_text else None
    outcome = Outcome(batch=None)
    uploads = []
    for path in paths:
        try:
            uploads.append(services.Upload(path.name, path.read_bytes()))
        except OSError as exc:
            outcome.files.append(FileOutcome(path.name, None, "refused", f"файл не открывается: {exc.strerror}"))
    if not uploads:
        if not outcome.files:
            raise CliError("Не найдено ни одного документа: укажите файлы DOCX, XLSX, PDF или TXT или папку с ними.")
        return outcome
    try:
        batch, warnings = services.create_batch(campaign, school, uploads, user)
    except services.IntakeError as exc:
        outcome.files += [FileOutcome(u.name, None, "refused", str(exc)) for u in uploads]
        return outcome
    outcome.batch = batch.pk
    taken = set(batch.files.values_list("file_name", flat=True))
    for upload, warning in zip([u for u in uploads if u.name not in taken], warnings, strict=False):
        outcome.files.append(FileOutcome(upload.name, None, "refused", warning))
    services.read_batch.call(batch.pk)  # here, not through the queue: the command waits for its result anyway
    batch.refresh_from_db()
    left_out = []
    for f in batch.files.select_related("school").order_by("pk"):
        if f.status == ImportFile.Status.FAILED:
            outcome.files.append(FileOutcome(f.file_name, None, "failed", f.error))
            left_out.append(f.pk)
            continue
        if municipality is not None:
            _within(f, municipality)
        if f.school_id is None:
            reason = f"школа {f.school_found.removeprefix('не определена: ')}" if f.school_found else "школа не определена"
            if f.school_candidates:
                reason += ": " + "; ".join(c["name"] for c in f.school_candidates[:10])
            outcome.files.append(FileOutcome(f.file_name, None, "skipped", reason + ". Укажите школу: --school."))
            left_out.append(f.pk)
            continue
        outcome.files.append(FileOutcome(f.file_name, f.school.short_name, "committed", f.school_found))
    if left_out:
        ImportItem.objects.filter(file_id__in=left_out).update(include=False)
    if len(left_out) == batch.files.count():
        return outcome
    if certified:
        try:
            services.set_certified(batch, True, user)
        except services.IntakeError as exc:
            raise CliError(str(exc)) from None
    try:
        outcome.committed = services.commit_batch(batch, user)
    except services.IntakeError as exc:
        outcome.error = f"Импорт № {batch.pk} не внесён: {exc}"
        for f in outcome.files:
            if f.status == "committed":
                f.status, f.reason = "skipped", "импорт не внесён"
    return outcome


@transaction.atomic
def _within(f: ImportFile, municipality: Municipality) -> None:
    """`--municipality`: the file's school must be one of the municipality's; of several candidates, the one there."""
    schools = set(School.objects.filter(municipality=municipality).values_list("pk", flat=True))
    if f.school_id is not None and f.school_id in schools:
        return
    inside = [c for c in f.school_candidates if c["id"] in schools]
    previous = f.school_id
    if f.school_id is None and len(inside) == 1:
        f.school_id, f.school_found = inside[0]["id"], f"по тексту документа (единственная из названных школ муниципалитета «{municipality.name}»)"
    else:
        f.school_id = None
        f.school_found = f.school_found if previous is None else f"не определена: названная школа не из муниципалитета «{municipality.name}»"
    f.school_candidates = inside if f.school_id is None else []
    f.save(update_fields=["school", "school_found", "school_candidates"])
    f.items.filter(school_id=previous).update(school_id=f.school_id)


def undo(batch_id: int, username: str | None):
    batch = ImportBatch.objects.select_related("campaign").filter(pk=batch_id).first()
    if batch is None:
        raise CliError(f"Импорт № {batch_id} не найден.")
    user = acting_user(username, batch.campaign)
    try:
        services.undo_batch(batch, user)
    except services.IntakeError as exc:
        raise CliError(str(exc)) from None
    batch.refresh_from_db()
    return batch
