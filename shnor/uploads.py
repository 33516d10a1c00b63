"""Checks of an uploaded file before anything reads it: its type (by extension), its size, not empty.

One module for every upload form and endpoint (evidence, school lists, indicator and roadmap tables); it sits
below the apps so that any of their faces may use it.
"""

from __future__ import annotations

import os

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404

from shnor.core.documents import FORMATS
from shnor.core.russian import format_decimal

EVIDENCE_EXTENSIONS = {".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".jpg", ".jpeg", ".png", ".txt", ".rtf", ".ppt", ".pptx"}
SHEET_EXTENSIONS = {*FORMATS["xlsx"].extensions, *FORMATS["csv"].extensions}


def validate_upload(f, max_mb: int | None = None, extensions=EVIDENCE_EXTENSIONS) -> None:
    max_mb = max_mb or settings.UPLOAD_MAX_MB
    ext = os.path.splitext(f.name)[1].lower()
    if ext not in extensions:
        allowed = ", ".join(sorted(e.lstrip(".") for e in extensions))
        raise forms.ValidationError(f"Файл «{f.name}»: такой тип файла не принимается. Допустимые форматы: {allowed}.")
    if f.size > max_mb * 1024 * 1024:
        size = format_decimal(f.size / 1024 / 1024, 1)
        raise forms.ValidationError(f"Файл «{f.name}» весит {size} МБ, а допускается не больше {max_mb} МБ. Сожмите его или разделите.")
    if f.size == 0:
        raise forms.ValidationError(f"Файл «{f.name}» пустой.")


def stored_file_response(field, filename: str, *, content_type: str | None = None) -> FileResponse:
    """A stored file as a download; a file missing from the storage (or a field with none) is «not found», not a 500."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("Файл не найден в хранилище") from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
