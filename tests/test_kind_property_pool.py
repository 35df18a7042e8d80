"""Kind ``property_pool``: Tianjin's trust of scattered offices, parking lots and shops."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.kind_support import (
    assert_engine_matches_reference,
    assert_prefix_stable_and_deterministic,
    factor,
    fast_factor,
    load_error,
    simulate_seed,
    validate_seed,
    with_stream,
)
from tokenizer import revenue
from tokenizer.assets import kind_of, kinds
from tokenizer.assets.property_pool import PropertyGroup, PropertyPoolStream
from tokenizer.chain import AnvilNode, Chain
from tokenizer.spec import DealSpec, load_spec

NAME = "tianjin_property_pool.yaml"
SEED = Path(__file__).resolve().parent.parent / "seeds" / NAME


@pytest.fixture(scope="module")
def deal() -> DealSpec:
    return load_spec(SEED)


def pool(deal: DealSpec) -> PropertyPoolStream:
    stream = deal.revenue.streams[0]
    assert isinstance(stream, PropertyPoolStream)
    return stream


def variant(deal: DealSpec, **fields: Any) -> Any:
    return with_stream(deal.revenue, dataclasses.replace(pool(deal), **fields))


def shops(count: int) -> tuple[PropertyGroup, ...]:
    return (PropertyGroup(name="shops", count=count, rent=1_500_000, occupancy_bps=8000),)


def spread(deal: DealSpec, count: int, rho_bps: int) -> float:
    """Relative spread (sd / mean) of one year's pool rent over many paths."""
    model = variant(deal, assets=shops(count), city_correlation_bps=rho_bps)
    year_one = fast_factor(model, 12, 4000, seed=21)[:, 0]
    return float(year_one.std() / year_one.mean())


def test_property_pool_is_a_registered_kind_with_labels() -> None:
    kind = kinds()["property_pool"]
    assert type(kind).__module__ == "tokenizer.assets.property_pool"
    assert kind.labels.title and kind.labels.description and kind.labels.driver


def test_the_seed_reads_its_sixty_two_assets(deal: DealSpec) -> None:
    groups = pool(deal).assets
    assert [g.name for g in groups] == ["office_floors", "parking_lots", "shops"]
    assert sum(g.count for g in groups) == 62
    assert groups[0].rent == 6_000_000  # fen a month


def test_the_base_is_every_asset_at_its_groups_rent_and_occupancy(deal: DealSpec) -> None:
    expected = revenue.expected_streams(variant(deal, growth_bps=0, shocks=()), 12)
    month = (12 * 60_000 * 0.70 + 20 * 40_000 * 0.85 + 30 * 15_000 * 0.80) * (1 - 0.04 * 0.25)
    assert expected["jichen_no_1_pool"][0] == pytest.approx(month)


@pytest.mark.parametrize("periods_per_year", [1, 4, 12])
def test_the_vectorised_factor_equals_the_plain_reference(
    deal: DealSpec, periods_per_year: int
) -> None:
    model = dataclasses.replace(deal.revenue, periods_per_year=periods_per_year)
    fast, slow = factor(model, 4 * periods_per_year, 12, seed=3)
    assert fast.shape == (12, 4 * periods_per_year)
    np.testing.assert_allclose(fast, slow, rtol=1e-12)


def test_the_whole_engine_equals_its_reference_on_the_seed(deal: DealSpec) -> None:
    assert_engine_matches_reference(deal, periods=24, paths=5)


def test_runs_are_deterministic_and_prefix_stable_in_paths(deal: DealSpec) -> None:
    assert_prefix_stable_and_deterministic(deal, periods=deal.periods)


def test_the_factor_has_mean_one_so_the_base_is_the_expectation(deal: DealSpec) -> None:
    stream = pool(deal)
    assert kind_of(stream).expected_path_factor(stream, deal.revenue, 12) is None
    fast = fast_factor(deal.revenue, deal.periods, 10_000, seed=2)
    assert fast.mean() == pytest.approx(1.0, abs=0.01)


def test_the_pools_spread_narrows_as_assets_are_added(deal: DealSpec) -> None:
    one, ten, hundred = (spread(deal, n, rho_bps=2500) for n in (1, 10, 100))
    assert one > 2 * ten > 2 * hundred
    assert one == pytest.approx(math.sqrt(0.2 / 0.8), rel=0.05)  # a Bernoulli(0.8) asset


def test_the_city_factor_sets_a_floor_that_pooling_cannot_remove(deal: DealSpec) -> None:
    independent = spread(deal, 400, rho_bps=0)
    correlated = spread(deal, 400, rho_bps=2500)
    assert independent == pytest.approx(math.sqrt(0.2 / 0.8 / 400), rel=0.1)
    assert correlated > 3 * independent


def test_a_persistent_city_factor_makes_bad_years_follow_bad_years(deal: DealSpec) -> None:
    def year_on_year(persistence: int) -> float:
        model = variant(deal, city_persistence_bps=persistence, city_correlation_bps=5000)
        yearly = fast_factor(dataclasses.replace(model, periods_per_year=1), 10, 3000, seed=5)
        return float(np.corrcoef(yearly[:, 3], yearly[:, 4])[0, 1])

    assert abs(year_on_year(0)) < 0.1
    assert year_on_year(8000) > 0.5


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda s: s.update(assets=[]), "assets", "must list at least one group of assets"),
        (
            lambda s: s["assets"][1].update(name="office_floors"),
            "assets[1].name",
            "'office_floors' is used by another group of assets",
        ),
        (
            lambda s: s["assets"][0].update(occupancy_bps=0),
            "assets[0].occupancy_bps",
            "must be between 1 and 10000 basis points",
        ),
        (
            lambda s: s["assets"][2].update(rnet="1"),
            "assets[2].rnet",
            "unknown field (did you mean 'rent'?)",
        ),
        (
            lambda s: s["assets"][2].update(count=1990),
            "assets",
            "a pool holds at most 2,000 assets in all, got 2,022",
        ),
        (
            lambda s: s.update(city_correlation_bps=12000),
            "city_correlation_bps",
            "must be between 0 and 10000 basis points",
        ),
        (lambda s: s.pop("assets"), "assets", "missing"),
    ],
)
def test_a_bad_field_of_a_pool_is_named_in_one_readable_error(
    tmp_path: Path, change: Any, field: str, problem: str
) -> None:
    error = load_error(tmp_path, NAME, lambda data: change(data["revenue"]["streams"][0]))
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
