"""Every form, sent with a field left empty or with wrong values typed, answers in words: never a
500, and never loses what else was typed.

Every page is opened by every role allowed to (as tests/test_access.py does), together with the
pages of records in states that ``objects`` has not (a finished draft application, an offered award,
an approved instalment, a draft round, a scored panel, ...), and each POST form on them is read as
a browser would send it. Each distinct form is then sent, by someone who sees it and may use it,
with each of its fields emptied in turn, with all of them emptied, and with each of ``WRONG`` typed
in every box. The answer must be a redirect, a success, or the form again with an error summary
and everything else that was typed or chosen still in it.

Each send runs in a savepoint that is rolled back afterwards, and the client's session is put back
as it was (signing out clears it): every send starts from the same records and the same signed-in
person, so a scenario revised by one send is not an older version for the next, and the sign-out,
erasure and deletion forms are sent like any other. A file input is sent with no file chosen.

Not reached: the passkey endpoints (JSON for WebAuthn, no form), starting an application (its
form is the answer to the eligibility check, itself a POST), submitting a monitoring return and the
commissioner's decision and feedback (records that need a whole return or a panel's
recommendation first).

The case that found it: clearing "Joint fixed costs as a percentage of standalone" on a
co-commissioning scenario and saving was a 500, and the person's changes were lost.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from time import perf_counter
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, SoupStrainer
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from grants.application_form.sections import BY_KEY
from grants.extensions import db as _db
from grants.extensions import limiter
from grants.form_keys import FIELD as FORM_KEY
from grants.formatting import LONDON
from grants.interfaces.cocommissioning import scenarios as co
from grants.interfaces.social_return.parameters import copy_set, ensure_default_set
from grants.models.accounts import Role
from grants.models.applications import ApplicationStatus, ReferenceCounter
from grants.models.awards import AwardStatus, InstalmentStatus, ReturnStatus
from grants.models.cocommissioning import CoCommissioningScenario
from grants.models.organisations import OrganisationInvite, hash_token
from grants.models.panel import ConflictDeclaration, PanelMember, ScoreSheet, ScoringAssignment, SheetStatus
from grants.models.types import utcnow
from tests.blueprints.applications.answers import VALID
from tests.blueprints.applications.conftest import add_required_documents
from tests.blueprints.cocommissioning.conftest import scenario_form
from tests.factories import (
    TEST_PASSWORD,
    ApplicationFactory,
    AwardFactory,
    FundingRoundFactory,
    RubricFactory,
    UserFactory,
    make_scenario,
)
from tests.figures import report
from tests.helpers import emailed_link, error_messages, post
from tests.test_access import ACCESS, ACTORS, ANY, PUBLIC, ROLE_OF, _rules, _url, objects  # noqa: F401
from tests.test_faults import faulty  # noqa: F401 - the fixture: a 500 is a response, as in production

VISITOR, SIGNING_IN, NEWCOMER = "visitor", "signing in", "applicant without an organisation"
ROLES = {**ROLE_OF, NEWCOMER: Role.APPLICANT}  # the visitor and someone signing in have none
# Sent as the page has them, never emptied: without them the form is refused before it is read
# (400), as tests/test_access.py and tests/test_form_keys.py check.
NOT_EMPTIED = {"csrf_token", FORM_KEY}
# A suffix shared by this many names marks a group of inputs repeated for each row of a table.
ROW_AFTER_ROW = 4
# What a person types in, and what they type or choose: a form shown again must still have it.
TYPED = {"text", "email", "number", "tel", "url", "search", "password", "textarea"}
KEPT = TYPED - {"password"} | {"select", "checkbox", "radio"}
# Wrong values typed in every box at once: a number too big for any column, a date whose year is
# too big for any calendar, and a word where a number or date belongs.
WRONG = ("9" * 25, "1/1/" + "9" * 20, "x")


@dataclass
class SentForm:
    """One POST form as a browser sends it: its fields in page order, as (name, value, kind)."""

    path: str
    fields: list[tuple[str, str, str]]
    actor: str = ""
    page_url: str = ""
    endpoint: str = ""
    seen_on: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """The names that can be emptied, each once, in page order (buttons and files are not)."""
        return list(dict.fromkeys(name for name, _value, kind in self.fields
                                  if name not in NOT_EMPTIED and kind not in {"file", "submit"}))

    def to_empty(self) -> list[str]:
        """The names to empty one at a time: one of each shape in a group repeated row after row
        ("actual-1-1" stands for the year's other 71 figures, "population-value" for every figure's
        value), every other name itself."""
        names = self.names()
        shapes = [re.sub(r"\d+", "#", name) for name in names]
        suffixes = [shape.rpartition("-")[2] for shape in shapes]
        chosen = {}
        for name, shape, suffix in zip(names, shapes, suffixes, strict=True):
            if suffix != "#" and suffixes.count(suffix) >= ROW_AFTER_ROW:
                shape = f"*-{suffix}"
            chosen.setdefault(shape, name)
        return list(chosen.values())

    def emptied(self, names) -> SentForm:
        """The form with the fields ``names`` cleared: text and choices sent empty, boxes and radios
        unticked."""
        fields = [(name, "" if name in names else value, kind) for name, value, kind in self.fields
                  if name not in names or kind not in {"checkbox", "radio"}]
        return replace(self, fields=fields)

    def typed(self, text: str) -> SentForm:
        """The form with ``text`` typed in every box a person types in."""
        return replace(self, fields=[(name, text if kind in TYPED else value, kind)
                                     for name, value, kind in self.fields])

    def values(self) -> dict[str, list[str]]:
        """Each name's values, in order."""
        found: dict[str, list[str]] = {}
        for name, value, _kind in self.fields:
            found.setdefault(name, []).append(value)
        return found

    def data(self) -> MultiDict:
        """What the browser sends (no file chosen)."""
        return MultiDict([(name, (io.BytesIO(b""), "") if kind == "file" else value)
                          for name, value, kind in self.fields])

    def sends(self) -> list[tuple[str, SentForm]]:
        """What to send, each with what it is: each field emptied in turn, every field emptied,
        and wrong values typed in every box."""
        names = self.to_empty()
        sends = [(f"{name} empty", self.emptied({name})) for name in names]
        if len(names) != 1:
            sends.append(("every field empty", self.emptied(set(self.names()))))
        if any(kind in TYPED for _name, _value, kind in self.fields):
            sends += [(f"“{text if len(text) < 9 else text[:8] + '…'}” typed in every box", self.typed(text))
                      for text in WRONG]
        return sends


