"""Text of uploaded documents for the search index: real PDF, DOCX and XLSX files, and bad ones."""

import io
import logging
import time
import zipfile
from pathlib import Path

import pytest
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.uploads import StoredFile, store_upload, stored_file_path
from portal.uploads import text as upload_text
from portal.uploads.text import clean_text, extract_text, extract_text_from_path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
KYRGYZ = "Караколдо таштандыларды чогултуу"
PLACES = "Өзгөн, Үч-Коргон, Ноокаттагы жаңы көпүрө"
RUSSIAN = "Вывоз мусора в Караколе"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.fixture
def font() -> Path:
    if not FONT.is_file():
        pytest.skip(f"DejaVu Sans is not installed at {FONT} (Debian: fonts-dejavu-core)")
    return FONT


def make_pdf(font: Path, pages: list[list[str]], **encryption) -> bytes:
    """A PDF with one page per list of lines, in DejaVu Sans so Kyrgyz letters are embedded."""
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=font)
    pdf.set_font("DejaVu", size=12)
    if encryption:
        pdf.set_encryption(**encryption)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(text=line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def zip_bytes(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(body: str) -> bytes:
    """A minimal DOCX whose w:body holds `body`."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body>'
        "</w:document>"
    )
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document})


def paragraph(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r>{run}</w:r>" for run in runs) + "</w:p>"


def xlsx(shared_strings: str | None, sheets: dict[str, str]) -> bytes:
    """A minimal XLSX with the given <si> items and worksheets' <sheetData> contents."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {SHEET_NS}/>',
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = f"<sst {SHEET_NS}>{shared_strings}</sst>"
    for name, rows in sheets.items():
        parts[f"xl/worksheets/{name}.xml"] = (
            f"<worksheet {SHEET_NS}><sheetData>{rows}</sheetData></worksheet>"
        )
    return zip_bytes(parts)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def text_of(tmp_path: Path, data: bytes, extension: str, **options) -> str:
    return extract_text_from_path(write(tmp_path, f"file.{extension}", data), extension, **options)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_pdf_keeps_kyrgyz_and_russian_letters(tmp_path, font):
    data = make_pdf(font, [[KYRGYZ, PLACES, RUSSIAN]])
    assert text_of(tmp_path, data, "pdf") == f"{KYRGYZ}\n{PLACES}\n{RUSSIAN}"


def test_pdf_pages_come_in_order(tmp_path, font):
    data = make_pdf(font, [["Биринчи бет"], ["Экинчи бет"], ["Үчүнчү бет"]])
    assert text_of(tmp_path, data, "pdf") == "Биринчи бет\nЭкинчи бет\nҮчүнчү бет"


def test_pdf_pages_beyond_the_limit_are_not_read(tmp_path, font, monkeypatch):
    monkeypatch.setattr(upload_text, "MAX_PDF_PAGES", 2)
    data = make_pdf(font, [["Биринчи бет"], ["Экинчи бет"], ["Үчүнчү бет"]])
    assert text_of(tmp_path, data, "pdf") == "Биринчи бет\nЭкинчи бет"


def test_pdf_with_a_user_password_gives_no_text(tmp_path, font):
    data = make_pdf(font, [["Жашыруун отчёт"]], owner_password="owner", user_password="secret")
    assert text_of(tmp_path, data, "pdf") == ""


def test_pdf_encrypted_with_only_an_owner_password_opens_for_anyone(tmp_path, font):
    data = make_pdf(font, [["Ачык отчёт"]], owner_password="owner")
    assert text_of(tmp_path, data, "pdf") == "Ачык отчёт"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nthis is not a PDF at all\n",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Pages /Kids [1 0 R] >>\nendobj\n%%EOF\n",
        b"",
    ],
    ids=["garbage", "self-referencing", "empty"],
)
def test_corrupt_pdf_gives_no_text_and_no_warning(tmp_path, data, caplog):
    with caplog.at_level(logging.INFO, logger="portal.uploads.text"):
        assert text_of(tmp_path, data, "pdf") == ""
    ours = [record for record in caplog.records if record.name == "portal.uploads.text"]
    assert [record.levelname for record in ours] == ["INFO"]


