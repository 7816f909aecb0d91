"""What an uploaded Word, Excel or OpenDocument file reaches beyond itself with: links to other
files, DDE (fields and formulas that start another program) and embedded OLE objects.

Pure Python, no Flask. ``scan(archive, kind)`` reads an archive whose directory ``grants.uploads``
has already checked (entries, sizes, ratios, layout) and returns the most serious ``Finding``, or
None. It raises ``Unreadable`` for a damaged entry and for XML with a document type declaration:
no Office or OpenDocument part has one, and entity expansion and external entities need one, so
refusing it leaves nothing to expand or fetch. XML is read a part at a time by the standard
library's expat, without namespace processing: elements and attributes are matched by their local
name whatever the prefix, so renaming a prefix hides nothing. A plain UTF-8 part that does not
contain one of the words that matter is only searched, not parsed (see ``_Part.worth_parsing``).
Plain hyperlinks are not findings.
"""

from __future__ import annotations

import enum
import functools
import re
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import unquote
from xml.parsers import expat


class Finding(enum.IntEnum):
    """Ordered by what a person most needs to hear: a command beats an object beats a link."""

    EXTERNAL_LINKS = 1
    EMBEDDED_OBJECTS = 2
    DDE = 3


class Unreadable(ValueError):
    """An entry could not be read, or its XML is damaged or declares a document type."""


_LINKS, _EMBEDDED, _DDE = Finding.EXTERNAL_LINKS, Finding.EMBEDDED_OBJECTS, Finding.DDE
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: OLE objects, .doc, .xls
_SLICE = 1024 * 1024  # bytes lowered at a time when searching a part

# Office Open XML (ECMA-376), transitional and strict -----------------------------------------------

HYPERLINK_TYPES = frozenset({
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/hyperlink",
})
# Relationship types by their last segment, inside the package (any type outside it is a link).
_RELATIONSHIPS = {
    "oleobject": _EMBEDDED, "control": _EMBEDDED, "activexcontrolbinary": _EMBEDDED,
    "afchunk": _EMBEDDED,  # an RTF, HTML or MHT chunk Word imports when opening, objects and all
    "externallink": _LINKS, "externallinkpath": _LINKS, "connections": _LINKS,
}
_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.oleobject": _EMBEDDED,
    "application/vnd.ms-office.activex+xml": _EMBEDDED,
    "application/vnd.ms-office.activex": _EMBEDDED,
    "application/vnd.ms-excel": _EMBEDDED,  # an embedded .xls
    "application/msword": _EMBEDDED,  # an embedded .doc
    "application/vnd.ms-powerpoint": _EMBEDDED,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.externallink+xml": _LINKS,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml": _LINKS,
}
# A chart keeps its data in an embedded workbook: normal, and opened only to edit the chart.
_PACKAGE_EXTENSIONS = frozenset({"docx", "xlsx", "pptx", "sldx", "dotx", "xltx", "potx", "ppsx"})
_ELEMENTS = {
    "object": _EMBEDDED, "OLEObject": _EMBEDDED, "oleObject": _EMBEDDED, "oleObjects": _EMBEDDED,
    "objectEmbed": _EMBEDDED, "altChunk": _EMBEDDED,
    "objectLink": _LINKS, "externalBook": _LINKS, "oleLink": _LINKS,
    "ddeLink": _DDE, "ddeItem": _DDE,
}
# Word field types (ECMA-376 part 1, 17.16.5) that fetch from elsewhere or start a program.
_FIELDS = {
    "DDE": _DDE, "DDEAUTO": _DDE, "EMBED": _EMBEDDED,
    "INCLUDETEXT": _LINKS, "INCLUDEPICTURE": _LINKS, "INCLUDE": _LINKS, "IMPORT": _LINKS, "LINK": _LINKS,
    "RD": _LINKS, "DATABASE": _LINKS,
}
_FIELD_TYPE = re.compile(r'"?([A-Za-z]+)')
_FIELD_TYPE_SO_FAR = re.compile(r'"?[A-Za-z]*')
_FIELD_CODE_KEPT = 256  # characters: enough for the field's type, whatever follows
# Elements holding an Excel formula: cells, defined names, validation and formatting, chart ranges.
_FORMULAS = frozenset({"f", "formula", "formula1", "formula2", "definedName"})
_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"|\'[^\']*(?:\'\'[^\']*)*\'')  # strings and quoted sheet names
# Outside quotes "|" only ever joins a DDE program to its topic: =cmd|' /C calc'!A0.
_FORMULA_WORDS = ("|", "DDE", "RTD", "CALL", "EXEC", "REGISTER", "WEBSERVICE")
MAX_FORMULA = 16_384  # characters; Excel's limit is 8,192
_COMMAND_FUNCTIONS = re.compile(r"(?<![\w.])(?:_xlfn\.)?(?:DDE|RTD|CALL|EXEC|REGISTER(?:\.ID)?)\s*\(", re.I | re.A)
_FETCHING_FUNCTIONS = re.compile(r"(?<![\w.])(?:_xlfn\.)?WEBSERVICE\s*\(", re.I | re.A)

