"""Importing a form from a JSON file on the builder's page: the file is read by its content (JSON of at
most 1 MB), every problem of the document is listed as "where: message" and nothing is saved unless the
whole document is valid; a file of another kind is refused; after the round opens only an administrator
may import, giving a reason."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from werkzeug.datastructures import FileStorage

from grants.blueprints.round_forms.importing import file_name
from grants.form_definitions import Kind, dump, dumps, standard
from grants.interfaces.round_forms import versions
from tests.blueprints.round_forms.conftest import HOTSPOTS, edited
from tests.blueprints.round_forms.pages import builder_url, words
from tests.helpers import error_messages, page, post

IMPORT = "import"
ASB = edited(extra=HOTSPOTS)
FROZEN = ("This round has opened, so its application form can no longer be changed. An administrator can make "
          "a new version if they must, giving the reason")


def upload(client, funding_round, content: bytes, name: str = "asb-form.json", content_type: str = "application/json",
           kind: str = "application", **fields):
    """Send ``content`` as the file on the import page, as the page's form does."""
    response = post(client, builder_url(funding_round, IMPORT, kind=kind),
                    {"file": (BytesIO(content), name, content_type), **fields}, content_type="multipart/form-data")
    # Werkzeug's client spools a large body to a temporary file, and without follow_redirects it
    # does not close it: close it here (warnings are errors).
    response.request.input_stream.close()
    return response


def broken(change) -> bytes:
    """The ASB form's JSON with ``change`` made to its document."""
    document = dump(ASB)
    change(document)
    return json.dumps(document).encode()


def test_an_officer_imports_a_form_and_is_told_its_version(as_role, draft_round, stored, events):
    officer = as_role("grants_officer")

    response = upload(officer, draft_round, dumps(ASB).encode())

    assert response.status_code == 302
    assert response.headers["Location"] == builder_url(draft_round)
    assert "Version 1 imported from asb-form.json" in words(officer.get(response.headers["Location"]))
    assert versions.current(draft_round, Kind.APPLICATION) == ASB
    assert stored(draft_round) == [(Kind.APPLICATION, 1)]
    [event] = events("round_form.imported")
    assert event.summary == "Version 1 of the application form of Safer Neighbourhoods 2027 imported from a file"


def test_the_page_is_linked_from_the_form_page_and_asks_for_a_file(as_role, draft_round):
    officer = as_role("grants_officer")
    href = builder_url(draft_round, IMPORT)

    assert page(officer.get(builder_url(draft_round))).select_one(f"a[href='{href}']") is not None
    form = page(officer.get(href)).select_one("main form[method=post]")
    assert form["enctype"] == "multipart/form-data"
    assert form.select_one("input[type=file][name=file]") is not None
    assert form.select_one("input[name=csrf_token]")["value"]


