"""Radios, checkboxes and character counts (govukRadios, govukCheckboxes, govukCharacterCount) written
in Python."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
)
from jinja2.filters import do_indent
from markupsafe import Markup, escape

from grants.field_components._markup import (
    _ERROR_KEYS,
    _GROUP_KEYS,
    _HINT_KEYS,
    WrittenInPython,
    _attributes,
    _classes,
    _field_id,
    _head,
    _NotCovered,
    _part,
    _shown,
)

# Radios and checkboxes ----------------------------------------------------------------------------

# Radios' and checkboxes' params as govuk-frontend-wtf's widgets make them (no ``id``: the items' ids
# come from the name) and templates add to them. Only checkboxes read ``describedBy``.
_CHOICES_KEYS = frozenset({"name", "items", "hint", "errorMessage", "fieldset", "classes", "attributes", "formGroup",
                           "idPrefix"})
_CHOICES_FIELDSET_KEYS = frozenset({"legend", "classes"})
_HEADING_LEGEND_KEYS = frozenset({"text", "classes", "isPageHeading"})
_CHOICE_KEYS = frozenset({"text", "value", "id", "checked", "disabled", "hint", "label", "attributes", "conditional",
                          "divider"})
_CHOICE_LABEL_KEYS = frozenset({"classes"})
_REVEAL_KEYS = frozenset({"html"})


def radios(params: Mapping[str, Any]) -> Markup | None:
    """govukRadios' markup for ``params``, conditional reveals included; or None when they ask for
    what is not covered (a label or hint given as ``html``, a ``value`` choosing an option, content
    before or after the options)."""
    try:
        return Markup(_choices(params, "radios", _CHOICES_KEYS, _CHOICE_KEYS))
    except _NotCovered:
        return None


def checkboxes(params: Mapping[str, Any]) -> Markup | None:
    """govukCheckboxes' markup for ``params``, as ``radios`` for radios; options may have their own
    ``name`` and ``behaviour`` (an "or" option that clears the others)."""
    try:
        return Markup(_choices(params, "checkboxes", _CHOICES_KEYS | {"describedBy"},
                               _CHOICE_KEYS | {"name", "behaviour"}))
    except _NotCovered:
        return None


def _hint_markup(hint_id: str, hint: Mapping[str, Any], base: str = "govuk-hint") -> str:
    """govukHint's markup for a hint given as text."""
    return f'<div id="{hint_id}" class="{_classes(base, hint.get("classes"))}">\n  {_shown(hint, "text")}\n</div>'