def forms_on(response) -> list:
    """The page's POST forms (parsing only the forms: every page is read several times)."""
    only_forms = SoupStrainer("form", method=re.compile("^post$", re.IGNORECASE))
    return BeautifulSoup(response.get_data(as_text=True), "html.parser", parse_only=only_forms).select("form")


def read_form(form, page_url: str) -> SentForm:
    """The fields a browser sends when the form's main button is pressed (the first that is not a
    secondary one like "Add another"): only the button pressed is sent, and no disabled field."""
    fields: list[tuple[str, str, str]] = []
    buttons = []
    for element in form.select("input, select, textarea, button"):
        kind = element.get("type", "submit" if element.name == "button" else "text").lower()
        if element.name in {"input", "button"} and kind in {"submit", "image"}:
            buttons.append(element)
        name = element.get("name")
        if not name or element.has_attr("disabled") or kind in {"submit", "image", "reset", "button"}:
            continue
        if element.name == "select":
            options = element.select("option")
            chosen = [o for o in options if o.has_attr("selected")]
            if not element.has_attr("multiple"):
                chosen = chosen[:1] or options[:1]
            fields += [(name, o.get("value", o.get_text()), "select") for o in chosen]
        elif element.name == "textarea":
            fields.append((name, element.get_text().removeprefix("\n"), "textarea"))
        elif kind not in {"checkbox", "radio"} or element.has_attr("checked"):
            fields.append((name, element.get("value", "on" if kind in {"checkbox", "radio"} else ""), kind))
    pressed = next((b for b in buttons if "govuk-button--secondary" not in b.get("class", [])), None)
    pressed = pressed or next(iter(buttons), None)
    if pressed is not None and pressed.get("name") and not pressed.has_attr("disabled"):
        fields.append((pressed["name"], pressed.get("value", ""), "submit"))
    return SentForm(path=urlsplit(form.get("action") or page_url).path, fields=fields)


