"""Email templates that administrators edit (issue 23), as GOV.UK Notify does: a subject and a body in
Markdown with named placeholders, ``((applicant name))``, and conditional text, ``((late??You are
late.))``, shown only when ``late`` is true.

The service's emails and their shipped defaults are data: one TOML file per area in
``grants/data/emails/``, a table per email giving its name, who receives it, its placeholders (each
with a description; ``sets`` names groups of them a file shares in ``[placeholder_sets.<name>]``), the
default subject and body, and ``example``: the function that fills the
placeholders from real records for a preview. An administrator's edit is a new
``EmailTemplateVersion``; the newest version of a key is what the next email says, and with none the
default. Versions are never changed: restoring the default or an older version saves a new one, and
each save is audited. A template may use only its email's placeholders: an unknown one is refused on
save, so an email never goes out with ``((a typo))`` in it.

``send_template`` is how the service sends them: it fills the current template with the values the
caller gives (one for every placeholder of the email, or it raises: the code and the data must agree)
and queues the message with ``grants.mail.send_email``.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from grants import audit
from grants.extensions import db
from grants.mail import send_email
from grants.models.accounts import User
from grants.models.mail import EmailTemplateVersion, OutboxMessage

DEFAULTS_FOLDER = Path(__file__).parent / "data" / "emails"
SUBJECT_LIMIT = 300
BODY_LIMIT = 20_000

Value = str | bool
# Placeholders every email may use, filled by the service itself.
COMMON_PLACEHOLDERS = {"office name": "The office's name, as the service's header gives it"}


@dataclass(frozen=True)
class EmailDefinition:
    """One email the service sends, as the defaults file declares it."""

    key: str
    area: str  # the defaults file's name: "panel", "messages", "awards"...
    name: str
    to: str  # who receives it, in words
    subject: str
    body: str
    placeholders: dict[str, str]  # name -> what it holds
    example: str | None  # "module:function" giving values from real data, or None


@dataclass(frozen=True)
class Template:
    """The template an email is sent with now: the newest saved version, or the default."""

    subject: str
    body: str
    version: int | None  # None: the shipped default
    note: str
    saved_at: datetime | None
    saved_by: User | None


class TemplateProblem(ValueError):
    """A template that cannot be saved; ``field`` is "subject" or "body"."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class StaleVersion(ValueError):
    """Someone saved the template after the editor opened it."""


# --- the definitions (data) ----------------------------------------------------------------------

@cache
def _load(folder: Path) -> dict[str, EmailDefinition]:
    found: dict[str, EmailDefinition] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as file:
            tables = tomllib.load(file)
        # Placeholders shared by several emails of a file: [placeholder_sets.award], used as sets = ["award"].
        shared = tables.pop("placeholder_sets", {})
        for key, table in tables.items():
            if key in found:
                raise ValueError(f"{path.name}: the email {key!r} is also defined in {found[key].area}.toml")
            definition = EmailDefinition(
                key=key, area=path.stem, name=table["name"], to=table["to"],
                subject=table["subject"].strip(), body=table["body"].strip() + "\n",
                placeholders={**{name: text for used in table.get("sets", []) for name, text in shared[used].items()},
                              **dict(table.get("placeholders", {})), **COMMON_PLACEHOLDERS},
                example=table.get("example"))
            unknown = unknown_placeholders(definition, definition.subject, definition.body)
            if unknown:
                raise ValueError(f"{path.name}: the default of {key!r} uses placeholders it does not declare: "
                                 + ", ".join(unknown))
            found[key] = definition
    return found


def definitions() -> dict[str, EmailDefinition]:
    """Every email the service sends, by key, in the order of their files."""
    return _load(DEFAULTS_FOLDER)


def definition(key: str) -> EmailDefinition:
    """The email ``key``; KeyError if there is none."""
    return definitions()[key]