def _choices(params: Mapping[str, Any], kind: str, keys: frozenset[str], item_keys: frozenset[str]) -> str:
    """The radios' or checkboxes' (``kind``) form group, laid out line by line as the macro does: its
    parts are indented where the macro nests them (``do_indent``), so text over several lines lands
    where the macro puts it."""
    if not params.keys() <= keys or not params.get("name"):
        raise _NotCovered
    id_prefix = escape(params.get("idPrefix") or params["name"])
    hint = _part(params, "hint", _HINT_KEYS)
    error = _part(params, "errorMessage", _ERROR_KEYS)
    group = _part(params, "formGroup", _GROUP_KEYS)
    fieldset = _part(params, "fieldset", _CHOICES_FIELDSET_KEYS)
    legend = _part(fieldset, "legend", _HEADING_LEGEND_KEYS)
    items = params.get("items")
    if type(items) is not list:
        raise _NotCovered
    described: list[str] = [escape(params["describedBy"])] if params.get("describedBy") else []
    inner = []
    if params.get("hint"):
        described.append(f"{id_prefix}-hint")
        inner.append(f"  {do_indent(_hint_markup(f'{id_prefix}-hint', hint), 2)}\n")
    if params.get("errorMessage"):
        markup = (f'<p id="{id_prefix}-error" class="govuk-error-message">\n'
                  f'  <span class="govuk-visually-hidden">Error:</span> {_shown(error, "text")}\n</p>')
        described.append(f"{id_prefix}-error")
        inner.append(f"  {do_indent(markup, 2)}\n")
    inner.append(f'  <div class="{_classes(f"govuk-{kind}", params.get("classes"))}"'
                 f'{_attributes(params.get("attributes"))} data-module="govuk-{kind}">\n')
    # A checkbox outside a fieldset is described by the group's hint and error itself.
    shared = "" if fieldset else " ".join(described)
    for index, item in enumerate(items, 1):  # numbered as the macro's loop.index: empty items count
        if not item:
            continue
        if type(item) is not dict or not item.keys() <= item_keys:
            raise _NotCovered
        inner.append(_choice(params, item, kind, id_prefix + (f"-{index}" if index > 1 else ""), shared))
    inner.append("  </div>\n")
    body = "".join(inner).strip()
    group_classes = "govuk-form-group govuk-form-group--error" if params.get("errorMessage") else "govuk-form-group"
    if group.get("classes"):
        group_classes += f" {escape(group['classes'])}"
    if not fieldset:
        return f'\n<div class="{group_classes}">\n  {body}\n</div>\n'
    legend_html = ""
    if legend.get("text"):
        text = f"{escape(legend['text'])}\n"
        if legend.get("isPageHeading"):
            text = f'<h1 class="govuk-fieldset__heading">\n      {text}    </h1>\n'
        legend_html = (f'  <legend class="{_classes("govuk-fieldset__legend", legend.get("classes"))}">\n'
                       f"    {text}  </legend>\n")
    describedby = f' aria-describedby="{" ".join(described)}"' if described else ""
    markup = (f'<fieldset class="{_classes("govuk-fieldset", fieldset.get("classes"))}"{describedby}>\n'
              f"{legend_html}  {body}\n</fieldset>")
    return f'\n<div class="{group_classes}">\n  {do_indent(markup, 2)}\n</div>\n'


def _choice(params: Mapping[str, Any], item: Mapping[str, Any], kind: str, default_id: str, shared: str) -> str:
    """One option (or divider) of radios or checkboxes, and its conditional reveal."""
    item_id = escape(item["id"]) if item.get("id") else default_id
    if item.get("divider"):
        return f'    <div class="govuk-{kind}__divider">{escape(item["divider"])}</div>\n'
    hint = _part(item, "hint", _HINT_KEYS)
    label = _part(item, "label", _CHOICE_LABEL_KEYS)
    reveal = _part(item, "conditional", _REVEAL_KEYS).get("html")
    checked = bool(item.get("checked"))  # not chosen by the group's ``value``: that is not covered
    hint_id = f"{item_id}-item-hint" if hint.get("text") else ""
    if kind == "radios":
        name, kind_of_input, extra, described = escape(params["name"]), "radio", "", hint_id
    else:
        kind_of_input = "checkbox"
        name = escape(item.get("name") or params["name"])
        extra = f' data-behaviour="{escape(item["behaviour"])}"' if item.get("behaviour") else ""
        described = f"{shared} {hint_id}".strip()
    lines = ["".join((
        f'    <div class="govuk-{kind}__item">\n',
        f'      <input class="govuk-{kind}__input" id="{item_id}" name="{name}" type="{kind_of_input}"'
        f' value="{_shown(item, "value")}"',
        " checked" if checked else "",
        " disabled" if item.get("disabled") else "",
        f' data-aria-controls="conditional-{item_id}"' if reveal else "",
        extra,
        f' aria-describedby="{described}"' if described else "",
        _attributes(item.get("attributes")),
        ">\n",
    ))]
    markup = ""
    if item.get("text"):
        label_classes = _classes(f"govuk-label govuk-{kind}__label", label.get("classes"))
        markup = f'<label class="{label_classes}" for="{item_id}">\n  {escape(item["text"])}\n</label>'
    lines.append(f"      {do_indent(markup, 6)}\n")
    if hint_id:
        lines.append(f"      {do_indent(_hint_markup(hint_id, hint, f'govuk-hint govuk-{kind}__hint'), 6)}\n")
    lines.append("    </div>\n")
    if reveal:
        hidden = "" if checked else f" govuk-{kind}__conditional--hidden"
        lines.append(f'    <div class="govuk-{kind}__conditional{hidden}" id="conditional-{item_id}">\n'
                     f"      {str(reveal).strip()}\n    </div>\n")
    return "".join(lines)


