"""The справка as DOCX: docxtpl fills a Word template (the default one, or a region's own letterhead).

A template that cannot be used — not a DOCX, broken jinja tags, an unknown filter — raises `TemplateError`
with a Russian message for the coordinator; nothing else escapes from here.
"""

from __future__ import annotations

import zipfile
from dataclasses import asdict
from io import BytesIO
from pathlib import Path

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from .content import Spravka

DEFAULT_TEMPLATE = Path(__file__).parent / "templates" / "spravka.docx"
CHART_WIDTH = Mm(160)


class TemplateError(Exception):
    """A Word template that cannot be filled; `message` says in Russian what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def default_template() -> bytes:
    return DEFAULT_TEMPLATE.read_bytes()


def _context(spravka: Spravka, tpl: DocxTemplate) -> dict:
    context = {k: v for k, v in asdict(spravka).items() if k != "charts"}
    context["charts"] = [{"key": c.key, "title": c.title, "image": InlineImage(tpl, BytesIO(c.png), width=CHART_WIDTH)}
                         for c in spravka.charts]
    return context


def render(spravka: Spravka, template: bytes | None = None) -> bytes:
    """Fill `template` (DOCX bytes; the default when None) with the справка."""
    source = template if template is not None else default_template()
    if not zipfile.is_zipfile(BytesIO(source)):
        raise TemplateError("Шаблон справки не является документом Word (DOCX). Загрузите файл .docx или удалите шаблон региона, "
                            "чтобы использовать шаблон по умолчанию.")
    try:
        tpl = DocxTemplate(BytesIO(source))
        tpl.render(_context(spravka, tpl), autoescape=True)
        out = BytesIO()
        tpl.save(out)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"В шаблоне справки ошибка в разметке полей (строка {exc.lineno} разметки): {exc.message}. "
                            "Проверьте парность тегов {% … %} и фигурных скобок {{ … }}.") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Шаблон справки не удалось заполнить: {exc}. Проверьте имена полей по списку допустимых.") from exc
    except (KeyError, ValueError, TypeError, AttributeError, zipfile.BadZipFile, OSError) as exc:
        raise TemplateError(f"Шаблон справки повреждён или имеет неподдерживаемую структуру ({exc.__class__.__name__}: {exc}). "
                            "Сохраните его заново в Word как .docx или удалите шаблон региона.") from exc
    except Exception as exc:  # lxml and docx raise their own types on malformed parts
        raise TemplateError(f"Шаблон справки не удалось обработать ({exc.__class__.__name__}). "
                            "Сохраните его заново в Word как .docx или удалите шаблон региона.") from exc
    return out.getvalue()


def check_template(template: bytes, sample: Spravka) -> None:
    """Raise TemplateError when `template` cannot be filled with `sample` (used before accepting an upload)."""
    render(sample, template)