# OpenDocument (ODF 1.2 part 1) --------------------------------------------------------------------

_ODF_ELEMENTS = {
    "dde-connection-decls": _DDE, "dde-connection-decl": _DDE, "dde-connection": _DDE,
    "dde-source": _DDE, "dde-links": _DDE, "dde-link": _DDE,
    "object-ole": _EMBEDDED, "applet": _EMBEDDED, "plugin": _EMBEDDED,
}
# Hyperlinks, and the template a document was made from (a record LibreOffice never runs anything from).
_ODF_HYPERLINKS = frozenset({"a", "template"})
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")  # also a Windows drive: C:


def scan(archive: zipfile.ZipFile, kind: str, budget: int) -> Finding | None:
    """The most serious finding in a DOCX or XLSX (``kind`` "ooxml") or ODT ("odf") archive, or
    None. At most ``budget`` bytes are unpacked, whatever the archive says about its entries."""
    package = _Package(archive, budget)
    if kind == "ooxml":
        package.scan_office()
    else:
        package.scan_open_document()
    return max(package.findings, default=None)


class _Package:
    def __init__(self, archive: zipfile.ZipFile, budget: int):
        self.archive, self.budget = archive, budget
        self.findings: set[Finding] = set()

    def scan_office(self) -> None:
        entries = [entry for entry in self.archive.infolist() if not entry.filename.endswith("/")]
        types = _ContentTypes(self.findings)
        for entry in entries:
            if entry.filename == "[Content_Types].xml":
                self.read(entry, types)
        for entry in entries:
            if entry.filename == "[Content_Types].xml":
                continue
            name = entry.filename.lower()
            folders = name.split("/")[:-1]
            extension = name.rpartition("/")[2].rpartition(".")[2]
            if "externallinks" in folders or name == "xl/connections.xml":
                self.findings.add(_LINKS)
            if "activex" in folders or ("embeddings" in folders and extension not in _PACKAGE_EXTENSIONS):
                self.findings.add(_EMBEDDED)
            content_type = types.of(name)
            if extension == "rels" or content_type.endswith("relationships+xml"):
                self.read(entry, _Relationships(self.findings))
            elif extension == "xml" or content_type.endswith("xml"):  # not VML: Excel's is often not XML
                self.read(entry, _OfficePart(self.findings))
            else:
                self.read(entry, None)

    def scan_open_document(self) -> None:
        for entry in self.archive.infolist():
            if not entry.filename.endswith("/"):
                xml = entry.filename.lower().endswith(".xml")
                self.read(entry, _OpenDocumentPart(self.findings) if xml else None)

    def read(self, entry: zipfile.ZipInfo, part: _Part | None) -> None:
        """Look at the entry's first bytes for an OLE compound file, and read XML through ``part``."""
        try:
            with self.archive.open(entry) as stream:
                data = stream.read(self.budget + 1 if part is not None else len(OLE_SIGNATURE))
        except (zipfile.BadZipFile, zlib.error, ValueError, NotImplementedError, EOFError, OSError) as error:
            raise Unreadable(entry.filename) from error
        if data.startswith(OLE_SIGNATURE):
            self.findings.add(_EMBEDDED)
        if part is None or not data:  # LibreOffice writes some empty XML files: nothing in them to find
            return
        self.budget -= len(data)
        if self.budget < 0:
            raise Unreadable(entry.filename)
        if not part.worth_parsing(data):
            return
        try:
            _parser(part).Parse(data, True)
        except (expat.ExpatError, LookupError, ValueError) as error:  # also an unknown or undecodable encoding
            raise Unreadable(entry.filename) from error
        part.close()


def _parser(part: _Part) -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_document_type  # before any entity is declared
    parser.buffer_text = True
    parser.StartElementHandler = part.start
    parser.EndElementHandler = part.end
    parser.CharacterDataHandler = part.text
    return parser


def _refuse_document_type(*_) -> None:
    raise Unreadable("document type declaration")


_DECLARATION = re.compile(rb"""(\xef\xbb\xbf)?(<\?xml[^>]*?(?:encoding\s*=\s*["']([^"']*)[^>]*)?\?>)?\s*<""")


