"""Kind ``data_licensing``: licence fees of data sets whose market may never come."""

from __future__ import annotations

import dataclasses
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
from tokenizer.assets import kinds
from tokenizer.assets.data_licensing import DataLicensingStream
from tokenizer.chain import AnvilNode, Chain
from tokenizer.spec import DealSpec, load_spec

NAME = "data_asset_licensing.yaml"
SEED = Path(__file__).resolve().parent.parent / "seeds" / NAME
QINGDAO, NANJING, LINGANG = 0, 1, 2


@pytest.fixture(scope="module")
def deal() -> DealSpec:
    return load_spec(SEED)


def data_set(deal: DealSpec, index: int) -> DataLicensingStream:
    stream = deal.revenue.streams[index]
    assert isinstance(stream, DataLicensingStream)
    return stream


def variant(deal: DealSpec, index: int, **fields: Any) -> Any:
    return with_stream(deal.revenue, dataclasses.replace(data_set(deal, index), **fields))


def test_data_licensing_is_a_registered_kind_with_labels() -> None:
    kind = kinds()["data_licensing"]
    assert type(kind).__module__ == "tokenizer.assets.data_licensing"
    assert kind.labels.title and kind.labels.description and kind.labels.driver


def test_the_seed_reads_three_data_sets(deal: DealSpec) -> None:
    assert [s.kind for s in deal.revenue.streams] == ["data_licensing"] * 3
    assert data_set(deal, LINGANG).licence_fee == 40_000_000  # fen a year
    assert data_set(deal, NANJING).signed_licences == 0


@pytest.mark.parametrize("index", [QINGDAO, NANJING, LINGANG])
@pytest.mark.parametrize(("periods_per_year", "start_year"), [(4, 1), (12, 3)])
def test_the_vectorised_factor_equals_the_plain_reference(
    deal: DealSpec, index: int, periods_per_year: int, start_year: int
) -> None:
    model = dataclasses.replace(
        variant(deal, index, start_year=start_year), periods_per_year=periods_per_year
    )
    fast, slow = factor(model, 5 * periods_per_year, 40, seed=3)
    assert fast.shape == (40, 5 * periods_per_year)
    np.testing.assert_allclose(fast, slow, rtol=1e-12)
    assert np.all(fast[:, : (start_year - 1) * periods_per_year] == 0.0)


def test_the_whole_engine_equals_its_reference_on_the_seed(deal: DealSpec) -> None:
    assert_engine_matches_reference(deal, periods=deal.periods, paths=8)


def test_runs_are_deterministic_and_prefix_stable_in_paths(deal: DealSpec) -> None:
    assert_prefix_stable_and_deterministic(deal, periods=deal.periods)


def test_without_demand_and_without_signed_licences_nothing_is_ever_collected(
    deal: DealSpec,
) -> None:
    model = variant(deal, NANJING)
    fast = fast_factor(model, deal.periods, 2000, seed=7)
    demand = draws(7)(0).random(2000) < 0.40  # the kind's first draw decides
    assert np.all(fast[~demand] == 0.0)
    assert np.all(fast[demand][:, -1] > 0.0)


def test_without_demand_signed_licences_churn_away_year_by_year(deal: DealSpec) -> None:
    model = variant(deal, LINGANG, demand_probability_bps=0, price_uncertainty_bps=0)
    yearly = fast_factor(dataclasses.replace(model, periods_per_year=1), 7, 5, seed=1)
    expected = [2 / 8 * 0.7**y for y in range(7)]  # 2 of 8 licences, 30 % churn a year
    np.testing.assert_allclose(yearly, np.broadcast_to(expected, (5, 7)), rtol=1e-12)


def test_licences_build_up_towards_the_market_by_adoption(deal: DealSpec) -> None:
    model = variant(
        deal,
        QINGDAO,
        demand_probability_bps=10_000,
        market_uncertainty_bps=0,
        price_uncertainty_bps=0,
        churn_bps=0,
        signed_licences=0,
        adoption_years=2,
    )
    yearly = fast_factor(dataclasses.replace(model, periods_per_year=1), 4, 1, seed=0)
    np.testing.assert_allclose(yearly[0], [0.5, 0.75, 0.875, 0.9375], rtol=1e-12)


def test_the_uncertainty_is_wide_and_the_chance_of_nothing_is_honest(deal: DealSpec) -> None:
    model = variant(deal, NANJING)
    totals = fast_factor(model, deal.periods, 20_000, seed=9).sum(axis=1)
    assert float((totals == 0).mean()) == pytest.approx(0.60, abs=0.015)
    positive = totals[totals > 0]
    p5, p95 = np.percentile(positive, [5, 95])
    assert p95 > 10 * p5  # even where demand comes, nobody knows how much


@pytest.mark.parametrize("index", [QINGDAO, NANJING, LINGANG])
def test_the_expected_factor_is_the_mean_of_simulated_paths(deal: DealSpec, index: int) -> None:
    model = variant(deal, index, market_uncertainty_bps=6000, price_uncertainty_bps=0)
    expected = expected_factor(model, deal.periods)
    mean = fast_factor(model, deal.periods, 40_000, seed=4).mean(axis=0)
    np.testing.assert_allclose(mean, expected, rtol=0.04)


def test_more_signed_licences_than_the_market_decay_to_it(deal: DealSpec) -> None:
    model = variant(
        deal,
        QINGDAO,
        signed_licences=40,
        licences=40,
        demand_probability_bps=10_000,
        price_uncertainty_bps=0,
    )
    expected = expected_factor(model, 28)
    paths = fast_factor(model, 28, 40_000, seed=2)
    np.testing.assert_allclose(paths.mean(axis=0), expected, rtol=0.03)
    assert paths[:, 0].min() == pytest.approx(1.0)  # all 40 in force in year 1, on every path
    small = paths[:, -1] < 0.5  # a small market: the excess licences have churned away
    assert small.any() and np.all(paths[small, 0] == pytest.approx(1.0))


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("signed_licences", 50, "must be at most 40, got 50"),
        ("adoption_years", 0, "must be greater than zero, got 0"),
        ("ramp_years", 2, "use adoption_years and leave ramp_years out"),
        ("churn_bps", -1, "must be between 0 and 10000 basis points"),
        ("licence_fee", "1.001", "more decimal places"),
        ("market_uncertainty_bps", 30_000, "must be between 0 and 20000 basis points"),
        ("licenses", 3, "unknown field (did you mean 'licences'?)"),
    ],
)
def test_a_bad_field_of_a_data_set_is_named_in_one_readable_error(
    tmp_path: Path, field: str, value: object, problem: str
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["revenue"]["streams"][0][field] = value

    error = load_error(tmp_path, NAME, change)
    assert error.field == f"revenue.streams[0].{field}"
    assert problem in error.problem


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
    report = simulate_seed(capsys, anvil.url, SEED, tmp_path / "report")
    assert report["sale"]["status"] == "succeeded"
    assert report["revenue"]["periods_distributed"] == 12
    assert report["reconciliation"]["mismatches"] == 0
