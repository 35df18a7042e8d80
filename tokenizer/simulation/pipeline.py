"""One deal's whole story on a local chain, as a short sequence of stages.

deploy -> onboard -> sell -> periods -> reconcile -> returns -> reports. Each stage returns a
typed result (:mod:`tokenizer.reports.model`); every stage is resumable (see :mod:`.runner`),
and the report reads the whole deal from the chain, however many runs it took. Used by
``rwa simulate`` and ``rwa demo``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tokenizer import metrics, revenue
from tokenizer.chain import Chain
from tokenizer.deploy import Deal, deploy_deal
from tokenizer.operations import revenue as servicer
from tokenizer.operations.history import deal_history
from tokenizer.operations.sale import SaleState
from tokenizer.reconcile import reconcile
from tokenizer.reconcile.waterfall import deposited, mirror_of
from tokenizer.reports import story
from tokenizer.reports import waterfall as waterfall_report
from tokenizer.reports.html import band_view, write_html
from tokenizer.reports.model import (
    Activity,
    ChainInfo,
    DealInfo,
    InvestorMix,
    Returns,
    RevenueResult,
    RunReport,
    SaleResult,
    Units,
)
from tokenizer.reports.writers import write_json, write_markdown
from tokenizer.simulation.population import (
    Investor,
    jurisdiction_mix,
    left_out,
    make_population,
    plan_purchases,
)
from tokenizer.simulation.runner import WHAT_NEEDS_LOCAL, Simulation, SimulationOptions
from tokenizer.spec import DealSpec
from tokenizer.units import SALE_SUCCEEDED
from tokenizer.workspace import Workspace

if TYPE_CHECKING:
    from tokenizer.reports.disclosure import DisclosureSummary


@dataclass(frozen=True)
class RunSettings:
    investors: int | None = None
    periods: int | None = None
    seed: int = 0
    options: SimulationOptions = field(default_factory=SimulationOptions)
    out_dir: Path | None = None
    quiet: bool = False


class _Laps:
    """Seconds per stage, for the report."""

    def __init__(self) -> None:
        self.started = self._last = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 3)
        self._last = now

    def total(self) -> None:
        self.seconds["total"] = round(time.perf_counter() - self.started, 3)


def run_deal(
    chain: Chain, spec: DealSpec, settings: RunSettings, say: Callable[[str], None] | None = None
) -> RunReport:
    """Run the deal on ``chain`` and write the reports; returns the typed report."""
    tell = say or (lambda text: None)
    chain.require_local(WHAT_NEEDS_LOCAL)  # before the deployment, not after it
    folder = settings.out_dir or Workspace.current().report_dir(spec.id)
    Workspace.ensure_writable(folder)  # before anything is sent, not after the whole run
    laps = _Laps()

    deal = deploy_deal(chain, spec)
    dep = deal.deployment
    tell(
        story.deployed(spec, chain.chain_id, dep.reused, deal.token.address, deal.offering.address)
    )
    laps.lap("deploy")

    periods = spec.periods if settings.periods is None else settings.periods
    amounts = revenue.holder_distributions(spec, periods=periods, seed=settings.seed)
    population = make_population(spec, settings.investors, settings.seed)
    sim = Simulation(
        chain, deal, spec, population, amounts, replace(settings.options, seed=settings.seed)
    )
    sim.onboard()
    tell(story.onboarded(_investor_mix(population, set())))
    laps.lap("onboard")

    planned = sum(1 for pay in plan_purchases(spec, population) if pay > 0)
    bar = None if settings.quiet else story.Progress("buying", planned)
    sim.sell(bar.advance if bar else None)
    sale = _sale_result(spec, sim.result.sale, chain, deal)
    tell(story.sold(spec, sale))
    if sale.buyers < len(population) and not deal.structured:
        tell(story.left_out(spec, sale.buyers, len(population), left_out(spec, population)))
    laps.lap("sale")

    if sim.result.sale.status == SALE_SUCCEEDED:
        todo = max(len(amounts) - servicer.last_period(chain, deal), 0)
        pbar = None if settings.quiet or todo == 0 else story.Progress("periods", todo)
        sim.run_periods(lambda p: pbar.advance() if pbar else None)
        if servicer.last_period(chain, deal) >= len(amounts):
            sim.final_claims()
    laps.lap("periods")

    rec = reconcile(chain, deal, spec=spec)
    history = deal_history(chain, deal, rec.block)
    activity = Activity(
        trades=history.trades,
        trades_refused=dict(sorted(sim.result.tally.refused.items())),
        trade_volume=history.trade_volume,
        wallet_freezes=history.wallet_freezes,
        claims=history.claims,
        kyc_campaigns=sim.result.kyc_campaigns,
    )
    last = servicer.last_period(chain, deal)
    rev = _revenue_result(spec, amounts, last, periods, settings.seed)
    summary = None
    if deal.structured:
        mirror = mirror_of(spec, deposited(chain, deal, rec.block))
        summary = waterfall_report.summarise(spec, mirror)
        to_holders = [sum(p.tranche_paid) for p in mirror.periods]
        rev = replace(
            rev,
            paid_to_holders=sum(to_holders),
            per_period=to_holders,
            paid_to_holders_per_year=metrics.yearly(to_holders, spec.revenue.periods_per_year),
        )
    returns = _returns(spec, rev, sale)
    buyers = set(_buyers(chain, deal, population))
    report = RunReport(
        deal=DealInfo(spec.id, spec.name, spec.summary, list(spec.sources)),
        chain=ChainInfo(chain.chain_id, chain.client_version, chain.node is not None),
        contracts=dep.contracts,
        units=Units(spec.settlement.symbol, spec.settlement.decimals, spec.revenue.currency),
        sale=sale,
        investors=_investor_mix(population, buyers),
        revenue=rev,
        returns=returns,
        activity=activity,
        reconciliation=rec,
        seconds=laps.seconds,
        waterfall=summary,
        disclosure=_disclosure(chain, deal, sim),
    )
    if sim.result.sale.status == SALE_SUCCEEDED:
        tell(story.distributed(report, spec, sim.result.first_period))
        if summary is not None:
            tell(waterfall_report.story_lines(summary, spec))
        tell(story.traded(spec, activity))
        if report.disclosure is not None:
            from tokenizer.reports.disclosure import story_lines

            tell(story_lines(report.disclosure, spec.settlement.decimals, spec.settlement.symbol))
    tell(story.reconciled(report))
    laps.lap("reconcile")

    if last:
        tell(story.returned(returns))
        # A structured deal's tranches pay differently: its holders are in the waterfall table.
        example = None if deal.structured else story.example_holder(report, spec)
        if example:
            tell(example)
    json_path = write_json(report, folder)
    md_path = write_markdown(report, spec, folder)
    html_path = write_html(report, spec, folder, band_view(spec))
    laps.lap("report")
    laps.total()
    write_json(report, folder)
    ws = Workspace.current()
    tell(f"Reports: {ws.relative(json_path)}, {ws.relative(md_path)} and {ws.relative(html_path)}.")
    return report


def _disclosure(chain: Chain, deal: Deal, sim: Simulation) -> DisclosureSummary | None:
    """A deal with ``disclosure:``: its documents and attested periods, and what was caught."""
    if deal.gate is None:
        return None
    from tokenizer.reports.disclosure import summarise

    return summarise(chain, deal, sim.disclosure.log if sim.disclosure is not None else None)


def _investor_mix(population: list[Investor], buyers: set[str]) -> InvestorMix:
    bought = [p for p in population if p.address in buyers]
    return InvestorMix(
        registered=len(population),
        by_country=jurisdiction_mix(population),
        buyers_by_country=dict(Counter(b.country for b in bought).most_common()),
        buyers_by_class=dict(Counter(b.investor_class for b in bought).most_common()),
    )


def _sale_result(spec: DealSpec, state: SaleState, chain: Chain, deal: Deal) -> SaleResult:
    tokens = [t.token for t in deal.tranches] or [deal.token]
    return SaleResult(
        # A structured deal's tranches are sold at par: one settlement unit a whole token.
        price=spec.settlement.unit if deal.tranches else spec.offering.price,
        soft_cap=spec.offering.hard_cap if deal.tranches else spec.offering.soft_cap,
        hard_cap=spec.offering.hard_cap,
        raised=state.raised,
        buyers=state.buyers,
        tokens_sold=sum(int(chain.call(t.functions.totalSupply())) for t in tokens),
        status=state.status_name,
    )


def _revenue_result(
    spec: DealSpec, amounts: list[int], last: int, periods: int, seed: int
) -> RevenueResult:
    paid = amounts[:last]
    per_year = spec.revenue.periods_per_year
    streams = revenue.simulate_streams(spec.revenue, periods, paths=1, seed=seed)
    return RevenueResult(
        periods=len(amounts),
        periods_distributed=last,
        paid_to_holders=sum(paid),
        paid_to_holders_per_year=metrics.yearly(paid, per_year),
        per_period=list(paid),
        gross_by_stream_per_year={
            name: [round(v) for v in metrics.yearly(values[0].tolist(), per_year)]
            for name, values in streams.items()
        },
    )


def _returns(spec: DealSpec, rev: RevenueResult, sale: SaleResult) -> Returns:
    paid, per_year = rev.per_period, spec.revenue.periods_per_year
    supply = sale.tokens_sold
    flows = metrics.per_token_cashflows(spec.offering.price, paid, supply) if supply else []
    # An IRR means something only over the whole term: a shorter run has no exit value.
    irr = (
        metrics.irr(flows, per_year) if flows and rev.periods_distributed == spec.periods else None
    )
    yields = metrics.yearly_yield(paid, sale.raised, per_year)
    full_years = yields[: len(paid) // per_year]
    payback = metrics.payback_period(paid, sale.raised)
    return Returns(
        irr=irr,
        average_yield=sum(full_years) / len(full_years) if full_years else None,
        yield_per_year=yields,
        payback_years=round(payback / per_year, 2) if payback is not None else None,
    )


def _buyers(chain: Chain, deal: Deal, population: list[Investor]) -> list[str]:
    found: set[str] = set()
    for offering in [t.offering for t in deal.tranches] or [deal.offering]:
        paid = chain.read_many(offering, "paidOf", [[p.address] for p in population])
        found |= {p.address for p, amount in zip(population, paid, strict=True) if amount > 0}
    return [p.address for p in population if p.address in found]