def _plain_from(data: bytes) -> int | None:
    """Where the XML's markup starts if its text is its bytes: UTF-8, with no character references,
    CDATA sections, comments, document type or processing instructions to spell or split a word
    differently (else None)."""
    declaration = _DECLARATION.match(data[:1024])  # UTF-16 and other encodings do not match
    if declaration is None:
        return None
    encoding = (declaration.group(3) or b"utf-8").strip().lower()
    start = declaration.end() - 1
    if encoding not in {b"utf-8", b"utf8", b"us-ascii", b"ascii"} or any(
        data.find(marker, start) != -1 for marker in (b"&#", b"<!", b"<?", b"\x00")  # NUL: UTF-16 without a BOM
    ):
        return None
    return start


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _attribute(attributes: dict[str, str], local: str) -> str:
    return next((value for key, value in attributes.items() if _local(key) == local), "")


class _Part:
    # Lower-case words without one of which, in a plain part, there is nothing to find (None: always parse).
    WORDS: tuple[bytes, ...] | None = None
    PATTERNS: tuple[re.Pattern[bytes], ...] = ()

    def __init__(self, findings: set[Finding]):
        self.findings = findings

    def worth_parsing(self, data: bytes) -> bool:
        """Parsing is slow (a Python call an element), so a large part with nothing to find is only
        searched: in a plain part, what the parser would find is spelt out in the bytes. Slices
        overlap by more than any word; a pattern reaching a slice's end counts as found."""
        start = _plain_from(data) if self.WORDS is not None else None
        if start is None or self.WORDS is None:
            return True
        for at in range(start, len(data), _SLICE):
            piece = data[max(start, at - 64):at + _SLICE].lower()
            if any(word in piece for word in self.WORDS) or any(pattern.search(piece) for pattern in self.PATTERNS):
                return True
        return False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass


class _ContentTypes(_Part):
    """[Content_Types].xml: each part's type, by its name or else its extension (ECMA-376 part 2, 10.1.2)."""

    def __init__(self, findings: set[Finding]):
        super().__init__(findings)
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}

    def start(self, name, attributes):
        local = _local(name)
        if local not in {"Default", "Override"}:
            return
        content_type = _attribute(attributes, "ContentType").partition(";")[0].strip().lower()
        if finding := _CONTENT_TYPES.get(content_type):
            self.findings.add(finding)
        if local == "Default":
            self.defaults[_attribute(attributes, "Extension").lower()] = content_type
        else:
            self.overrides[_attribute(attributes, "PartName").lower().lstrip("/")] = content_type

    def of(self, name: str) -> str:
        return self.overrides.get(name) or self.defaults.get(name.rpartition(".")[2], "")


class _Relationships(_Part):
    """A .rels part: a target outside the package is a link unless it is a hyperlink."""

    def start(self, name, attributes):
        if _local(name) != "Relationship":
            return
        kind = _attribute(attributes, "Type").strip()
        if _attribute(attributes, "TargetMode").strip().lower() == "external":
            if kind not in HYPERLINK_TYPES:
                self.findings.add(_LINKS)
        elif finding := _RELATIONSHIPS.get(kind.rpartition("/")[2].lower()):
            self.findings.add(finding)


@dataclass
class _Field:
    code: str = ""  # the start of it, from its first character that is not a space
    in_code: bool = True
    computed: bool = False  # its type is the result of a field nested in it: { {QUOTE 68 68 69} ... }
    judged: bool = False

    def add(self, text: str) -> None:
        if len(self.code) < _FIELD_CODE_KEPT:
            self.code = (self.code + text).lstrip()[:_FIELD_CODE_KEPT]


# What an element's name means in a Word or Excel part, by the name as written (prefix and all).
_INSTRUCTION, _FIELD_CHARACTER, _SIMPLE_FIELD, _FORMULA = "instruction", "field character", "simple field", "formula"


@functools.lru_cache(maxsize=4096)  # a part uses a few dozen names, each thousands of times
def _office_meaning(name: str) -> str | Finding | None:
    local = _local(name)
    return (_INSTRUCTION if local in {"instrText", "delInstrText"} else _FIELD_CHARACTER if local == "fldChar"
            else _SIMPLE_FIELD if local == "fldSimple" else _FORMULA if local in _FORMULAS
            else _ELEMENTS.get(local))


