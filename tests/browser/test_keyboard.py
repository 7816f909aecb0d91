"""Keyboard only: the whole of journey 1 with Tab, Shift+Tab, arrow keys, Space and Enter, and a
visible focus style on every control reached (checked at every stop of Tab and Shift+Tab).

Covered, in order, as a new community group:
- registration: "Start now" on the start page by Enter; the registration form sent empty by Enter
  (the error state), the error summary's link followed by Enter to the field it names, the name and
  email address typed and the form sent with Space on "Continue";
- the emailed link: read from the served app's outbox and opened with ``page.goto``, as following
  it from an email program is not part of the page; on "Create a password" the two fields are
  reached by Tab, typed, and the account created with Enter;
- the organisation: every field of "Tell us about your organisation" by Tab (its type of
  organisation by Space and the arrow keys), saved with Enter;
- the eligibility check (radios by Space and the arrow keys, and back with the arrow keys);
  starting the application; confirming the organisation's details with Space on "Save and
  continue"; every section of the form in turn (text, textareas, checkboxes by Space, radios and
  selects by the arrow keys, dates, budget lines), each saved with Enter;
- the documents page (the kind chosen with the arrow keys, the file input opened with Space and the
  file given to the chooser Playwright intercepts, as the operating system's dialog is not part of
  the page); back to the application by Shift+Tab to the back link; checking the answers and
  submitting, and the confirmation with the application's reference.

Not covered by the keyboard: the address bar (``page.goto`` opens the start page, the emailed link
and the list of open rounds, as a person types an address or follows a link in another program);
signing out and in between two visits (sign-in is a form like registration's, and the two visits
are journey 1 with the mouse, tests/browser/test_applicant_journey.py); the password page's and
eligibility's error states (journey 1 with the mouse). Answers of more than 40 characters are
entered with ``keyboard.insert_text`` (as a paste or dictation would) to keep the run short;
shorter ones are typed key by key.
"""

from __future__ import annotations

import re

import pytest

from grants.models.applications import REQUIRED_DOCUMENTS
from tests.blueprints.applications.answers import THEMED as VALID  # the first open round's form (themed)
from tests.browser.person import Person, pdf_bytes

pytestmark = pytest.mark.browser

