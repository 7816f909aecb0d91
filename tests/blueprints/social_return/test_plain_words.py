"""A commissioner who is not an economist can read the social-return pages: the built-in set has a name
people would use, its notes say plainly what is not yet checked, and every term of art (deadweight,
attribution, displacement, drop-off, discounting, QALYs, the Monte Carlo runs) is explained where it is
used. Issue 18, finding 8."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select

from grants import create_app
from grants.extensions import db as _db
from grants.interfaces.social_return.parameters import DEFAULT_SET_NOTES, ensure_default_set
from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS, DEFAULT_SET_NAME, PLACEHOLDER
from grants.modelling.sroi_parameters import PLAIN_WORDS, RATE_KEYS, parameter_label, parameters_to_json
from grants.models.social_return import ParameterSetStatus, SroiParameterSet
from grants.models.types import utcnow
from tests.helpers import page, post
from tests.test_migrations import scratch_database_url  # noqa: F401

# Words a reader should never meet: a developer's label, or a note that reads like a to-do list.
JARGON = re.compile(r"session \d|placeholder|recalled|not verified|seed\b", re.IGNORECASE)
TERMS = ("Deadweight", "Attribution", "Displacement", "Drop-off", "Discount rate", "Present value",
         "Random runs (Monte Carlo)", "QALY and value per QALY")


@pytest.fixture
def stored_set(db):
    row = ensure_default_set()
    db.session.commit()
    return row


def visible(response) -> str:
    soup = page(response)
    for hidden in soup.select("script, style, input[type=hidden]"):
        hidden.decompose()
    return " ".join(soup.get_text(" ").split())


def glossary(soup) -> dict[str, str]:
    rows = soup.select("#plain-words .govuk-summary-list__row")
    return {row.dt.get_text(strip=True): " ".join(row.dd.get_text().split()) for row in rows}


def test_the_calculator_names_the_built_in_set_in_words(as_role, stored_set):
    soup = page(as_role("commissioner").get("/social-return"))
    options = [option.get_text(strip=True) for option in soup.select("#parameter_set option")]
    assert options == [f"{DEFAULT_SET_NAME} (version 1)"]
    assert DEFAULT_SET_NAME == "National starting values"


@pytest.mark.parametrize("path", ["/social-return", "/social-return/devon-and-cornwall",
                                  "/social-return/parameters", "/social-return/parameters/{id}"])
def test_no_page_reads_like_a_developers_note(as_role, stored_set, path):
    query = {"clients-opiate": "100", "completions-opiate": "10", "seed": "7"} if path == "/social-return" else {}
    text = visible(as_role("commissioner").get(path.format(id=stored_set.id), query_string=query))
    assert not JARGON.findall(text), JARGON.findall(text)


@pytest.mark.parametrize("path", ["/social-return", "/social-return/parameters/{id}"])
def test_every_term_of_art_is_explained_where_it_is_used(as_role, stored_set, path):
    terms = glossary(page(as_role("commissioner").get(path.format(id=stored_set.id))))
    for term in TERMS:
        assert len(terms.get(term, "")) > 60, f"{term} is not explained on {path}"
    assert "would have happened anyway" in terms["Deadweight"]
    assert "97p" in terms["Discount rate"]


def test_each_rate_says_what_it_means_beside_its_value(as_role, stored_set):
    soup = page(as_role("commissioner").get(f"/social-return/parameters/{stored_set.id}"))
    for key in RATE_KEYS:
        header = " ".join(soup.select_one(f"#value-{key} th").get_text(" ").split())
        assert header.startswith(parameter_label(key)) and PLAIN_WORDS[key] in header


def test_a_draft_shows_the_meaning_as_the_hint_of_each_rate(as_role, stored_set):
    client = as_role("admin")
    post(client, f"/social-return/parameters/{stored_set.id}/copy")
    draft = _db.session.scalar(select(SroiParameterSet).where(SroiParameterSet.version == 2))
    assert draft is not None
    soup = page(client.get(f"/social-return/parameters/{draft.id}/edit"))
    for key in RATE_KEYS:
        value_input = soup.select_one(f"#parameter-{key} input")
        hint = soup.select_one(f"#{value_input['id']}-hint")
        assert hint is not None and hint.get_text(strip=True) == PLAIN_WORDS[key]


def test_the_random_runs_are_asked_for_and_reported_in_words(as_role, stored_set):
    client = as_role("commissioner")
    soup = page(client.get("/social-return"))
    assert soup.select_one("label[for=seed]").get_text(strip=True) == "Number for the random runs (optional)"
    assert "9 times out of 10" in soup.select_one("#seed-hint").get_text()
    result = page(client.get("/social-return", query_string={"clients-opiate": "100", "completions-opiate": "10",
                                                             "seed": "7"}))
    sentence = " ".join(result.select_one("#monte-carlo").get_text(" ").split())
    assert sentence.startswith("Random runs (Monte Carlo): in 1,000 runs with number 7")
    assert "9 times out of 10" in sentence


def test_a_first_version_is_not_based_on_none(as_role, stored_set):
    soup = page(as_role("commissioner").get(f"/social-return/parameters/{stored_set.id}"))
    rows = {row.dt.get_text(strip=True): row.dd.get_text(strip=True)
            for row in soup.select(".govuk-summary-list__row") if row.find_parent(id="plain-words") is None}
    assert rows["Based on"] == "Not a copy: the first version"


@pytest.mark.slow
def test_migration_0014_renames_the_stored_set_and_back(scratch_database_url):  # noqa: F811
    scratch = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with scratch.app_context():
        upgrade()
        # Written on the scratch database's own connection (the suite's session is bound to the test database).
        with _db.engine.begin() as connection:
            connection.execute(insert(SroiParameterSet.__table__).values(
                name=DEFAULT_PARAMETERS.name, version=1, status=ParameterSetStatus.PUBLISHED,
                parameters=parameters_to_json(DEFAULT_PARAMETERS), notes=DEFAULT_SET_NOTES, created_at=utcnow(),
                updated_at=utcnow(), lock_version=1))

        def stored():
            with _db.engine.connect() as connection:  # what is in the database, not in a session
                name, parameters, notes = connection.execute(
                    select(SroiParameterSet.name, SroiParameterSet.parameters, SroiParameterSet.notes)).one()
            set_by = {entry["set_by"] for entry in parameters["values"].values() if entry["assumption"]}
            return name, parameters["name"], notes, set_by

        assert stored() == (DEFAULT_SET_NAME, DEFAULT_SET_NAME, DEFAULT_SET_NOTES, {PLACEHOLDER})
        downgrade(revision=_migration_0014().down_revision)
        old = stored()
        assert old[:2] == ("Default (session 2)", "Default (session 2)")
        assert old[3] == {"PCC Grants developers, session 2, placeholder to review"}
        upgrade()
        assert stored() == (DEFAULT_SET_NAME, DEFAULT_SET_NAME, DEFAULT_SET_NOTES, {PLACEHOLDER})
        _db.session.remove()
        _db.engine.dispose()


def _migration_0014():
    path = next((Path(__file__).parents[3] / "migrations" / "versions").glob("0014_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0014", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
