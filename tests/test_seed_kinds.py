"""The transit, office and receivables kinds and their seed deals (Wuhan, Hongshan, Huanggang):
vectorised equals reference, seeded and prefix-stable draws, means that match the Monte Carlo,
the risks each kind names, a pledge of gross receipts, and each deal run on chain."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from tokenizer import revenue
from tokenizer.assets import kind_of
from tokenizer.assets.hazard import expectation_draw
from tokenizer.chain import Chain
from tokenizer.cli import main
from tokenizer.errors import SpecError
from tokenizer.expectation import expect
from tokenizer.reports.charts import stream_chart_title
from tokenizer.reports.story import example_tokens
from tokenizer.simulation.pipeline import RunSettings, run_deal
from tokenizer.spec import DealSpec, load_spec
from tokenizer.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
DEALS = {
    "transit": ROOT / "seeds" / "wuhan_bus_tickets.yaml",
    "office": ROOT / "seeds" / "hongshan_ai_building.yaml",
    "receivables": ROOT / "seeds" / "huanggang_receivables.yaml",
}


@pytest.fixture(scope="module", params=sorted(DEALS))
def deal(request: pytest.FixtureRequest) -> DealSpec:
    return load_spec(DEALS[request.param])


def edited(tmp_path: Path, kind: str, edit: Any) -> Path:
    data = yaml.safe_load(DEALS[kind].read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / f"{kind}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def refused(path: Path) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return info.value


def stream_of(spec: DealSpec, **changes: Any) -> Any:
    return dataclasses.replace(spec.revenue.streams[0], **changes)


def with_stream(spec: DealSpec, stream: Any, **revenue_changes: Any) -> Any:
    return dataclasses.replace(spec.revenue, streams=(stream,), **revenue_changes)


# --------------------------------------------------------------------------------------------
# The model: fast and plain agree; draws are seeded and prefix-stable; means match.
# --------------------------------------------------------------------------------------------


def test_each_seed_is_modelled_by_its_new_kind(deal: DealSpec) -> None:
    assert kind_of(deal.revenue.streams[0]).name in DEALS
    assert deal.revenue.pledged == "gross_receipts"


@pytest.mark.parametrize("ppy", [12, 4])
def test_the_vectorised_model_equals_the_plain_reference(deal: DealSpec, ppy: int) -> None:
    model = dataclasses.replace(deal.revenue, periods_per_year=ppy)
    periods = min(deal.token.term_years, 6) * ppy
    fast = revenue.simulate_gross(model, periods, 6, seed=11)
    plain = np.array(revenue.simulate_gross_reference(model, periods, 6, seed=11))
    np.testing.assert_allclose(plain, fast, rtol=1e-9, atol=1e-6)


def test_the_first_paths_do_not_depend_on_how_many_are_run(deal: DealSpec) -> None:
    few = revenue.simulate_gross(deal.revenue, deal.periods, 3, seed=5)
    many = revenue.simulate_gross(deal.revenue, deal.periods, 40, seed=5)
    assert np.array_equal(few, many[:3])
    again = revenue.simulate_gross(deal.revenue, deal.periods, 3, seed=5)
    assert np.array_equal(few, again)
    assert not np.array_equal(few, revenue.simulate_gross(deal.revenue, deal.periods, 3, seed=6))


def test_the_kinds_own_randomness_changes_the_paths(deal: DealSpec) -> None:
    stream = deal.revenue.streams[0]
    kind = kind_of(stream)
    factor = kind.path_factor(stream, deal.revenue, deal.periods, 200, expectation_draw)
    assert factor.shape == (200, deal.periods)
    assert np.ptp(factor, axis=0).max() > 0.01  # the paths differ


def test_the_mean_factor_matches_the_monte_carlo(deal: DealSpec) -> None:
    stream = deal.revenue.streams[0]
    kind = kind_of(stream)
    mean = kind.expected_path_factor(stream, deal.revenue, deal.periods)
    assert mean is not None
    draw = lambda j: np.random.default_rng([77, j])  # noqa: E731 - not the estimate's own draws
    simulated = kind.path_factor(stream, deal.revenue, deal.periods, 20_000, draw).mean(axis=0)
    np.testing.assert_allclose(simulated, mean, rtol=0.03, atol=0.01 * float(np.max(mean)))


# --------------------------------------------------------------------------------------------
# The risks each kind names.
# --------------------------------------------------------------------------------------------


def test_transit_pays_nothing_in_a_standstill_then_loses_the_diverted_share() -> None:
    spec = load_spec(DEALS["transit"])
    bus = stream_of(spec, operator_default_bps_per_year=10_000, fare_changes=(), subsidy_bps=0)
    model = with_stream(spec, bus)
    factor = kind_of(bus).path_factor(bus, model, 24, 2, expectation_draw)
    trend = 1 - bus.ridership_trend_bps / -10_000
    assert factor[:, :6].tolist() == [[0.0] * 6] * 2  # six months frozen from the first month
    release = 0.8 + 0.5 * 6  # the diverted share lost, half of the six frozen months recovered
    assert factor[0, 6] == pytest.approx(release)
    assert factor[0, 12] == pytest.approx(0.8 * trend)


def test_transit_ridership_falls_by_its_trend_every_year() -> None:
    spec = load_spec(DEALS["transit"])
    quiet = stream_of(
        spec, operator_default_bps_per_year=0, fare_changes=(), subsidy_stop_bps_per_year=0
    )
    model = with_stream(spec, quiet, volatility_bps=0, annual_volatility_bps=0)
    yearly = revenue.expected_streams(model, 36)["regular_bus_routes"].reshape(3, 12).sum(axis=1)
    assert yearly[1] / yearly[0] == pytest.approx(0.97 * 1.01)


def test_office_tenants_of_a_group_leave_together() -> None:
    spec = load_spec(DEALS["office"])
    sure = dataclasses.replace(
        spec.revenue.streams[0].groups[0], exit_bps_per_year=10_000, from_year=2
    )
    tenants = tuple(dataclasses.replace(t, renewal_bps=10_000, real_bps=10_000)
                    for t in spec.revenue.streams[0].tenants)  # fmt: skip
    office = stream_of(spec, groups=(sure,), tenants=tenants)
    factor = kind_of(office).path_factor(office, with_stream(spec, office), 36, 3, expectation_draw)
    roll = office.monthly_roll
    group = sum(t.area_sqm * t.rent for t in tenants if t.group) / roll
    assert factor[:, :12] == pytest.approx(np.ones((3, 12)))
    assert factor[:, 12] == pytest.approx(np.full(3, 1 - group))  # both leave in year 2
    relet = sum(t.area_sqm * office.market_rent for t in tenants if t.group) / roll
    assert factor[:, 21] == pytest.approx(np.full(3, 1 - group + relet))  # 9 months later


def test_office_a_tenant_that_is_not_real_pays_nothing_until_its_space_is_relet() -> None:
    spec = load_spec(DEALS["office"])
    tenants = tuple(dataclasses.replace(t, renewal_bps=10_000, real_bps=0 if i == 0 else 10_000)
                    for i, t in enumerate(spec.revenue.streams[0].tenants))  # fmt: skip
    office = stream_of(spec, groups=(), tenants=tenants)
    factor = kind_of(office).path_factor(office, with_stream(spec, office), 24, 2, expectation_draw)
    paper = tenants[0].area_sqm * tenants[0].rent / office.monthly_roll
    assert factor[0, 0] == pytest.approx(1 - paper)
    market = tenants[0].area_sqm * office.market_rent / office.monthly_roll
    assert factor[0, 9] == pytest.approx(1 - paper + market)


def test_receivables_defaults_cluster_when_the_parent_correlation_is_high() -> None:
    spec = load_spec(DEALS["receivables"])
    counts = []
    for rho in (0, 9_000):
        pool = stream_of(spec, parent_correlation_bps=rho)
        factor = kind_of(pool).path_factor(
            pool, with_stream(spec, pool), 24, 4_000, expectation_draw
        )
        counts.append(float(np.std(factor[:, 12:23].sum(axis=1))))
    assert counts[1] > 1.5 * counts[0]  # same mean loss, a much wider spread


def test_receivables_pay_the_discount_while_revolving_then_return_the_pool() -> None:
    spec = load_spec(DEALS["receivables"])
    debtors = tuple(dataclasses.replace(d, default_bps_per_year=0) for d in stream_of(spec).debtors)
    pool = stream_of(spec, debtors=debtors, dilution_bps=0)
    model = with_stream(spec, pool, volatility_bps=0)
    paid = revenue.expected_streams(model, spec.periods)["subsidiary_invoices"]
    monthly_yield = pool.pool_balance / 100 * 0.042 / 12
    assert paid[:24] == pytest.approx(np.full(24, monthly_yield))
    assert paid[24:].sum() == pytest.approx(pool.pool_balance / 100)  # run-off and clean-up


def test_receivables_shares_that_do_not_add_up_are_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["revenue"]["streams"][0]["debtors"][0]["share_bps"] = 3000

    error = refused(edited(tmp_path, "receivables", edit))
    assert error.field == "revenue.streams[0].debtors"
    assert "must add up to 10000, got 9500" in error.problem


def test_office_a_tenant_of_an_unknown_group_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["revenue"]["streams"][0]["tenants"][1]["group"] = "relocated"

    error = refused(edited(tmp_path, "office", edit))
    assert error.field == "revenue.streams[0].tenants[1].group"
    assert "unknown group 'relocated' (groups: relocated_state_firms)" in error.problem


# --------------------------------------------------------------------------------------------
# What is pledged: gross receipts admit a loss-making operator; net revenue needs a margin.
# --------------------------------------------------------------------------------------------


def test_a_loss_making_operator_may_pledge_its_gross_receipts(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["revenue"]["net_margin_bps"] = -4_000

    spec = load_spec(edited(tmp_path, "transit", edit))
    assert spec.revenue.net_margin_bps == -4_000
    assert spec.revenue.pledged_share_bps == 10_000
    assert revenue.holder_rate(spec) == revenue.holder_rate(load_spec(DEALS["transit"]))


def test_a_net_revenue_pledge_with_a_loss_is_refused_readably(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["revenue"]["pledged"] = "net_revenue"
        data["revenue"]["net_margin_bps"] = -4_000

    error = refused(edited(tmp_path, "transit", edit))
    assert error.field == "revenue.net_margin_bps"
    assert "needs a positive margin" in error.problem
    assert "'pledged: gross_receipts'" in error.problem


def test_an_unknown_pledge_is_refused_with_the_choices(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["revenue"]["pledged"] = "gross"

    error = refused(edited(tmp_path, "transit", edit))
    assert (error.field, error.problem) == (
        "revenue.pledged",
        "must be one of: net_revenue, gross_receipts, got 'gross'",
    )


def test_a_net_revenue_pledge_pays_the_margin_times_the_share(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["revenue"]["pledged"] = "net_revenue"
        data["revenue"]["net_margin_bps"] = 5_000

    half = load_spec(edited(tmp_path, "transit", edit))
    assert revenue.holder_rate(half) * 2 == revenue.holder_rate(load_spec(DEALS["transit"]))


# --------------------------------------------------------------------------------------------
# rwa validate's expectation; the report's words.
# --------------------------------------------------------------------------------------------


def test_validate_prints_the_expected_collections_per_year_and_the_implied_yield(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", str(DEALS["receivables"])]) == 0
    out = capsys.readouterr().out
    assert "Expected collections per year (expected, not promised" in out
    assert "implied yield (IRR of the expected cash flows)" in out
    assert main(["validate", "--json", str(DEALS["receivables"])]) == 0
    doc = json.loads(capsys.readouterr().out)["expected"]
    assert [y["year"] for y in doc["years"]] == [1, 2, 3]
    assert doc["label"].startswith("expected, not promised")
    assert doc["to_holders"] == sum(y["to_holders"] for y in doc["years"])


def test_the_expectation_is_the_mean_of_the_simulated_payments(deal: DealSpec) -> None:
    expected = expect(deal)
    paid = revenue.holder_distribution_paths(deal, 3_000, seed=1).sum(axis=1).mean()
    assert paid == pytest.approx(expected.to_holders, rel=0.03)


def test_the_report_speaks_of_the_deals_assets_and_its_minimum_holding(deal: DealSpec) -> None:
    title = stream_chart_title(deal)
    assert "venues" not in title
    assert kind_of(deal.revenue.streams[0]).labels.title in title
    assert example_tokens(deal) == deal.offering.min_purchase // deal.offering.price


# --------------------------------------------------------------------------------------------
# Each deal on chain: KYC, sale, every period distributed, claims, trades, reconciliation.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(DEALS))
def test_the_seed_deal_runs_on_chain_and_reconciles(
    session_chain: Chain, tmp_path: Path, kind: str
) -> None:
    spec = load_spec(DEALS[kind])
    started = time.perf_counter()
    with Workspace.current().with_records_in(tmp_path / "deployments").use():
        report = run_deal(
            session_chain,
            spec,
            RunSettings(investors=60, periods=12, out_dir=tmp_path / "report", quiet=True),
        )
    assert report.sale.status == "succeeded"
    assert report.revenue.periods_distributed == 12
    collections = sum(revenue.holder_distributions(spec, 12))
    # These seeds are structured now: the collections go down the waterfall (fees and the
    # reserve come out of them) and every tranche reconciles on its own.
    assert report.waterfall is not None and spec.structure is not None
    assert sum(y.collections for y in report.waterfall.years) == collections
    assert report.revenue.paid_to_holders == report.reconciliation.distributed > 0
    assert set(report.reconciliation.tranches) == {t.name for t in spec.structure.tranches}
    assert report.activity.claims > 0 and report.activity.trades > 0
    assert report.reconciliation.mismatches == 0
    assert time.perf_counter() - started < 30


def test_the_seed_files_give_the_deals_their_structure() -> None:
    """Rewritten on purpose: the structure blocks were commented out for the structure issue;
    now the loader reads them, and every tranche figure carries its source or assumption."""
    for path in DEALS.values():
        text = path.read_text(encoding="utf-8")
        assert "structure" in yaml.safe_load(text)
        spec = load_spec(path)
        assert spec.structure is not None and spec.structure.tranches[-1].residual
        block = text[text.index("\nstructure:\n") :]
        for line in block.splitlines():
            if any(f"{key}:" in line for key in ("size", "coupon_bps", "below_bps", "_limit")):
                assert "# source:" in line or "# assumption:" in line, line
