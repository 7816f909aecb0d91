"""The default parameter set for the social-return model, the GDP deflator series used to uprate it, and
a Devon and Cornwall preset. Every value says where it comes from; a value no public source gives is
marked as an assumption with who set it. Ranges (low, high) are for sensitivity, not confidence limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

from grants.modelling.social_return import ClientGroupInput, PlanComparison, SroiInputs, compare_with_reported, estimate
from grants.modelling.sroi_parameters import DeflatorSeries, ParameterSet, Source, Sourced

# Who chose a value no public source gives: the values shipped with PCC Grants, for each OPCC to check
# against its own area's figures before relying on them.
PLACEHOLDER = "the PCC Grants project, as a starting value to check against local figures"
PER_CLIENT_YEAR = "£ per client per year"

NTA_WHY_INVEST = Source(
    "Why invest? How drug treatment and recovery services work for individuals, communities and society",
    "National Treatment Agency for Substance Misuse", "infographic: cost of drug addiction", "2012",
    "https://paperzz.com/doc/9396750/how-drug-treatment-and-recovery-services-work-for-individ...")
NTA_CRIME = Source(
    "Estimating the crime reduction benefits of drug treatment and recovery",
    "National Treatment Agency for Substance Misuse", "section 3, counterfactual cost of drug-related crime",
    "2012", "http://docplayer.net/1795799-Estimating-the-crime-reduction-benefits-of-drug-treatment-and-recovery.html")
MOJ_PHE_REOFFENDING = Source(
    "The impact of community-based drug and alcohol treatment on re-offending",
    "Ministry of Justice and Public Health England", "executive summary", "2017")
PHE_WHY_INVEST = Source(
    "Alcohol and drug prevention, treatment and recovery: why invest?", "Public Health England",
    "alcohol facts: annual cost of alcohol-related harm", "2018")
GREEN_BOOK = Source("The Green Book: central government guidance on appraisal and evaluation", "HM Treasury",
                    "annex A6 (discounting) and annex A2 (valuing health)", "2022",
                    "https://www.gov.uk/government/publications/the-green-book-appraisal-and-evaluation-in-central-governent")
GDP_DEFLATORS = Source("GDP deflators at market prices, and money GDP", "HM Treasury",
                       "December 2025 (Quarterly National Accounts) release, calendar-year series, 2024 = 100",
                       "2025",
                       "https://www.gov.uk/government/collections/gdp-deflators-at-market-prices-and-money-gdp")
BLACK_REVIEW = Source("Review of drugs part two: prevention, treatment, and recovery", "Dame Carol Black for the "
                      "Home Office and the Department of Health and Social Care", "", "2021",
                      "https://www.gov.uk/government/publications/review-of-drugs-phase-two-report")
DAVIES_2009 = Source("The Drug Treatment Outcomes Research Study (DTORS): cost-effectiveness analysis",
                     "Home Office (Davies et al.)", "", "2009")
PLAN = Source("Drugs strategic intentions plan 2022-2025", "Office of the Police and Crime Commissioner for "
              "Devon, Cornwall and the Isles of Scilly", "“People” section", "2022")


def _money(value: str, low: str, high: str, source: Source, price_year: str, note: str = "",
           assumption: bool = False) -> Sourced:
    return Sourced(D(value), D(low), D(high), PER_CLIENT_YEAR, source, price_year, assumption,
                   PLACEHOLDER if assumption else "", note)


def _assumed(value: str, low: str, high: str, unit: str, price_year: str | None = None, note: str = "") -> Sourced:
    return Sourced(D(value), D(low), D(high), unit, None, price_year, True, PLACEHOLDER, note)


def _rate(value: str, low: str, high: str, source: Source | None = None, note: str = "") -> Sourced:
    return Sourced(D(value), D(low), D(high), "fraction (0 to 1)", source, None, source is None,
                   PLACEHOLDER if source is None else "", note)


DEFAULT_VALUES = {
    # Crime avoided -----------------------------------------------------------------------------------
    "crime.opiate": _money(
        "8691", "5215", "13037", NTA_CRIME, "2011-12", assumption=True,
        note="Derived: £26,074 a year, the average cost of crime committed by an addicted person not in "
             "treatment (NTA 2012, “Why invest?”: figure checked against the published text), × one third, the "
             "fall in recorded offending over two years after starting treatment (MoJ and PHE 2017) = £8,691. "
             "Low and high use a 20% and 50% fall (assumption). The infographic states no price year: 2011-12 "
             "assumed."),
    "crime.non_opiate": _assumed("1500", "0", "4000", PER_CLIENT_YEAR, "2021-22",
                                 "No published per-client figure found."),
    "crime.alcohol": _assumed("1000", "0", "3000", PER_CLIENT_YEAR, "2021-22",
                              "No published per-client figure found."),
    "crime.non_opiate_and_alcohol": _assumed("1500", "0", "4000", PER_CLIENT_YEAR, "2021-22",
                                             "No published per-client figure found."),
    # Health care ---------------------------------------------------------------------------------------
    "health_care.opiate": _money(
        "797", "0", "1595", NTA_WHY_INVEST, "2011-12", assumption=True,
        note="Derived: £488m a year, the cost of drug misuse to the NHS, ÷ 306,000 heroin and crack users in "
             "England (both NTA 2012, “Why invest?”: figures checked against the published text) = £1,595 per "
             "user; treatment assumed to avoid half (£797). Price year assumed."),
    "health_care.non_opiate": _assumed("400", "0", "1500", PER_CLIENT_YEAR, "2021-22",
                                       "No published per-client figure found."),
    "health_care.alcohol": _money(
        "547", "0", "2188", PHE_WHY_INVEST, "2017-18", assumption=True,
        note="Derived: £3.5bn a year, the cost of alcohol-related harm to the NHS in England, ÷ 1.6 million "
             "adults with some signs of alcohol dependence (both PHE 2018) = £2,188; treatment assumed to "
             "avoid a quarter (£547). The £3.5bn covers all drinkers, so this overstates. Price year assumed."),
    "health_care.non_opiate_and_alcohol": _assumed("500", "0", "2000", PER_CLIENT_YEAR, "2021-22",
                                                   "No published per-client figure found."),
    # Social care: no per-client figure found in the published material --------------------------------
    "social_care.opiate": _assumed("300", "0", "1000", PER_CLIENT_YEAR, "2021-22"),
    "social_care.non_opiate": _assumed("150", "0", "600", PER_CLIENT_YEAR, "2021-22"),
    "social_care.alcohol": _assumed("250", "0", "1000", PER_CLIENT_YEAR, "2021-22"),
    "social_care.non_opiate_and_alcohol": _assumed("250", "0", "1000", PER_CLIENT_YEAR, "2021-22"),
    # Quality of life: QALYs gained per client per year (assumptions) × the Green Book value -----------
    "qalys.opiate": _assumed("0.05", "0", "0.1", "QALYs per client per year"),
    "qalys.non_opiate": _assumed("0.04", "0", "0.1", "QALYs per client per year"),
    "qalys.alcohol": _assumed("0.05", "0", "0.1", "QALYs per client per year"),
    "qalys.non_opiate_and_alcohol": _assumed("0.05", "0", "0.1", "QALYs per client per year"),
    "value_per_qaly": Sourced(
        D("70000"), D("60000"), D("70000"), "£ per QALY", GREEN_BOOK, "2021-22",
        note="£70,000 per QALY, the cross-government value in the Department of Health and Social Care's "
             "supplementary Green Book guidance (Green Book 2022); low £60,000, the value in the 2018 edition. "
             "The price year (2021-22 here) was not checked against the guidance's text: some reproductions "
             "give a 2024 base year."),
    # SROI adjustments and discounting ------------------------------------------------------------------
    "deadweight": _rate("0.1", "0", "0.3", note="Share of the change that would have happened anyway."),
    "attribution": _rate("0.1", "0", "0.3", note="Share of the change due to others (mutual aid, housing, …)."),
    "displacement": _rate("0", "0", "0.1", note="Share of the benefit that moves elsewhere (e.g. crime)."),
    "drop_off": _rate("0.2", "0.1", "0.5", note="Yearly fall in completers' benefits after treatment."),
    "discount_rate": _rate("0.035", "0.015", "0.035", GREEN_BOOK,
                           "Green Book social time preference rate, 3.5% a year, real terms; low 1.5%, the "
                           "Green Book rate for health effects."),
}

# The name a commissioner sees in the calculator's list. Migration 0014 renamed the set stored under
# its earlier name.
DEFAULT_SET_NAME = "National starting values"
DEFAULT_PARAMETERS = ParameterSet(DEFAULT_SET_NAME, 1, DEFAULT_VALUES)

# HM Treasury's calendar-year GDP deflator, December 2025 release, 2024 = 100, to four decimal places as
# reproduced in the greenbook R package's data (inst/extdata/gdp_deflator.csv, from the release's
# spreadsheet). The financial-year index is derived from it (DeflatorSeries.from_calendar_years).
GDP_DEFLATOR_CALENDAR = {
    2010: D("69.1217"), 2011: D("70.834"), 2012: D("71.9294"), 2013: D("73.4795"), 2014: D("74.6524"),
    2015: D("75.1536"), 2016: D("76.4554"), 2017: D("77.6367"), 2018: D("79.1606"), 2019: D("81.1085"),
    2020: D("85.2137"), 2021: D("85.6358"), 2022: D("90.5005"), 2023: D("96.2507"), 2024: D("100"),
}

GDP_DEFLATOR = DeflatorSeries.from_calendar_years(
    GDP_DEFLATOR_CALENDAR, GDP_DEFLATORS, verified=True,
    note="The calendar-year values are HM Treasury's, as published in the December 2025 release. The release "
         "also gives a financial-year series; it was not available to us, so each financial year here is ¾ of "
         "its first calendar year plus ¼ of the next, rounded to 0.1 — close to, but not the same as, the "
         "published financial-year figures (within about half of one per cent). 2024-25 needs the 2025 "
         "calendar year, not yet published in that release.")


@dataclass(frozen=True)
class NationalFigure:
    """A published headline figure shown beside the model for context; never a model input."""

    statement: str
    source: Source
    checked: str


NATIONAL_FIGURES = (
    NationalFigure("Every £1 invested in adult drug treatment gives a return of £4 in reduced crime and health "
                   "costs, rising to £21 over ten years with wider benefits.", BLACK_REVIEW,
                   "Quoted as reported by treatment-sector publications; the review's own text was not read."),
    NationalFigure("Every £1 spent on drug treatment saves £2.50 in costs to society.", DAVIES_2009,
                   "Quoted by Public Health England on its value-for-money tools page (NDTMS)."),
    NationalFigure("Any addicted person not in treatment commits crime costing an average £26,074 a year.",
                   NTA_WHY_INVEST, "Checked against the published infographic; no price year is stated."),
)

# Devon and Cornwall preset ---------------------------------------------------------------------------

PLAN_REPORTED_GROSS_BENEFIT = D("59478661")


@dataclass(frozen=True)
class Preset:
    """Inputs for an area, with each assumption behind them in words."""

    name: str
    inputs: SroiInputs
    price_year: str
    assumptions: tuple[str, ...]
    reported: D
    reported_source: Source


def devon_and_cornwall_preset() -> Preset:
    """Client numbers the plan's context suggests; most are assumptions and say so."""
    opiate = 4907  # 60% of the plan's 8,178 opiate and crack users
    total = 9437  # opiate clients ÷ 0.52
    both = 1132  # 12% of the total, from the plan (2019-20)
    non_opiate = 944  # 10% of the total
    alcohol = total - opiate - both - non_opiate
    groups = {
        "opiate": ClientGroupInput(opiate, 245),
        "non_opiate": ClientGroupInput(non_opiate, 312),
        "alcohol": ClientGroupInput(alcohol, 883),
        "non_opiate_and_alcohol": ClientGroupInput(both, 340),
    }
    return Preset(
        "Devon, Cornwall and the Isles of Scilly", SroiInputs(groups, horizon_years=5), "2021-22",
        (
            "The plan estimates 8,178 people using opiates and/or crack in Devon and Cornwall; 60% of them "
            "are assumed to be in treatment (the national share in NTA 2012), giving 4,907 opiate clients.",
            "Opiate clients are assumed to be 52% of everyone in treatment (close to the national share, but "
            "not yet checked against a published figure), giving 9,437 clients in all.",
            "The plan says 12% of people in treatment in 2019-20 were treated for non-opiates and alcohol "
            "together: 1,132 clients.",
            "Non-opiate only is assumed to be 10% (944); alcohol only is the remainder (2,454).",
            "Successful completions are assumed at 5% (opiate), 33% (non-opiate), 36% (alcohol) and 30% "
            "(non-opiate and alcohol): close to recent national rates, but not yet checked against published "
            "figures.",
            "The horizon (5 years) and the price year (2021-22) are assumptions; the plan does not say what "
            "the SROI tool's figure covers.",
            "No cost of treatment is entered, so the preset gives no return per £1.",
        ),
        PLAN_REPORTED_GROSS_BENEFIT, PLAN,
    )


def devon_and_cornwall_comparison(parameters: ParameterSet = DEFAULT_PARAMETERS,
                                  deflator: DeflatorSeries = GDP_DEFLATOR) -> PlanComparison:
    """The model's gross present value for the preset beside the plan's £59,478,661."""
    preset = devon_and_cornwall_preset()
    result = estimate(preset.inputs, parameters.in_prices_of(preset.price_year, deflator))
    return compare_with_reported(result, preset.reported,
                                 "gross social and economic benefits of treatment (drug and alcohol clients)")
