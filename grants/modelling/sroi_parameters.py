"""Parameters of the social-return (SROI) model as data: every value carries its source, price year and
a low/high range for sensitivity, and money values are uprated between price years by a deflator series.

Rates and fractions are Decimals between 0 and 1 (0.035 is 3.5%); money is Decimal pounds. Price years
are financial years written "2021-22".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CLIENT_GROUPS = ("opiate", "non_opiate", "alcohol", "non_opiate_and_alcohol")
GROUP_LABELS = {
    "opiate": "opiate",
    "non_opiate": "non-opiate",
    "alcohol": "alcohol only",
    "non_opiate_and_alcohol": "non-opiate and alcohol",
}
# Benefit categories per client per year; quality of life is QALYs gained × value per QALY.
CATEGORIES = ("crime", "health_care", "social_care", "quality_of_life")
CATEGORY_LABELS = {
    "crime": "crime avoided",
    "health_care": "health care",
    "social_care": "social care",
    "quality_of_life": "quality of life",
}
# Parameter keys that hold a per-client money value for each group ("crime.opiate" …); QALYs are
# counts ("qalys.opiate") valued by the single "value_per_qaly".
MONEY_CATEGORIES = ("crime", "health_care", "social_care")
RATE_KEYS = ("deadweight", "attribution", "displacement", "drop_off", "discount_rate")


@dataclass(frozen=True)
class Source:
    """Where a value comes from: document, publisher, table or page, year, and an address."""

    title: str
    publisher: str
    location: str = ""
    year: str = ""
    url: str = ""

    def citation(self) -> str:
        parts = [self.publisher, f"“{self.title}”", self.year, self.location]
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class Sourced:
    """One parameter value with its range and provenance.

    ``price_year`` is set only for money values (they are uprated); ``assumption`` is True when no
    public source gives the value, and ``set_by`` then says who chose it. ``note`` shows any derivation.
    """

    value: Decimal
    low: Decimal
    high: Decimal
    unit: str
    source: Source | None = None
    price_year: str | None = None
    assumption: bool = False
    set_by: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not self.low <= self.value <= self.high:
            raise ValueError(f"Range {self.low} to {self.high} must contain the value {self.value}")
        if self.source is None and not self.assumption:
            raise ValueError("A value with no source must be marked as an assumption")

    def scaled(self, factor: Decimal, price_year: str) -> Sourced:
        return replace(self, value=self.value * factor, low=self.low * factor, high=self.high * factor,
                       price_year=price_year)


@dataclass(frozen=True)
class ParameterSet:
    """A named, versioned set of parameter values keyed "crime.opiate", "qalys.alcohol",
    "value_per_qaly", "deadweight" and so on (see ``required_keys``)."""

    name: str
    version: int
    values: Mapping[str, Sourced]

    def __post_init__(self) -> None:
        missing = [key for key in required_keys() if key not in self.values]
        if missing:
            raise ValueError(f"Parameter set {self.name} is missing {', '.join(missing)}")
        for key in RATE_KEYS:
            check_rate(self.values[key].value, key.replace("_", " ").capitalize())

    def value(self, key: str) -> Decimal:
        return self.values[key].value

    def with_value(self, key: str, value: Decimal) -> ParameterSet:
        """A copy with one central value changed (range widened to keep it), for sensitivity runs."""
        old = self.values[key]
        changed = replace(old, value=value, low=min(old.low, value), high=max(old.high, value))
        return replace(self, values={**self.values, key: changed})

    def with_values(self, new: Mapping[str, Decimal]) -> ParameterSet:
        values = dict(self.values)
        for key, value in new.items():
            old = values[key]
            values[key] = replace(old, value=value, low=min(old.low, value), high=max(old.high, value))
        return replace(self, values=values)

    def in_prices_of(self, year: str, deflator: DeflatorSeries) -> ParameterSet:
        """Every money value uprated (or deflated) from its own price year to ``year``."""
        values = {
            key: (item.scaled(deflator.factor(item.price_year, year), year) if item.price_year else item)
            for key, item in self.values.items()
        }
        return replace(self, values=values)


def required_keys() -> tuple[str, ...]:
    per_group = [f"{category}.{group}" for category in (*MONEY_CATEGORIES, "qalys") for group in CLIENT_GROUPS]
    return (*per_group, "value_per_qaly", *RATE_KEYS)


@dataclass(frozen=True)
class DeflatorSeries:
    """Annual index values by financial year ("2021-22" → 85.8), with where they come from.

    ``calendar`` keeps the published calendar-year values when the financial-year index is derived
    from them (``from_calendar_years``); ``verified`` says the values were checked against the source.
    """

    index: Mapping[str, Decimal]
    source: Source
    verified: bool = False
    note: str = ""
    calendar: Mapping[str, Decimal] = field(default_factory=dict)
    years: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "years", tuple(sorted(self.index)))

    @classmethod
    def from_calendar_years(cls, calendar: Mapping[int, Decimal], source: Source, *, verified: bool,
                            note: str = "") -> DeflatorSeries:
        """A financial-year series from calendar-year index values: April to March falls three quarters
        in one calendar year and one quarter in the next, so FY Y-(Y+1) = ¾ × index(Y) + ¼ × index(Y+1),
        rounded half up to 0.1. Financial years whose second calendar year is not published are left out."""
        derived = {
            f"{year}-{(year + 1) % 100:02d}":
                ((3 * calendar[year] + calendar[year + 1]) / 4).quantize(Decimal("0.1"), ROUND_HALF_UP)
            for year in sorted(calendar) if year + 1 in calendar
        }
        return cls(derived, source, verified, note, {str(year): value for year, value in sorted(calendar.items())})

    def factor(self, from_year: str, to_year: str) -> Decimal:
        """Multiply a value in ``from_year`` prices by this to express it in ``to_year`` prices."""
        for year in (from_year, to_year):
            if year not in self.index:
                raise ValueError(f"There is no GDP deflator for {year}: the series covers "
                                 f"{self.years[0]} to {self.years[-1]}")
        return self.index[to_year] / self.index[from_year]


# Validation --------------------------------------------------------------------------------------

def check_count(value: object, label: str) -> int:
    """A whole, non-negative number of people, or ValueError saying what is wrong."""
    if isinstance(value, bool):
        raise ValueError(f"{label} must be a whole number")
    if isinstance(value, str):
        value = value.strip().replace(",", "")
        # ASCII digits only: "²" and other scripts' digits pass isdigit() but int() refuses them.
        if not value.lstrip("-").isdigit() or not value.isascii():
            raise ValueError(f"{label} must be a whole number")
        if len(value.lstrip("-0")) > 12:  # int() refuses over 4,300 digits; no count nears a trillion
            raise ValueError(f"{label} must be less than 1,000,000,000,000")
        value = int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if not isinstance(value, int):
        raise ValueError(f"{label} must be a whole number")
    if value < 0:
        raise ValueError(f"{label} cannot be negative")
    return value


def check_rate(value: object, label: str) -> Decimal:
    """A fraction from 0 to 1 (shown to people as 0% to 100%), or ValueError."""
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{label} must be a number between 0% and 100%") from None
    if isinstance(value, bool) or not rate.is_finite() or not 0 <= rate <= 1:
        raise ValueError(f"{label} must be between 0% and 100%")
    return rate


def check_money(value: object, label: str) -> Decimal:
    """A non-negative amount of money in pounds, or ValueError."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").lstrip("£"))
    except InvalidOperation:
        raise ValueError(f"{label} must be an amount of money in pounds") from None
    if isinstance(value, bool) or not amount.is_finite():
        raise ValueError(f"{label} must be an amount of money in pounds")
    if amount < 0:
        raise ValueError(f"{label} cannot be negative")
    return amount


