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
    pounds,
    share_variance,
    year_contributions,
)

PARTNERS = ["OPCC", "Devon", "Plymouth", "Torbay", "Cornwall", "Scilly"]


def test_fixed_contributions_must_add_up_to_the_agreed_total():
    result = year_contributions(100_000_00, [ContributionEntry("OPCC", 60_000_00),
                                             ContributionEntry("Devon", 39_999_99)],
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
    result = share_variance(variance, "pro_rata", PARTNERS, host,
                            contributions=dict(zip(PARTNERS, contributions, strict=True)),
                            caps=dict(zip(PARTNERS, caps, strict=True)))
    assert sum(result.shares.values()) == variance
    for partner, cap in zip(PARTNERS, caps, strict=True):
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


def test_a_line_with_a_zero_budget_has_no_variance_percent_and_any_overspend_is_flagged():
    # Nothing budgeted: £1 actual in April and £0.50 forecast for each of the 11 other months comes to
    # £6.50 = 650p over a budget of 0. A percentage of 0 is meaningless (None), and any overspend is
    # flagged whatever the tolerance (here 1,000%).
    position = line_position(0, [100] + [None] * 11, [None] + [50] * 11, Decimal("1000"))
    assert (position.budget_pence, position.actual_pence, position.outturn_pence) == (0, 100, 650)
    assert position.variance_pence == 650 and position.variance_percent is None
    assert position.flagged
    # Nothing spent either: no variance, nothing flagged.
    idle = line_position(0, [None] * 12, [None] * 12, Decimal("0"))
    assert (idle.outturn_pence, idle.variance_pence, idle.variance_percent, idle.flagged) == (0, 0, None, False)


def test_a_year_with_a_zero_total_gives_every_partner_a_share_of_0():
    # Fixed contributions of £0 against an agreed total of £0 are consistent; there is no pool to take
    # a share of, so every share is 0 (not a division by zero).
    result = year_contributions(0, [ContributionEntry("OPCC", 0), ContributionEntry("Devon", 0)])
    assert result.problems == ()
    assert result.amounts == {"OPCC": 0, "Devon": 0}
    assert result.shares_percent == {"OPCC": Decimal(0), "Devon": Decimal(0)}


def test_a_penny_over_a_zero_budget_is_flagged():
    position = line_position(0, [1] + [None] * 11, [None] * 12, Decimal("5"))
    assert (position.variance_pence, position.variance_percent, position.flagged) == (1, None, True)


def test_twelve_months_each_of_actuals_and_forecasts_are_needed():
    message = r"^Give a value \(or None\) for each of the 12 months$"
    with pytest.raises(ValueError, match=message):
        line_position(100, [None] * 11, [None] * 12, Decimal(5))  # one month of actuals short
    with pytest.raises(ValueError, match=message):
        line_position(100, [None] * 12, [None] * 13, Decimal(5))  # a month of forecasts too many
    with pytest.raises(ValueError, match="^Unknown payment profile 'weekly'$"):
        payment_profile(100, "weekly")


def test_fixed_shares_with_some_partners_capped_and_their_notes_by_name():
    # £100 overspend, fixed 50 : 30 : 20 (Torbay has no percentage, so 0): 5,000, 3,000 and 2,000p first.
    # The OPCC is capped at £20 and Plymouth at £10: 3,000 + 1,000 = 4,000p passes to Devon, the only
    # partner left under no cap, which bears 3,000 + 4,000 = 7,000p. Notes name each partner.
    names = {"OPCC": "the OPCC", "Devon": "Devon County Council", "Plymouth": "Plymouth City Council"}
    result = share_variance(10_000, "fixed", ["OPCC", "Devon", "Plymouth", "Torbay"], "Devon",
                            fixed_percent={"OPCC": Decimal(50), "Devon": Decimal(30), "Plymouth": Decimal(20)},
                            caps={"OPCC": 2_000, "Plymouth": 1_000}, names=names)
    assert result.shares == {"OPCC": 2_000, "Devon": 7_000, "Plymouth": 1_000, "Torbay": 0}
    assert result.beyond_caps_pence == 0
    assert result.notes == ("the OPCC reached its cap of £20.00.", "Plymouth City Council reached its cap of £10.00.")


def test_an_underspend_beyond_every_cap_returns_to_the_host_by_name():
    # £100 underspend split 1 : 1 (5,000p each); A is capped at £10 and B at £20, so 7,000p is beyond
    # every cap and falls to the host B: A gets back 1,000p and B 2,000 + 7,000 = 9,000p.
    result = share_variance(-10_000, "pro_rata", ["A", "B"], "B", contributions={"A": 1, "B": 1},
                            caps={"A": 1_000, "B": 2_000}, names={"A": "Area A", "B": "Area B"})
    assert result.shares == {"A": -1_000, "B": -9_000} and result.beyond_caps_pence == -7_000
    assert result.notes == ("Area A reached its cap of £10.00.", "Area B reached its cap of £20.00.",
                            "£70.00 beyond every cap falls to the host, Area B.")
    # Without names, the partners themselves are named.
    assert share_variance(-10_000, "pro_rata", ["A", "B"], "B", contributions={"A": 1, "B": 1},
                          caps={"A": 1_000, "B": 2_000}).notes[-1] == "£70.00 beyond every cap falls to the host, B."


def test_risk_share_input_refused_in_words():
    with pytest.raises(ValueError, match="^The host must be one of the partners$"):
        share_variance(1, "host", ["A"], "B")
    with pytest.raises(ValueError, match="^A cap must not be negative$"):
        share_variance(1, "host", ["A"], "A", caps={"A": -1})
    with pytest.raises(ValueError, match="^Pro rata sharing needs contributions for the year$"):
        share_variance(1, "pro_rata", ["A"], "A", contributions={"A": 0})
    with pytest.raises(ValueError, match="^Weights must not be negative$"):
        share_variance(1, "pro_rata", ["A", "B"], "A", contributions={"A": 2, "B": -1})
    with pytest.raises(ValueError, match="^Fixed risk-share percentages add up to 100.5%: they must add up to 100%$"):
        share_variance(1, "fixed", ["A", "B"], "A", fixed_percent={"A": Decimal("60.5"), "B": Decimal(40)})
    with pytest.raises(ValueError, match="^Unknown risk-share rule 'lottery'$"):
        share_variance(1, "lottery", ["A"], "A")


def test_a_partner_exactly_at_its_cap_is_full_but_has_no_note():
    # £1 shared 50 : 50 between A (cap 50p) and B (cap 40p): A's part is exactly its cap, so it is full
    # without going over; B is held at 40p and its other 10p fall to the host, C, who has no weight.
    result = share_variance(100, "fixed", ["A", "B", "C"], "C",
                            fixed_percent={"A": Decimal(50), "B": Decimal(50)}, caps={"A": 50, "B": 40})
    assert result.shares == {"A": 50, "B": 40, "C": 10}
    assert result.beyond_caps_pence == 10
    assert result.notes == ("B reached its cap of £0.40.", "£0.10 beyond every cap falls to the host, C.")


def test_a_cap_of_nothing_takes_nothing_and_a_cap_of_a_penny_takes_it():
    result = share_variance(300, "fixed", ["A", "B", "C"], "C",
                            fixed_percent={"A": Decimal(40), "B": Decimal(40), "C": Decimal(20)},
                            caps={"A": 0, "B": 1})
    # A can take nothing; B takes its penny; C (uncapped) the rest.
    assert result.shares == {"A": 0, "B": 1, "C": 299}
    assert result.notes == ("B reached its cap of £0.01.",) and result.beyond_caps_pence == 0


def test_a_missing_or_negative_share_is_a_problem_but_a_share_of_nothing_is_not():
    missing = year_contributions(100, [ContributionEntry("A", share_percent=Decimal(100)), ContributionEntry("B")])
    assert missing.problems == ("A share for the year is missing or negative",)
    negative = year_contributions(100, [ContributionEntry("A", share_percent=Decimal(101)),
                                        ContributionEntry("B", share_percent=Decimal(-1))])
    assert negative.problems == ("A share for the year is missing or negative",)
    nothing = year_contributions(100, [ContributionEntry("A", share_percent=Decimal(100)),
                                       ContributionEntry("B", share_percent=Decimal(0))])
    assert (nothing.problems, nothing.amounts) == ((), {"A": 100, "B": 0})


@pytest.mark.parametrize("pence, shown", [(0, "£0.00"), (7, "£0.07"), (123_456_789, "£1,234,567.89"),
                                          (-123_456, "-£1,234.56"), (-1, "-£0.01")])
def test_amounts_in_messages(pence, shown):
    assert pounds(pence) == shown


def test_excess_passed_on_is_held_to_the_cap_of_a_partner_that_already_has_a_part():
    # £1 shared 50 : 50 by A (cap 60p) and B (cap 10p); H hosts with no share. First A takes 50p and B
    # is held at 10p; B's other 40p go to A, who has room for only 10p more; the last 30p fall to H.
    result = share_variance(100, "fixed", ["A", "B", "H"], "H", fixed_percent={"A": Decimal(50), "B": Decimal(50)},
                            caps={"A": 60, "B": 10})
    assert result.shares == {"A": 60, "B": 10, "H": 30}
    assert result.notes == ("B reached its cap of £0.10.", "A reached its cap of £0.60.",
                            "£0.30 beyond every cap falls to the host, H.")


def test_under_the_host_rule_the_host_bears_it_all_as_its_own_part():
    result = share_variance(-500, "host", ["A", "H"], "H")
    assert (result.shares, result.beyond_caps_pence, result.notes) == ({"A": 0, "H": -500}, 0, ())
