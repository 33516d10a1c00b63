"""The readers turn each format into blocks in reading order, with tables de-duplicated and joined."""

from pathlib import Path

import pytest

from shnor.core.documents import READERS, Block, Document, detect_format, read_document

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "intake"


def read(name: str) -> Document:
    return read_document((FIXTURES / name).read_bytes(), name)


def tables(document: Document) -> list[Block]:
    return [block for block in document.blocks if block.kind == "table"]


def test_it_registers_one_reader_per_format():
    assert set(READERS) == {"docx", "xlsx", "pdf", "txt", "csv"}


@pytest.mark.parametrize(
    "name, fmt",
    [("uyar_table.docx", "docx"), ("uyar_table.xlsx", "xlsx"), ("bryansk_spravka.pdf", "pdf"),
     ("kavalerovo_prose_cp1251.txt", "txt"), ("bad_xlsx_named.docx", "xlsx")],
)
def test_it_detects_the_format_by_content(name, fmt):
    assert detect_format((FIXTURES / name).read_bytes(), name) == fmt


def test_it_joins_a_word_table_continued_on_the_next_page_and_drops_the_repeated_header():
    document = read("uyar_table.docx")
    [table] = tables(document)
    assert table.where == "таблица 1"
    assert table.rows[0] == ["№ п/п", "Наименование мероприятия", "Ожидаемый результат", "Фактический результат"]
    assert sum(1 for row in table.rows if row[0] == "№ п/п") == 1
    numbers = [row[0] for row in table.rows if row[0].rstrip(".").isdigit()]
    assert numbers == [f"{n}." for n in range(1, 22)]


def test_it_gives_a_merged_full_width_row_its_text_once():
    [table] = tables(read("uyar_table.docx"))
    row = next(row for row in table.rows if row[0].startswith("Подпрограмма 2"))
    assert row[1:] == ["", "", ""]


def test_it_keeps_paragraphs_and_tables_in_body_order():
    document = read("uyar_table.docx")
    kinds = [block.kind for block in document.blocks]
    table_at = kinds.index("table")
    assert "В мониторинге приняли участие 9" in document.blocks[table_at - 1].text
    assert document.blocks[table_at + 1].text.startswith("Аналитическую справку подготовил")
    assert [block.index for block in document.blocks] == list(range(len(document.blocks)))


def test_it_reads_heading_styles_as_headings():
    headings = [block for block in read("uyar_table.docx").blocks if block.kind == "heading"]
    assert [block.text for block in headings] == ["1. Процедура мониторинга.", "2. Результаты мониторинга"]
    assert all(block.level == 2 for block in headings)


def test_it_renders_word_numbering_and_bullets_as_markers():
    blocks = read("bryansk_spravka.docx").blocks
    schools = [b for b in blocks if b.kind == "list_item" and b.text.startswith(("МБОУ", "МОУ"))]
    assert [b.marker for b in schools] == [f"{n})" for n in range(1, 17)]
    bullet = next(b for b in blocks if b.text.startswith("диагностика профессиональных дефицитов"))
    assert (bullet.kind, bullet.marker, bullet.level) == ("list_item", "·", 1)
    assert bullet.where.startswith("абзац ")


def test_it_de_duplicates_vertically_merged_cells_and_keeps_the_grid():
    [table] = tables(read("two_row_header.docx"))
    assert table.rows[0] == ["№ п/п", "Наименование мероприятия", "Сроки проведения", "Результат", "", "Статус"]
    assert table.rows[1] == ["", "", "", "ожидаемый", "фактический", ""]
    assert all(len(row) == 6 for row in table.rows)


def test_it_reads_an_excel_sheet_with_a_title_above_the_header():
    document = read("municipal_plan.xlsx")
    assert document.blocks[0].text.startswith("План мероприятий по повышению качества образования")
    table = tables(document)[0]
    assert table.where == "лист «Отчёт», таблица 1"
    assert table.first_row == 3
    assert table.rows[0][1] == "Содержание работы"
    assert table.rows[2][2] == "15.03.2023"  # a date cell, formatted as people write it
    notes = [b for b in document.blocks if b.where.startswith("лист «Пояснения»")]
    assert notes[0].text == "Выводы:" and notes[1].kind == "list_item"
    assert any(b.text.startswith("Исполнитель: Петрова") for b in document.blocks if b.kind == "paragraph")


