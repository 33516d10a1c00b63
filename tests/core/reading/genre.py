"""Small documents of the genre written for the tests, in the forms people send them: DOCX with Word numbering,
DOCX with typed dashes, TXT in UTF-8 and Windows-1251, PDF (WeasyPrint).

A document is a list of parts: ("p", text) a paragraph, ("h", text) a heading, ("li", text) a list item (Word
numbering in the numbered DOCX, a typed «– » elsewhere), ("table", rows) a table (cells may hold line breaks).
"""

from __future__ import annotations

import html
import io

from shnor.core.documents import read_document
from shnor.core.reading import ReadingContext, extract

FORMS = ("docx-numbered", "docx-dashes", "txt-utf8", "txt-cp1251", "pdf")
TEXT_FORMS = ("docx-numbered", "docx-dashes", "txt-utf8", "txt-cp1251")


def build(parts: list[tuple], form: str) -> tuple[bytes, str]:
    if form.startswith("docx"):
        return _docx(parts, numbered=form == "docx-numbered"), "report.docx"
    if form.startswith("txt"):
        return _txt(parts).encode("utf-8" if form == "txt-utf8" else "cp1251"), "report.txt"
    if form == "pdf":
        return _pdf(parts), "report.pdf"
    raise ValueError(form)


def read(parts: list[tuple], form: str, **context):
    data, name = build(parts, form)
    context.setdefault("classify", lambda text: (None, 0.0))
    return extract(read_document(data, name), ReadingContext(**context))


def _docx(parts: list[tuple], numbered: bool) -> bytes:
    import docx

    document = docx.Document()
    for kind, content in parts:
        if kind == "h":
            document.add_heading(content, level=2)
        elif kind == "li":
            if numbered:
                document.add_paragraph(content, style="List Bullet")
            else:
                document.add_paragraph(f"– {content}")
        elif kind == "table":
            table = document.add_table(rows=0, cols=len(content[0]))
            for row in content:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    lines = text.split("\n")
                    cell.text = lines[0]
                    for line in lines[1:]:
                        if numbered and line.startswith("– "):
                            cell.add_paragraph(line[2:], style="List Bullet")
                        else:
                            cell.add_paragraph(line)
        else:
            document.add_paragraph(content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _txt(parts: list[tuple]) -> str:
    lines = []
    for kind, content in parts:
        if kind == "li":
            lines.append(f"– {content}")
        elif kind == "table":
            # Word's «Save as text»: cells separated by tabs, line breaks inside a cell become spaces.
            lines.extend("\t".join(cell.replace("\n", " ") for cell in row) for row in content)
        else:
            lines.append(content)
    return "\r\n".join(lines) + "\r\n"


def _pdf(parts: list[tuple]) -> bytes:
    from weasyprint import HTML

    body = ['<html><head><meta charset="utf-8"><style>body{font-family:"Liberation Serif";font-size:11pt}'
            "td{border:1px solid #000;vertical-align:top} table{border-collapse:collapse;width:100%}</style></head><body>"]
    for kind, content in parts:
        if kind == "h":
            body.append(f"<h2>{html.escape(content)}</h2>")
        elif kind == "li":
            body.append(f"<p>– {html.escape(content)}</p>")
        elif kind == "table":
            body.append("<table>")
            for row in content:
                cells = "".join(f"<td>{'<br>'.join(html.escape(line) for line in cell.split(chr(10)))}</td>" for cell in row)
                body.append(f"<tr>{cells}</tr>")
            body.append("</table>")
        else:
            body.append(f"<p>{html.escape(content)}</p>")
    body.append("</body></html>")
    return HTML(string="\n".join(body)).write_pdf()
