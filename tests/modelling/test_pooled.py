from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.modelling.pooled import (
    ContributionEntry,
    line_position,
    monthly_budget,
    payment_profile,
    share_variance,
    year_contributions,
)

PARTNERS = ["OPCC", "Devon", "Plymouth", "Torbay", "Cornwall", "Scilly"]


def test_fixed_contributions_must_add_up_to_the_agreed_total():
    result = year_contributions(100_000_00, [ContributionEntry("OPCC", 60_000_00), ContributionEntry("Devon", 39_999_99)],
                                "2026-27")
    assert result.problems == ("Contributions for 2026-27 add up to £99,999.99: the agreed total is £100,000.00",)


def test_shares_split_what_the_fixed_contributions_leave_to_the_penny():
    result = year_contributions(
        1_000_000_01,
        [ContributionEntry("OPCC", 400_000_00), ContributionEntry("Devon", share_percent=Decimal("50")),
         ContributionEntry("Plymouth", share_percent=Decimal("50"))],
    )
    assert result.problems == ()
    assert result.amounts == {"OPCC": 400_000_00, "Devon": 300_000_01, "Plymouth": 300_000_00}
    assert sum(result.amounts.values()) == result.total_pence
    assert result.shares_percent["OPCC"] == Decimal("40.000")


def test_shares_must_add_up_to_100_percent():
    result = year_contributions(100, [ContributionEntry("A", share_percent=Decimal("60")),
                                      ContributionEntry("B", share_percent=Decimal("30"))], "2026-27")
    assert result.problems == ("Shares for 2026-27 add up to 90%: they must add up to 100%",)


def test_fixed_contributions_over_the_total_with_shares():
    result = year_contributions(100, [ContributionEntry("A", 150), ContributionEntry("B", share_percent=Decimal(100))])
    assert "more than the agreed total" in result.problems[0]


def test_negative_contributions_are_problems():
    result = year_contributions(100, [ContributionEntry("A", -1), ContributionEntry("B", 101)])
    assert any("negative" in problem for problem in result.problems)


def test_payment_profiles_add_up():
    assert payment_profile(100_001, "quarterly") == [25_001, 25_000, 25_000, 25_000]
    assert payment_profile(5, "annual") == [5]
    assert sum(payment_profile(1_000_003, "monthly")) == 1_000_003
    with pytest.raises(ValueError):
        payment_profile(100, "weekly")
    assert sum(monthly_budget(120_000_07)) == 120_000_07


def test_outturn_uses_actuals_where_known_and_forecasts_for_the_rest():
    actuals = [10_000] * 6 + [None] * 6
    forecasts = [9_000] * 12
    position = line_position(120_000, actuals, forecasts, Decimal("5"))
    assert position.actual_pence == 60_000 and position.outturn_pence == 114_000
    assert position.variance_pence == -6_000 and position.variance_percent == Decimal("-5.00")
    assert not position.flagged
    over = line_position(100_000, [10_000] * 12, [None] * 12, Decimal("5"))
    assert over.variance_pence == 20_000 and over.flagged
    just = line_position(100_000, [None] * 12, [8_750] * 12, Decimal("5"))  # 5% over: not more than the tolerance
    assert just.variance_percent == Decimal("5.00") and not just.flagged
    with pytest.raises(ValueError):
        line_position(1, [None], [None], Decimal(5))


def test_pro_rata_overspend():
    result = share_variance(10_000_00, "pro_rata", PARTNERS[:3], "Devon",
                            contributions={"OPCC": 50_000_00, "Devon": 30_000_00, "Plymouth": 20_000_00})
    assert result.shares == {"OPCC": 5_000_00, "Devon": 3_000_00, "Plymouth": 2_000_00}


def test_underspend_is_negative_and_host_rule():
    result = share_variance(-999, "host", PARTNERS[:3], "Devon")
    assert result.shares == {"OPCC": 0, "Devon": -999, "Plymouth": 0}


def test_fixed_percentages_must_add_up():
    with pytest.raises(ValueError, match="add up to 90%"):
        share_variance(100, "fixed", ["A", "B"], "A", fixed_percent={"A": Decimal(50), "B": Decimal(40)})


def test_a_cap_passes_the_excess_to_the_others_and_then_to_the_host():
    contributions = {"OPCC": 50, "Devon": 30, "Plymouth": 20}
    result = share_variance(10_000, "pro_rata", ["OPCC", "Devon", "Plymouth"], "Devon",
                            contributions=contributions, caps={"OPCC": 2_000})
    assert result.shares["OPCC"] == 2_000
    assert result.shares["Devon"] + result.shares["Plymouth"] == 8_000
    assert result.shares["Devon"] == 4_800  # 3:2 of the 8,000 left
    everyone_capped = share_variance(10_000, "pro_rata", ["OPCC", "Devon"], "Devon",
                                     contributions={"OPCC": 1, "Devon": 1}, caps={"OPCC": 1_000, "Devon": 2_000})
    assert everyone_capped.shares == {"OPCC": 1_000, "Devon": 9_000}
    assert everyone_capped.beyond_caps_pence == 7_000 and "falls to the host" in everyone_capped.notes[-1]


def test_bad_rules():
    with pytest.raises(ValueError, match="host must be one of"):
        share_variance(1, "host", ["A"], "B")
    with pytest.raises(ValueError, match="Unknown"):
        share_variance(1, "lottery", ["A"], "A")
    with pytest.raises(ValueError, match="needs contributions"):
        share_variance(1, "pro_rata", ["A"], "A", contributions={})


@given(
    st.integers(min_value=-10**10, max_value=10**10),
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=6, max_size=6).filter(lambda c: any(c)),
    st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)), min_size=6, max_size=6),
    st.sampled_from(PARTNERS),
)
def test_parts_always_add_up_and_respect_caps(variance, contributions, caps, host):
    result = share_variance(variance, "pro_rata", PARTNERS, host, contributions=dict(zip(PARTNERS, contributions)),
                            caps=dict(zip(PARTNERS, caps)))
    assert sum(result.shares.values()) == variance
    for partner, cap in zip(PARTNERS, caps):
        if cap is not None and partner != host:
            assert abs(result.shares[partner]) <= cap
    assert all((share >= 0) == (variance >= 0) or share == 0 for share in result.shares.values())


@given(st.integers(min_value=0, max_value=10**11),
       st.lists(st.integers(min_value=1, max_value=10**4), min_size=1, max_size=8))
def test_share_contributions_add_up_to_the_total(total, weights):
    percents = [Decimal(w) for w in weights]
    scale = 100 / sum(percents)
    percents = [(p * scale).quantize(Decimal("0.001")) for p in percents]
    percents[-1] += Decimal(100) - sum(percents)
    if percents[-1] < 0:
        return
    result = year_contributions(total, [ContributionEntry(i, share_percent=p) for i, p in enumerate(percents)])
    assert result.problems == () and sum(result.amounts.values()) == total