class _OfficePart(_Part):
    """A Word or Excel part: fields (complex ones may be split over runs and nested), formulas,
    and embedded or linked objects."""

    WORDS = (b"|", b"object", b"instrtext", b"fldchar", b"fldsimple", b"altchunk", b"externalbook", b"olelink",
             b"ddelink", b"ddeitem")
    PATTERNS = tuple(re.compile(re.escape(name) + rb"\s*(?:\(|\Z)")
                     for name in (b"dde", b"rtd", b"call", b"exec", b"register", b"register.id", b"webservice"))

    def __init__(self, findings: set[Finding]):
        super().__init__(findings)
        self.fields: list[_Field] = []
        self.loose: _Field | None = None  # field code outside any field
        self.formula: list[str] | None = None
        self.formula_length = 0
        self.in_formula = 0

    def start(self, name, attributes):
        meaning = _office_meaning(name)
        if meaning is None:
            return
        if meaning is _INSTRUCTION:
            if not (self.fields and self.fields[-1].in_code):
                self.loose = _Field()
        elif meaning is _FIELD_CHARACTER:
            self._field_character(_attribute(attributes, "fldCharType").strip())
        elif meaning is _SIMPLE_FIELD:
            simple = _Field()
            simple.add(_attribute(attributes, "instr"))
            self._judge(simple)
        elif meaning is _FORMULA:
            self.in_formula += 1
            self.formula, self.formula_length = [], 0
        elif isinstance(meaning, Finding):  # the element is itself a finding (an embedded object, a link)
            self.findings.add(meaning)

    def end(self, name):
        meaning = _office_meaning(name)
        if meaning is _INSTRUCTION and self.loose is not None:
            self._judge(self.loose)
            self.loose = None
        elif meaning is _FORMULA and self.in_formula:
            self.in_formula -= 1
            self._judge_formula("".join(self.formula or ()))
            self.formula, self.formula_length = [] if self.in_formula else None, 0

    def text(self, data):
        if self.formula is not None:
            self.formula.append(data)
            self.formula_length += len(data)
            if self.formula_length > MAX_FORMULA:  # Excel would not open it; checking it would be slow
                raise Unreadable("formula too long")
        if self.loose is not None:
            self.loose.add(data)
        elif self.fields and self.fields[-1].in_code:
            self.fields[-1].add(data)

    def close(self):
        for open_field in self.fields:
            self._judge(open_field)

    def _field_character(self, kind: str) -> None:
        if kind == "begin":
            if self.fields and self.fields[-1].in_code and _FIELD_TYPE_SO_FAR.fullmatch(self.fields[-1].code):
                self.fields[-1].computed = True
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            self.fields[-1].in_code = False
            self._judge(self.fields[-1])
        elif kind == "end" and self.fields:
            self._judge(self.fields.pop())

    def _judge(self, judged: _Field) -> None:
        if judged.judged:
            return
        judged.judged = True
        if judged.computed:  # how DDE fields are disguised; no ordinary field starts that way
            self.findings.add(_DDE)
        elif (match := _FIELD_TYPE.match(judged.code)) and (finding := _FIELDS.get(match.group(1).upper())):
            self.findings.add(finding)

    def _judge_formula(self, formula: str) -> None:
        upper = formula.upper()
        if not any(word in upper for word in _FORMULA_WORDS):
            return
        bare = _QUOTED.sub("''", formula)
        if "|" in bare or _COMMAND_FUNCTIONS.search(bare):
            self.findings.add(_DDE)
        elif _FETCHING_FUNCTIONS.search(bare):
            self.findings.add(_LINKS)


class _OpenDocumentPart(_Part):
    """An OpenDocument part: DDE, OLE objects, applets and plug-ins, and anything but a hyperlink
    whose xlink:href leaves the package (linked sections, images, objects, frames)."""

    WORDS = (b"href", b"media-type", b"dde-", b"object-ole", b"applet", b"plugin")

    def start(self, name, attributes):
        local = _local(name)
        if finding := _ODF_ELEMENTS.get(local):
            self.findings.add(finding)
        for key, value in attributes.items():
            attribute = _local(key)
            if attribute == "href" and local not in _ODF_HYPERLINKS and not inside_package(value):
                self.findings.add(_LINKS)
            elif attribute == "media-type" and "oleobject" in value.lower():  # in META-INF/manifest.xml
                self.findings.add(_EMBEDDED)


def inside_package(href: str) -> bool:
    """Whether an OpenDocument reference stays in the package: "./Object 1", "Pictures/a.png" or
    "#Heading", not "../a.odt", "/a", "C:\\a", "\\\\server\\a" or anything with a scheme."""
    href = unquote(href.strip()).partition("#")[0]
    if _SCHEME.match(href) or href.startswith(("/", "\\")):
        return False
    depth = 0
    for segment in re.split(r"[/\\]", href):
        if segment == "..":
            depth -= 1
            if depth < 0:
                return False
        elif segment not in {"", "."}:
            depth += 1
    return True