def allowed(actor: str, endpoint: str) -> bool:
    """Whether ``actor`` may use ``endpoint``, by tests/test_access.py's table."""
    expected = ACCESS[endpoint]
    if expected == PUBLIC:
        return True
    if actor not in ROLES:
        return False
    return expected == ANY or ROLES[actor] in expected


@pytest.fixture
def other_states(db, users, objects, as_role) -> dict:  # noqa: F811 - the fixture
    """Records in the states whose pages show the forms that ``objects``' records do not, and those
    pages; and an applicant who has no organisation yet."""
    org, member = users["org_a"], users["panel_member"]
    # A draft with every section answered, so that each field has a value to empty, ready to submit.
    draft = ApplicationFactory(funding_round=FundingRoundFactory(), organisation=org, created_by=users["applicant"])
    applicant = as_role("applicant")
    for key, answers in VALID.items():
        assert post(applicant, f"/applications/{draft.id}/sections/{key}",
                    {**answers, "action-continue": "1"}).status_code == 302
    add_required_documents(db, draft)
    # Past the references given by hand here and in ``objects``, as submitting takes the next one.
    db.session.add(ReferenceCounter(series=f"CGS-{utcnow().astimezone(LONDON).year}", value=900))
    successful = ApplicationFactory(  # in a decided round, not offered yet
        organisation=org, status=ApplicationStatus.SUCCESSFUL, reference="CGS-2026-0201",
        amount_requested=Decimal("4000.00"), submitted_at=utcnow() - timedelta(days=60),
        funding_round=FundingRoundFactory(opens_at=utcnow() - timedelta(days=120),
                                          closes_at=utcnow() - timedelta(days=90),
                                          decided_at=utcnow() - timedelta(days=45)))
    offered = AwardFactory(organisation=org)
    running = AwardFactory(organisation=org, status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                           accepted_name="Alex Contact", accepted_position="Chair")
    approved, held = running.instalments
    approved.status, approved.approved_at = InstalmentStatus.APPROVED, utcnow()
    approved.approved_by = users["finance_approver"]  # not who records the payment
    held.status, held.held, held.hold_reason = InstalmentStatus.DUE, True, "Waiting for the first return"
    submitted = running.returns[0]
    submitted.status, submitted.submitted_at = ReturnStatus.SUBMITTED, utcnow()
    finished = AwardFactory(organisation=org, status=AwardStatus.ACCEPTED, accepted_at=utcnow(),
                            accepted_name="Alex Contact", accepted_position="Chair")
    for instalment in finished.instalments:
        instalment.status, instalment.paid_on, instalment.payment_reference = (
            InstalmentStatus.PAID, utcnow().date(), "BACS 1234")
    finished.returns[-1].status = ReturnStatus.ACCEPTED
    draft_round = FundingRoundFactory(published_at=None, opens_at=utcnow() + timedelta(days=10))
    unused_rubric = RubricFactory()
    draft_set = copy_set(ensure_default_set(), users["admin"])
    preferred = make_scenario(users["commissioner"], name="Preferred scenario")
    co.mark_preferred(preferred, "Cheapest for every partner", users["commissioner"])
    newcomer = UserFactory(roles=[Role.APPLICANT], organisation=None, email="newcomer@example.org")
    db.session.add(OrganisationInvite(organisation=org, email=newcomer.email, token_hash=hash_token("newcomer-token"),
                                      invited_by_id=users["applicant"].id, expires_at=utcnow() + timedelta(days=7)))
    long_gone = UserFactory(roles=[Role.APPLICANT], organisation=None, created_at=utcnow() - timedelta(days=4000))
    # A closed round whose panel has the standard member (two bids scored, one to score), a
    # member assigned nothing, and a panel member not on it yet.
    panel_round = FundingRoundFactory(opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=1))
    bids = [ApplicationFactory(funding_round=panel_round, status=ApplicationStatus.UNDER_ASSESSMENT,
                               reference=f"CGS-2026-{number:04d}", submitted_at=utcnow() - timedelta(days=5),
                               amount_requested=Decimal("3000.00")) for number in (101, 102, 103)]
    seated, _not_seated = UserFactory(roles=[Role.PANEL_MEMBER]), UserFactory(roles=[Role.PANEL_MEMBER])
    db.session.add_all([PanelMember(round_id=panel_round.id, user_id=member.id),
                        PanelMember(round_id=panel_round.id, user_id=seated.id)])
    for number, bid in enumerate(bids):
        db.session.add_all([ScoringAssignment(application_id=bid.id, user_id=member.id, round_id=panel_round.id),
                            ConflictDeclaration(application_id=bid.id, user_id=member.id, conflicted=False)])
        if number:
            db.session.add(ScoreSheet(application_id=bid.id, user_id=member.id, round_id=panel_round.id,
                                      rubric_id=panel_round.rubric_id, status=SheetStatus.SUBMITTED,
                                      values={"fit": 3, "value": 2}, comments={"fit": "Fits", "value": "Good"},
                                      submitted_at=utcnow()))
    db.session.flush()
    return {
        "pages": [
            *(f"/applications/{draft.id}/sections/{key}" for key in BY_KEY),
            f"/applications/{draft.id}/documents", f"/applications/{draft.id}/check",
            f"/awards/new/{successful.id}",
            f"/awards/{offered.id}/edit", f"/awards/{offered.id}/withdraw", f"/awards/{offered.id}/extend",
            f"/grants/{offered.id}/offer",
            f"/awards/{running.id}/instalments/{approved.id}/pay", f"/awards/{running.id}/returns/{submitted.id}",
            f"/awards/{finished.id}/close",
            f"/rounds/manage/{draft_round.id}", f"/rounds/{draft_round.id}/delete",
            f"/rubrics/{unused_rubric.id}", f"/rubrics/{unused_rubric.id}/delete",
            f"/social-return/parameters/{draft_set.id}", f"/social-return/parameters/{draft_set.id}/edit",
            f"/co-commissioning/{preferred.id}",
            f"/admin/users/{users['grants_officer'].id}", f"/admin/users/{long_gone.id}/personal-data",
            "/organisations/new", "/invites/newcomer-token",
            f"/panel/rounds/{panel_round.id}", f"/panel/rounds/{panel_round.id}/assignments",
            f"/panel/rounds/{panel_round.id}/recommendation", f"/panel/rounds/{panel_round.id}/bids/{bids[1].id}",
            f"/panel/bids/{bids[0].id}/score",
        ],
        "newcomer": newcomer,
    }


