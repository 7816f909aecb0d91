"""Analysis pages for saved scenarios: what the others pay when one partner drops out, how each
partner's saving moves with one parameter (and where it would be better off alone), and two to
four scenarios side by side."""

from __future__ import annotations

from decimal import Decimal

from flask import render_template, request

from grants.blueprints.cocommissioning import USERS, bp, charts
from grants.blueprints.cocommissioning.display import number, pounds
from grants.blueprints.cocommissioning.forms import SensitivityForm
from grants.blueprints.cocommissioning.scenarios import COMPARE_MAX, COMPARE_MIN, render_index, service_label
from grants.forms import required
from grants.interfaces.cocommissioning import scenarios as co
from grants.modelling.cocommissioning_analysis import break_even, compare, drop_out, savings_over
from grants.permissions import role_required

STEPS = 10  # points across the sensitivity range: enough for a chart, quick to work out


def drop_out_summary(leaver_name: str, outcome, names: dict[str, str]) -> str:
    """One drop-out as a sentence: who would pay more, and by how much over the contract."""
    if outcome.problem:
        return f"Without {leaver_name} the rest could not go ahead as set: {outcome.problem}"
    rises = sorted(((change, code) for code, change in outcome.changes.items()), reverse=True)
    parts = [f"{names.get(code, code)} {'pays' if change >= 0 else 'saves'} {pounds(abs(change))} "
             f"{'more' if change >= 0 else ''}".strip() for change, code in rises]
    sentence = f"Without {leaver_name}: " + "; ".join(parts) + " over the contract."
    return f"{sentence} {outcome.note}." if outcome.note else sentence


@bp.route("/<int:scenario_id>/drop-out", endpoint="drop_out")
@role_required(*USERS)
def drop_out_page(scenario_id: int):
    scenario = co.get_scenario(scenario_id)
    model = co.to_model(scenario)
    names = {p.code: p.name for p in model.partners}
    outcomes = drop_out(model)
    return render_template("cocommissioning/drop_out.html", scenario=scenario, base=co.outcome(model).result,
                           outcomes=outcomes, names=names, summary=drop_out_summary)


# Sensitivity -------------------------------------------------------------------------------------

def parameter_choices(model) -> dict[str, str]:
    """What may be varied, as the form offers it (the scale is the kind the scenario uses)."""
    scale = ("Economies of scale: joint fixed costs as a percentage of standalone"
             if model.costs.scale.percent is not None else "Economies of scale: the curve exponent")
    return {"scale": scale, "take_up": "Take-up (%)", "cost_per_client": "Cost per client (£)"}


def default_range(model, parameter: str) -> tuple[Decimal, Decimal]:
    if parameter == "scale":
        return (Decimal(50), Decimal(100)) if model.costs.scale.percent is not None else (Decimal("0.5"), Decimal(1))
    if parameter == "take_up":
        return Decimal(10), Decimal(100)
    base = Decimal(model.costs.cost_per_client_pence) / 100
    return (base / 2).quantize(Decimal(1)), (base * 2).quantize(Decimal(1)) or Decimal(100)


def range_problems(model, parameter: str, low: Decimal, high: Decimal) -> list[tuple[str, str]]:
    """What is wrong with the range asked for, each with the input it is about."""
    problems = []
    if parameter == "scale" and model.costs.scale.percent is not None:
        if low <= 0 or high > 100:
            problems.append(("The percentage must be more than 0% and at most 100%", "low" if low <= 0 else "high"))
    elif parameter == "scale":
        if low <= 0 or high > 1:
            problems.append(("The exponent must be more than 0 and at most 1", "low" if low <= 0 else "high"))
    elif parameter == "take_up" and (low < 0 or high > 100):
        problems.append(("Take-up must be between 0% and 100%", "low" if low < 0 else "high"))
    elif parameter == "cost_per_client" and low < 0:
        problems.append(("The cost per client must not be negative", "low"))
    if low >= high:
        problems.append(("The low end of the range must be below the high end", "high"))
    return problems


def describe_value(model, parameter: str, value: Decimal) -> str:
    """A value of the parameter in words: "a scale factor of 88%", "take-up of 40%"."""
    if parameter == "scale":
        return (f"a scale factor of {number(value)}%" if model.costs.scale.percent is not None
                else f"a curve exponent of {number(value)}")
    if parameter == "take_up":
        return f"take-up of {number(value)}%"
    return f"a cost per client of {pounds(int(value), exact=True)}"


