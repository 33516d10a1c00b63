"""Small files that ask a reader for a lot: the cases of the outside probe (issue 15, fault 3), built in memory."""

from __future__ import annotations

import io
import zipfile
import zlib

from openpyxl import Workbook


def xlsx_with_a_far_row(dimension: str = "A1:XFD1048576") -> bytes:
    """A few KB declaring `dimension`, with a header row, a data row and a row at r=1048576."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Код школы", "Показатель", "Значение"])
    ws.append([1, "Качество знаний", 40])
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace('<dimension ref="A1:C2"/>', f'<dimension ref="{dimension}"/>')
                text = text.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')
                data = text.encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def _stream(data: bytes, *, deflated: bool) -> bytes:
    extra = b" /Filter /FlateDecode" if deflated else b""
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _pdf(content_stream: bytes) -> bytes:
    """A one-page PDF with `content_stream` (a stream object) as its page's content, Helvetica as its font."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        content_stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_text(text: str) -> bytes:
    return _pdf(_stream(zlib.compress(b"BT /F1 12 Tf 72 770 Td (" + text.encode("latin-1") + b") Tj ET"), deflated=True))


def pdf_with_many_glyphs(glyphs: int = 2_000_000) -> bytes:
    """A PDF of a few KB whose one page draws `glyphs` characters."""
    return _pdf(_stream(zlib.compress(b"BT /F1 1 Tf 0 0 Td (" + b"a" * glyphs + b") Tj ET", 9), deflated=True))


def pdf_with_a_huge_stream(megabytes: int = 1024) -> bytes:
    """A PDF of about 1 MB whose page content inflates to `megabytes` MB of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    data = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    return _pdf(_stream(data, deflated=True))


def csv_of_separators(megabytes: int = 20) -> bytes:
    return b";\n" * (megabytes * 1024 * 1024 // 2)