def signing_in_client(app, user):
    """A client part-way through signing in: the password given, the second factor not yet."""
    client = app.test_client()
    response = post(client, "/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"].endswith("/sign-in/check")
    return client


def emailed_pages(app, person) -> list[str]:
    """The pages of the links emailed to set a password: to finish registering, and ``person``'s
    to reset theirs."""
    client = app.test_client()
    post(client, "/register", {"full_name": "Jamie Newman", "email": "jamie.newman@example.org"})
    post(client, "/reset-password", {"email": person.email})
    return [emailed_link("jamie.newman@example.org", "/register/"), emailed_link(person.email, "/reset-password/")]


def every_form(app, objects, clients, other_pages) -> tuple[list[SentForm], dict, list[str]]:  # noqa: F811
    """Each distinct POST form (by where it posts and what it sends) on every page, kept with the
    first person who sees it and may send it (``clients``: a client for each of them)."""
    adapter = app.url_map.bind("localhost")
    pages = [(rule.endpoint, _url(app, rule, objects)) for rule in _rules(app) if "GET" in rule.methods]
    pages += [(adapter.match(url, method="GET")[0], url) for url in other_pages]
    found: dict[tuple, SentForm] = {}
    nowhere, opened = [], 0
    for endpoint, url in pages:
        for actor, client in clients.items():
            if not allowed(actor, endpoint):
                continue
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.content_type:
                continue
            opened += 1
            for form in forms_on(response):
                sent = read_form(form, url)
                key = (sent.path, tuple(sent.names()))
                if found.get(key) and found[key].actor:
                    continue
                try:
                    action, _args = adapter.match(sent.path, method="POST")
                except HTTPException:
                    nowhere.append(f"{actor} {endpoint}: a form posts to {sent.path}, which takes no POST")
                    continue
                known = found.setdefault(key, sent)
                known.seen_on.append(f"{actor} on {endpoint}")
                if allowed(actor, action):
                    known.actor, known.page_url, known.endpoint = actor, url, action
    unusable = [f"{path}: seen by {', '.join(sent.seen_on)}" for (path, _n), sent in found.items() if not sent.actor]
    return [sent for sent in found.values() if sent.actor], {"pages": opened, "unusable": unusable}, nowhere