# Labels and JSON ---------------------------------------------------------------------------------

def parameter_label(key: str) -> str:
    """A parameter's name for people: "crime.opiate" → "Crime avoided, opiate clients"."""
    if "." in key:
        kind, group = key.split(".", 1)
        what = "QALYs gained" if kind == "qalys" else CATEGORY_LABELS[kind].capitalize()
        return f"{what}, {GROUP_LABELS[group]} clients"
    if key == "value_per_qaly":
        return "Value per QALY"
    if key == "drop_off":
        return "Drop-off"
    return key.replace("_", " ").capitalize()


# What each term means, for a reader who is not an economist: shown beside the values and inputs that
# use it (the calculator, the parameter sets) and in the glossary on those pages.
PLAIN_WORDS: dict[str, str] = {
    "deadweight": "The share of the improvement that would have happened anyway, without treatment: some people "
                  "stop using drugs or offending on their own. 10% means a tenth of the benefit is not counted.",
    "attribution": "The share of the improvement that is owed to other people's help rather than to treatment: "
                   "housing, mutual aid groups, family, probation. 10% means a tenth is credited to them instead.",
    "displacement": "The share of the benefit that simply moves somewhere else: for example crime that stops in one "
                    "street but starts in another. 0% means none is assumed to move.",
    "drop_off": "How much of the benefit for people who finished treatment successfully fades each year after: "
                "20% means each year keeps four fifths of the year before.",
    "discount_rate": "Money saved in later years counts for a little less than money saved now, as HM Treasury's "
                     "Green Book asks of every public appraisal. 3.5% a year means £1 next year counts as about 97p "
                     "today.",
    "value_per_qaly": "A QALY (quality-adjusted life year) is one year of life in full health. Government values "
                      "one at this amount when it weighs health gains against costs.",
    "qalys": "How much healthier a year of each client's life is, in QALYs: 0.05 is one twentieth of a year in "
             "full health gained for each year they benefit.",
    "present_value": "All the years' benefits added up, each later year first reduced by the discount rate, so "
                     "that the total is in today's money.",
    "price_year": "Published costs come from different years. Each is adjusted for inflation (by HM Treasury's "
                  "GDP deflator) to the prices of the year you choose, so that they can be added together.",
    "sensitivity": "Each value has a low and a high figure. The table moves one value at a time to its low and "
                   "high figure and shows how far the total moves: the values at the top matter most.",
    "monte_carlo": "The calculator can also rerun the estimate 1,000 times, each time picking every value at "
                   "random between its low and high figure, and show the range the total falls in 9 times out "
                   "of 10. The number you enter fixes the random picks, so the same number always gives the "
                   "same range and anyone can check it.",
}


