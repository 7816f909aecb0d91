"""GOV.UK text inputs, selects and date inputs written in Python, for the form fields every section
page repeats.

govuk-frontend-wtf's widgets render each field through Flask's ``render_template`` and
govuk-frontend-jinja's govukInput, govukSelect or govukDateInput: the template's context filled in
afresh, the label, hint and error macros imported, every attribute built in a macro of its own (a date
is three govukInputs). A budget page's rows are a dozen fields, and that was most of its time.
``text_input``, ``select`` and ``date_input`` give the same markup, character for character, for the
params those widgets make (tests/test_field_components.py renders both and compares). Params they do
not cover (a label or hint given as ``html``, attributes given as a string or as ``{"value",
"optional"}``, a wrapper's or an option's own attributes) give None, and the widgets then render the
GOV.UK macro as before, so what a page shows never depends on which did it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSelect, GovTextInput
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


def text_input(params: Mapping[str, Any]) -> Markup | None:
    """govukInput's markup for ``params``, or None when they ask for what is not covered."""
    try:
        return Markup(_text_input(params))
    except _NotCovered:
        return None


def _text_input(params: Mapping[str, Any]) -> str:
    if not params.keys() <= _INPUT_KEYS:
        raise _NotCovered
    field_id = _field_id(params)
    lines, described = _head(params, field_id)
    classes = _classes("govuk-input", params.get("classes"))
    if params.get("errorMessage"):
        classes += " govuk-input--error"
    spellcheck = params.get("spellcheck")
    element = "".join((
        f'<input class="{classes}" id="{field_id}" name="{escape(params["name"])}"'
        f' type="{escape(params.get("type") or "text")}"',
        _optional("spellcheck", str(spellcheck).lower() if spellcheck in (True, False) else None),
        _optional("value", params.get("value")),
        _optional("disabled", params.get("disabled")),
        f' aria-describedby="{described}"' if described else "",
        _optional("autocomplete", params.get("autocomplete")),
        _optional("autocapitalize", params.get("autocapitalize")),
        _optional("pattern", params.get("pattern")),
        _optional("inputmode", params.get("inputmode")),
        _attributes(params.get("attributes")),
        ">",
    ))
    prefix, suffix = _affix(params, "prefix"), _affix(params, "suffix")
    if prefix or suffix:
        lines += ['  <div class="govuk-input__wrapper">\n', prefix, f"    {element}\n", suffix, "  </div>\n"]
    else:
        lines.append(f"  {element}\n")
    lines.append("</div>\n")
    return "".join(lines)


def select(params: Mapping[str, Any]) -> Markup | None:
    """govukSelect's markup for ``params``, or None when they ask for what is not covered. Options are
    chosen by their own ``selected``: a select's ``value`` (choosing by value) is not covered."""
    try:
        return Markup(_select(params))
    except _NotCovered:
        return None


def _select(params: Mapping[str, Any]) -> str:
    if not params.keys() <= _SELECT_KEYS or params.get("value"):
        raise _NotCovered
    field_id = _field_id(params)
    lines, described = _head(params, field_id)
    classes = _classes("govuk-select", params.get("classes"))
    if params.get("errorMessage"):
        classes += " govuk-select--error"
    lines.append("".join((
        f'  <select class="{classes}" id="{field_id}" name="{escape(params["name"])}"',
        " disabled" if params.get("disabled") else "",
        f' aria-describedby="{described}"' if described else "",
        _attributes(params.get("attributes")),
        ">\n",
    )))
    items = params.get("items", ())
    if not isinstance(items, list | tuple):
        raise _NotCovered  # the macro fails on None
    for item in items:
        if not item:
            continue
        if type(item) is not dict or not item.keys() <= _OPTION_KEYS or "value" not in item:
            raise _NotCovered
        value = item["value"]
        shown = str(value).lower() if isinstance(value, bool) else value
        selected = " selected" if item.get("selected") else ""
        lines.append(f'        <option value="{escape(shown)}"{selected}>{_shown(item, "text")}</option>\n')
    lines.append("  </select>\n</div>\n")
    return "".join(lines)


def date_input(params: Mapping[str, Any]) -> Markup | None:
    """govukDateInput's markup for ``params`` with its boxes given as ``items`` and a ``fieldset``
    legend, as GovDateInput gives them; or None when they ask for what is not covered."""
    try:
        return Markup(_date_input(params))
    except _NotCovered:
        return None