def problem_with(response, form: SentForm, sent: SentForm) -> str:
    """'' when the answer to ``sent`` (``form`` changed) is a redirect, a success, or the form again
    with an error summary and everything typed or chosen still in it; otherwise what is wrong."""
    if response.status_code in {302, 303}:
        return ""
    before, after = form.values(), sent.values()
    changed = {name for name in before if before[name] != after.get(name)}
    if response.status_code == 400 and all(kind == "hidden" for name, _v, kind in form.fields if name in changed):
        return ""  # a hidden value missing is a tampered request, refused (admin.set_active's "active")
    if response.status_code != 200:
        return f"{response.status_code}"
    if "text/html" not in response.content_type or "govuk-error-summary__list" not in response.get_data(as_text=True):
        return ""  # a download, or the page the form leads to (it has no error summary)
    shown = [read_form(f, form.path) for f in forms_on(response)]
    again = max((f for f in shown if f.path == form.path), default=None,
                key=lambda f: len(set(f.names()) & set(form.names())))
    if again is None:
        return ""  # the error is shown on the page of the record the form acts on
    values = {(name, value) for name, value, _kind in again.fields}
    lost = [name for name, value, kind in sent.fields if kind in KEPT and value and (name, value) not in values]
    return f"shown again without what was sent in {', '.join(dict.fromkeys(lost))}" if lost else ""


