"""File questions: the document is checked by its content (grants.uploads) and against the question's
file types and size; the checked upload is what is kept."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from werkzeug.datastructures import FileStorage

from grants import uploads
from grants.question_forms import kept_answers
from tests.form_definitions.builders import question
from tests.question_forms.helpers import ask, build, definition_of

POLICY = question("policy", "file", "Upload your safeguarding policy", limits={"file_types": ["pdf", "docx"]})


def pdf_bytes(padding: int = 0) -> bytes:
    body = b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"%" * padding + b"\n"
    return b"%PDF-1.7\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_a_document_of_an_allowed_type_is_checked_and_kept():
    form = build(definition_of(POLICY), data={"policy": upload("policy.pdf", pdf_bytes())})
    assert form.validate(), form.errors
    kept = kept_answers(form)["policy"]
    assert isinstance(kept, uploads.CheckedUpload)
    assert (kept.display_name, kept.file_type) == ("policy.pdf", "pdf")


@pytest.mark.parametrize(("keys", "message"), [
    ({}, "Select a file"),
    ({"name_for_errors": "Safeguarding policy"}, "Select safeguarding policy"),
    ({"messages": {"required": "Upload your safeguarding policy"}}, "Upload your safeguarding policy"),
])
def test_no_document_chosen(keys, message):
    assert ask({**POLICY, **keys}, data={}) == (False, {"policy": [message]})
    assert ask({**POLICY, **keys}, data={"policy": upload("", b"")}) == (False, {"policy": [message]})


def test_a_document_already_kept_needs_no_new_file():
    kept = uploads.check_upload("policy.pdf", pdf_bytes())
    assert ask(POLICY, data={}, answers={"policy": kept}) == (True, {})


def test_an_optional_document_may_be_left_out():
    assert ask({**POLICY, "required": False}, data={}) == (True, {})


@pytest.mark.parametrize(("types", "message"), [
    (["pdf"], "The selected file must be a PDF"),
    (["pdf", "docx"], "The selected file must be a PDF or DOCX"),
    (["pdf", "docx", "xlsx"], "The selected file must be a PDF, DOCX or XLSX"),
])
def test_a_document_of_another_type(types, message):
    asked = {**POLICY, "limits": {"file_types": types}}
    assert ask(asked, data={"policy": upload("photo.png", png_bytes())}) == (False, {"policy": [message]})
    custom = {**asked, "messages": {"file_types": "Upload your policy as a PDF"}}
    assert ask(custom, data={"policy": upload("photo.png", png_bytes())})[1] == {
        "policy": ["Upload your policy as a PDF"]}


def jpeg_bytes() -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 1, 1, 3) + b"\x01\x11\x00\x02\x11\x01\x03\x11\x01"
    scan = b"\xff\xda" + struct.pack(">H", 12) + b"\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00" + b"\x00" * 8
    return b"\xff\xd8" + app0 + frame + scan + b"\xff\xd9"


def test_a_photo_named_jpeg_is_a_jpg():
    asked = {**POLICY, "limits": {"file_types": ["jpg"]}}
    assert ask(asked, data={"policy": upload("photo.jpeg", jpeg_bytes())}) == (True, {})
    assert build(definition_of(asked)).policy.render_kw == {"accept": ".jpg,.jpeg"}


def test_a_document_larger_than_the_question_allows():
    asked = {**POLICY, "limits": {"file_types": ["pdf"], "max_mb": 1}}
    assert ask(asked, data={"policy": upload("big.pdf", pdf_bytes(padding=1024 * 1024))}) == (
        False, {"policy": ["The selected file must be smaller than 1MB"]})
    assert ask(asked, data={"policy": upload("small.pdf", pdf_bytes(padding=1000))}) == (True, {})


def test_a_document_whose_content_is_not_what_its_name_says():
    assert ask(POLICY, data={"policy": upload("policy.pdf", png_bytes())}) == (
        False, {"policy": ["The selected file's content does not match its name (.pdf)"]})


def test_any_checked_type_when_the_question_names_none():
    assert ask(question("doc", "file", "Any document"), data={"doc": upload("photo.png", png_bytes())}) == (True, {})


def test_the_format_offers_only_the_types_and_sizes_the_uploads_check_takes():
    # The service checks pdf, docx, xlsx, odt, jpg and png by content, up to 10MB: a form may ask for
    # no other type and no more, so applicants are never asked for a file the service would refuse.
    from grants.form_definitions import FormDefinitionError, load
    from tests.form_definitions.builders import form

    with pytest.raises(FormDefinitionError) as refused:
        load(form({**POLICY, "limits": {"file_types": ["ods"], "max_mb": 11}}))
    assert [(problem.where, problem.message) for problem in refused.value.problems] == [
        ("sections[0].questions[0].limits.file_types[0]",
         "question policy accepts ods, which is not a file type: use pdf, docx, xlsx, odt, jpg or png"),
        ("sections[0].questions[0].limits.max_mb", "max_mb of question policy must be 10 or less, not 11")]
    largest = {**POLICY, "limits": {"file_types": ["pdf"], "max_mb": 10}}
    assert ask(largest, data={"policy": upload("big.pdf", pdf_bytes(padding=11 * 1024 * 1024))}) == (
        False, {"policy": ["The selected file must be smaller than 10MB"]})


def test_the_builder_the_schema_and_the_upload_checks_know_the_same_file_types():
    import json
    from pathlib import Path

    from grants.interfaces.round_forms.describe import FILE_TYPE_WORDS

    schema = json.loads((Path(uploads.__file__).parent / "form_definitions" / "schema.json").read_text())
    enum = set(schema["$defs"]["limits_file"]["properties"]["file_types"]["items"]["enum"])
    assert set(FILE_TYPE_WORDS) == enum == set(uploads.CONTENT_TYPES)
