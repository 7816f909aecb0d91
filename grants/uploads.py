"""Checking uploaded documents by their content, before anything is stored.

Pure Python, no Flask: ``check_upload(filename, data)`` returns a ``CheckedUpload`` or raises
``UploadRefused`` whose message is the GOV.UK error for the file upload field. The file's name is
only shown back to people (made safe by ``safe_display_name``); it is never used for storage.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

from grants import office_content
from grants.office_content import Finding

MAX_BYTES = 10 * 1024 * 1024
# Limits for DOCX, XLSX and ODT (ZIP archives) and PDF object streams, read without unpacking.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 1000
# Deflate cannot do better than about 1032:1; real documents' XML stays well under 100:1.
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024  # bytes unpacked; smaller entries cannot hurt whatever their ratio
MAX_IMAGE_PIXELS = 100_000_000  # about 50 times a 12-megapixel photo
MAX_NAME_LENGTH = 100
MAX_PDF_NAMES = 10_000  # object streams, scripts and the like named in one PDF

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "jpg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS = {**{file_type: file_type for file_type in CONTENT_TYPES}, "jpeg": "jpg"}
MACRO_EXTENSIONS = frozenset(
    {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "ppsm", "sldm"}
)
ACCEPT = ",".join(f".{extension}" for extension in EXTENSIONS)  # for the file input's accept attribute

WRONG_TYPE = "The selected file must be a PDF, DOCX, XLSX, ODT, JPG or PNG"
TOO_LARGE = "The selected file must be smaller than 10MB"
EMPTY = "The selected file is empty"
MACROS = "The selected file contains macros. Save it without macros and try again"
MISMATCH = "The selected file's content does not match its name (.{extension})"
UNREADABLE = "The selected file could not be read. Save it again and try again"
UNPACKS_TOO_LARGE = "The selected file is too large when opened. Save a smaller version and try again"
HIDDEN_DATA = "The selected file has other content hidden in it. Save it again and try again"
ACTIVE_PDF = (
    "The selected PDF contains scripts, actions or attached files. Save it without them and try again"
)
PASSWORD = "The selected file is password protected. Remove the password and try again"
EXTERNAL_LINKS = "The selected file links to other files. Save it without the links and try again"
DDE = "The selected file contains fields or formulas that start other programs. Save it without them and try again"
EMBEDDED_OBJECTS = "The selected file contains embedded objects. Save it without them and try again"
_FINDINGS = {Finding.EXTERNAL_LINKS: EXTERNAL_LINKS, Finding.DDE: DDE, Finding.EMBEDDED_OBJECTS: EMBEDDED_OBJECTS}
IMAGE_TOO_LARGE = "The selected image is too large. Save it at a smaller size and try again"


class UploadRefused(ValueError):
    """The file cannot be accepted; ``message`` says why, for the file upload field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    display_name: str
    file_type: str  # a key of CONTENT_TYPES
    data: bytes = field(repr=False)
    sha256: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_type]

    @property
    def size_bytes(self) -> int:
        return len(self.data)


def check_upload(filename: str, data: bytes | BinaryIO) -> CheckedUpload:
    """Accept a PDF, DOCX, XLSX, ODT, JPG or PNG of up to 10MB whose content matches its name.

    ``data`` is the file's bytes or a binary stream (read up to one byte past the limit).
    Raises ``UploadRefused`` for an empty or too large file, another type, content that is not
    what the name says, macros, links to other files (hyperlinks are fine), DDE fields and formulas,
    embedded objects, archives that unpack too large, hidden appended archives, PDFs with scripts,
    actions or attached files, and password-protected files.
    """
    display_name = safe_display_name(filename)
    extension = display_name.rpartition(".")[2].lower() if "." in display_name else ""
    if extension in MACRO_EXTENSIONS:
        raise UploadRefused(MACROS)
    file_type = EXTENSIONS.get(extension)
    if file_type is None:
        raise UploadRefused(WRONG_TYPE)
    content = _read(data)

    found = _sniff(content)
    if found == "zip" and file_type in {"docx", "xlsx", "odt"}:
        found = _check_package(content)
    if found != file_type:
        raise UploadRefused(MISMATCH.format(extension=extension))
    if file_type in {"pdf", "png", "jpg"}:
        if _contains_zip_archive(content) or (file_type != "pdf" and b"%PDF-" in content[:1024]):
            raise UploadRefused(HIDDEN_DATA)
        {"pdf": _check_pdf, "png": _check_png, "jpg": _check_jpeg}[file_type](content)
    return CheckedUpload(display_name, file_type, content, hashlib.sha256(content).hexdigest())


