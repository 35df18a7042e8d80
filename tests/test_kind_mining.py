"""Kind ``mining``: a royalty on a phosphate mine that may never produce (seeds/phosphate_...)."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.kind_support import (
    assert_engine_matches_reference,
    assert_prefix_stable_and_deterministic,
    draws,
    expected_factor,
    factor,
    fast_factor,
    load_error,
    simulate_seed,
    validate_seed,
    with_stream,
)
from tokenizer import revenue
from tokenizer.assets import kinds
from tokenizer.assets.mining import MiningStream
from tokenizer.chain import AnvilNode, Chain
from tokenizer.spec import DealSpec, load_spec

NAME = "phosphate_mining_rights.yaml"
SEED = Path(__file__).resolve().parent.parent / "seeds" / NAME


@pytest.fixture(scope="module")
def deal() -> DealSpec:
    return load_spec(SEED)


def mine(deal: DealSpec) -> MiningStream:
    stream = deal.revenue.streams[0]
    assert isinstance(stream, MiningStream)
    return stream


def variant(deal: DealSpec, **fields: Any) -> Any:
    return with_stream(deal.revenue, dataclasses.replace(mine(deal), **fields))


def test_mining_is_a_registered_kind_with_labels() -> None:
    kind = kinds()["mining"]
    assert type(kind).__module__ == "tokenizer.assets.mining"
    assert kind.labels.title and kind.labels.description and kind.labels.driver


def test_the_seed_reads_its_mine_exactly(deal: DealSpec) -> None:
    stream = mine(deal)
    assert stream.price == 100_000 and stream.long_run_price == 80_000  # fen per tonne
    assert stream.share == "royalty" and stream.share_bps == 600
    assert stream.production_probability_bps == 6500


@pytest.mark.parametrize("periods_per_year", [4, 12])
@pytest.mark.parametrize("share", ["royalty", "net_profit"])
def test_the_vectorised_factor_equals_the_plain_reference(
    deal: DealSpec, periods_per_year: int, share: str
) -> None:
    cost = 55_000 if share == "net_profit" else 0
    model = dataclasses.replace(
        variant(deal, share=share, unit_cost=cost, production_year=1),
        periods_per_year=periods_per_year,
    )
    fast, slow = factor(model, 5 * periods_per_year, 30, seed=3)
    assert fast.shape == (30, 5 * periods_per_year)
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-15)
    assert fast.max() > 0.0


def test_the_whole_engine_equals_its_reference_on_the_seed(deal: DealSpec) -> None:
    assert_engine_matches_reference(deal, periods=24, paths=6)


def test_runs_are_deterministic_and_prefix_stable_in_paths(deal: DealSpec) -> None:
    assert_prefix_stable_and_deterministic(deal, periods=deal.periods)


def test_a_path_where_production_never_starts_collects_nothing(deal: DealSpec) -> None:
    model = variant(deal, production_probability_bps=5000)
    fast = fast_factor(model, deal.periods, 400, seed=8)
    produces = draws(8)(0).random(400) < 0.5  # the kind's first draw decides
    assert 150 < produces.sum() < 250
    assert np.all(fast[~produces] == 0.0)
    assert np.all(fast[produces].sum(axis=1) > 0.0)  # first ore in years 2-5 of 15


def test_on_the_seed_about_a_third_of_paths_pay_nothing_over_the_whole_term(
    deal: DealSpec,
) -> None:
    paid = revenue.holder_distribution_paths(deal, 3000, seed=2).sum(axis=1)
    nothing = float((paid == 0).mean())
    assert nothing == pytest.approx(0.35, abs=0.03)  # 1 - production_probability_bps


def test_nothing_is_produced_before_the_production_year(deal: DealSpec) -> None:
    model = variant(deal, production_year=4, production_probability_bps=10_000)
    fast, _ = factor(model, deal.periods, 200, seed=1)
    assert np.all(fast[:, : 3 * 4] == 0.0)  # three years of four quarters
    assert np.all(fast[:, -1] > 0.0)


def test_output_ramps_linearly_from_first_ore(deal: DealSpec) -> None:
    model = variant(
        deal,
        production_year=2,
        production_window_years=0,
        production_probability_bps=10_000,
        output_ramp_months=12,
        price_volatility_bps=0,
        price=80_000,
    )
    monthly = dataclasses.replace(model, periods_per_year=12)
    fast, _ = factor(monthly, 36, 2, seed=0)
    expected = [0.0] * 12 + [(m + 1) / 12 for m in range(12)] + [1.0] * 12
    np.testing.assert_allclose(fast[0], expected, rtol=1e-12)


def test_a_net_profit_share_pays_nothing_while_the_price_is_below_cost(deal: DealSpec) -> None:
    model = variant(
        deal,
        share="net_profit",
        unit_cost=70_000,
        price=60_000,
        price_volatility_bps=0,
        production_year=1,
        production_probability_bps=10_000,
    )
    fast, _ = factor(model, deal.periods, 2, seed=0)
    assert fast[0, 0] == 0.0  # 600 yuan rock, 700 yuan cost
    assert fast[0, -1] > 0.9  # the price has reverted to 800 by year 15


@pytest.mark.parametrize("share", ["royalty", "net_profit"])
def test_the_expected_factor_is_the_mean_of_simulated_paths(deal: DealSpec, share: str) -> None:
    cost = 50_000 if share == "net_profit" else 0
    model = variant(deal, share=share, unit_cost=cost)
    expected = expected_factor(model, deal.periods)
    fast = fast_factor(model, deal.periods, 20_000, seed=4)
    mean = fast.mean(axis=0)
    assert expected[0] == 0.0
    np.testing.assert_allclose(mean[8:], expected[8:], rtol=0.04)


def test_the_price_reverts_to_its_long_run_mean(deal: DealSpec) -> None:
    model = variant(deal, production_year=1, production_probability_bps=10_000)
    fast = fast_factor(model, deal.periods, 20_000, seed=6)
    assert fast[:, -1].mean() == pytest.approx(1.0, rel=0.03)  # 800 yuan in the long run
    assert fast[:, -1].std() > 0.2  # and still uncertain


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("share", "stake", "unknown share 'stake' (expected one of: royalty, net_profit)"),
        ("production_probability_bps", 0, "must be between 1 and 10000 basis points"),
        ("production_year", 16, "must be at most 15, got 16"),
        ("ramp_years", 2, "use output_ramp_months and leave ramp_years out"),
        ("unit_cost", "100", "unit_cost applies to share: net_profit only"),
        ("price", "0", "must be greater than zero"),
        ("price_reversion_bps", 90_000, "must be between 0 and 50000 basis points"),
        ("output_per_yer", 5, "unknown field (did you mean 'output_per_year'?)"),
    ],
)
def test_a_bad_field_of_a_mine_is_named_in_one_readable_error(
    tmp_path: Path, field: str, value: object, problem: str
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["revenue"]["streams"][0][field] = value

    error = load_error(tmp_path, NAME, change)
    assert error.field == f"revenue.streams[0].{field}"
    assert problem in error.problem


def test_a_cost_at_or_above_the_long_run_price_is_refused(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["revenue"]["streams"][0].update(share="net_profit", unit_cost="800")

    error = load_error(tmp_path, NAME, change)
    assert error.field == "revenue.streams[0].unit_cost"
    assert "the mine would make no profit to share" in error.problem


def test_the_seed_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert "is valid" in validate_seed(capsys, SEED)


def test_the_seed_simulates_on_anvil_and_reconciles(
    capsys: pytest.CaptureFixture[str],
    anvil: AnvilNode,
    chain: Chain,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    started = time.perf_counter()
    report = simulate_seed(capsys, anvil.url, SEED, tmp_path / "report")
    assert report["sale"]["status"] == "succeeded"
    assert report["revenue"]["periods_distributed"] == 12
    assert report["reconciliation"]["mismatches"] == 0
    assert time.perf_counter() - started < 30