def test_truncated_pdf_gives_no_text(tmp_path, font):
    data = make_pdf(font, [[KYRGYZ]])
    assert text_of(tmp_path, data[: len(data) // 2], "pdf") == ""


def test_docx_paragraphs_become_lines_and_runs_join(tmp_path):
    body = paragraph("<w:t>Биринчи</w:t>", "<w:tab/>", "<w:t>абзац: Өз</w:t>", "<w:t>гөн</w:t>")
    body += paragraph("<w:t>Экинчи</w:t><w:br/><w:t xml:space='preserve'>  абзац  </w:t>")
    assert text_of(tmp_path, docx(body), "docx") == "Биринчи абзац: Өзгөн\nЭкинчи абзац"


def test_docx_leaves_out_deleted_text_and_field_codes(tmp_path):
    body = paragraph(
        "<w:t>Бюджет</w:t>",
        "<w:delText>эски</w:delText>",
        "<w:instrText>PAGE</w:instrText>",
        "<w:t> 2024</w:t>",
    )
    assert text_of(tmp_path, docx(body), "docx") == "Бюджет 2024"


def test_docx_invisible_characters_are_dropped_and_spaces_collapsed(tmp_path):
    body = paragraph("<w:t>таш\u00adтан\u200bды\u202e  \u00a0 жана\u00a0\u00a0суу</w:t>")
    body += paragraph("<w:t>   </w:t>")
    body += paragraph("<w:t>акыркы</w:t>")
    assert text_of(tmp_path, docx(body), "docx") == "таштанды жана суу\nакыркы"


def test_truncated_docx_gives_no_text(tmp_path):
    data = docx(paragraph(f"<w:t>{KYRGYZ}</w:t>") * 50)
    assert text_of(tmp_path, data[: len(data) // 2], "docx") == ""


def test_docx_with_broken_xml_gives_no_text(tmp_path):
    assert text_of(tmp_path, docx("<w:p><w:r><w:t>Салам</w:r></w:p>"), "docx") == ""


def test_docx_with_entity_expansion_gives_no_text_quickly(tmp_path):
    entities = '<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)
    )
    document = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        f"<w:document {W}><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document})
    started = time.monotonic()
    assert text_of(tmp_path, data, "docx") == ""
    assert time.monotonic() - started < 5


def test_docx_larger_than_the_byte_budget_keeps_its_beginning(tmp_path, monkeypatch):
    monkeypatch.setattr(upload_text, "MAX_XML_BYTES", 4000)
    data = docx("".join(paragraph(f"<w:t>Абзац {n}</w:t>") for n in range(1000)))
    text = text_of(tmp_path, data, "docx")
    assert text.startswith("Абзац 0\nАбзац 1\nАбзац 2\n")
    assert "Абзац 999" not in text


def test_docx_without_its_document_part_gives_no_text_and_no_warning(tmp_path, caplog):
    data = zip_bytes({"[Content_Types].xml": CONTENT_TYPES})
    assert text_of(tmp_path, data, "docx") == ""
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_xlsx_shared_and_inline_strings(tmp_path):
    shared = (
        "<si><t>Район</t></si>"
        "<si><r><t>Жалал-</t></r><r><rPr><b/></rPr><t>Абад</t></r></si>"
        "<si><t>東京</t><rPh sb='0' eb='2'><t>トウキョウ</t></rPh></si>"
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>450000</v></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Ош шаары</t></is></c></row>'
    )
    sheets = {
        "sheet1": sheet,
        "sheet10": '<row r="1"><c t="inlineStr"><is><t>он</t></is></c></row>',
    }
    sheets["sheet2"] = '<row r="1"><c t="inlineStr"><is><t>эки</t></is></c></row>'
    text = text_of(tmp_path, xlsx(shared, sheets), "xlsx")
    assert text == "Район\nЖалал-Абад\n東京\nОш шаары\nэки\nон"


def test_xlsx_without_shared_strings_reads_inline_strings(tmp_path):
    sheet = '<row r="1"><c t="inlineStr"><is><t>Талас</t></is></c><c><v>7</v></c></row>'
    assert text_of(tmp_path, xlsx(None, {"sheet1": sheet}), "xlsx") == "Талас"


def test_max_chars_truncates(tmp_path, font):
    body = paragraph(f"<w:t>{KYRGYZ}</w:t>") * 100
    assert text_of(tmp_path, docx(body), "docx", max_chars=9) == "Караколдо"
    assert text_of(tmp_path, make_pdf(font, [[KYRGYZ]] * 3), "pdf", max_chars=9) == "Караколдо"
    assert text_of(tmp_path, docx(body), "docx", max_chars=0) == ""
    full = text_of(tmp_path, docx(body), "docx")
    assert full == "\n".join([KYRGYZ] * 100)


def test_images_and_unknown_types_give_no_text(tmp_path):
    assert text_of(tmp_path, png(), "png") == ""
    assert text_of(tmp_path, png(), "jpg") == ""
    assert text_of(tmp_path, b"plain", "txt") == ""


def test_missing_file_gives_no_text(tmp_path):
    assert extract_text_from_path(tmp_path / "gone.pdf", "pdf") == ""


def test_unexpected_errors_are_logged_as_warnings(app, tmp_path, monkeypatch, caplog):
    def explode(path: Path, max_chars: int) -> str:
        raise RecursionError("hostile page tree")

    monkeypatch.setitem(upload_text.EXTRACTORS, "pdf", explode)
    with app.app_context():
        assert extract_text_from_path(write(tmp_path, "bad.pdf", b"%PDF-"), "pdf") == ""
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert [record.getMessage() for record in warnings] == ["Text extraction failed for bad.pdf"]


def test_clean_text_removes_nul_and_controls():
    raw = "Нарын\x00 \x07облусу\r\n\n\t\x0cКочкор\ufeff \ud800айылы\x1f"
    assert clean_text(raw) == "Нарын облусу\nКочкор айылы"


def upload(app, data: bytes, filename: str) -> int:
    with app.test_request_context():
        stored = store_upload(FileStorage(io.BytesIO(data), filename=filename), {"pdf", "docx"})
        db.session.commit()
        return stored.id


def test_uploaded_documents_give_their_text(app, font):
    pdf_id = upload(app, make_pdf(font, [[KYRGYZ], [PLACES]]), "Отчёт.pdf")
    docx_id = upload(app, docx(paragraph(f"<w:t>{RUSSIAN}</w:t>")), "Письмо.docx")
    with app.app_context():
        assert extract_text(db.session.get(StoredFile, pdf_id)) == f"{KYRGYZ}\n{PLACES}"
        assert extract_text(db.session.get(StoredFile, docx_id), max_chars=5) == "Вывоз"


def test_uploaded_image_and_damaged_stored_file_give_no_text(app):
    with app.test_request_context():
        image = store_upload(FileStorage(io.BytesIO(png()), filename="map.png"), {"png"})
        document = store_upload(FileStorage(io.BytesIO(docx(paragraph())), "a.docx"), {"docx"})
        db.session.commit()
        assert extract_text(image) == ""
        stored_file_path(document).write_bytes(b"PK\x03\x04 damaged on disk")
        assert extract_text(document) == ""
        stored_file_path(document).unlink()
        assert extract_text(document) == ""
