"""Structured deals end to end on Anvil: the deploy plan, the tranche sales, the waterfall's
periods, and the reconciliation of every tranche and of the waterfall against the mirror."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from tokenizer.chain import Chain
from tokenizer.chain.accounts import dev_accounts
from tokenizer.compliance.check import check_transfer
from tokenizer.compliance.rules import rule_steps
from tokenizer.deploy import Roles, deal_plan, deploy_deal
from tokenizer.deploy.structure import local_party
from tokenizer.errors import TransactionReverted
from tokenizer.operations.history import deal_history
from tokenizer.reconcile import reconcile
from tokenizer.simulation.pipeline import RunSettings, run_deal
from tokenizer.simulation.population import make_population, plan_tranche_purchases
from tokenizer.simulation.runner import Simulation, SimulationOptions
from tokenizer.spec import DealSpec, load_spec
from tokenizer.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
TRANCHED = ROOT / "seeds" / "xiaoping_island_tranched.yaml"
HUANGGANG = ROOT / "seeds" / "huanggang_receivables.yaml"


def holders() -> Roles:
    return Roles.from_accounts(dev_accounts())


def test_a_deal_without_structure_plans_one_class_and_no_waterfall(xiaoping: DealSpec) -> None:
    plan = deal_plan(xiaoping, holders().holders())
    assert [c.key for c in plan.contracts] == [
        "stablecoin", "registry", "token", "offering", "market",
    ]  # fmt: skip
    assert [c.name for c in plan.calls] == [
        "grant token agent", "grant token servicer", "grant offering minter",
        "grant registry agent", *(r.name for r in rule_steps(xiaoping.compliance)),
    ]  # fmt: skip


def test_a_structured_plan_has_a_token_and_an_offering_per_tranche_and_the_waterfall() -> None:
    spec = load_spec(TRANCHED)
    plan = deal_plan(spec, holders().holders())
    assert spec.structure is not None
    names = [t.name for t in spec.structure.tranches]
    assert [c.key for c in plan.contracts if c.contract == "TrancheToken"] == [
        f"tranche_{n}" for n in names
    ]
    offerings = [c for c in plan.contracts if c.contract == "PrimaryOffering"]
    for step, tranche in zip(offerings, spec.structure.tranches, strict=True):
        terms = step.args[0]
        assert terms[3] == terms[4] == tranche.size  # placed in full or refunded
    calls = {c.name: c for c in plan.calls}
    # The junior is for professional investors or above, everywhere; US stays accredited.
    junior = calls["junior: compliance: investors professional or above"]
    assert junior.function == "setMinimumInvestorClass" and junior.args[1] == 1
    assert "senior: compliance: investors professional or above" not in calls
    assert calls["junior: compliance: US investors accredited"].args[1] == 2
    assert {c.target for c in plan.calls if c.function == "addTrigger"} == {"waterfall"}


def test_every_tranche_a_mezzanine_too_has_a_market_trading_its_own_token() -> None:
    spec = load_spec(TRANCHED)
    assert spec.structure is not None
    senior, junior = spec.structure.tranches
    half = junior.size // 2
    mezzanine = replace(
        senior, name="mezzanine", symbol="XPDM", size=half, supply=junior.supply // 2,
        coupon_bps=700, amortisation="bullet",
    )  # fmt: skip
    junior = replace(junior, size=junior.size - half, supply=junior.supply - junior.supply // 2)
    three = replace(spec, structure=replace(spec.structure, tranches=(senior, mezzanine, junior)))
    plan = deal_plan(three, holders().holders())
    markets = {c.key: c.args[0].key for c in plan.contracts if c.contract == "DvPMarket"}
    assert markets == {
        "market": "tranche_senior",  # the key a plain deal's market has
        "market_mezzanine": "tranche_mezzanine",
        "market_junior": "tranche_junior",
    }


def test_the_sale_plan_places_every_tranche_exactly_with_eligible_buyers() -> None:
    spec = load_spec(TRANCHED)
    assert spec.structure is not None
    population = make_population(spec, 60)
    plan = plan_tranche_purchases(spec, population)
    for tranche, pays in zip(spec.structure.tranches, plan, strict=True):
        assert sum(pays) == tranche.size
        for investor, pay in zip(population, pays, strict=True):
            if pay:
                assert spec.offering.min_purchase <= pay <= spec.offering.max_purchase
                if tranche.min_investor_class:
                    assert investor.class_id >= 1
    assert all(sum(1 for row in plan if row[n]) <= 1 for n in range(len(population)))


def test_the_tranched_xiaoping_island_runs_on_chain_and_every_tranche_reconciles(
    session_chain: Chain, tmp_path: Path
) -> None:
    spec = load_spec(TRANCHED)
    assert spec.structure is not None
    started = time.perf_counter()
    with Workspace.current().with_records_in(tmp_path / "deployments").use():
        report = run_deal(
            session_chain,
            spec,
            RunSettings(investors=60, periods=12, out_dir=tmp_path / "report", quiet=True),
        )
    assert report.sale.status == "succeeded"
    assert report.sale.raised == spec.offering.hard_cap
    rec = report.reconciliation
    assert rec.mismatches == 0, rec.problems
    assert set(rec.tranches) == {"senior", "junior"}
    assert all(t["mismatches"] == 0 for t in rec.tranches.values())
    # The resort ramps up: in year one the collections serve the senior note only.
    assert rec.tranches["senior"]["distributed"] > 0
    assert rec.waterfall["periods"] == 12 and rec.waterfall["paid_events"] > 0
    assert report.activity.trades > 0 and report.activity.claims > 0
    text = (tmp_path / "report" / "report.md").read_text()
    assert "## Waterfall, per year" in text and "senior interest" in text
    assert time.perf_counter() - started < 30


def _structured_run(chain: Chain, spec: DealSpec, amounts: list[int]) -> Simulation:
    deal = deploy_deal(chain, spec)
    population = make_population(spec, 60)
    sim = Simulation(chain, deal, spec, population, amounts)
    sim.onboard()
    sim.sell()
    sim.run_periods()
    return sim


def test_a_drought_draws_the_guarantors_and_the_reconciliation_holds_their_balances(
    chain: Chain, tmp_path: Path
) -> None:
    """Huanggang with no collections for three months: the senior's interest comes from the
    bank guarantee; later collections repay it ahead of the junior; chain and mirror agree."""
    spec = load_spec(HUANGGANG)
    with Workspace.current().with_records_in(tmp_path / "deployments").use():
        normal = 400_000 * 10**6
        sim = _structured_run(chain, spec, [0, 0, 0] + [normal] * 5)
        rec = reconcile(chain, sim.deal, spec=spec)
    assert rec.mismatches == 0, rec.problems
    drawn, repaid = rec.waterfall["guarantor_drawn"], rec.waterfall["guarantor_repaid"]
    assert drawn[0] > 0 and repaid[0] > 0 and drawn[1] == 0
    bank = local_party(spec.id, "guarantor:bank guarantee").address
    held = chain.call(sim.deal.stablecoin.functions.balanceOf(bank))
    assert held == 10_000_000 * 10**6 - drawn[0] + repaid[0]


def test_the_reconciliation_finds_a_waterfall_that_pays_other_terms(
    chain: Chain, tmp_path: Path
) -> None:
    spec = load_spec(TRANCHED)
    assert spec.structure is not None
    with Workspace.current().with_records_in(tmp_path / "deployments").use():
        sim = _structured_run(chain, spec, [500_000 * 10**6] * 3)
        assert reconcile(chain, sim.deal, spec=spec).mismatches == 0
        senior = replace(spec.structure.tranches[0], coupon_bps=450)
        other = replace(
            spec, structure=replace(spec.structure, tranches=(senior, spec.structure.tranches[1]))
        )
        rec = reconcile(chain, sim.deal, spec=other)
    assert rec.mismatches > 0
    assert any("senior period 1" in p for p in rec.problems)


def test_a_retail_investor_cannot_buy_the_professional_junior(chain: Chain, tmp_path: Path) -> None:
    spec = load_spec(TRANCHED)
    with Workspace.current().with_records_in(tmp_path / "deployments").use():
        deal = deploy_deal(chain, spec)
    population = make_population(spec, 60)
    retail = next(i for i in population if i.investor_class == "retail")
    sim = Simulation(chain, deal, spec, [retail], [])
    sim.onboard()
    junior = deal.tranches[-1]
    pay = spec.offering.min_purchase
    chain.send(chain.tx(deal.roles.admin, deal.stablecoin, "mint", retail.address, pay))
    chain.send(chain.tx(retail.account, deal.stablecoin, "approve", junior.offering.address, pay))
    with pytest.raises(TransactionReverted):
        chain.send(chain.tx(retail.account, junior.offering, "buy", pay))
    senior = deal.tranches[0]
    chain.send(chain.tx(retail.account, deal.stablecoin, "approve", senior.offering.address, pay))
    chain.send(chain.tx(retail.account, senior.offering, "buy", pay))
    assert chain.call(senior.token.functions.balanceOf(retail.address)) > 0


def test_the_junior_trades_in_its_own_market_and_every_tranche_still_reconciles(
    chain: Chain, tmp_path: Path
) -> None:
    """Each tranche has its DvP market; the simulated investors trade the junior there too,
    under the junior's own rules (a retail buyer is refused by its investor-class rule)."""
    spec = load_spec(TRANCHED)
    assert spec.structure is not None
    with Workspace.current().with_records_in(tmp_path / "deployments").use():
        deal = deploy_deal(chain, spec)
        population = make_population(spec, 60)
        options = SimulationOptions(trades_per_period=6)
        sim = Simulation(chain, deal, spec, population, [500_000 * 10**6] * 8, options)
        sim.onboard()
        sim.sell()
        sim.run_periods()
        rec = reconcile(chain, deal, spec=spec)
    senior, junior = deal.tranches
    assert senior.market is not None and senior.market.address == deal.market.address
    assert junior.market is not None and junior.market.address != deal.market.address
    assert chain.call(junior.market.functions.asset()) == junior.token.address
    taken = junior.market.events.OfferTaken
    start = int(deal.deployment.contracts["market_junior"]["block"])
    trades = [
        taken.decode(log)
        for log in chain.logs(junior.market.address, start, None, topics=[taken.topic])
    ]
    assert trades, "no junior trade settled"
    buyers = {t["buyer"] for t in trades}
    classes = {i.address: i.investor_class for i in population}
    assert all(classes[b] != "retail" for b in buyers)  # the junior is for professionals
    assert sim.result.tally.refused.get("investor class", 0) > 0
    assert deal_history(chain, deal).trades == sim.result.tally.trades
    assert rec.mismatches == 0, rec.problems
    assert all(t["mismatches"] == 0 for t in rec.tranches.values())