# The glossary's order: what a reader meets first on the calculator's page comes first.
GLOSSARY = (("Price year", "price_year"), ("Present value", "present_value"), ("Discount rate", "discount_rate"),
            ("Deadweight", "deadweight"), ("Attribution", "attribution"), ("Displacement", "displacement"),
            ("Drop-off", "drop_off"), ("QALY and value per QALY", "value_per_qaly"),
            ("QALYs gained", "qalys"), ("Sensitivity (low and high figures)", "sensitivity"),
            ("Random runs (Monte Carlo)", "monte_carlo"))


def glossary() -> list[tuple[str, str]]:
    """(term, meaning) for every term the model's pages use."""
    return [(term, PLAIN_WORDS[key]) for term, key in GLOSSARY]


def parameter_help(key: str) -> str:
    """What a parameter means in plain words ("" when its name says it all)."""
    if key in PLAIN_WORDS:
        return PLAIN_WORDS[key]
    if key.startswith("qalys."):
        return PLAIN_WORDS["qalys"]
    return ""


def _source_to_json(source: Source | None) -> dict[str, str] | None:
    if source is None:
        return None
    return {"title": source.title, "publisher": source.publisher, "location": source.location,
            "year": source.year, "url": source.url}


def parameters_to_json(parameters: ParameterSet) -> dict[str, Any]:
    """A JSON-safe dict of the set; Decimals become strings so that nothing is rounded."""
    return {
        "name": parameters.name,
        "version": parameters.version,
        "values": {
            key: {"value": str(item.value), "low": str(item.low), "high": str(item.high), "unit": item.unit,
                  "source": _source_to_json(item.source), "price_year": item.price_year,
                  "assumption": item.assumption, "set_by": item.set_by, "note": item.note}
            for key, item in parameters.values.items()
        },
    }


def parameters_from_json(data: Mapping[str, Any]) -> ParameterSet:
    """The set ``parameters_to_json`` wrote; ValueError when a value breaks the set's rules."""
    values: dict[str, Sourced] = {}
    for key, item in data["values"].items():
        source = item.get("source")
        values[key] = Sourced(
            Decimal(item["value"]), Decimal(item["low"]), Decimal(item["high"]), item["unit"],
            Source(**source) if source else None, item.get("price_year"), bool(item.get("assumption")),
            item.get("set_by", ""), item.get("note", ""))
    return ParameterSet(data["name"], int(data["version"]), values)