def test_the_file_is_read_by_its_content_not_its_name_or_type(as_role, draft_round, stored):
    officer = as_role("grants_officer")

    pdf = upload(officer, draft_round, b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", name="form.json")
    assert pdf.status_code == 200
    assert error_messages(pdf) == ["The file is not JSON: Expecting value (line 1, column 1)"]
    assert stored(draft_round) == []

    named_otherwise = upload(officer, draft_round, dumps(ASB).encode(), name="form.pdf", content_type="application/pdf")
    assert named_otherwise.status_code == 302
    assert versions.current(draft_round, Kind.APPLICATION) == ASB


def test_a_file_that_is_not_utf8_text_is_refused(as_role, draft_round, stored):
    response = upload(as_role("grants_officer"), draft_round, b'{"title": "Caf\xe9"}', name="form.json")

    assert error_messages(response) == ["The file is not JSON: it is not text in UTF-8"]
    assert stored(draft_round) == []


def test_a_file_of_at_most_1_mb_is_taken_and_a_larger_one_refused(as_role, draft_round, stored):
    officer = as_role("grants_officer")
    text = dumps(ASB).encode()
    exactly = text + b" " * (1024 * 1024 - len(text))  # white space after the document is still JSON

    too_big = upload(officer, draft_round, exactly + b" ")
    assert too_big.status_code == 200
    assert error_messages(too_big) == ["The selected file must be 1 MB or smaller"]
    assert stored(draft_round) == []

    assert upload(officer, draft_round, exactly).status_code == 302
    assert stored(draft_round) == [(Kind.APPLICATION, 1)]


def test_no_file_or_an_empty_one_is_refused(as_role, draft_round, stored):
    officer = as_role("grants_officer")

    none = post(officer, builder_url(draft_round, IMPORT), {}, content_type="multipart/form-data")
    empty = upload(officer, draft_round, b"")

    assert error_messages(none) == ["Select a JSON file to import"]
    assert error_messages(empty) == ["The selected file is empty"]
    assert stored(draft_round) == []


def test_a_form_of_another_kind_is_refused_with_the_services_message(as_role, draft_round, stored):
    response = upload(as_role("grants_officer"), draft_round, dumps(standard(Kind.ELIGIBILITY)).encode())

    assert response.status_code == 200
    assert error_messages(response) == [
        'The file is an eligibility check (its "kind" is "eligibility"), not an application form. '
        "Nothing has been imported"]
    assert stored(draft_round) == []


def test_every_problem_of_the_document_is_listed_and_nothing_saved(as_role, draft_round, stored):
    def two_rule_problems(document):
        document["sections"][0]["questions"] += [
            {"id": "asked_if", "type": "yes_no", "label": "Asked if?", "show_if": {"question": "zzz", "equals": "yes"}},
            {"id": "second_title", "type": "short_text", "label": "Title again", "role": "project_title"}]

    response = upload(as_role("grants_officer"), draft_round, broken(two_rule_problems))

    assert response.status_code == 200
    assert error_messages(response) == [
        "asked_if: shown only if zzz, which is not a question in this form",
        "second_title: has the role project_title, which title has already; a role can be used once in a form",
    ]
    links = [a["href"] for a in page(response).select(".govuk-error-summary__list a")]
    assert links == ["#file", "#file"]
    assert stored(draft_round) == []
    assert versions.current(draft_round, Kind.APPLICATION) == standard(Kind.APPLICATION)


def test_a_document_not_in_the_format_names_where_by_section_and_question(as_role, draft_round, stored):
    def too_long(document):
        document["sections"][0]["questions"][0]["limits"] = {"max_length": 5000}

    response = upload(as_role("grants_officer"), draft_round, broken(too_long))

    assert error_messages(response) == [
        "Section 1, question 1, limits, max_length: max_length of question title must be 1000 or less, not 5000"]
    assert stored(draft_round) == []


@pytest.mark.parametrize("text, message", [
    (b"{nope", "The file is not JSON: Expecting property name enclosed in double quotes (line 1, column 2)"),
    (b"[]", "The file: the form must be a JSON object"),
    (b'{"kind": "application", "kind": "eligibility"}',
     "The file is not JSON: the key kind is given twice in one object"),
])
def test_a_file_that_is_not_a_form_says_why(as_role, draft_round, stored, text, message):
    response = upload(as_role("grants_officer"), draft_round, text)

    assert error_messages(response) == [message]
    assert stored(draft_round) == []


@pytest.mark.visible_text(allow=["<img src=x onerror=alert(1)>"])  # the file's name, shown as the person named it
def test_the_files_name_is_shown_as_text(as_role, draft_round):
    officer = as_role("grants_officer")

    response = upload(officer, draft_round, dumps(ASB).encode(), name="<img src=x onerror=alert(1)>.json")

    html = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 1 imported from &lt;img src=x onerror=alert(1)&gt;.json" in html
    assert "<img src=x" not in html


@pytest.mark.parametrize("sent, shown", [
    ("C:\\Users\\sam\\asb.json", "asb.json"),
    ("forms/asb.json", "asb.json"),
    ("", "the file"),
    ("a" * 120 + ".json", "a" * 100 + "…"),
])
def test_the_files_name_is_said_without_its_folders_and_shortened(sent, shown):
    assert file_name(FileStorage(BytesIO(b"{}"), filename=sent)) == shown


def test_the_upload_needs_the_forms_csrf_token(as_role, draft_round, stored):
    response = as_role("grants_officer").post(builder_url(draft_round, IMPORT), content_type="multipart/form-data",
                                              data={"file": (BytesIO(dumps(ASB).encode()), "asb.json")})

    assert response.status_code == 400
    assert stored(draft_round) == []


# A frozen form ------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post"])
def test_an_officer_cannot_import_once_the_round_has_opened(as_role, open_round, stored, method):
    officer = as_role("grants_officer")
    response = (officer.get(builder_url(open_round, IMPORT)) if method == "get"
                else upload(officer, open_round, dumps(ASB).encode()))

    assert response.status_code == 302 and response.headers["Location"] == builder_url(open_round)
    assert FROZEN in words(officer.get(response.headers["Location"]))
    assert stored(open_round) == []


def test_an_administrator_imports_after_opening_giving_a_reason(as_role, open_round, stored):
    admin = as_role("admin")

    without = upload(admin, open_round, dumps(ASB).encode())
    assert without.status_code == 200
    assert error_messages(without) == ["Enter the reason for changing the application form of a round that has opened"]
    assert stored(open_round) == []

    response = upload(admin, open_round, dumps(ASB).encode(), reason="The panel asked for the ASB questions")

    assert response.status_code == 302
    assert "Version 1 imported from asb-form.json" in words(admin.get(response.headers["Location"]))
    row = versions.current_version(open_round, Kind.APPLICATION)
    assert (row.version, row.reason) == (1, "The panel asked for the ASB questions")
