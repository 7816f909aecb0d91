"""The answers on an officer's page of one application are kept once a process, by all they are made
from (grants.interfaces.applications.shown_answers.all_answers): a change to an answer, to the form
answered, to the round's lists or to the documents a file question names shows on the next request.
And the page reads what it shows in a fixed, small number of statements (the round's lists in one,
the due-diligence findings with who recorded them in one)."""

from __future__ import annotations

import copy

from sqlalchemy import select

from grants.form_definitions import Kind, dump, load, standard
from grants.interfaces.applications import questions, shown_answers
from grants.interfaces.due_diligence import findings
from grants.interfaces.due_diligence.checklists import default_checklist
from grants.interfaces.round_forms import versions
from grants.models.accounts import Role
from grants.models.applications import ApplicationDocument, ApplicationSection, Clarification, DocumentKind
from grants.models.due_diligence import CheckOutcome
from grants.models.reference import AdderStrand
from grants.models.rounds import VatDisplay
from grants.models.types import utcnow
from tests import custom_application_form as custom
from tests.factories import UserFactory
from tests.helpers import page


def _card(officer, application, title: str) -> dict[str, str]:
    """The rows of the answers card called ``title``: question -> answer, as a person reads them."""
    html = page(officer.get(f"/screening/applications/{application.id}"))
    for card in html.select("main .govuk-summary-card"):
        if card.select_one(".govuk-summary-card__title").get_text(strip=True) == title:
            return {row.select_one("dt").get_text(" ", strip=True): row.select_one("dd").get_text(" ", strip=True)
                    for row in card.select(".govuk-summary-list__row")}
    raise AssertionError(f"no card {title!r}")


def _answering(db, make_application, answers=None):
    application = custom.answering(make_application(), answers)
    db.session.flush()
    return application


def test_a_changed_answer_shows_on_the_next_request(db, officer, make_application):
    application = _answering(db, make_application)
    assert _card(officer, application, "About the work")["What is the project called?"] == "Moorland Mentors"
    record = application.section("about")
    record.answers = {**record.answers, "called": ["Tor Mentors"]}
    db.session.flush()
    assert _card(officer, application, "About the work")["What is the project called?"] == "Tor Mentors"


def test_a_question_shown_by_a_changed_answer_appears(db, officer, make_application):
    application = _answering(db, make_application)
    assert "Who is your partner?" not in _card(officer, application, "About the work")  # hidden by "no"
    record = application.section("about")
    record.answers = {**record.answers, "has_partner": ["yes"]}
    db.session.flush()
    about = _card(officer, application, "About the work")
    assert about["Do you work with a partner?"] == "Yes"
    assert about["Who is your partner?"] == "A partner typed, then hidden"


def test_two_applications_with_the_same_answers_show_their_own(db, officer, make_application):
    first, second = _answering(db, make_application), _answering(db, make_application)
    record = second.section("about")
    record.answers = {**record.answers, "called": ["Dartmoor Mentors"]}
    db.session.flush()
    assert _card(officer, first, "About the work")["What is the project called?"] == "Moorland Mentors"
    assert _card(officer, second, "About the work")["What is the project called?"] == "Dartmoor Mentors"
    assert _card(officer, first, "About the work")["What is the project called?"] == "Moorland Mentors"


def test_a_renamed_strand_of_the_round_shows_its_new_name(db, officer, make_application):
    application = _answering(db, make_application)
    strand = db.session.scalars(select(AdderStrand).where(AdderStrand.code == "diversion")).one()
    before = _card(officer, application, "Focus")["ADDER parts"]
    assert strand.name in before
    old_name, strand.name = strand.name, "Kept out of the courts"
    db.session.flush()
    after = _card(officer, application, "Focus")["ADDER parts"]
    assert "Kept out of the courts" in after and old_name not in after


def test_a_strand_taken_off_the_round_shows_as_its_code(db, officer, make_application, funding_round):
    application = _answering(db, make_application)
    strand = db.session.scalars(select(AdderStrand).where(AdderStrand.code == "diversion")).one()
    assert strand.name in _card(officer, application, "Focus")["ADDER parts"]
    funding_round.adder_strands = [other for other in funding_round.adder_strands if other.code != "diversion"]
    db.session.flush()
    db.session.expire(funding_round)
    after = _card(officer, application, "Focus")["ADDER parts"]
    assert strand.name not in after and "diversion" in after


def test_a_changed_form_version_shows_its_own_words(db, officer, make_application):
    application = _answering(db, make_application)
    assert "What is the project called?" in _card(officer, application, "About the work")
    document = copy.deepcopy(application.form.definition)
    document["sections"][0]["questions"][0]["label"] = "Name of the project"
    application.form.definition = document  # the same version, changed in place
    db.session.flush()
    about = _card(officer, application, "About the work")
    assert about["Name of the project"] == "Moorland Mentors" and "What is the project called?" not in about