# The focused element's look, and its look once blurred: a visible focus style changes one of them.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const look = () => { const s = getComputedStyle(el);
    return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                     && s.outlineColor !== 'rgba(0, 0, 0, 0)'
              ? s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor : '',
            shadow: s.boxShadow === 'none' ? '' : s.boxShadow, background: s.backgroundColor, border: s.borderColor}; };
  const focused = look();
  el.blur();
  const blurred = look();
  el.focus();
  const name = el.id || el.name || el.textContent.trim().slice(0, 40) || el.tagName;
  return {name, focused, blurred};
}"""
# The names of the form's controls in the order they come on the page.
CONTROL_NAMES = """(wanted) => [...new Set([...document.querySelectorAll('main [name]')].map((e) => e.name))]
  .filter((name) => wanted.includes(name))"""
DOCUMENTS = {kind.value: kind.label for kind in REQUIRED_DOCUMENTS}


def _assert_focus_visible(page) -> str:
    style = page.evaluate(FOCUS_STYLE)
    assert style is not None, "nothing has focus"
    focused, blurred = style["focused"], style["blurred"]
    visible = (focused["outline"] or focused["shadow"]) and focused != blurred
    assert visible, f"no visible focus style on {style['name']}: {focused} (blurred: {blurred})"
    return style["name"]


def _focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def _tab_to(page, selector: str, shift: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until ``selector`` has focus, checking the focus on every stop."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        _assert_focus_visible(page)
        if _focused(page, selector):
            return
    raise AssertionError(f"{selector} never took focus after {limit} presses of Tab")


def _type(page, text: str) -> None:
    page.keyboard.press("ControlOrMeta+a")  # replace what is there
    if len(text) > 40:
        page.keyboard.insert_text(text)
    else:
        page.keyboard.type(text)


def _choose_radio(page, name: str, value: str) -> None:
    """Tab into the radio group, then move the choice with the arrow keys (Space when none is chosen)."""
    _tab_to(page, f'input[name="{name}"]')
    chosen = f'input[name="{name}"]:checked'
    if not page.locator(chosen).count():
        page.keyboard.press("Space")
    for _ in range(page.locator(f'input[name="{name}"]').count()):
        if page.locator(chosen).get_attribute("value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{name}: the arrow keys never reached {value}")


def _choose_option(page, name: str, value: str) -> None:
    _tab_to(page, f'select[name="{name}"]')
    select = page.locator(f'select[name="{name}"]')
    values = select.evaluate("(s) => [...s.options].map((o) => o.value)")
    steps = values.index(value) - select.evaluate("(s) => s.selectedIndex")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    assert select.input_value() == value, (name, select.input_value(), value)


def _fill_by_keyboard(page, answers: dict[str, list[str]]) -> None:
    """Answer the form's fields, in the order they come, with the keyboard alone."""
    for name in page.evaluate(CONTROL_NAMES, list(answers)):
        values = answers[name]
        controls = page.locator(f'main [name="{name}"]')
        kind = controls.first.evaluate("e => e.tagName.toLowerCase() === 'input' ? e.type : e.tagName.toLowerCase()")
        if kind == "radio":
            _choose_radio(page, name, values[0])
        elif kind == "checkbox":
            for index in range(controls.count()):
                control = controls.nth(index)
                if not control.is_visible():
                    continue
                _tab_to(page, f'input[name="{name}"][value="{control.get_attribute("value")}"]')
                if (control.get_attribute("value") in values) != control.is_checked():
                    page.keyboard.press("Space")
        elif kind == "select":
            _choose_option(page, name, values[0])
        else:
            _tab_to(page, f'[name="{name}"]')
            _type(page, values[0])
            for value in values[1:]:  # a date's month and year follow its day
                page.keyboard.press("Tab")
                _assert_focus_visible(page)
                assert _focused(page, f'[name="{name}"]'), f"{name}: Tab left the field's parts"
                _type(page, value)


def _enter(person: Person) -> None:
    with person.page.expect_navigation():
        person.page.keyboard.press("Enter")
    person.axe.check(person.page)


def _space(person: Person) -> None:
    with person.page.expect_navigation():
        person.page.keyboard.press("Space")
    person.axe.check(person.page)


NAME, EMAIL, NEW_PASSWORD = "Morwenna Keast", "morwenna@kernowyouth.example.org", "granite-lugger-estuary"


