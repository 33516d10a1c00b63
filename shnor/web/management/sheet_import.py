"""What the `shnor import-…` commands of XLSX/CSV templates share: the file, the acting user, the row errors."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from shnor.core.sheets import SheetError


def read_file(file: str) -> tuple[bytes, str]:
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"Файл «{file}» не найден.")
    return path.read_bytes(), path.name


def acting_user(username: str | None):
    if not username:
        return None
    actor = get_user_model().objects.filter(username=username).first()
    if actor is None:
        raise CommandError(f"Пользователь «{username}» не найден.")
    return actor


def run_import(command, do_import):
    """do_import() with the file's problems turned into the command's error: nothing is written then."""
    try:
        result = do_import()
    except SheetError as exc:
        raise CommandError(str(exc)) from None
    if result.errors:
        for line in result.error_lines():
            command.stderr.write(line)
        raise CommandError(f"Ошибок в строках: {len(result.errors)}. Ничего не записано.")
    return result