def safe_display_name(filename: str | None) -> str:
    """The file's own name, for showing only: no folders, control or direction characters, at most
    100 characters (the extension kept), never empty."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]  # some browsers send the whole path
    name = " ".join(name.split())  # tabs, new lines and odd spaces become one space
    name = "".join(  # no control, format (right-to-left override), private or unassigned characters
        "_" if ch in '<>:"|?*' else ch for ch in name if not unicodedata.category(ch).startswith("C")
    )
    name = name.strip(" .")  # no hidden-file dot, no Windows trailing dot
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if not dot or len(extension) > 10:
            stem, extension = name, ""
        keep = MAX_NAME_LENGTH - len(extension) - (1 if extension else 0)
        name = (stem[:keep].rstrip(" .") or "document") + (f".{extension}" if extension else "")
    return name or "document"


def _read(data: bytes | BinaryIO) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        content = bytes(data)
    else:
        chunks, total = [], 0
        while total <= MAX_BYTES:
            chunk = data.read(MAX_BYTES + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        content = b"".join(chunks)
    if not content:
        raise UploadRefused(EMPTY)
    if len(content) > MAX_BYTES:
        raise UploadRefused(TOO_LARGE)
    return content


def _sniff(content: bytes) -> str | None:
    """The type the first bytes announce: pdf, png, jpg or zip (any ZIP-based format)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04"):
        return "zip"
    return None


# ZIP records (APPNOTE.TXT 4.3.7, 4.3.16): signature, then little-endian fields.
_END = struct.Struct("<4s4H2LH")  # disks, entries here and in all, directory size and offset, comment length
_LOCAL = struct.Struct("<4s5H3L2H")  # versions, flags, method, time, date, crc, sizes, name and extra lengths


def _end_record(content: bytes) -> tuple[int, int] | None:
    """The central directory's offset and entry count, if an end record finishes ``content``."""
    search_from = max(0, len(content) - _END.size - 0xFFFF)
    at = content.rfind(b"PK\x05\x06", search_from)
    while at != -1:
        if at + _END.size <= len(content):
            *_, entries, _size, offset, comment = _END.unpack_from(content, at)
            if at + _END.size + comment == len(content):
                return offset, entries
        at = content.rfind(b"PK\x05\x06", search_from, at)
    return None


def _contains_zip_archive(content: bytes) -> bool:
    """Whether a ZIP end record with a central directory just before it sits anywhere in ``content``
    (a PNG or PDF with an archive appended opens as either); chance matches of the signature in
    compressed data do not have a directory behind them."""
    at = content.find(b"PK\x05\x06")
    while at != -1:
        if at + _END.size <= len(content):
            *_, entries, size, _offset, _comment = _END.unpack_from(content, at)
            start = at - size
            if entries and start >= 0 and content[start:start + 4] == b"PK\x01\x02":
                return True
        at = content.find(b"PK\x05\x06", at + 1)
    return False


def _check_package(content: bytes) -> str | None:
    """Check a ZIP-based document without unpacking it; return docx, xlsx, odt or None (another ZIP)."""
    archive, entries, directory_offset = _open_package(content)
    _check_entries(entries)
    _check_layout(content, entries, directory_offset=directory_offset)

    names = {entry.filename for entry in entries}
    lower = {name.lower() for name in names}
    if any(name.rpartition("/")[2] in {"vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"}
           or name.rpartition(".")[2] in MACRO_EXTENSIONS or name.startswith("xl/macrosheets/")
           for name in lower):
        raise UploadRefused(MACROS)
    first = min(entries, key=lambda entry: entry.header_offset)  # at byte 0, as checked above
    if first.filename == "mimetype":
        return _check_odf(archive, first, names)
    if "[Content_Types].xml" not in names:
        return None
    content_types = _entry_bytes(archive, "[Content_Types].xml").lower()
    if b"macroenabled" in content_types or b"vbaproject" in content_types or b"macrosheet" in content_types:
        raise UploadRefused(MACROS)
    found = "docx" if "word/document.xml" in names else "xlsx" if "xl/workbook.xml" in names else None
    if found:
        _check_office_content(archive, "ooxml")  # an attached template fetched when opened is a link
    return found


