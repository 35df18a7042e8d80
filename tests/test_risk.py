"""tokenizer.risk: dated IRR, per-class analytics on deals with known answers, breakevens,
stresses, the enhancement's statistics, determinism, and an investor's what-if."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.test_spec import SEED, seed_data, write
from tests.test_structure_spec import STRUCTURE
from tokenizer import metrics, revenue
from tokenizer.deploy.plan import deal_schedule
from tokenizer.errors import TokenizerError
from tokenizer.finance.waterfall import run, run_paths
from tokenizer.risk.analysis import run_classes, run_risk
from tokenizer.risk.breakeven import TOLERANCE, _losses, _mean_gross, breakevens
from tokenizer.risk.invest import invest
from tokenizer.risk.runs import chunks, terms_for
from tokenizer.risk.stresses import scenarios
from tokenizer.risk.timing import timing_of
from tokenizer.spec import DealSpec, load_spec

WUHAN = SEED.parent / "wuhan_bus_tickets.yaml"


def _spec(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> DealSpec:
    data = copy.deepcopy(seed_data())
    change(data)
    return load_spec(write(tmp_path, data))


def _certain(data: dict[str, Any]) -> None:
    """No randomness left: every path is the same path."""
    data["revenue"]["volatility_bps"] = 0
    data["revenue"]["annual_volatility_bps"] = 0
    data["revenue"]["shocks"] = []


def _structured(data: dict[str, Any]) -> None:
    data["structure"] = copy.deepcopy(STRUCTURE)
    tranches = data["structure"]["tranches"]
    tranches[0]["size"], tranches[1]["size"] = "20000000.00", "20000000.00"
    tranches[0]["coupon_bps"] = 300


@pytest.fixture(scope="module")
def xiaoping() -> DealSpec:
    return load_spec(SEED)


# ---- dated IRR ------------------------------------------------------------------------------


def test_xirr_of_a_known_flow_is_its_rate() -> None:
    assert metrics.xirr([-100, 110], [0.0, 1.0]) == pytest.approx(0.10, abs=1e-12)
    assert metrics.xirr([-100, 121], [0.0, 2.0]) == pytest.approx(0.10, abs=1e-12)
    got = metrics.xirr_paths(100, [[110], [121], [0], [50]], [1.0])
    assert got.tolist() == pytest.approx([0.10, 0.21, -1.0, -0.5], abs=1e-10)


def test_xirr_equals_the_per_period_irr_when_the_dates_are_whole_periods() -> None:
    flows = [int(x) for x in np.random.default_rng(3).integers(0, 9_000, 240)]
    per_period = metrics.irr([-100_000, *flows], 12)
    assert per_period is not None
    dated = metrics.xirr_paths(100_000, [flows], np.arange(1, 241) / 12)[0]
    assert dated == pytest.approx(per_period, abs=1e-9)


def test_vectorised_xirr_equals_the_scalar_one_path_by_path() -> None:
    rng = np.random.default_rng(7)
    amounts = rng.integers(0, 2_000_000, (40, 36))
    amounts[3] = 0
    amounts[5, :30] = 0
    years = (45 + np.arange(1, 37) * 365 / 12) / 365
    fast = metrics.xirr_paths(10_000_000, amounts, years)
    for p in range(40):
        slow = metrics.xirr([-10_000_000, *amounts[p].tolist()], [0.0, *years.tolist()])
        assert fast[p] == pytest.approx(-1.0 if slow is None else slow, abs=1e-8)


def test_xirr_over_ten_thousand_paths_is_vectorised() -> None:
    amounts = np.random.default_rng(0).integers(0, 10**7, (10_000, 240))
    metrics.xirr_paths(10**8, amounts[:10], np.arange(1, 241) / 12)
    started = time.perf_counter()
    metrics.xirr_paths(10**8, amounts, np.arange(1, 241) / 12)
    assert time.perf_counter() - started < 3.0  # the Fraction bisection took 24 s


def test_the_risk_clock_is_the_deployments(xiaoping: DealSpec) -> None:
    schedule, timing = deal_schedule(xiaoping), timing_of(xiaoping)
    assert timing.period_seconds == schedule.period_seconds
    assert timing.sale_days * 86_400 == schedule.sale_seconds
    assert timing_of(xiaoping, 0).first_payout_days == pytest.approx(30 + 365 / 12)
    with pytest.raises(TokenizerError, match="purchase day"):
        timing_of(xiaoping, 31)


def test_paying_at_the_sale_opening_lowers_the_irr(xiaoping: DealSpec) -> None:
    flows = revenue.holder_distributions(xiaoping)
    early = metrics.xirr_paths(40_000_000 * 10**6, [flows], timing_of(xiaoping, 0).payout_years())
    late = metrics.xirr_paths(40_000_000 * 10**6, [flows], timing_of(xiaoping).payout_years())
    assert early[0] < late[0]


# ---- per-class analytics on deals with known answers ----------------------------------------


def test_a_deal_that_certainly_pays_back_shows_no_loss_and_one_irr(tmp_path: Path) -> None:
    spec = _spec(tmp_path, _certain)
    flows = revenue.holder_distributions(spec)
    (holders,), _ = run_classes(spec, 50, 0, timing_of(spec))
    total = sum(flows)
    assert total > spec.offering.hard_cap
    assert holders.cash_back == (total, total, total)
    assert holders.profit == (total - spec.offering.hard_cap,) * 3
    assert (holders.p_loss, holders.expected_loss, holders.loss) == (0.0, 0, (0, 0, 0))
    years = timing_of(spec).payout_years()
    expected = metrics.xirr([-spec.offering.hard_cap, *flows], [0.0, *years.tolist()])
    assert holders.irr == pytest.approx((expected, expected, expected), abs=1e-9)
    period = metrics.payback_period(flows, spec.offering.hard_cap)
    assert period is not None
    assert holders.payback_years == pytest.approx(years[period - 1])
    assert holders.p_payback == 1.0
    wal = float(np.dot(flows, years)) / total
    assert holders.wal_years == pytest.approx(wal)


def test_a_deal_that_certainly_loses_shows_the_loss_to_the_unit(tmp_path: Path) -> None:
    def tiny_share(data: dict[str, Any]) -> None:
        _certain(data)
        data["token"]["revenue_share_bps"] = 10

    spec = _spec(tmp_path, tiny_share)
    total = sum(revenue.holder_distributions(spec))
    (holders,), _ = run_classes(spec, 20, 0, timing_of(spec))
    loss = spec.offering.hard_cap - total
    assert holders.p_loss == 1.0
    assert holders.expected_loss == loss
    assert holders.loss == (loss, loss, loss)
    assert holders.profit == (-loss, -loss, -loss)
    assert max(holders.irr) < 0
    assert holders.payback_years is None
    assert holders.p_payback == 0.0


def test_a_deep_haircut_leaves_the_senior_whole_and_wipes_out_the_junior(tmp_path: Path) -> None:
    def thin_senior(data: dict[str, Any]) -> None:
        _structured(data)
        tranches = data["structure"]["tranches"]
        tranches[0]["size"], tranches[1]["size"] = "10000000.00", "30000000.00"

    spec = _spec(tmp_path, thin_senior)
    (senior, junior), enh = run_classes(spec, 400, 1, timing_of(spec), haircut=0.85)
    assert senior.p_loss == 0.0 and senior.expected_loss == 0
    assert junior.p_loss == 1.0
    assert junior.expected_loss > junior.invested * 9 // 10
    (base_senior, base_junior), _ = run_classes(spec, 400, 1, timing_of(spec))
    assert base_junior.p_loss < junior.p_loss
    assert senior.irr[1] == pytest.approx(base_senior.irr[1], abs=1e-9)
    assert enh is not None


def test_the_enhancement_statistics_come_from_the_waterfall(tmp_path: Path) -> None:
    spec = _spec(tmp_path, _structured)
    _, enh = run_classes(spec, 300, 0, timing_of(spec))
    assert enh is not None
    # The venues open after year 1: nothing is collected while the senior is due, so the
    # trigger fires, the reserve empties and the guarantor pays on every path.
    assert enh.min_dscr[0] == 0.0
    assert enh.p_dscr_below_one == 1.0
    assert [t.probability for t in enh.triggers] == [1.0]
    assert enh.p_reserve_emptied == 1.0
    (g,) = enh.guarantors
    assert g.probability == 1.0
    assert 0 < g.expected_draw <= g.total_limit
    paid = sum(
        int(c.waterfall.guarantor_drawn.sum())
        for c in chunks(spec, 300, 0)
        if c.waterfall is not None
    )
    assert g.expected_draw == paid // 300


def test_the_vectorised_waterfall_equals_the_scalar_mirror_on_sampled_risk_paths(
    tmp_path: Path,
) -> None:
    spec = _spec(tmp_path, _structured)
    terms = terms_for(spec)
    assert terms is not None
    (chunk,) = list(chunks(spec, 6, 4))
    many = run_paths(terms, chunk.collections)
    for p in range(6):
        one = run(terms, chunk.collections[p].tolist())
        assert [q.tranche_paid for q in one.periods] == many.tranche_paid[p].tolist()
        assert chunk.paid[p].tolist() == many.tranche_paid[p].tolist()


# ---- breakeven ------------------------------------------------------------------------------


def test_the_breakeven_is_bracketed_to_the_tolerance(tmp_path: Path) -> None:
    spec = _spec(tmp_path, _certain)
    (b,) = breakevens(spec)
    assert b.status == "found"
    assert 0 < b.high - b.low <= TOLERANCE
    gross = _mean_gross(spec)
    assert _losses(spec, gross, [b.low, b.high]) == [[False], [True]]
    # Cash back is proportional to revenue: the root is near 1 - paid in / cash back.
    total = sum(revenue.quantise(gross * float(revenue.holder_rate(spec))))
    assert b.haircut == pytest.approx(1 - spec.offering.hard_cap / total, abs=2 * TOLERANCE)


def test_the_senior_breaks_even_at_a_deeper_haircut_than_the_junior(tmp_path: Path) -> None:
    senior, junior = breakevens(_spec(tmp_path, _structured))
    assert senior.haircut is not None and junior.haircut is not None
    assert senior.haircut > junior.haircut > 0


def test_a_class_losing_on_the_expected_path_breaks_even_at_zero(tmp_path: Path) -> None:
    def tiny(data: dict[str, Any]) -> None:
        data["token"]["revenue_share_bps"] = 10

    (b,) = breakevens(_spec(tmp_path, tiny))
    assert (b.status, b.haircut) == ("loses_at_expected", 0.0)


# ---- stresses, determinism ------------------------------------------------------------------


def test_stresses_apply_where_the_deal_has_what_they_stress(
    tmp_path: Path, xiaoping: DealSpec
) -> None:
    names = [s.name for s in scenarios(xiaoping)]
    assert names[:7] == [
        "base", "revenue_-10%", "revenue_-20%", "revenue_-30%", "revenue_-40%", "revenue_-50%",
        "pandemic_year",
    ]  # fmt: skip
    assert "no_guarantor" not in names and "operator_default" not in names
    assert "operator_default" in [s.name for s in scenarios(load_spec(WUHAN))]
    assert "no_guarantor" in [s.name for s in scenarios(_spec(tmp_path, _structured))]


def test_deeper_haircuts_never_lower_the_chance_of_loss() -> None:
    report = run_risk(load_spec(WUHAN), 400, 0, stress_paths=400)
    by_name = {s.scenario: s.classes[0] for s in report.stresses}
    chances = [by_name[n].p_loss for n in ("base", *(f"revenue_-{p}%" for p in (10, 20, 30)))]
    assert chances == sorted(chances)
    assert by_name["operator_default"].p_loss > by_name["base"].p_loss


def test_the_same_seed_gives_the_same_report_and_another_seed_another(
    xiaoping: DealSpec,
) -> None:
    a = run_risk(xiaoping, 300, 5, stress_paths=100).as_dict()
    b = run_risk(xiaoping, 300, 5, stress_paths=100).as_dict()
    c = run_risk(xiaoping, 300, 6, stress_paths=100).as_dict()
    assert a == b
    assert a["classes"] != c["classes"]


def test_chunks_are_the_revenue_models_paths_and_more_paths_keep_the_first(
    xiaoping: DealSpec,
) -> None:
    (first,) = list(chunks(xiaoping, 10, 3))
    assert first.collections.tolist() == revenue.holder_distribution_paths(xiaoping, 10, 3).tolist()
    small = list(chunks(xiaoping, 25, 3, chunk=10))
    assert [c.paid.shape[0] for c in small] == [10, 10, 5]
    assert small[0].collections.tolist() == first.collections.tolist()
    assert small[1].collections.tolist() != small[0].collections.tolist()
    again = list(chunks(xiaoping, 22, 3, chunk=10))
    assert again[2].collections.tolist() == small[2].collections[:2].tolist()


# ---- an investor's what-if ------------------------------------------------------------------


def test_invest_gives_ranges_and_labels_cash_back_and_profit_apart(xiaoping: DealSpec) -> None:
    result = invest(xiaoping, 100_000 * 10**6, paths=300)
    assert result.tokens == 100_000 * 10**18 and result.cost == 100_000 * 10**6
    assert result.cash_back[0] <= result.cash_back[1] <= result.cash_back[2]
    assert result.profit == tuple(x - result.cost for x in result.cash_back)
    assert result.irr[0] <= result.irr[1] <= result.irr[2]
    assert len(result.years) == xiaoping.token.term_years
    assert result.years[0].from_day == 30
    text = "\n".join(result.lines())
    assert "Cash back over the term (your own money coming back included)" in text
    assert "Profit (cash back minus" in text
    assert "90 % of paths between" in text
    assert "worth nothing at maturity" in text


def test_invest_refuses_amounts_outside_the_purchase_limits_in_one_line(
    xiaoping: DealSpec,
) -> None:
    for amount, word in ((1, "below the minimum"), (10**7 * 10**6, "above the maximum")):
        with pytest.raises(TokenizerError) as caught:
            invest(xiaoping, amount, paths=10)
        assert word in caught.value.user_message and "\n" not in caught.value.user_message


def test_invest_in_a_structured_deal_names_its_tranche(tmp_path: Path) -> None:
    spec = _spec(tmp_path, _structured)
    with pytest.raises(TokenizerError, match="name one of senior, junior"):
        invest(spec, 100_000 * 10**6, paths=10)
    with pytest.raises(TokenizerError, match="no such tranche"):
        invest(spec, 100_000 * 10**6, "mezzanine", paths=10)
    senior = invest(spec, 100_000 * 10**6, "senior", paths=50)
    assert senior.p_loss == 0.0
    assert senior.profit[1] > 0


# ---- the demo's honesty ---------------------------------------------------------------------


def test_the_demo_path_irr_counts_from_the_day_the_buyers_paid(xiaoping: DealSpec) -> None:
    from tokenizer.risk.band import path_irr

    flows = revenue.holder_distributions(xiaoping)
    dated = path_irr(xiaoping, xiaoping.offering.price, flows, xiaoping.token.supply)
    per_period = metrics.irr(
        metrics.per_token_cashflows(xiaoping.offering.price, flows, xiaoping.token.supply)
    )
    # The figures: 8.19 % assuming one period before the first payout; 8.11 % with the
    # 60 days between the purchase at the sale's opening and the first payout.
    assert per_period is not None and round(per_period, 4) == 0.0819
    assert dated is not None and round(dated, 4) == 0.0811


def test_the_story_labels_cash_paid_out_as_capital_back_plus_profit() -> None:
    from tokenizer.reports.model import Returns
    from tokenizer.reports.story import returned

    line = returned(Returns(irr=0.03, average_yield=0.1173, yield_per_year=[0.1173] * 10,
                            payback_years=8.5))  # fmt: skip
    assert "cash paid out averaged 11.73 % of the price a year" in line
    assert "your own capital coming back included (not a yield" in line
    assert "1.17x the price came back, a profit of 17.30 % of the price" in line
    assert "yield 11.73" not in line