def test_apply_by_keyboard(page, axe, inbox, screenshot):
    person = Person(page, axe)
    keys = page.keyboard
    # Playwright turns on its interception of file choosers when a listener is first added, without
    # waiting for it: one listener from the start means Space on the file input is never missed.
    page.on("filechooser", lambda chooser: None)

    # Registration: the start page's "Start now", the form's error state, then name and email.
    person.goto("/")
    _tab_to(page, "main a[href='/register']")
    _enter(person)
    assert person.heading() == "Create an account"
    _tab_to(page, "main button[type=submit]")
    _enter(person)  # nothing filled in: the error state
    assert "Enter your full name" in person.errors(), person.errors()
    _tab_to(page, ".govuk-error-summary a[href='#full_name']")
    keys.press("Enter")  # the error's link moves the focus to its field
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'full_name'")
    _assert_focus_visible(page)
    keys.type(NAME)
    _tab_to(page, "#email")
    _type(page, EMAIL)
    _tab_to(page, "main button[type=submit]")
    _space(person)  # Space presses a button too
    assert person.heading() == "Check your email" and EMAIL in person.text()

    # The emailed link, then a password.
    person.goto(inbox.link(EMAIL, "/register/"))
    assert person.heading() == "Create a password"
    _tab_to(page, "#password")
    keys.type(NEW_PASSWORD)
    _tab_to(page, "#confirm_password")
    keys.type(NEW_PASSWORD)
    _tab_to(page, "main button[type=submit]")
    _enter(person)
    assert "Your account has been created" in page.locator("body").inner_text()

    # The organisation.
    assert person.heading() == "Tell us about your organisation", person.heading()
    organisation = {**VALID["organisation"], "name": ["Kernow Youth Diversion"], "contact_name": [NAME],
                    "contact_email": [EMAIL]}
    _fill_by_keyboard(page, organisation)
    _tab_to(page, "main button[type=submit]")
    _enter(person)
    assert "Kernow Youth Diversion has been set up" in page.locator("body").inner_text()

    # Eligibility: radios by Space and arrow keys.
    person.goto("/rounds")
    _tab_to(page, "main a[href^='/rounds/']")
    _enter(person)
    _tab_to(page, "main a[href$='/eligibility']")
    _enter(person)
    _tab_to(page, "input[name=legal_type]")
    keys.press("Space")
    chosen = lambda: page.locator("input[name=legal_type]:checked").get_attribute("value")  # noqa: E731
    first = chosen()
    keys.press("ArrowDown")  # the arrows move the choice, and back
    assert chosen() != first
    keys.press("ArrowUp")
    assert chosen() == first
    _tab_to(page, "input[name=in_area]")
    keys.press("Space")
    _tab_to(page, "#annual_income")  # filled in from the organisation: replaced
    _type(page, "25000")
    _tab_to(page, "#amount")
    _type(page, "3600")
    _tab_to(page, "button[type=submit]")
    _enter(person)
    assert person.heading() == "You can apply to this round"

    # Start, confirm the organisation's details, then every section in turn: "Save and continue"
    # leads to the next section still to do, and to the task list after the last.
    _tab_to(page, "main button[type=submit], main a[role=button]")
    _enter(person)
    application_url = re.search(r"/applications/\d+", page.url).group(0)
    _tab_to(page, "main a[href$='/sections/organisation']")
    _enter(person)
    _tab_to(page, "button[name=action-continue]")
    keys.press("Space")  # Space presses a button too
    page.wait_for_url(lambda url: "/sections/organisation" not in url)
    axe.check(page)
    done = []
    while (section := re.search(r"/sections/(\w+)", page.url)) and len(done) < len(VALID):
        key = section.group(1)
        _fill_by_keyboard(page, VALID[key])
        _tab_to(page, "button[name=action-continue]")
        _enter(person)
        assert not person.errors(), (key, person.errors())
        done.append(key)
    assert set(done) == set(VALID) - {"organisation"}, done
    assert "You have completed 11 of 12 sections" in person.text(), person.text()

    # Subsidy control, which a charity answers too: ‘No’ by the arrow keys, and no amounts asked.
    _tab_to(page, "main a[href$='/subsidy-control']")
    _enter(person)
    _choose_radio(page, "economic", "no")
    _tab_to(page, "main button[name=submit]")
    _enter(person)
    assert not person.errors(), person.errors()
    assert "You have completed 12 of 12 sections" in person.text(), person.text()

    # The documents: the kind by the arrow keys, the file input opened with Space.
    _tab_to(page, "main a[href$='/documents']")
    _enter(person)
    for kind, label in DOCUMENTS.items():
        _choose_radio(page, "kind", kind)
        _tab_to(page, "input[type=file]")
        with page.expect_file_chooser() as chooser:
            keys.press("Space")
        chooser.value.set_files({"name": f"{kind}.pdf", "mimeType": "application/pdf",
                                 "buffer": pdf_bytes(f"Kernow Youth Diversion: {label}")})
        _tab_to(page, "main button[type=submit]:not(.opcc-link-button)")
        _enter(person)
        assert not person.errors(), (kind, person.errors())
    assert "You have uploaded all the required documents" in person.text()

    # Back to the application (the back link, before the success banner that has the focus),
    # check the answers, submit.
    _tab_to(page, f"a[href='{application_url}']", shift=True)
    _enter(person)
    _tab_to(page, "main a[href$='/check']")
    _enter(person)
    _tab_to(page, "main button[type=submit]")
    _enter(person)
    assert re.search(r"CGS-\d{4}-\d{4}", person.text()), person.text()
    screenshot(page)
