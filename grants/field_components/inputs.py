"""Text inputs, selects and date inputs (govukInput, govukSelect, govukDateInput) written in Python."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovSelect,
    GovTextInput,
)
from jinja2.filters import do_indent
from markupsafe import Markup, escape

from grants.field_components._markup import (
    _BOX_KEYS,
    _DATE_KEYS,
    _ERROR_KEYS,
    _FIELDSET_KEYS,
    _HINT_KEYS,
    _INPUT_KEYS,
    _LEGEND_KEYS,
    _OPTION_KEYS,
    _SELECT_KEYS,
    DATE_BOXES,
    WrittenInPython,
    _affix,
    _attributes,
    _classes,
    _field_id,
    _head,
    _NotCovered,
    _optional,
    _part,
    _shown,
)


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


class DateInput(WrittenInPython, GovDateBoxes):
    """The house date input (``GovDateBoxes``), its markup written by ``date_input`` where that
    covers the params, else by the GOV.UK macro."""

    write = staticmethod(date_input)


class TextInput(WrittenInPython, GovTextInput):
    """govuk-frontend-wtf's text input, its markup written by ``text_input`` where that covers the
    params, else by the GOV.UK macro."""

    write = staticmethod(text_input)


class Select(WrittenInPython, GovSelect):
    """govuk-frontend-wtf's select, its markup written by ``select`` where that covers the params, else
    by the GOV.UK macro."""

    write = staticmethod(select)