@pytest.mark.usefixtures("faulty")
def test_every_form_with_fields_empty_or_wrong_answers_in_words(app, users, objects, other_states,  # noqa: F811
                                                          as_role, as_user):
    started = perf_counter()
    clients = {actor: as_role(actor) for actor in ACTORS}
    clients |= {NEWCOMER: as_user(other_states["newcomer"]), VISITOR: app.test_client(),
                SIGNING_IN: signing_in_client(app, users["grants_officer"])}
    pages = other_states["pages"] + emailed_pages(app, other_states["newcomer"])
    forms, crawl, nowhere = every_form(app, objects, clients, pages)
    kept = {}
    for actor, client in clients.items():
        with client.session_transaction() as session:
            kept[actor] = dict(session)  # who is signed in, and the CSRF secret the pages' tokens need
    connection = _db.session.connection()
    failures, posts = list(nowhere), 0
    for form in forms:
        client = clients[form.actor]
        for what, sent in form.sends():
            savepoint = connection.begin_nested()  # every send starts from the same records
            limiter.reset()
            try:
                response = client.post(form.path, data=sent.data())
            finally:
                savepoint.rollback()
                _db.session.expire_all()
            with client.session_transaction() as session:  # and the same signed-in person
                session.clear()
                session.update(kept[form.actor])
            posts += 1
            problem = problem_with(response, form, sent)
            if problem:
                failures.append(f"{form.actor} {form.endpoint} ({form.path}), {what}: {problem}"
                                f" {error_messages(response)}")
    assert not failures, "\n".join(failures)
    assert not crawl["unusable"], "forms shown to people who may not send them:\n" + "\n".join(crawl["unusable"])
    report(f"empty fields: {len(forms)} forms on {crawl['pages']} pages, sent {posts} times with fields emptied or"
           f" wrong values typed, in {perf_counter() - started:.0f} s")


PAGE = """<form method="post" action="/things/1?x=1"><input type="hidden" name="csrf_token" value="t">
<input name="title" value="Café"><input type="password" name="password" value="secret">
<input type="checkbox" name="areas" value="a" checked><input type="checkbox" name="areas" value="b">
<input type="radio" name="kind" value="one"><input type="radio" name="kind" value="two" checked>
<select name="year"><option value="2026">2026</option><option value="2027">2027</option></select>
<select name="codes" multiple><option value="p" selected>P</option><option value="q" selected>Q</option></select>
<textarea name="notes">
Two lines
of notes</textarea><input name="locked" value="no" disabled><input type="file" name="upload">
<button type="submit" name="action-add" value="1" class="govuk-button govuk-button--secondary">Add another</button>
<button type="submit" name="action-continue" value="1" class="govuk-button">Save</button></form>"""


def test_a_form_is_read_as_a_browser_sends_it_and_a_value_lost_is_noticed():
    [form] = [read_form(f, "/things/1") for f in forms_on(Response(PAGE, content_type="text/html"))]

    assert form.path == "/things/1"
    assert form.fields == [
        ("csrf_token", "t", "hidden"), ("title", "Café", "text"), ("password", "secret", "password"),
        ("areas", "a", "checkbox"), ("kind", "two", "radio"), ("year", "2026", "select"), ("codes", "p", "select"),
        ("codes", "q", "select"), ("notes", "Two lines\nof notes", "textarea"), ("upload", "", "file"),
        ("action-continue", "1", "submit")]
    assert form.to_empty() == ["title", "password", "areas", "kind", "year", "codes", "notes"]
    emptied = form.emptied({"areas", "title"}).values()
    assert "areas" not in emptied and emptied["title"] == [""] and emptied["codes"] == ["p", "q"]
    assert [what for what, _sent in form.sends()][-4:] == [
        "every field empty", "“99999999…” typed in every box", "“1/1/9999…” typed in every box",
        "“x” typed in every box"]

    kept = PAGE.replace("<form", '<div class="govuk-error-summary__list"></div><form')
    assert problem_with(Response(kept, content_type="text/html"), form, form.emptied({"kind"})) == ""
    lost = kept.replace('value="Café"', 'value=""')
    assert problem_with(Response(lost, content_type="text/html"), form, form.emptied({"kind"})) == (
        "shown again without what was sent in title")
    assert problem_with(Response("", status=500), form, form) == "500"


# The cases that found it ------------------------------------------------------------------------