def _open_package(content: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo], int]:
    """The archive, its entries and where its central directory starts; refused when there is no
    single well-formed ZIP (or a PDF hides in it too)."""
    end = _end_record(content)
    if end is None:
        raise UploadRefused(HIDDEN_DATA if b"PK\x05\x06" in content else UNREADABLE)
    if b"%PDF-" in content[:1024]:  # PDF readers look for the header anywhere in the first 1KB
        raise UploadRefused(HIDDEN_DATA)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, EOFError):
        raise UploadRefused(UNREADABLE) from None
    if not entries:
        raise UploadRefused(UNREADABLE)
    return archive, entries, end[0]


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    """Not too many or too large unpacked, none encrypted or compressed in an unusual way, no name twice."""
    if len(entries) > MAX_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise UploadRefused(UNPACKS_TOO_LARGE)
    for entry in entries:
        if entry.file_size > RATIO_CHECKED_FROM and entry.file_size > MAX_RATIO * entry.compress_size:
            raise UploadRefused(UNPACKS_TOO_LARGE)
        if entry.flag_bits & 0x1:
            raise UploadRefused(PASSWORD)
        if entry.compress_type not in {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
            raise UploadRefused(UNREADABLE)
    if len({entry.filename for entry in entries}) != len(entries):
        raise UploadRefused(UNREADABLE)


def _check_layout(content: bytes, entries: list[zipfile.ZipInfo], directory_offset: int) -> None:
    """Entries must start at the first byte and follow one another without overlapping (overlapping
    entries make small archives unpack enormously), all before the central directory."""
    previous_end = 0
    for index, entry in enumerate(sorted(entries, key=lambda e: e.header_offset)):
        at = entry.header_offset
        if (index == 0 and at != 0) or at < previous_end or at + _LOCAL.size > len(content):
            raise UploadRefused(UNREADABLE)
        signature, *_, name_length, extra_length = _LOCAL.unpack_from(content, at)
        if signature != b"PK\x03\x04":
            raise UploadRefused(UNREADABLE)
        previous_end = at + _LOCAL.size + name_length + extra_length + entry.compress_size
    if previous_end > directory_offset:
        raise UploadRefused(UNREADABLE)


def _check_odf(archive: zipfile.ZipFile, first: zipfile.ZipInfo, names: set[str]) -> str | None:
    """OpenDocument: the first entry, stored uncompressed, names the type (ODF 1.2 part 3, 3.3)."""
    mimetype = _entry_bytes(archive, first.filename, limit=100)
    if first.compress_type != zipfile.ZIP_STORED or mimetype != CONTENT_TYPES["odt"].encode():
        return None
    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        raise UploadRefused(MACROS)
    for part in ("content.xml", "styles.xml"):  # events that run macros (the total size is capped)
        text = _entry_bytes(archive, part, limit=MAX_UNPACKED_BYTES) if part in names else b""
        if b"vnd.sun.star.script" in text or b"script:event-listener" in text:
            raise UploadRefused(MACROS)
    _check_office_content(archive, "odf")
    return "odt"


def _check_office_content(archive: zipfile.ZipFile, kind: str) -> None:
    """No links to other files, DDE or embedded objects (after macros, which are refused first)."""
    try:
        finding = office_content.scan(archive, kind, budget=MAX_UNPACKED_BYTES)
    except office_content.Unreadable:
        raise UploadRefused(UNREADABLE) from None
    if finding is not None:
        raise UploadRefused(_FINDINGS[finding])


def _entry_bytes(archive: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes:
    """An entry's bytes, at most ``limit`` of them (reading stops there, whatever the archive says)."""
    try:
        with archive.open(name) as entry:
            data = entry.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, ValueError, NotImplementedError, EOFError, OSError):
        raise UploadRefused(UNREADABLE) from None
    if len(data) > limit:
        raise UploadRefused(UNREADABLE)
    return data


# PDF names are case-sensitive and may spell any character as #xx (ISO 32000-1, 7.3.5).
_DELIMITERS = rb"\x00\t\n\x0c\r \[\]()<>{}/%"
_PDF_NAME = re.compile(rb"/([^" + _DELIMITERS + rb"]*)")
# An escaped name that could spell a watched one: letters or #xx, at most 13 of them.
_PDF_ESCAPED_NAME = re.compile(
    rb"/((?:[A-Za-z]|#[0-9A-Fa-f]{2}){0,12}#[0-9A-Fa-f]{2}(?:[A-Za-z]|#[0-9A-Fa-f]{2}){0,12})(?![^"
    + _DELIMITERS + rb"])"
)
_PDF_WATCHED_NAME = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|Encrypt|ObjStm)(?![^" + _DELIMITERS + rb"])"
)
_PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
ACTIVE_PDF_NAMES = frozenset({"JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia"})
_OTHER_FILTERS = frozenset(
    {"ASCIIHexDecode", "ASCII85Decode", "LZWDecode", "RunLengthDecode", "Crypt", "AHx", "A85", "LZW", "RL"}
)