def break_even_sentence(model, name: str, answer) -> str:
    if answer.verdict == "never":
        return f"{name} would not be better off alone anywhere in this range"
    if answer.verdict == "always":
        return f"{name} would be better off alone throughout this range"
    value = describe_value(model, answer.parameter, answer.value)
    return f"{name} would be better off alone {answer.alone_when} {value}"


@bp.route("/<int:scenario_id>/sensitivity", endpoint="sensitivity")
@role_required(*USERS)
def sensitivity(scenario_id: int):
    scenario = co.get_scenario(scenario_id)
    model = co.to_model(scenario)
    choices = parameter_choices(model)
    form = SensitivityForm(formdata=request.args or None)
    form.parameter.choices = list(choices.items())
    parameter = form.parameter.data if form.parameter.data in choices else "scale"
    form.parameter.data = parameter
    low, high = default_range(model, parameter)
    problems: list[tuple[str, str]] = []
    table = chart = None
    answers: list[str] | None = None
    if request.args:
        form.validate()
        for name in ("low", "high"):
            field = form[name]
            if not field.errors and field.data is None:
                field.errors = [f"Enter the {'low' if name == 'low' else 'high'} end of the range"]
        problems = [(field.errors[0], field.id) for field in (form.low, form.high) if field.errors]
        if not problems:
            low, high = required(form.low.data), required(form.high.data)  # else a problem, above
            problems = range_problems(model, parameter, low, high)
            for message, name in problems:
                form[name].errors = [*form[name].errors, message]
    else:
        form.low.data, form.high.data = low, high
    if not problems:
        unit = 100 if parameter == "cost_per_client" else 1  # the model takes the cost per client in pence
        values = [low + (high - low) * k / STEPS for k in range(STEPS + 1)]
        try:
            savings = savings_over(model, parameter, [v * unit for v in values])
            break_evens = break_even(model, parameter, low * unit, high * unit)
        except ValueError as error:
            problems = [(f"The scenario cannot be worked out over this range: {error}", "low")]
            form.low.errors = [problems[0][0]]
        else:
            names = {p.code: p.name for p in model.partners}
            codes = sorted(savings)
            labels = [describe_label(parameter, model, v) for v in values]
            table = {"values": labels, "rows": [(names[code], savings[code]) for code in codes]}
            chart = charts.line_chart(labels, [savings[code] for code in codes])
            answers = [break_even_sentence(model, names[a.code], a) for a in break_evens]
    return render_template("cocommissioning/sensitivity.html", scenario=scenario, sensitivity_form=form,
                           problems=problems, table=table, chart=chart, answers=answers,
                           parameter_label=choices[parameter], submitted=bool(request.args))


def describe_label(parameter: str, model, value: Decimal) -> str:
    """A value as a column heading and chart label."""
    if parameter == "cost_per_client":
        return f"£{value.quantize(Decimal(1)):,}"
    if parameter == "scale" and model.costs.scale.percent is None:
        return number(value, 2)
    return f"{number(value, 1)}%"


# Comparison --------------------------------------------------------------------------------------

def chosen_ids() -> list[int]:
    """The ``ids`` asked for, once each, in order; anything not a plain id is ignored."""
    ids: list[int] = []
    for text in request.args.getlist("ids"):
        if text.isascii() and text.isdigit() and len(text) < 10 and int(text) not in ids:
            ids.append(int(text))
    return ids


def compare_problem(ids: list[int]) -> str:
    if len(ids) < COMPARE_MIN:
        return f"Select at least two scenarios to compare: you selected {len(ids)}"
    if len(ids) > COMPARE_MAX:
        return f"Select no more than four scenarios to compare: you selected {len(ids)}"
    return ""


@bp.route("/compare", endpoint="compare")
@role_required(*USERS)
def compare_page():
    ids = chosen_ids()
    problem = compare_problem(ids)
    if problem:
        return render_index(problem, ids)
    scenarios = co.get_scenarios(ids)
    comparison = compare([co.to_model(s) for s in scenarios])
    names = [row.name for row in comparison.rows]
    chart = charts.bar_chart(names, [[row.contributions[i] for row in comparison.rows] for i in range(len(scenarios))])
    savings_chart = charts.bar_chart(names, [[row.savings[i] for row in comparison.rows]
                                             for i in range(len(scenarios))])
    return render_template("cocommissioning/compare.html", scenarios=scenarios, comparison=comparison, chart=chart,
                           savings_chart=savings_chart, ids=ids, service_label=service_label,
                           colours=charts.SERIES_COLOURS)