def test_it_reads_merged_excel_rows_once():
    [table] = tables(read("uyar_table.xlsx"))
    row = next(row for row in table.rows if row[0].startswith("Подпрограмма 1"))
    assert row[1:] == ["", "", ""]


def test_it_reads_tab_separated_lines_of_a_text_file_as_one_table_across_blank_lines():
    document = read("uyar_table.txt")
    [table] = tables(document)
    assert len(table.rows) == 30
    assert table.rows[4] == ["", "", "результатов", ""]


def test_it_decodes_windows_1251_text():
    document = read("kavalerovo_prose_cp1251.txt")
    assert document.blocks[0].text.startswith("Анализ по результатам реализации муниципального")
    assert any("проведён промежуточный анализ" in b.text for b in document.blocks)
    assert not document.warnings


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                           ("cp1251", b""), ("koi8_r", b"")])
def test_it_decodes_the_encodings_people_save_text_in(encoding, bom):
    text = "Выводы:\n1) все ОО реализуют мероприятия дорожной карты;\n2) качество знаний повысилось на 1,1 %.\n"
    document = read_document(bom + text.encode(encoding), "report.txt")
    assert [b.text for b in document.blocks] == [
        "Выводы:", "все ОО реализуют мероприятия дорожной карты;", "качество знаний повысилось на 1,1 %."]


def test_it_rebuilds_paragraphs_and_list_items_from_pdf_lines():
    blocks = read("bryansk_spravka.pdf").blocks
    texts = [b.text for b in blocks]
    assert "Выводы:" in texts
    assert texts.index("Управленческие решения:") < len(texts) - 1
    bullets = [b for b in blocks if b.marker == "·"]
    assert len(bullets) == 27
    wrapped = next(b for b in bullets if b.text.startswith("иные конкурсы"))
    assert wrapped.text == "иные конкурсы профессионального мастерства, в том числе дистанционные - 2(17%);"
    assert blocks[0].where == "страница 1, абзац 1"


def test_it_reads_pdf_tables(tmp_path):
    from weasyprint import HTML

    rows = "".join(f"<tr><td>{n}.</td><td>Семинар {n}</td><td>Выполнено</td></tr>" for n in range(1, 4))
    pdf = HTML(string="<html><head><style>table { border-collapse: collapse } td, th { border: 1px solid black }"
                      '</style></head><body><p>Отчёт школы</p><table>'
                      f"<tr><th>№</th><th>Мероприятие</th><th>Статус</th></tr>{rows}</table></body></html>").write_pdf()
    document = read_document(pdf, "table.pdf")
    [table] = tables(document)
    assert table.rows[0] == ["№", "Мероприятие", "Статус"]
    assert table.rows[3] == ["3.", "Семинар 3", "Выполнено"]
    assert document.blocks[0].text == "Отчёт школы"


def test_it_warns_about_text_boxes_it_does_not_read():
    import io

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    source = docx.Document()
    source.add_paragraph("Основной текст")
    run = source.add_paragraph().add_run()
    run._r.append(parse_xml(
        f'<w:pict {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><v:textbox>'
        '<w:txbxContent><w:p><w:r><w:t>Текст в надписи</w:t></w:r></w:p></w:txbxContent>'
        "</v:textbox></v:shape></w:pict>"))
    buffer = io.BytesIO()
    source.save(buffer)
    document = read_document(buffer.getvalue(), "boxes.docx")
    assert [b.text for b in document.blocks] == ["Основной текст"]
    assert "надпис" in document.warnings[0]


def test_it_flattens_a_nested_table_into_its_cell():
    import io

    import docx

    source = docx.Document()
    table = source.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Мероприятие"
    inner = table.cell(0, 1).add_table(rows=2, cols=2)
    for i, (a, b) in enumerate([("5А", "выполнено"), ("6Б", "частично")]):
        inner.cell(i, 0).text, inner.cell(i, 1).text = a, b
    buffer = io.BytesIO()
    source.save(buffer)
    [block] = read_document(buffer.getvalue(), "nested.docx").blocks
    assert block.rows == [["Мероприятие", "5А — выполнено\n6Б — частично"]]
