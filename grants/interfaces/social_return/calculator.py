"""The social-return calculator's glue: inputs read from the page's query string, the model run with a
stored parameter set in the chosen price year, sensitivity, and the shareable query string.

Everything here takes plain values (a mapping of the query string) and returns plain values; the
arithmetic is ``grants.modelling.social_return``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from grants.interfaces.social_return.parameters import parameters_of, published_sets
from grants.modelling.social_return import (
    ClientGroupInput,
    SroiInputError,
    SroiInputs,
    SroiResult,
    estimate,
    validate,
)
from grants.modelling.sroi_defaults import GDP_DEFLATOR, Preset
from grants.modelling.sroi_parameters import CLIENT_GROUPS, GROUP_LABELS, ParameterSet
from grants.modelling.sroi_sensitivity import DEFAULT_RUNS, MonteCarloResult, TornadoBar, monte_carlo, tornado
from grants.models.social_return import SroiParameterSet

PER_CLIENT, TOTAL = "per_client", "total"
MAX_SEED = 2**32 - 1
# The order of the page's inputs, which is also the order of the error summary.
FIELD_ORDER = ("parameter_set", "price_year", "horizon",
               *(f"{kind}-{group}" for group in CLIENT_GROUPS for kind in ("clients", "completions")),
               "cost_basis", "cost", "seed")


def clients_input(group: str) -> str:
    return f"clients-{group}"


def completions_input(group: str) -> str:
    return f"completions-{group}"


def default_price_year() -> str:
    """The newest year of the deflator series."""
    return GDP_DEFLATOR.years[-1]


class CalculatorProblems(Exception):
    """Every problem with the page's inputs, each a (message, input id) pair in page order."""

    def __init__(self, problems: list[tuple[str, str]]):
        order = {name: position for position, name in enumerate(FIELD_ORDER)}
        self.problems = sorted(problems, key=lambda problem: order.get(problem[1], len(order)))
        super().__init__("; ".join(message for message, _ in self.problems))


@dataclass(frozen=True)
class CalculatorRequest:
    """What the page asked for, checked: the model's inputs, the stored set, the price year, the seed."""

    inputs: SroiInputs
    parameter_set: SroiParameterSet
    price_year: str
    seed: int | None
    cost_basis: str


@dataclass(frozen=True)
class CalculatorOutcome:
    request: CalculatorRequest
    parameters: ParameterSet  # in the chosen price year
    result: SroiResult
    tornado: list[TornadoBar]
    monte_carlo: MonteCarloResult | None

    @property
    def assumptions(self) -> list[str]:
        """Keys of the parameters that no public source gives."""
        return [key for key, item in self.parameters.values.items() if item.assumption]


def available_sets() -> list[SroiParameterSet]:
    """Published parameter sets, newest first. ``flask reference load`` stores the built-in default,
    so there is one; opening a page never writes to the database."""
    return published_sets()


def is_submitted(args: Mapping[str, str]) -> bool:
    """Whether the form was sent (a link that only prefills the cost, say, is not a submission)."""
    return "horizon" in args or any(clients_input(group) in args for group in CLIENT_GROUPS)


def _problem_input(message: str) -> str:
    """The input a model message is about, recognised by the label the model puts first."""
    for group in CLIENT_GROUPS:
        label = GROUP_LABELS[group]
        if message.startswith(f"Clients in treatment ({label})"):
            return clients_input(group)
        if message.startswith(f"Successful completions ({label})"):
            return completions_input(group)
    if message.startswith("The horizon"):
        return "horizon"
    if "cost" in message.lower():
        return "cost"
    return clients_input(CLIENT_GROUPS[0])


def parse_request(args: Mapping[str, str], sets: list[SroiParameterSet]) -> CalculatorRequest:
    """The page's query string as a checked request, or CalculatorProblems naming each input at fault."""
    problems: list[tuple[str, str]] = []

    def text(name: str) -> str:
        return (args.get(name) or "").strip()

    chosen = _chosen_set(text("parameter_set"), sets)
    if chosen is None:
        problems.append(("Choose a published parameter set", "parameter_set"))
    price_year = _price_year(text("price_year"), problems)
    horizon = _horizon(text("horizon") or "1")
    groups = _groups(text, problems)

    cost_basis = text("cost_basis") or PER_CLIENT
    if cost_basis not in (PER_CLIENT, TOTAL):
        problems.append(("Select whether the cost is per client or the total", "cost_basis"))
        cost_basis = PER_CLIENT
    cost = text("cost") or None
    # The model's inputs as typed (text where a number is wanted): validate() checks and converts them.
    inputs = SroiInputs(groups, horizon,  # type: ignore[arg-type]
                        cost_per_client=cost if cost_basis == PER_CLIENT else None,  # type: ignore[arg-type]
                        total_cost=cost if cost_basis == TOTAL else None)  # type: ignore[arg-type]
    try:
        inputs = validate(inputs)
    except SroiInputError as error:
        problems.extend((message, _problem_input(message)) for message in error.problems)
    seed = _seed(text("seed"), problems)

    if problems:
        raise CalculatorProblems(problems)
    assert chosen is not None  # no set chosen is a problem, raised just above
    return CalculatorRequest(inputs, chosen, price_year, seed, cost_basis)


def _chosen_set(wanted: str, sets: list[SroiParameterSet]) -> SroiParameterSet | None:
    """The set asked for by id, or the newest when none is asked for; None for one not published."""
    if not wanted and sets:
        return sets[0]
    return next((row for row in sets if str(row.id) == wanted), None)