def _date_input(params: Mapping[str, Any]) -> str:
    if not params.keys() <= _DATE_KEYS or not params.get("id") or not params.get("fieldset"):
        raise _NotCovered
    date_id = escape(params["id"])
    hint = _part(params, "hint", _HINT_KEYS)
    error = _part(params, "errorMessage", _ERROR_KEYS)
    legend = _part(_part(params, "fieldset", _FIELDSET_KEYS), "legend", _LEGEND_KEYS)
    items = params.get("items")
    if type(items) is not list or not items:
        raise _NotCovered  # the macro's own three boxes
    described = []
    inner = []
    if hint:
        described.append(f"{date_id}-hint")
        markup = (f'<div id="{date_id}-hint" class="{_classes("govuk-hint", hint.get("classes"))}">\n'
                  f'  {_shown(hint, "text")}\n</div>')
        inner.append(f"  {do_indent(markup, 2)}\n")
    if params.get("errorMessage"):
        described.append(f"{date_id}-error")
        markup = (f'<p id="{date_id}-error" class="govuk-error-message">\n'
                  f'  <span class="govuk-visually-hidden">Error:</span> {_shown(error, "text")}\n</p>')
        inner.append(f"  {do_indent(markup, 2)}\n")
    inner.append(f'  <div class="govuk-date-input"{_attributes(params.get("attributes"))} id="{date_id}">\n')
    for item in items:
        if type(item) is not dict or not item.keys() <= _BOX_KEYS or not item.get("name"):
            raise _NotCovered
        box = _text_input({
            "label": {"text": item.get("label") or str(item["name"]).capitalize(),
                      "classes": "govuk-date-input__label"},
            "id": item.get("id") or f'{params["id"]}-{item["name"]}',
            "classes": f'govuk-date-input__input {item.get("classes") or ""}',
            "name": item["name"],
            "value": item.get("value"),
            "type": "text",
            "inputmode": "numeric",
        })
        inner.append(f'    <div class="govuk-date-input__item">\n      {do_indent(box.strip(), 6)}\n    </div>\n')
    inner.append("  </div>\n")
    legend_html = ""
    if legend.get("text"):
        legend_html = (f'  <legend class="{_classes("govuk-fieldset__legend", legend.get("classes"))}">\n'
                       f'    {escape(legend["text"])}\n  </legend>\n')
    describedby = f' aria-describedby="{" ".join(described)}"' if described else ""
    fieldset = (f'<fieldset class="govuk-fieldset" role="group"{describedby}>\n{legend_html}'
                f'  {"".join(inner).strip()}\n</fieldset>')
    group_classes = "govuk-form-group govuk-form-group--error" if params.get("errorMessage") else "govuk-form-group"
    # The macro's comment before the fieldset swallows the fieldset's first indent.
    return f'<div class="{group_classes}">\n{do_indent(fieldset, 2)}\n</div>\n'


class GovDateBoxes(GovDateInput):
    """GOV.UK's date input, marking only the boxes at fault when the field knows them ("If you're
    highlighting just one field - either the day, month or year - only style the field that has an
    error")."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        boxes = getattr(field, "error_boxes", ())
        if field.errors and boxes:
            for item, box in zip(params["items"], DATE_BOXES, strict=True):  # GovDateInput's three boxes
                if box not in boxes:
                    item["classes"] = item["classes"].replace("govuk-input--error", "").strip()
        return params


class DateInput(GovDateBoxes):
    """The house date input (``GovDateBoxes``), its markup written by ``date_input`` where that
    covers the params, else by the GOV.UK macro."""

    def render(self, params: dict[str, Any]) -> Markup:
        markup = date_input(params)
        return super().render(params) if markup is None else markup


class TextInput(GovTextInput):
    """govuk-frontend-wtf's text input, its markup written by ``text_input`` where that covers the
    params, else by the GOV.UK macro."""

    def render(self, params: dict[str, Any]) -> Markup:
        markup = text_input(params)
        return super().render(params) if markup is None else markup


class Select(GovSelect):
    """govuk-frontend-wtf's select, its markup written by ``select`` where that covers the params, else
    by the GOV.UK macro."""

    def render(self, params: dict[str, Any]) -> Markup:
        markup = select(params)
        return super().render(params) if markup is None else markup
