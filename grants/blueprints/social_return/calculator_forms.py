"""The calculator's form, sent with GET so that its address is the shareable link.

The client-group inputs (``clients-<group>``, ``completions-<group>``) are drawn by the page, one pair
per group; ``grants.interfaces.social_return.calculator.parse_request`` reads and checks everything.
"""

from __future__ import annotations

from wtforms import RadioField, SelectField, StringField

from grants.field_components import Radios, Select, TextInput
from grants.forms import GovForm, SelectChoice
from grants.interfaces.social_return.calculator import PER_CLIENT, TOTAL, default_price_year
from grants.modelling.sroi_defaults import GDP_DEFLATOR


class CalculatorForm(GovForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    parameter_set = SelectField("Parameter set", widget=Select(), validate_choice=False)
    price_year = SelectField("Price year", widget=Select(), validate_choice=False,
                             description="Money values are uprated to this financial year's prices by the GDP deflator")
    horizon = StringField("Horizon in years", widget=TextInput(), default="5",
                          description="How many years of benefits to count, from 1 to 10")
    cost_basis = RadioField("How is the cost given?", widget=Radios(), default=PER_CLIENT,
                            choices=[SelectChoice(PER_CLIENT, "Cost per client in treatment"),
                                     SelectChoice(TOTAL, "Total cost of treatment")],
                            validate_choice=False)
    cost = StringField("Cost of treatment (optional)", widget=TextInput(),
                       description="In pounds, like 1500 or 1,250,000. Leave empty for no return per £1")
    seed = StringField("Number for the random runs (optional)", widget=TextInput(),
                       description="Any whole number, like 42. The estimate is rerun 1,000 times with every value "
                                   "picked at random between its low and high figure, to show the range the "
                                   "total falls in 9 times out of 10 (a Monte Carlo analysis). The same number "
                                   "always gives the same range, so that anyone can check it")

    def offer(self, sets) -> None:
        """Fill the lists: published sets (newest first, the default) and the deflator's years."""
        self.parameter_set.choices = [SelectChoice(str(row.id), row.label) for row in sets]
        self.price_year.choices = [SelectChoice(year) for year in reversed(GDP_DEFLATOR.years)]
        if not self.parameter_set.data and sets:
            self.parameter_set.data = str(sets[0].id)
        if not self.price_year.data:
            self.price_year.data = default_price_year()

    def show_problems(self, problems: list[tuple[str, str]]) -> dict[str, str]:
        """Put each problem on its input, to be shown beside it: on a field of this form, or (for an
        input the page draws) in the dictionary returned, by input name. The page lists every problem
        in its own error summary, in page order (fields and drawn inputs interleave)."""
        drawn: dict[str, str] = {}
        for message, name in problems:
            if name in self._fields:
                field = self._fields[name]
                field.errors = [*field.errors, message]
            else:
                drawn.setdefault(name, message)
        return drawn
