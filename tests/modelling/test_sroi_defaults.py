"""The shipped default parameters and the Devon and Cornwall preset (grants/modelling/sroi_defaults.py).

The default table is built once, when the module is imported. ``fresh_defaults`` builds it again
from the module's source, so that a change to how an entry is built shows here as a changed table.
"""

from __future__ import annotations

import importlib.util
from decimal import Decimal as D
from types import ModuleType

from grants.modelling import sroi_defaults
from grants.modelling.social_return import ClientGroupInput
from grants.modelling.sroi_defaults import (
    GREEN_BOOK,
    NTA_CRIME,
    PER_CLIENT_YEAR,
    PLACEHOLDER,
    PLAN,
    _assumed,
    _money,
    _rate,
    devon_and_cornwall_comparison,
    devon_and_cornwall_preset,
)
from grants.modelling.sroi_parameters import Sourced


def fresh_defaults() -> ModuleType:
    """The module run again from its source, as a new module object (sys.modules is left alone)."""
    spec = importlib.util.find_spec("grants.modelling.sroi_defaults")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_built_again_is_the_table_the_app_uses():
    fresh = fresh_defaults()
    assert fresh is not sroi_defaults
    assert fresh.DEFAULT_VALUES == sroi_defaults.DEFAULT_VALUES
    assert fresh.DEFAULT_PARAMETERS == sroi_defaults.DEFAULT_PARAMETERS
    assert fresh.GDP_DEFLATOR == sroi_defaults.GDP_DEFLATOR


def test_each_kind_of_default_says_where_it_comes_from():
    values = fresh_defaults().DEFAULT_VALUES
    # Money derived from a source by an assumption: the source, its price year, and who assumed it.
    assert values["crime.opiate"] == Sourced(D(8691), D(5215), D(13037), "£ per client per year", NTA_CRIME, "2011-12",
                                             True, PLACEHOLDER, values["crime.opiate"].note)
    assert values["crime.opiate"].note.startswith("Derived: £26,074 a year")
    # Money no source gives, with and without a note.
    assert values["crime.alcohol"] == Sourced(D(1000), D(0), D(3000), "£ per client per year", None, "2021-22", True,
                                              PLACEHOLDER, "No published per-client figure found.")
    assert values["social_care.opiate"] == Sourced(D(300), D(0), D(1000), "£ per client per year", None, "2021-22",
                                                   True, PLACEHOLDER, "")
    # A count, which has no price year.
    assert values["qalys.opiate"] == Sourced(D("0.05"), D(0), D("0.1"), "QALYs per client per year", None, None, True,
                                             PLACEHOLDER, "")
    # Rates: assumed, or from the Green Book (then nobody had to assume it).
    assert values["deadweight"] == Sourced(D("0.1"), D(0), D("0.3"), "fraction (0 to 1)", None, None, True,
                                           PLACEHOLDER, "Share of the change that would have happened anyway.")
    assert values["discount_rate"] == Sourced(D("0.035"), D("0.015"), D("0.035"), "fraction (0 to 1)", GREEN_BOOK,
                                              None, False, "", values["discount_rate"].note)


def test_the_builders_defaults():
    # A sourced money value is not an assumption unless it says so; a sourced rate never is.
    assert _money("10", "5", "20", GREEN_BOOK, "2021-22") == Sourced(D(10), D(5), D(20), PER_CLIENT_YEAR, GREEN_BOOK,
                                                                      "2021-22", False, "", "")
    assert _money("10", "5", "20", GREEN_BOOK, "2021-22", "n", True).set_by == PLACEHOLDER
    assert _assumed("1", "0", "2", "units") == Sourced(D(1), D(0), D(2), "units", None, None, True, PLACEHOLDER, "")
    assert _rate("0.5", "0", "1") == Sourced(D("0.5"), D(0), D(1), "fraction (0 to 1)", None, None, True, PLACEHOLDER,
                                             "")
    assert _rate("0.5", "0", "1", GREEN_BOOK, "n") == Sourced(D("0.5"), D(0), D(1), "fraction (0 to 1)", GREEN_BOOK,
                                                               None, False, "", "n")


def test_the_preset_says_each_assumption_in_words():
    preset = devon_and_cornwall_preset()
    assert (preset.name, preset.price_year, preset.inputs.horizon_years) == (
        "Devon, Cornwall and the Isles of Scilly", "2021-22", 5)
    assert preset.inputs.groups == {
        "opiate": ClientGroupInput(4_907, 245), "non_opiate": ClientGroupInput(944, 312),
        "alcohol": ClientGroupInput(2_454, 883), "non_opiate_and_alcohol": ClientGroupInput(1_132, 340)}
    assert (preset.reported, preset.reported_source) == (D(59_478_661), PLAN)
    assert preset.assumptions == (
        "The plan estimates 8,178 people using opiates and/or crack in Devon and Cornwall; 60% of them are assumed "
        "to be in treatment (the national share in NTA 2012), giving 4,907 opiate clients.",
        "Opiate clients are assumed to be 52% of everyone in treatment (close to the national share, but not yet "
        "checked against a published figure), giving 9,437 clients in all.",
        "The plan says 12% of people in treatment in 2019-20 were treated for non-opiates and alcohol together: "
        "1,132 clients.",
        "Non-opiate only is assumed to be 10% (944); alcohol only is the remainder (2,454).",
        "Successful completions are assumed at 5% (opiate), 33% (non-opiate), 36% (alcohol) and 30% (non-opiate "
        "and alcohol): close to recent national rates, but not yet checked against published figures.",
        "The horizon (5 years) and the price year (2021-22) are assumptions; the plan does not say what the SROI "
        "tool's figure covers.",
        "No cost of treatment is entered, so the preset gives no return per £1.",
    )


def test_the_comparison_with_the_plan_names_what_it_compares():
    comparison = devon_and_cornwall_comparison()
    assert comparison.label == "gross social and economic benefits of treatment (drug and alcohol clients)"
    assert comparison.summary().startswith("The model estimates £125,999,547 of gross social and economic benefits "
                                           "of treatment (drug and alcohol clients), £66,520,886 (112%) more")
