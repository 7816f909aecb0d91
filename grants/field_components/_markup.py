"""What the field components share: the params each covers, and the pieces of markup (label, hint,
error, attributes) every GOV.UK field writes the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govuk_frontend_wtf.gov_form_base import GovFormBase
from jinja2.filters import do_indent
from markupsafe import Markup, escape

DATE_BOXES = ("day", "month", "year")  # a date input's boxes, in order (grants.forms reads dates by them)

_INPUT_KEYS = frozenset({
    "id", "name", "type", "value", "label", "hint", "errorMessage", "classes", "prefix", "suffix", "inputmode",
    "spellcheck", "autocomplete", "autocapitalize", "pattern", "disabled", "attributes", "formGroup", "describedBy",
})
_SELECT_KEYS = frozenset({
    "id", "name", "label", "hint", "errorMessage", "classes", "items", "value", "disabled", "attributes", "formGroup",
    "describedBy",
})
_LABEL_KEYS = frozenset({"text", "classes", "isPageHeading"})
_HINT_KEYS = frozenset({"text", "classes"})
_ERROR_KEYS = frozenset({"text"})
_AFFIX_KEYS = frozenset({"text", "classes"})
_GROUP_KEYS = frozenset({"classes"})
_OPTION_KEYS = frozenset({"text", "value", "selected"})
# A date input's params as govuk-frontend-wtf's GovDateInput makes them: govukDateInput reads no label,
# name or value of its own (the boxes have theirs).
_DATE_KEYS = frozenset({"id", "name", "label", "value", "hint", "errorMessage", "attributes", "fieldset", "items"})
_FIELDSET_KEYS = frozenset({"legend"})
_LEGEND_KEYS = frozenset({"text", "classes"})
_BOX_KEYS = frozenset({"label", "id", "name", "classes", "value"})


class WrittenInPython(GovFormBase):
    """Mixed in before a govuk-frontend-wtf widget: its markup is written by ``write`` where that covers
    the params, else (``write`` gives None) by the widget's GOV.UK macro."""

    @staticmethod
    def write(params: Mapping[str, Any]) -> Markup | None:
        raise NotImplementedError

    def render(self, params: dict[str, Any]) -> Markup:
        markup = self.write(params)
        return super().render(params) if markup is None else markup


class _NotCovered(Exception):
    """The params ask for something these functions do not write: the GOV.UK macro renders them."""


def _part(params: Mapping[str, Any], key: str, allowed: frozenset[str]) -> dict[str, Any]:
    """A nested param (``label``, ``hint``...) as a dict ({} when absent or empty), if it uses only
    ``allowed`` keys. A plain dict only: Jinja's ``params.label.text`` would find an object's
    attributes first."""
    part = params.get(key)
    if not part:
        return {}
    if type(part) is not dict or not part.keys() <= allowed:
        raise _NotCovered
    return part


def _shown(part: Mapping[str, Any], key: str) -> str:
    """``{{ part.key }}``: escaped, "None" for None, nothing when absent (Jinja's Undefined)."""
    return escape(part[key]) if key in part else ""


def _classes(base: str, classes: Any) -> str:
    """``class="base {%- if classes %} {{ classes }}{% endif %}"``'s value, escaped."""
    return f"{base} {escape(classes)}" if classes else base


def _attributes(attributes: Any) -> str:
    """govukAttributes for a mapping of plain values: each ` name="value"`, booleans as "true" or
    "false". A string or per-attribute options are not covered."""
    if attributes is None:
        return ""
    if type(attributes) is not dict:
        raise _NotCovered
    out = []
    for name, value in attributes.items():
        if isinstance(value, Mapping):
            raise _NotCovered
        shown = str(value).lower() if isinstance(value, bool) else value
        out.append(f' {escape(name)}="{escape(shown)}"')
    return "".join(out)


def _optional(name: str, value: Any) -> str:
    """govukAttributes' optional attribute: left out when None or False, bare when True."""
    if value is True:
        return f" {name}"
    if value is None or value is False:
        return ""
    return f' {name}="{escape(value)}"'


def _head(params: Mapping[str, Any], field_id: str) -> tuple[list[str], str]:
    """The form group's opening tag, label, hint and error message, each line as the macros indent
    them; and the ids for aria-describedby (``describedBy``, then the hint's and error's), escaped."""
    label = _part(params, "label", _LABEL_KEYS)
    hint = _part(params, "hint", _HINT_KEYS)
    error = _part(params, "errorMessage", _ERROR_KEYS)
    group = _part(params, "formGroup", _GROUP_KEYS)
    described: list[str] = [escape(params["describedBy"])] if params.get("describedBy") else []
    group_classes = "govuk-form-group"
    if params.get("errorMessage"):
        group_classes += " govuk-form-group--error"
    if group.get("classes"):
        group_classes += f" {escape(group['classes'])}"
    lines = [f'<div class="{group_classes}">\n']
    markup = ""
    if label.get("text"):
        markup = (f'<label class="{_classes("govuk-label", label.get("classes"))}" for="{field_id}">\n'
                  f'  {escape(label["text"])}\n</label>')
        if label.get("isPageHeading"):
            markup = f'<h1 class="govuk-label-wrapper">\n  {do_indent(markup, 2)}\n</h1>'
    lines.append(f"  {do_indent(markup, 2)}\n")
    if params.get("hint"):
        hint_id = f"{field_id}-hint"
        described.append(hint_id)
        markup = (f'<div id="{hint_id}" class="{_classes("govuk-hint", hint.get("classes"))}">\n'
                  f'  {_shown(hint, "text")}\n</div>')
        lines.append(f"  {do_indent(markup, 2)}\n")
    if params.get("errorMessage"):
        error_id = f"{field_id}-error"
        described.append(error_id)
        markup = (f'<p id="{error_id}" class="govuk-error-message">\n'
                  f'  <span class="govuk-visually-hidden">Error:</span> {_shown(error, "text")}\n</p>')
        lines.append(f"  {do_indent(markup, 2)}\n")
    return lines, " ".join(described)


def _affix(params: Mapping[str, Any], kind: str) -> str:
    """A prefix's or suffix's box, if it has text."""
    affix = _part(params, kind, _AFFIX_KEYS)
    if not affix.get("text"):
        return ""
    return (f'    <div class="{_classes(f"govuk-input__{kind}", affix.get("classes"))}" aria-hidden="true">'
            f'{escape(affix["text"])}</div>\n')


def _field_id(params: Mapping[str, Any]) -> str:
    """The id the macro gives the field (its name if it has none), escaped."""
    field_id = params.get("id") or params.get("name")
    if not field_id or "name" not in params:
        raise _NotCovered  # the macro would write a label with no ``for``, or an empty name
    return escape(field_id)