# --- placeholders ------------------------------------------------------------------------------
# Filled in two passes, so that conditional text may hold placeholders, and other conditional text:
# ``((late??Your ((count)) sheets were due on ((deadline)).))``. First each ((name)) becomes a marker
# (a value is never read as template text), then each ((name??text)) its text or nothing, the
# innermost first.
NAME = re.compile(r"\(\(([^()?]+?)\)\)")
# Conditional text ends at the last two of a run of closing brackets, so that it may end with one:
# ``((titled?? (((title)))))`` is " (" the title ")" when titled.
CONDITIONAL = re.compile(r"\(\(([^()?]+?)\?\?((?:(?!\(\(|\)\)(?!\))).)*)\)\)", re.DOTALL)
_MARKER = re.compile("\x00(\\d+)\x00")


def _clean(name: str) -> str:
    return " ".join(name.split()).lower()


def placeholders_in(text: str) -> list[str]:
    """The placeholder names ``text`` uses, in order, each once."""
    names = [_clean(match.group(1)) for match in NAME.finditer(text)]
    text = NAME.sub("", text)
    while found := list(CONDITIONAL.finditer(text)):  # the innermost first
        names += [_clean(match.group(1)) for match in found]
        text = CONDITIONAL.sub(lambda match: match.group(2), text)
    return list(dict.fromkeys(names))


def unknown_placeholders(email: EmailDefinition, subject: str, body: str) -> list[str]:
    """The placeholders ``subject`` and ``body`` use that the email does not know."""
    known = {name.lower() for name in email.placeholders}
    return [name for name in placeholders_in(subject + "\n" + body) if name not in known]


def unclosed(text: str) -> bool:
    """Whether ``text`` has brackets that are not a whole placeholder, like ``((name)`` or ``((a??b``."""
    left = NAME.sub("", text)
    while CONDITIONAL.search(left):
        left = CONDITIONAL.sub("", left)
    return "((" in left or "))" in left


def render(text: str, values: Mapping[str, Value], *, one_line: bool = False) -> str:
    """``text`` with each placeholder filled: ``((name))`` by its value, ``((name??words))`` by the words
    when the value is true and by nothing when it is false."""
    lowered = {name.lower(): value for name, value in values.items()}
    filled: list[str] = []

    def mark(match: re.Match[str]) -> str:
        value = lowered[_clean(match.group(1))]
        shown = value if isinstance(value, str) else ("yes" if value else "no")
        filled.append(" ".join(shown.split()) if one_line else shown)
        return f"\x00{len(filled) - 1}\x00"

    def choose(match: re.Match[str]) -> str:
        return match.group(2) if lowered[_clean(match.group(1))] else ""

    text = NAME.sub(mark, text)
    while CONDITIONAL.search(text):  # conditional text within conditional text: the innermost first
        text = CONDITIONAL.sub(choose, text)
    text = _MARKER.sub(lambda match: filled[int(match.group(1))], text)
    # Conditional text left out can leave a run of blank lines: keep at most one.
    return re.sub(r"\n{3,}", "\n\n", text)


# --- the current template and its versions ---------------------------------------------------------

def current(key: str) -> Template:
    """What the email ``key`` says now."""
    email = definition(key)
    newest = db.session.scalars(
        select(EmailTemplateVersion).where(EmailTemplateVersion.key == key)
        .order_by(EmailTemplateVersion.version.desc()).limit(1)).first()
    if newest is None:
        return Template(email.subject, email.body, None, "Default", None, None)
    return Template(newest.subject, newest.body, newest.version, newest.note, newest.created_at, newest.created_by)


def versions(key: str) -> list[EmailTemplateVersion]:
    """The saved versions of ``key``, newest first."""
    return list(db.session.scalars(select(EmailTemplateVersion).where(EmailTemplateVersion.key == key)
                                   .order_by(EmailTemplateVersion.version.desc())))


def version(key: str, number: int) -> EmailTemplateVersion | None:
    return db.session.scalars(select(EmailTemplateVersion).where(
        EmailTemplateVersion.key == key, EmailTemplateVersion.version == number)).first()


def changed_keys() -> dict[str, int]:
    """The keys with saved versions, and each one's newest version number."""
    rows = db.session.execute(select(EmailTemplateVersion.key, func.max(EmailTemplateVersion.version))
                              .group_by(EmailTemplateVersion.key))
    return {key: number for key, number in rows}


