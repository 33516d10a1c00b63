"""Whatever the bytes, reading raises only DocumentError, with a Russian message that says what to fix."""

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shnor.core.documents as documents
from shnor.core.documents import Document, DocumentError, read_document

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "intake"
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def error_for(data: bytes, name: str, **kwargs) -> str:
    with pytest.raises(DocumentError) as caught:
        read_document(data, name, **kwargs)
    message = caught.value.message
    assert CYRILLIC.search(message), message
    return message


@pytest.mark.parametrize(
    "name, expected",
    [
        ("bad_empty.docx", "пустой"),
        ("bad_corrupt.docx", "повреждён"),
        ("bad_zip_bomb.docx", "zip-бомб"),
        ("bad_scan.pdf", "В PDF нет текстового слоя (похоже, это скан). Загрузите исходный документ Word или PDF с текстом."),
        ("bad_encrypted.pdf", "защищён паролем"),
        ("bad_unknown.bin", "Не удалось определить формат"),
    ],
)
def test_it_explains_why_a_bad_fixture_cannot_be_read(name, expected):
    assert expected in error_for((FIXTURES / name).read_bytes(), name)


def test_it_reads_a_file_with_the_wrong_extension_and_says_so():
    document = read_document((FIXTURES / "bad_xlsx_named.docx").read_bytes(), "bad_xlsx_named.docx")
    assert document.format == "xlsx"
    assert "на самом деле — таблица Excel (XLSX)" in document.warnings[0]


def test_it_refuses_a_file_over_the_size_limit():
    message = error_for(b"x" * 2048, "big.txt", max_bytes=1024)
    assert "слишком большой" in message


def test_it_refuses_a_zip_that_unpacks_to_more_than_the_total_limit(monkeypatch):
    monkeypatch.setitem(documents.FORMATS, "docx", dataclasses.replace(documents.FORMATS["docx"], max_unzipped_bytes=1000))
    data = (FIXTURES / "uyar_table.docx").read_bytes()
    assert "zip-бомб" in error_for(data, "big.docx")


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"), "паролем"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "97–2003"),
        (b"{\\rtf1\\ansi Hello}", "RTF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "изображение"),
        (b"<!DOCTYPE html><html><body>report</body></html>", "HTML"),
    ],
)
def test_it_names_formats_it_does_not_read(data, expected):
    assert expected in error_for(data, "report.docx")


def test_it_refuses_an_archive_that_is_not_a_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("отчёт.txt", "текст")
    assert "архив" in error_for(buffer.getvalue(), "reports.zip")


def test_it_refuses_a_password_protected_zip_member():
    data = bytearray((FIXTURES / "uyar_table.docx").read_bytes())
    # Set the "encrypted" flag of every central-directory entry, as a password-protected zip has.
    for match in re.finditer(rb"PK\x01\x02", bytes(data)):
        data[match.start() + 8] |= 0x1
    assert "паролем" in error_for(bytes(data), "locked.docx")


def _read_or_error(data: bytes, name: str) -> None:
    try:
        result = read_document(data, name)
    except DocumentError as error:
        assert isinstance(error.message, str) and CYRILLIC.search(error.message)
    else:
        assert isinstance(result, Document)
        assert all(block.kind in ("heading", "paragraph", "list_item", "table") for block in result.blocks)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), name=st.sampled_from(["a.docx", "a.xlsx", "a.pdf", "a.txt", "a", "a.doc"]))
def test_it_raises_only_document_error_on_arbitrary_bytes(data, name):
    _read_or_error(data, name)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from([b"PK\x03\x04", b"%PDF-1.4\n", b"\xef\xbb\xbf", b"\xff\xfe", b""]), data=st.binary(max_size=2048))
def test_it_raises_only_document_error_on_bytes_behind_a_known_signature(prefix, data):
    _read_or_error(prefix + data, "report.docx")


_REAL = {name: (FIXTURES / name).read_bytes() for name in
         ("uyar_table.docx", "municipal_plan.xlsx", "bryansk_spravka.pdf", "kavalerovo_prose_cp1251.txt",
          "two_row_header.docx")}


@st.composite
def mutated_fixture(draw):
    name = draw(st.sampled_from(sorted(_REAL)))
    data = bytearray(_REAL[name])
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(1, len(data)))]
    return name, bytes(data)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fixture=mutated_fixture())
def test_it_raises_only_document_error_on_mutated_real_files(fixture):
    name, data = fixture
    _read_or_error(data, name)


def _zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


@settings(max_examples=60, deadline=None)
@given(xml=st.binary(max_size=512) | st.text(max_size=300).map(str.encode))
def test_it_raises_only_document_error_on_a_zip_with_a_broken_document_part(xml):
    source = zipfile.ZipFile(FIXTURES / "uyar_table.docx")
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    members["word/document.xml"] = xml
    _read_or_error(_zip_with(members), "broken.docx")
