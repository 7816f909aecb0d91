"""A person at the browser: goes to pages, fills forms, presses buttons; axe checks every page they see,
and tests/visible_text.py reads its words (no markup shown as text, no "None", no ISO dates)."""

from __future__ import annotations

import re
import time

import pyotp

from grants.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.visible_text import problems_in_text

PASSWORD = DEMO_PASSWORD


def pdf_bytes(title: str) -> bytes:
    """A small, real one-page PDF (no scripts or actions) with ``title`` on it."""
    text = re.sub(r"[^A-Za-z0-9 ,.:-]", "", title).encode("ascii")
    content = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"", []
    header = b"%PDF-1.4\n"
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(header) + len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    xref += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    start = len(header) + len(body)
    return header + body + xref + b"trailer\n<< /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, start)


# Person.fill in one call to the page, for a journey about the pages' layout rather than their input:
# boxes and radios are clicked (so their scripts run), text, dates and selects are set, with the
# input and change events typing would fire.
QUICK_FILL = """(root, answers) => {
  for (const [name, values] of Object.entries(answers)) {
    const controls = [...root.querySelectorAll(`[name="${CSS.escape(name)}"]`)];
    if (!controls.length) throw new Error(`no field called ${name}`);
    const first = controls[0];
    const kind = first.tagName === 'INPUT' ? first.type : first.tagName.toLowerCase();
    if (kind === 'checkbox' || kind === 'radio') {
      for (const control of controls) {
        if (values.includes(control.value) !== control.checked) control.click();
      }
      continue;
    }
    if (kind !== 'select' && controls.length !== values.length) {
      throw new Error(`${name}: ${controls.length} fields for ${values}`);
    }
    (kind === 'select' ? [first] : controls).forEach((control, index) => {
      control.value = values[index];
      control.dispatchEvent(new Event('input', {bubbles: true}));
      control.dispatchEvent(new Event('change', {bubbles: true}));
    });
  }
}"""


class Person:
    """Wraps a Playwright page; ``audit`` is False where the page runs no JavaScript (axe needs it);
    ``quick`` fills each form in one call to the page (``QUICK_FILL``) rather than field by field;
    ``typed`` lists words the journey types that pages show back as typed (see tests/visible_text.py)."""

    def __init__(self, page, axe, audit: bool = True, quick: bool = False, typed: tuple[str, ...] = ()):
        self.page = page
        self.axe = axe
        self.audit = audit
        self.quick = quick
        self.typed = typed

    def _seen(self):
        if self.audit:
            self.axe.check(self.page)
        self.read()
        return self.page

    def read(self) -> None:
        """Fails when the page shows words no one meant to show: what the browser renders as text
        (``innerText``: no scripts, nothing hidden, not the values in form controls) and the title."""
        found = problems_in_text([self.page.title(), self.page.locator("body").inner_text()], self.typed)
        assert not found, f"{self.page.url} shows:\n" + "\n".join(found)

    def goto(self, path: str):
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return self._seen()

    def follow(self, name: str, exact: bool = True):
        """Follow the link called ``name`` (the first, if several), or a link drawn as a button."""
        link = self.page.get_by_role("link", name=name, exact=exact)
        link = link.or_(self.page.locator("a[role=button]").get_by_text(name, exact=exact))
        with self.page.expect_navigation():
            link.first.click()
        return self._seen()

    def press(self, name: str, exact: bool = True, scope=None):
        """Press the button called ``name`` and wait for the next page."""
        within = scope or self.page
        with self.page.expect_navigation():
            within.get_by_role("button", name=name, exact=exact).first.click()
        return self._seen()

    def heading(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    def errors(self) -> list[str]:
        return [item.strip() for item in self.page.locator(".govuk-error-summary__list li").all_inner_texts()]

    def sign_in(self, email: str, password: str = PASSWORD):
        self.goto("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.press("Sign in")
        if self.heading() == "Check it is you":
            self.enter_code()

    def enter_code(self):
        """Staff: the demo authenticator app's code. A code works once per account, so when the
        same person signed in a moment ago, the next code (accepted a step early) is used, or the
        one after that once it comes."""
        totp = pyotp.TOTP(DEMO_TOTP_SECRET)
        for offset in (0, 30, 60):
            if offset == 60:
                time.sleep(30 - time.time() % 30 + 1)
            self.page.get_by_label("Code", exact=True).fill(totp.at(time.time() + min(offset, 30)))
            self.press("Continue")
            if self.heading() != "Check it is you":
                return
        raise AssertionError("the demo code was not accepted: " + "; ".join(self.errors()))

    def sign_out(self):
        return self.press("Sign out")

    def fill(self, answers: dict[str, list[str]], form=None):
        """Answer fields by their names, as the form posts them: several values fill a date's day,
        month and year, or tick several boxes."""
        scope = form or self.page.locator("main")
        if self.quick:
            scope.evaluate(QUICK_FILL, answers)
            return
        for name, values in answers.items():
            controls = scope.locator(f'[name="{name}"]')
            kind = controls.first.evaluate(
                "e => e.tagName.toLowerCase() === 'input' ? e.type : e.tagName.toLowerCase()")
            if kind in {"checkbox", "radio"}:
                for index in range(controls.count()):
                    control = controls.nth(index)
                    wanted = control.get_attribute("value") in values
                    if wanted != control.is_checked():
                        control.set_checked(wanted)
            elif kind == "select":
                controls.first.select_option(values[0])
            else:
                assert controls.count() == len(values), f"{name}: {controls.count()} fields for {values}"
                for index, value in enumerate(values):
                    controls.nth(index).fill(value)
