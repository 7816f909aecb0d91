"""How the co-commissioning pages write figures: pence as pounds, percentages, client numbers,
and the one-sentence summaries that stand beside each chart."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from grants.blueprints.cocommissioning import bp


def pounds(pence: int | None, exact: bool = False) -> str:
    """Whole pence as "£1,235" (halves up), or "£1,234.56" with ``exact``; negative as "-£1,235"."""
    if pence is None:
        return ""
    sign, pence = ("-", -pence) if pence < 0 else ("", pence)
    if exact:
        return f"{sign}£{pence // 100:,}.{pence % 100:02d}"
    whole = (pence + 50) // 100
    return f"{sign if whole else ''}£{whole:,}"


def number(value: Decimal | int | None, places: int | None = None) -> str:
    """A plain number: 62.5, or to ``places`` decimal places with thousands separators."""
    if value is None:
        return ""
    value = Decimal(value)
    if places is not None:
        return f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,}"
    return format(value.normalize(), "f") if value != value.to_integral_value() else f"{int(value):,}"


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{number(value)}%"


def contributions_summary(result) -> str:
    """The contributions chart as a sentence: who pays most and least over the contract."""
    ranked = sorted(result.partners, key=lambda o: (-o.contribution_pence, o.code))
    if not ranked:
        return "No partners."
    if len(ranked) == 1:
        return f"{ranked[0].name} pays {pounds(ranked[0].contribution_pence)} over the contract."
    return (f"Over the contract {ranked[0].name} pays the most, {pounds(ranked[0].contribution_pence)}, and "
            f"{ranked[-1].name} the least, {pounds(ranked[-1].contribution_pence)}; "
            f"{pounds(result.total_pence)} in all.")


def savings_summary(result) -> str:
    """The savings chart as a sentence: who saves, and who would be better off alone."""
    alone = [o.name for o in result.partners if o.saving_pence < 0]
    saving = [o for o in result.partners if o.saving_pence > 0]
    parts = []
    if saving:
        best = max(saving, key=lambda o: (o.saving_pence, o.code))
        parts.append(f"{len(saving)} of {len(result.partners)} partners save against running the service alone; "
                     f"{best.name} saves the most, {pounds(best.saving_pence)}")
    else:
        parts.append("No partner saves against running the service alone")
    if alone:
        parts.append(f"better off alone: {', '.join(alone)}")
    return "; ".join(parts) + f". Savings come to {pounds(result.saving_pence)} in all."


@bp.context_processor
def _helpers() -> dict:
    return {"pounds": pounds, "number": number, "percent": percent}