def _unescape(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _watched_names(data: bytes) -> list[tuple[int, str]]:
    """Where the names that matter here appear, plain or escaped (only those are decoded: fast).
    Real PDFs have a few thousand object streams at most; far more is refused, not read slowly."""
    matches = itertools.chain(_PDF_WATCHED_NAME.finditer(data), _PDF_ESCAPED_NAME.finditer(data))
    found = [(m.start(), _unescape(m.group(1))) for m in itertools.islice(matches, MAX_PDF_NAMES + 1)]
    if len(found) > MAX_PDF_NAMES:
        raise UploadRefused(UNREADABLE)
    return found


def _check_pdf(content: bytes) -> None:
    """No scripts, launch actions, attached files or encryption, including inside object streams
    (compressed dictionaries), which are unpacked within the same limit as archives. A name inside
    uncompressed text may be refused too: erring that way is safe."""
    found = _watched_names(content)
    names = {name for _, name in found}
    if "Encrypt" in names:
        raise UploadRefused(PASSWORD)
    budget, read_up_to, stream = MAX_UNPACKED_BYTES, 0, None
    for at in sorted(at for at, name in found if name == "ObjStm"):
        if at < read_up_to:
            continue  # in a dictionary or stream already read
        if stream is None or stream.start() < at:
            stream = _PDF_STREAM.search(content, at)
            if stream is None:
                break
        if stream.start() - at > 4096:
            continue  # not a stream's dictionary
        object_start = max(content.rfind(b"obj", max(read_up_to, at - 4096), at), read_up_to)
        names_here = _PDF_NAME.finditer(content, object_start, stream.start())
        dictionary = {_unescape(m.group(1)) for m in names_here}
        read_up_to = stream.end()
        if dictionary & _OTHER_FILTERS:
            raise UploadRefused(UNREADABLE)  # every real writer compresses object streams with Flate
        if dictionary & {"FlateDecode", "Fl"}:
            unpacked, read_up_to = _inflate(content, stream.end(), budget)
            budget -= len(unpacked)
            names |= {name for _, name in _watched_names(unpacked)}
    if names & ACTIVE_PDF_NAMES:
        raise UploadRefused(ACTIVE_PDF)


def _inflate(content: bytes, start: int, budget: int) -> tuple[bytes, int]:
    """A Flate stream from ``start``, and where its "endstream" is; zlib says where the data ends,
    so "endstream" occurring inside the compressed bytes is read through."""
    inflater = zlib.decompressobj()
    unpacked = bytearray()
    at, end = start, content.find(b"endstream", start)
    while not inflater.eof:
        if end == -1:
            raise UploadRefused(UNREADABLE)
        try:
            unpacked += inflater.decompress(content[at:end], budget + 1 - len(unpacked))
        except zlib.error:
            raise UploadRefused(UNREADABLE) from None
        if inflater.unconsumed_tail or len(unpacked) > budget:
            raise UploadRefused(UNPACKS_TOO_LARGE)
        at, end = end, content.find(b"endstream", end + len(b"endstream"))
    return bytes(unpacked), at


def _check_png(content: bytes) -> None:
    """Walk the chunks: IHDR first, a sane size, and nothing after IEND."""
    at, first = 8, True
    while True:
        if at + 12 > len(content):
            raise UploadRefused(UNREADABLE)
        length, kind = struct.unpack_from(">I4s", content, at)
        if (first and kind != b"IHDR") or at + 12 + length > len(content):
            raise UploadRefused(UNREADABLE)
        if kind == b"IHDR":
            width, height = struct.unpack_from(">II", content, at + 8)
            if width * height > MAX_IMAGE_PIXELS:
                raise UploadRefused(IMAGE_TOO_LARGE)
        at, first = at + 12 + length, False
        if kind == b"IEND":
            break
    if at != len(content):
        raise UploadRefused(HIDDEN_DATA)


_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # start-of-frame markers
_JPEG_BARE = frozenset({0x01, *range(0xD0, 0xDA)})  # markers without a length


def _check_jpeg(content: bytes) -> None:
    """Walk the segments to the frame header and check the image's size."""
    at = 2
    while at + 4 <= len(content):
        if content[at] != 0xFF:
            raise UploadRefused(UNREADABLE)
        marker = content[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _JPEG_BARE:
            at += 2
            continue
        if marker in _JPEG_FRAMES:
            if at + 9 > len(content):
                break
            height, width = struct.unpack_from(">HH", content, at + 5)
            if width * height > MAX_IMAGE_PIXELS:
                raise UploadRefused(IMAGE_TOO_LARGE)
            return
        if marker == 0xDA:  # scan data before any frame header
            break
        at += 2 + struct.unpack_from(">H", content, at + 2)[0]
    raise UploadRefused(UNREADABLE)