def test_a_file_answer_goes_with_its_document(db, officer, make_application, funding_round):
    document = dump(standard(Kind.APPLICATION))
    document["sections"][0]["questions"].append({"id": "delivery_plan", "type": "file",
                                                 "label": "Upload your delivery plan",
                                                 "limits": {"file_types": ["pdf"], "max_mb": 2}})
    application = make_application()
    application.form = versions.save(funding_round, Kind.APPLICATION, load(document), by=None, reason="A file")
    plan = ApplicationDocument(application=application, kind=DocumentKind.OTHER, original_filename="plan.pdf",
                               stored_name=f"answers-test-{application.id}.pdf", content_type="application/pdf",
                               size_bytes=10, sha256="0" * 64)
    db.session.add(plan)
    db.session.flush()
    section_id = document["sections"][0]["id"]
    application.sections.append(ApplicationSection(
        key=section_id, complete=True,
        answers={"title": ["Harbour café"], **questions.file_answer("delivery_plan", plan.id, "plan.pdf")}))
    db.session.flush()
    title = document["sections"][0]["title"]
    assert _card(officer, application, title)["Upload your delivery plan"] == "plan.pdf"
    db.session.delete(plan)  # removed on the documents page: it answers no more
    db.session.flush()
    db.session.expire(application)
    assert _card(officer, application, title)["Upload your delivery plan"] == "Not answered"


def test_answers_read_twice_are_the_same_and_each_callers_own(db, make_application, app):
    application = _answering(db, make_application)
    with app.test_request_context("/"):
        first = shown_answers.all_answers(application)
        first[1][1].clear()  # a caller changing its copy changes nothing kept
        second = shown_answers.all_answers(application)
    with app.test_request_context("/"):
        third = shown_answers.all_answers(application)
    assert second == third and second[1][1], second
    assert [section.key for section, _ in second] == ["organisation", "about", "timing", "money", "focus"]


def test_the_round_lists_in_one_query_are_the_rounds_context(db, make_application, funding_round):
    application = _answering(db, make_application)
    expected = questions.round_context(funding_round)
    assert expected.adder_strands and expected.drug_outcomes and expected.approaches and expected.local_authorities
    db.session.expire(funding_round, ["approaches", "adder_strands", "outcomes", "local_authorities"])
    assert questions.answers_context(application.funding_round) == expected


def test_the_page_reads_the_rounds_lists_once_and_nothing_it_does_not_show(db, officer, make_application, users,
                                                                         count_queries):
    application = _answering(db, make_application)
    application.clarifications.append(Clarification(
        question="How many volunteers?", asked_by_id=users["grants_officer"].id, answer="Twelve",
        answered_by_id=users["applicant"].id, answered_at=utcnow()))
    db.session.flush()
    db.session.expunge_all()  # the page loads everything itself, as in a new request
    with count_queries() as statements:
        response = officer.get(f"/screening/applications/{application.id}")
    assert response.status_code == 200
    lists = [statement for statement in statements if "round_adder_strands" in statement]
    assert len(lists) == 1 and "round_approaches" in lists[0] and "round_local_authorities" in lists[0]
    # Joined to the application's row (the round, organisation, form version, who screened it), or not
    # read at all (the round's legal types and rubric, the roles of the staff named).
    loaded_alone = ("funding_rounds", "organisations", "round_forms", "user_roles", "round_legal_types",
                    "rubric_criteria", "rubrics")
    assert not [statement for statement in statements
                if any(statement.startswith(f"SELECT {table}.") for table in loaded_alone)], statements
    assert len([statement for statement in statements if statement.startswith("SELECT users.")]) == 1  # signed in


def test_a_round_recording_vat_reads_its_lists_once_too(db, officer, make_application, funding_round,
                                                         count_queries):
    """The budget with and without VAT reads the answers before the answers are shown: the round's lists
    are read once for both."""
    funding_round.vat_display = VatDisplay.INCLUDING
    answers = {**custom.ANSWERS, "money": {**custom.ANSWERS["money"], "spend-0-vat": ["500"],
                                           "spend-0-vat_recoverable": ["no"]}}
    application = _answering(db, make_application, answers)
    db.session.expunge_all()
    with count_queries() as statements:
        html = page(officer.get(f"/screening/applications/{application.id}"))
    assert "Budget and VAT" in html.select_one("main").get_text()
    assert len([statement for statement in statements if "round_adder_strands" in statement]) == 1
    assert not [statement for statement in statements if statement.startswith("SELECT adder_strands.")]


def test_findings_show_who_recorded_them_read_in_one_statement(db, officer, make_application, funding_round,
                                                               count_queries):
    funding_round.due_diligence = default_checklist()
    application = make_application()
    items = [item["id"] for item in funding_round.due_diligence][:2]
    for item_id, name in zip(items, ("Morwenna Tregear", "Jago Pascoe"), strict=True):
        colleague = UserFactory(full_name=name, roles=[Role.GRANTS_OFFICER])
        findings.record_finding(application, item_id, CheckOutcome.MET, "", colleague, expected_version=0)
    db.session.flush()
    db.session.expunge_all()
    with count_queries() as statements:
        html = page(officer.get(f"/screening/applications/{application.id}"))
    rows = {row["id"]: row.get_text(" ", strip=True) for row in html.select("#due-diligence + * tr[id]")}
    assert "Morwenna Tregear" in rows[f"item-{items[0]}"] and "Jago Pascoe" in rows[f"item-{items[1]}"]
    assert len([statement for statement in statements if "FROM due_diligence_checks" in statement]) == 1
    assert len([statement for statement in statements if statement.startswith("SELECT users.")]) == 1  # signed in
    assert not [statement for statement in statements if statement.startswith("SELECT user_roles.")]
