"""GOV.UK text inputs, selects, date inputs, radios, checkboxes and character counts written in Python,
for the form fields every section page repeats.

govuk-frontend-wtf's widgets render each field through Flask's ``render_template`` and a
govuk-frontend-jinja macro: the template's context filled in afresh, the label, hint and error macros
imported, every attribute built in a macro of its own (a date is three govukInputs, each radio option a
label and hint macro). A budget page's rows are a dozen fields, and that was most of its time; radios
were most of the panel round page's. ``text_input``, ``select``, ``date_input``, ``radios``,
``checkboxes`` and ``character_count`` give the same markup, character for character, for the params
those widgets make (tests/test_field_components.py renders both and compares). Params they do not cover
(a label or hint given as ``html``, attributes given as a string or as ``{"value", "optional"}``, a
wrapper's or an option's own attributes, a character count's own messages) give None, and the widgets
then render the GOV.UK macro as before, so what a page shows never depends on which did it.
"""

from grants.field_components._markup import DATE_BOXES
from grants.field_components.choices import (
    CharacterCount,
    Checkbox,
    Checkboxes,
    Radios,
    character_count,
    checkboxes,
    radios,
)
from grants.field_components.inputs import DateInput, GovDateBoxes, Select, TextInput, date_input, select, text_input

__all__ = [
    "DATE_BOXES", "CharacterCount", "Checkbox", "Checkboxes", "DateInput", "GovDateBoxes", "Radios", "Select",
    "TextInput", "character_count", "checkboxes", "date_input", "radios", "select", "text_input",
]