def test_a_retail_buyer_cannot_take_a_junior_offer_and_is_told_why(
    chain: Chain, tmp_path: Path
) -> None:
    spec = load_spec(TRANCHED)
    with Workspace.current().with_records_in(tmp_path / "deployments").use():
        deal = deploy_deal(chain, spec)
    population = make_population(spec, 60)
    sim = Simulation(chain, deal, spec, population, [])
    sim.onboard()
    sim.sell()
    junior = deal.tranches[-1]
    assert junior.market is not None
    holders = sim.tranche_markets[0].holdings.holders()
    seller, balance = holders[0]
    retail = next(i for i in population if i.investor_class == "retail" and i.country != "US")
    chain.advance_to(chain.timestamp() + (spec.compliance.lockup_days + 1) * 86_400)
    verdict = check_transfer(chain, junior.token, seller.address, retail.address, balance)
    assert not verdict.allowed and verdict.rule == "investor class"
    assert "retail investor" in verdict.message and "minimum professional" in verdict.message
    price = balance // 10**12  # par: one settlement unit a whole token
    chain.send_many(
        [
            chain.tx(seller.account, junior.token, "approve", junior.market.address, balance),
            chain.tx(deal.roles.admin, deal.stablecoin, "mint", retail.address, price),
            chain.tx(retail.account, deal.stablecoin, "approve", junior.market.address, price),
        ]
    )
    expiry = chain.timestamp() + 86_400
    receipt = chain.send(chain.tx(seller.account, junior.market, "offer", balance, price, expiry))
    offer_id = junior.market.events.OfferCreated.decode(
        next(log for log in receipt.logs if log["address"].lower() == junior.market.address.lower())
    )["offerId"]
    with pytest.raises(TransactionReverted, match="investor class is below the minimum"):
        chain.send(chain.tx(retail.account, junior.market, "take", offer_id))
    # The senior has no such rule: the same retail investor may buy it.
    senior_seller = sim.holdings.holders()[0][0]
    assert check_transfer(chain, deal.token, senior_seller.address, retail.address, 1).allowed
