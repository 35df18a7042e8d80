"""The exact integer mirror of the waterfall: its rules, conservation, the vectorised twin."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenizer.errors import TokenizerError
from tokenizer.finance.waterfall import (
    ACCELERATE_SENIOR,
    BULLET,
    COLLECTIONS,
    GUARANTOR,
    RESERVE,
    SCHEDULE,
    STRAIGHT_LINE,
    TRAP_CASH,
    PathResult,
    PathsResult,
    Terms,
    TrancheTerms,
    run,
    run_paths,
)

UNIT = 10**6  # one USDC

# Three tranches (a senior, a mezzanine and the residual), two fees, a reserve, a guarantor and
# a trigger: the shape of the gas goal's deal, over 24 monthly periods.
TERMS = Terms(
    periods=24,
    periods_per_year=12,
    tranches=(
        TrancheTerms(principal=9_000_000 * UNIT, coupon_bps=500, kind=STRAIGHT_LINE),
        TrancheTerms(principal=600_000 * UNIT, coupon_bps=900, kind=BULLET, accrues=False),
    ),
    fee_bps=(20, 0),
    fee_fixed=(0, 4_000 * UNIT),
    reserve_target_bps=300,
    reserve_initial=100_000 * UNIT,
    guarantor_covers=(0,),
    guarantor_per_period=(150_000 * UNIT,),
    guarantor_total=(1_000_000 * UNIT,),
    guarantor_repaid=(True,),
    trigger_below_bps=(11_000,),
    trigger_periods=(2,),
    trigger_cure=(3,),
    trigger_action=(TRAP_CASH,),
)
# Senior debt service is about 375k + 37.5k a month; ~450k of collections is a DSCR of ~1.09x.
NORMAL = 600_000 * UNIT


def conserved(terms: Terms, path: list[int], result: PathResult) -> None:
    """Money in (collections, the reserve's start, guarantor draws) equals money out + reserve."""
    drawn = sum(sum(p.guarantor_drawn) for p in result.periods)
    paid = sum(
        sum(p.fee_paid) + sum(p.tranche_paid) + sum(p.guarantor_repaid) for p in result.periods
    )
    assert sum(path) + terms.reserve_initial + drawn == paid + result.periods[-1].reserve
    for p in result.periods:
        by_source = sum(x.amount for x in p.payments if x.step not in ("reserve_fill", "trap"))
        assert by_source == sum(p.fee_paid) + sum(p.tranche_paid) + sum(p.guarantor_repaid)


def test_the_coupon_is_floored_once_per_period() -> None:
    terms = replace(
        TERMS,
        tranches=(TrancheTerms(principal=1_000_003, coupon_bps=333),),
        fee_bps=(),
        fee_fixed=(),
    )
    terms = replace(
        terms, guarantor_covers=(), guarantor_per_period=(), guarantor_total=(), guarantor_repaid=()
    )
    first = run(terms, [10**9] * 24).periods[0]
    assert first.interest_paid == [1_000_003 * 333 // 120_000]  # 2775.0083... -> 2775


def test_straight_line_repays_the_principal_exactly_by_the_last_period() -> None:
    path = [NORMAL] * 23 + [NORMAL * 3]  # the mezzanine's bullet falls due in the last period
    result = run(TERMS, path)
    senior = [p.principal_paid[0] for p in result.periods]
    assert sum(senior) == 9_000_000 * UNIT and senior[0] == 375_000 * UNIT
    assert result.periods[-1].outstanding == [0, 0]
    assert [p.principal_paid[1] for p in result.periods][:-1] == [0] * 23  # bullet
    assert result.periods[-1].reserve == 0  # released at the legal final
    conserved(TERMS, path, result)


def test_a_schedule_repays_its_table_and_catches_up_a_missed_payment() -> None:
    senior = TrancheTerms(
        principal=1_000 * UNIT, coupon_bps=0, kind=SCHEDULE, cum_bps=(5000, 10000)
    )
    terms = Terms(periods=4, periods_per_year=12, tranches=(senior,))
    result = run(terms, [0, 1_000 * UNIT, 0, 0])
    assert [p.principal_paid[0] for p in result.periods] == [0, 1_000 * UNIT, 0, 0]
    assert [p.outstanding[0] for p in result.periods] == [1_000 * UNIT, 0, 0, 0]


def test_a_shortfall_is_met_by_the_reserve_then_the_guarantor_within_its_limit() -> None:
    result = run(TERMS, [0] * 24)
    first = result.periods[0]
    sources = {(x.step, x.source) for x in first.payments}
    assert ("interest", RESERVE) in sources and ("principal", GUARANTOR) in sources
    assert first.reserve_drawn == 100_000 * UNIT
    assert first.guarantor_drawn == [150_000 * UNIT]  # the per-period limit
    drawn = [p.guarantor_drawn[0] for p in result.periods]
    assert sum(drawn) == 1_000_000 * UNIT  # the total limit, reached in period 7
    assert drawn[6] == 100_000 * UNIT and drawn[7:] == [0] * 17
    conserved(TERMS, [0] * 24, result)


def test_interest_that_accrues_is_owed_and_interest_that_lapses_is_gone() -> None:
    bare = replace(
        TERMS,
        reserve_initial=0,
        guarantor_covers=(),
        guarantor_per_period=(),
        guarantor_total=(),
        guarantor_repaid=(),
    )
    path = [0] * 3 + [NORMAL * 5] * 21
    result = run(bare, path)
    senior_coupon = 9_000_000 * UNIT * 500 // 120_000
    assert result.periods[2].interest_owed[0] == 3 * senior_coupon - 0  # three coupons owed
    assert result.periods[0].interest_owed[1] == 0  # the mezzanine's lapses
    assert result.periods[0].interest_shortfall[1] == 600_000 * UNIT * 900 // 120_000
    fourth = result.periods[3]
    assert fourth.interest_paid[0] == 4 * senior_coupon and fourth.interest_owed[0] == 0
    assert fourth.interest_paid[1] == 600_000 * UNIT * 900 // 120_000  # only this period's
    conserved(bare, path, result)


def test_guarantor_draws_are_repaid_ahead_of_the_junior() -> None:
    path = [0] + [NORMAL * 2] * 23
    result = run(TERMS, path)
    assert result.periods[0].guarantor_drawn[0] > 0
    second = result.periods[1]
    assert second.guarantor_repaid == result.periods[0].guarantor_drawn
    steps = [x.step for x in second.payments]
    assert steps.index("guarantor_repayment") < steps.index("residual")
    conserved(TERMS, path, result)


def test_the_dscr_trigger_traps_cash_after_two_periods_below_and_cures_after_three() -> None:
    weak = 420_000 * UNIT  # below 1.10x of ~412k of senior debt service
    path = [NORMAL, weak, weak, weak, NORMAL, NORMAL, NORMAL, NORMAL] + [NORMAL] * 16
    result = run(TERMS, path)
    on = [p.triggers_on[0] for p in result.periods]
    assert on[:8] == [False, False, True, True, True, True, False, False]
    assert result.periods[2].trapped > 0 and result.periods[2].tranche_paid[2] == 0
    cured = result.periods[6]
    assert cured.reserve_released > 0  # the trapped cash goes down the waterfall again
    assert any(x.step == "residual" and x.source == RESERVE for x in cured.payments)
    conserved(TERMS, path, result)


def test_accelerated_amortisation_sends_the_residual_to_the_senior() -> None:
    terms = replace(TERMS, trigger_action=(ACCELERATE_SENIOR,))
    weak = 420_000 * UNIT
    path = [NORMAL, weak, weak, NORMAL * 2] + [NORMAL] * 20
    result = run(terms, path)
    third = result.periods[2]
    assert third.triggers_on == (True,) and third.tranche_paid[2] == 0
    assert third.principal_paid[0] > 375_000 * UNIT
    conserved(terms, path, result)


def test_a_path_of_the_wrong_length_or_a_negative_period_is_refused() -> None:
    with pytest.raises(TokenizerError, match="24"):
        run(TERMS, [0] * 23)
    with pytest.raises(TokenizerError, match=r"collections\[1\]: must not be negative"):
        run(TERMS, [0, -1] + [0] * 22)
    with pytest.raises(TokenizerError, match="must be integers"):
        run_paths(TERMS, np.zeros((2, 24)))


def paths_strategy(periods: int) -> st.SearchStrategy[list[int]]:
    """Collections around the normal level, with zero periods, shocks and long droughts."""
    level = st.sampled_from([0, 0, 100_000, 300_000, 420_000, 450_000, 600_000, 1_200_000])
    noise = st.integers(min_value=0, max_value=99_999)
    period = st.tuples(level, noise).map(lambda x: (x[0] * UNIT + x[1] * 7) if x[0] else 0)
    return st.lists(period, min_size=periods, max_size=periods)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(paths_strategy(24), min_size=1, max_size=6),
    st.sampled_from([TRAP_CASH, ACCELERATE_SENIOR]),
)
def test_the_vectorised_mirror_equals_the_scalar_one_to_the_unit(
    paths: list[list[int]], action: int
) -> None:
    terms = replace(TERMS, trigger_action=(action,))
    many = run_paths(terms, np.array(paths, dtype=np.int64))
    for m, path in enumerate(paths):
        one = run(terms, path)
        conserved(terms, path, one)
        assert_path_equal(many, m, one)


def test_the_vectorised_mirror_uses_python_integers_when_int64_could_overflow() -> None:
    big = replace(TERMS, tranches=(TrancheTerms(principal=10**21, coupon_bps=500, kind=BULLET),))
    big = replace(
        big, guarantor_covers=(), guarantor_per_period=(), guarantor_total=(), guarantor_repaid=()
    )
    path = [10**19] * 24
    many = run_paths(big, np.array([path], dtype=object))
    assert many.tranche_paid.dtype == object
    assert many.tranche_paid[0, :, 0].tolist() == [
        p.tranche_paid[0] for p in run(big, path).periods
    ]


def test_every_payment_names_its_source() -> None:
    result = run(TERMS, [0, NORMAL] + [NORMAL] * 22)
    sources = {x.source for p in result.periods for x in p.payments}
    assert sources == {COLLECTIONS, RESERVE, GUARANTOR}


def assert_path_equal(many: PathsResult, m: int, one: PathResult) -> None:
    """Path ``m`` of the vectorised mirror's arrays equals the scalar mirror's run, every
    payment and balance of every period, to the unit."""
    for t, p in enumerate(one.periods):
        assert many.tranche_paid[m, t].tolist() == p.tranche_paid
        assert many.interest_paid[m, t].tolist() == p.interest_paid
        assert many.principal_paid[m, t].tolist() == p.principal_paid
        assert many.fee_paid[m, t].tolist() == p.fee_paid
        assert many.guarantor_drawn[m, t].tolist() == p.guarantor_drawn
        assert many.guarantor_repaid[m, t].tolist() == p.guarantor_repaid
        assert int(many.reserve[m, t]) == p.reserve
        assert many.outstanding[m, t].tolist() == p.outstanding
        assert tuple(many.triggers_on[m, t].tolist()) == p.triggers_on
        assert int(many.debt_service[m, t]) == p.debt_service
        assert int(many.reserve_drawn[m, t]) == p.reserve_drawn