def check(key: str, subject: str, body: str) -> tuple[str, str]:
    """The subject and body tidied, or TemplateProblem saying what is wrong with them."""
    email = definition(key)
    subject = " ".join(subject.split())
    body = body.replace("\r\n", "\n").strip() + "\n"
    if not subject:
        raise TemplateProblem("subject", "Enter a subject")
    if len(subject) > SUBJECT_LIMIT:
        raise TemplateProblem("subject", f"Subject must be {SUBJECT_LIMIT} characters or fewer")
    if not body.strip():
        raise TemplateProblem("body", "Enter the message")
    if len(body) > BODY_LIMIT:
        raise TemplateProblem("body", f"Message must be {BODY_LIMIT:,} characters or fewer")
    for field, text in (("subject", subject), ("body", body)):
        unknown = unknown_placeholders(email, text, "")
        if unknown:
            names = ", ".join(f"(({name}))" for name in unknown)
            raise TemplateProblem(field, f"{field.capitalize()} uses {names}, which this email does not know. "
                                  "Use only the placeholders listed")
        if unclosed(text):
            raise TemplateProblem(field, f"{field.capitalize()} has a placeholder that is not closed: "
                                  "write it as ((name))")
    return subject, body


def save(key: str, subject: str, body: str, user: User, *, based_on: int | None,
         note: str = "Edited") -> EmailTemplateVersion:
    """Save a new version of ``key`` (TemplateProblem if it is not valid). ``based_on`` is the version
    the editor opened (None: the default); if someone has saved since, StaleVersion, and nothing is saved."""
    subject, body = check(key, subject, body)
    newest = current(key).version
    if newest != based_on:
        raise StaleVersion("Someone else has saved this email since you opened it. Your changes have not been "
                           "saved: check the latest version and make them again")
    saved = EmailTemplateVersion(key=key, version=(newest or 0) + 1, subject=subject, body=body, note=note,
                                 created_by_id=user.id)
    db.session.add(saved)
    db.session.flush()
    audit.record("email_template.saved", saved, f"{definition(key).name}: version {saved.version} ({note})",
                 actor=user)
    return saved


def restore(key: str, user: User, number: int | None, *, based_on: int | None) -> EmailTemplateVersion:
    """Save the default (``number`` None) or version ``number`` again as the newest version."""
    if number is None:
        email = definition(key)
        return save(key, email.subject, email.body, user, based_on=based_on, note="Restored the default")
    old = version(key, number)
    if old is None:
        raise LookupError(number)
    return save(key, old.subject, old.body, user, based_on=based_on, note=f"Restored version {number}")


# --- sending and previews -------------------------------------------------------------------------

def fill(key: str, values: Mapping[str, Value], template: Template | None = None) -> tuple[str, str]:
    """The subject and body of ``key`` filled with ``values``, which must give every placeholder."""
    email = definition(key)
    values = {**_common_values(), **values}
    missing = [name for name in email.placeholders if name.lower() not in {v.lower() for v in values}]
    if missing:
        raise KeyError(f"The email {key!r} needs values for: {', '.join(missing)}")
    template = template or current(key)
    return render(template.subject, values, one_line=True), render(template.body, values)


def _common_values() -> dict[str, Value]:
    return {"office name": current_app.config["OFFICE_NAME"]}


def send_template(key: str, recipient: str, values: Mapping[str, Value]) -> OutboxMessage:
    """Queue the email ``key`` to ``recipient`` as its current template says, in this transaction."""
    subject, body = fill(key, values)
    return send_email(recipient, subject, body)


def example_values(key: str) -> dict[str, Value] | None:
    """Values for a preview of ``key`` from real records (its ``example`` function), or None when
    there is no record to take them from."""
    email = definition(key)
    if not email.example:
        return None
    module, _, name = email.example.partition(":")
    function: Callable[[], dict[str, Value] | None] = getattr(importlib.import_module(module), name)
    values = function()
    return None if values is None else {**_common_values(), **values}


def sample_values(key: str) -> dict[str, Value]:
    """Stand-in values naming each placeholder, for a preview when there is no real record."""
    return {**{name: f"[{name}]" for name in definition(key).placeholders}, **_common_values()}