# Character counts --------------------------------------------------------------------------------

# A character count's params as GovCharacterCount makes them, with the limit the template gives.
_COUNT_KEYS = frozenset({"id", "name", "label", "hint", "errorMessage", "classes", "rows", "spellcheck", "value",
                         "attributes", "formGroup", "countMessage", "maxlength", "maxwords", "threshold"})
_COUNT_LIMITS = ("maxlength", "threshold", "maxwords")  # in the order the macro writes their data- attributes


def character_count(params: Mapping[str, Any]) -> Markup | None:
    """govukCharacterCount's markup for ``params`` with a limit (``maxwords`` or ``maxlength``) given as
    a whole number, or none; or None when they ask for what is not covered (messages of their own, a
    label or hint given as ``html``, content before or after the box)."""
    try:
        return Markup(_character_count(params))
    except _NotCovered:
        return None


def _character_count(params: Mapping[str, Any]) -> str:
    if not params.keys() <= _COUNT_KEYS:
        raise _NotCovered
    limits = {key: params.get(key) for key in _COUNT_LIMITS}
    if any(value is not None and (type(value) is not int or value <= 0) for value in limits.values()):
        raise _NotCovered  # the macro's handling of 0, False and strings is its own
    field_id = _field_id(params)
    group = _part(params, "formGroup", _GROUP_KEYS)
    message = _part(params, "countMessage", _GROUP_KEYS)
    # govukTextarea's form group, its classes and data- attributes given by govukCharacterCount.
    classes = "govuk-character-count" + (f" {group['classes']}" if group.get("classes") else "")
    lines, described = _head({**params, "formGroup": {"classes": classes},
                              "describedBy": f"{params.get('id') or params['name']}-info"}, field_id)
    data = "".join(f' data-{key}="{value}"' for key, value in limits.items() if value is not None)
    opening = lines[0].removesuffix(">\n")
    lines[0] = f'{opening} data-module="govuk-character-count"{data}>\n'
    textarea = _classes("govuk-textarea", "govuk-textarea--error" if params.get("errorMessage") else "")
    textarea = _classes(f"{textarea} govuk-js-character-count", params.get("classes"))
    spellcheck = params.get("spellcheck")
    lines.append("".join((
        f'  <textarea class="{textarea}" id="{field_id}" name="{escape(params["name"])}"'
        f' rows="{escape(params.get("rows") or 5)}"',
        f' spellcheck="{str(spellcheck).lower()}"' if type(spellcheck) is bool else "",
        f' aria-describedby="{described}"',
        _attributes(params.get("attributes")),
        f'>{_shown(params, "value")}</textarea>\n',
    )))
    limit = limits["maxwords"] or limits["maxlength"]
    text = f"You can enter up to {limit} {'words' if limits['maxwords'] else 'characters'}" if limit else ""
    markup = _hint_markup(f"{field_id}-info", {"text": text},
                          _classes("govuk-hint govuk-character-count__message", message.get("classes")))
    lines.append(f"  {do_indent(markup, 2)}\n</div>\n")
    return "".join(lines)


class Radios(WrittenInPython, GovRadioInput):
    """govuk-frontend-wtf's radios, their markup written by ``radios`` where that covers the params,
    else by the GOV.UK macro."""

    write = staticmethod(radios)


class Checkboxes(WrittenInPython, GovCheckboxesInput):
    """govuk-frontend-wtf's checkboxes, their markup written by ``checkboxes`` where that covers the
    params, else by the GOV.UK macro."""

    write = staticmethod(checkboxes)


class Checkbox(WrittenInPython, GovCheckboxInput):
    """govuk-frontend-wtf's single checkbox (a BooleanField), written by ``checkboxes`` where that
    covers the params, else by the GOV.UK macro."""

    write = staticmethod(checkboxes)


class CharacterCount(WrittenInPython, GovCharacterCount):
    """govuk-frontend-wtf's character count, its markup written by ``character_count`` where that
    covers the params, else by the GOV.UK macro."""

    write = staticmethod(character_count)