def _price_year(entered: str, problems: list[tuple[str, str]]) -> str:
    price_year = entered or default_price_year()
    if price_year not in GDP_DEFLATOR.index:
        try:
            GDP_DEFLATOR.factor(price_year, price_year)
        except ValueError as error:
            problems.append((str(error), "price_year"))
    return price_year


def _horizon(horizon_text: str) -> int | str:
    """The horizon as a whole number of years, or as typed when it is not one (validate() says so)."""
    # ASCII digits, and few of them: "²" passes isdigit() but not int(), nor do 5,000 digits.
    horizon_digits = horizon_text.lstrip("-")
    return (int(horizon_text) if horizon_digits.isdigit() and horizon_digits.isascii()
            and len(horizon_digits) <= 6 else horizon_text)


def _groups(text: Callable[[str], str], problems: list[tuple[str, str]]) -> dict[str, ClientGroupInput]:
    """The client groups with any figure entered, as typed (validate() checks them)."""
    groups: dict[str, ClientGroupInput] = {}
    for group in CLIENT_GROUPS:
        clients, completions = text(clients_input(group)), text(completions_input(group))
        if clients or completions:
            # Text where the model wants whole numbers: validate() checks and converts them.
            groups[group] = ClientGroupInput(clients or "0", completions or "0")  # type: ignore[arg-type]
    if not groups:
        problems.append(("Enter the number of clients in treatment for at least one client group",
                         clients_input(CLIENT_GROUPS[0])))
    return groups


def _seed(digits: str, problems: list[tuple[str, str]]) -> int | None:
    """The seed for the random runs, when one is entered."""
    if not digits:
        return None
    if not (digits.isdigit() and digits.isascii() and len(digits) <= len(str(MAX_SEED))) or int(digits) > MAX_SEED:
        problems.append((f"The number for the random runs must be a whole number from 0 to {MAX_SEED:,}", "seed"))
        return None
    return int(digits)


def run(request: CalculatorRequest, runs: int = DEFAULT_RUNS) -> CalculatorOutcome:
    """The estimate, the tornado table and (when a seed was given) the Monte Carlo interval."""
    parameters = parameters_of(request.parameter_set).in_prices_of(request.price_year, GDP_DEFLATOR)
    result = estimate(request.inputs, parameters)
    # Parameters that cannot move the total (a group with no clients, say) are left out of the table.
    bars = [bar for bar in tornado(request.inputs, parameters) if bar.swing]
    interval = monte_carlo(request.inputs, parameters, request.seed, runs) if request.seed is not None else None
    return CalculatorOutcome(request, parameters, result, bars, interval)


def share_query(request: CalculatorRequest) -> str:
    """The query string that reproduces ``request`` on the calculator (and in the export)."""
    pairs: list[tuple[str, object]] = [("parameter_set", request.parameter_set.id),
                                       ("price_year", request.price_year),
                                       ("horizon", request.inputs.horizon_years)]
    for group, entry in request.inputs.groups.items():
        pairs += [(clients_input(group), entry.clients), (completions_input(group), entry.completions)]
    cost = request.inputs.total_cost if request.cost_basis == TOTAL else request.inputs.cost_per_client
    if cost is not None:
        pairs += [("cost_basis", request.cost_basis), ("cost", cost)]
    if request.seed is not None:
        pairs.append(("seed", request.seed))
    return urlencode(pairs)


def preset_query(preset: Preset, parameter_set: SroiParameterSet) -> str:
    """The calculator's query string for a preset's inputs (with no cost unless the preset has one)."""
    pairs: list[tuple[str, object]] = [("parameter_set", parameter_set.id), ("price_year", preset.price_year),
                                       ("horizon", preset.inputs.horizon_years)]
    for group, entry in preset.inputs.groups.items():
        pairs += [(clients_input(group), entry.clients), (completions_input(group), entry.completions)]
    if preset.inputs.total_cost is not None:
        pairs += [("cost_basis", TOTAL), ("cost", preset.inputs.total_cost)]
    elif preset.inputs.cost_per_client is not None:
        pairs += [("cost_basis", PER_CLIENT), ("cost", preset.inputs.cost_per_client)]
    return urlencode(pairs)


def current_parameters() -> ParameterSet:
    """The newest published parameter set (the built-in default when none is stored), in the newest
    deflator year's prices: what estimates made outside the calculator value clients with."""
    sets = published_sets()
    parameters = parameters_of(sets[0]) if sets else _builtin_default()
    return parameters.in_prices_of(default_price_year(), GDP_DEFLATOR)


def estimate_with(parameters: ParameterSet, clients_by_group: Mapping[str, int],
                  completions_by_group: Mapping[str, int], horizon: int, cost: Decimal | None) -> SroiResult:
    """The social return of treating these clients for a total ``cost`` (a grant or a contract), valued
    with ``parameters`` (see ``current_parameters``). Raises SroiInputError for bad inputs."""
    groups = {group: ClientGroupInput(clients, completions_by_group.get(group, 0))
              for group, clients in clients_by_group.items()}
    return estimate(SroiInputs(groups, horizon, total_cost=cost), parameters)


def estimate_for_clients(clients_by_group: Mapping[str, int], completions_by_group: Mapping[str, int],
                         horizon: int, cost: Decimal | None) -> SroiResult:
    """``estimate_with`` the current parameters. Raises SroiInputError for bad inputs."""
    return estimate_with(current_parameters(), clients_by_group, completions_by_group, horizon, cost)


def _builtin_default() -> ParameterSet:
    from grants.modelling.sroi_defaults import DEFAULT_PARAMETERS

    return DEFAULT_PARAMETERS