SCENARIO_GAPS = [
    ({"scale_kind": "percent", "scale_percent": ""}, "Enter the joint fixed costs as a percentage of standalone costs",
     "scale_percent"),
    ({"scale_kind": "curve", "scale_exponent": ""}, "Enter the curve exponent", "scale_exponent"),
    ({"floor_kind": "percent", "floor_percent": ""}, "Enter the floor as a percentage of the joint cost each year",
     "floor_percent"),
    ({"floor_kind": "amount", "floor_amount": ""}, "Enter the floor as an amount in pounds each year", "floor_amount"),
    ({"cap_kind": "percent", "cap_percent": "  "}, "Enter the cap as a percentage of the joint cost each year",
     "cap_percent"),
    ({"cap_kind": "amount", "cap_amount": ""}, "Enter the cap as an amount in pounds each year", "cap_amount"),
]


def _shown(response, name: str) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return soup.select_one(f"[name={name}]")["value"]


@pytest.mark.usefixtures("faulty")
@pytest.mark.parametrize("changes, message, field", SCENARIO_GAPS)
def test_a_scenario_option_chosen_without_its_number_is_named_on_the_field(as_role, db, changes, message, field):
    response = post(as_role("commissioner"), "/co-commissioning/new", scenario_form(name="Gap scenario", **changes))

    assert response.status_code == 200
    assert error_messages(response) == [message]
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one(".govuk-error-summary__list a")["href"] == f"#{field}"
    assert message in soup.select_one(f"#{field}-error").get_text()
    assert _shown(response, "name") == "Gap scenario" and _shown(response, "setup") == "£150,000.00"
    assert db.session.scalar(
        select(CoCommissioningScenario).where(CoCommissioningScenario.name == "Gap scenario")) is None


@pytest.mark.usefixtures("faulty")
def test_clearing_the_percentage_of_a_saved_scenario_keeps_the_changes_typed(users, as_role, db):
    """The issue's case: the percentage cleared on /co-commissioning/<id>/edit and saved."""
    scenario = make_scenario(users["commissioner"], name="Five forces")
    db.session.flush()
    typed = scenario_form(name="Five forces, longer", years="5", scale_percent="", notes="Try five years")

    response = post(as_role("finance_officer"), f"/co-commissioning/{scenario.id}/edit", typed)

    assert response.status_code == 200
    assert error_messages(response) == ["Enter the joint fixed costs as a percentage of standalone costs"]
    assert (_shown(response, "name"), _shown(response, "years")) == ("Five forces, longer", "5")
    assert "Try five years" in response.get_data(as_text=True)
    versions = db.session.scalars(select(CoCommissioningScenario.version).where(
        CoCommissioningScenario.family_id == scenario.family_id)).all()
    assert versions == [1]


@pytest.mark.usefixtures("faulty")
def test_a_new_scenario_sent_as_the_page_first_shows_it_is_refused_in_words(as_role):
    client = as_role("finance_officer")
    [form] = [read_form(f, "/co-commissioning/new") for f in forms_on(client.get("/co-commissioning/new"))
              if urlsplit(f.get("action") or "/co-commissioning/new").path == "/co-commissioning/new"]

    response = client.post("/co-commissioning/new", data=form.data())

    assert response.status_code == 200
    assert "Enter the joint fixed costs as a percentage of standalone costs" in error_messages(response)


@pytest.mark.usefixtures("faulty")
@pytest.mark.parametrize("typed", ["1/1/" + "9" * 20, "9" * 20 + "/1/2027", "31/2/2027"])
def test_a_review_date_that_is_no_date_is_refused_in_words(objects, as_role, typed):  # noqa: F811 - the fixture
    """A year of 20 digits overflowed in date() and was a 500, where an impossible day was refused."""
    client = as_role("finance_officer")
    url = f"/pooled-budgets/{objects['agreement_id']}/edit"
    [form] = [read_form(f, url) for f in forms_on(client.get(url)) if urlsplit(f.get("action") or url).path == url]
    data = form.data()
    data.setlist("review_dates", [f"31/3/2027\n{typed}"])

    response = client.post(url, data=data)

    assert response.status_code == 200
    assert error_messages(response) == [f"“{typed}” is not a date like 31/3/2027"]
