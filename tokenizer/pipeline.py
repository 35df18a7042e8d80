"""One deal's whole story, end to end: deploy, onboard, sell, distribute, claim, reconcile, report.

Used by ``rwa simulate`` and ``rwa demo``; every step is resumable (see ``distribution``).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tokenizer import investors as inv
from tokenizer import metrics, revenue
from tokenizer.chain import Chain
from tokenizer.deploy import deploy_deal
from tokenizer.distribution import Simulation, SimulationOptions
from tokenizer.metrics import yearly
from tokenizer.reconcile import reconcile
from tokenizer.report import fmt_pct, fmt_units, write_json, write_markdown
from tokenizer.spec import DealSpec
from tokenizer.units import SALE_STATUS_NAMES as STATUS_NAMES
from tokenizer.units import SALE_SUCCEEDED as STATUS_SUCCEEDED
from tokenizer.workspace import Workspace


class Progress:
    """A one-line progress bar on a terminal; quiet lines elsewhere (CI logs stay readable)."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last_pct = -1

    def advance(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        pct = self.done * 100 // self.total
        if self.tty:
            bar = "#" * (pct // 4)
            self.stream.write(f"\r  {self.label} [{bar:<25}] {self.done}/{self.total}")
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()
        elif pct // 25 != self._last_pct // 25 or self.done == self.total:
            self.stream.write(f"  {self.label}: {self.done}/{self.total}\n")
        self._last_pct = pct


@dataclass
class RunSettings:
    investors: int | None = None
    periods: int | None = None
    seed: int = 0
    options: SimulationOptions = field(default_factory=SimulationOptions)
    out_dir: Path | None = None
    quiet: bool = False


def run_deal(
    chain: Chain, spec: DealSpec, settings: RunSettings, say: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Run the deal on ``chain`` and write the reports; returns the report as a dict."""
    tell = say or (lambda text: None)
    started = time.perf_counter()
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 3)
        return now

    t = time.perf_counter()
    deal = deploy_deal(chain, spec)
    dep = deal.deployment
    tell(
        f"Deployed {spec.name} on chain {chain.chain_id}"
        + (" (reusing the recorded contracts)" if dep.reused else "")
        + f": token {spec.token.symbol} at {dep.address('token')}, sale at "
        f"{dep.address('offering')}."
    )
    t = lap("deploy", t)

    periods = spec.periods if settings.periods is None else settings.periods
    amounts = revenue.holder_distributions(spec, periods=periods, seed=settings.seed)
    population = inv.make_population(spec, settings.investors, settings.seed)
    options = settings.options
    options.seed = settings.seed
    sim = Simulation(chain, deal, spec, population, amounts, options)

    sim.onboard()
    mix = inv.jurisdiction_mix(population)
    tell(
        f"KYC: {len(population)} investors registered in the identity registry "
        f"({', '.join(f'{c} {n}' for c, n in list(mix.items())[:6])}"
        f"{', …' if len(mix) > 6 else ''})."
    )
    t = lap("onboard", t)

    planned = sum(1 for pay in inv.plan_purchases(spec, population) if pay > 0)
    bar = None if settings.quiet else Progress("buying", planned)
    sim.sell(bar.advance if bar else None)
    res = sim.result
    tell(
        f"Primary sale {STATUS_NAMES.get(res.sale_status, '?')}: {res.buyers} buyers paid "
        f"{fmt_units(res.raised, dec, sym)} at {fmt_units(spec.offering.price, dec, sym, 4)} "
        f"per token (soft cap {fmt_units(spec.offering.soft_cap, dec, sym)}, hard cap "
        f"{fmt_units(spec.offering.hard_cap, dec, sym)})."
    )
    t = lap("sale", t)

    if res.sale_status == STATUS_SUCCEEDED:
        already = chain.call(deal.token.functions.lastPeriodId())
        todo = max(len(amounts) - already, 0)
        pbar = None if settings.quiet or todo == 0 else Progress("periods", todo)
        sim.run_periods(lambda p: pbar.advance() if pbar else None)
        last = chain.call(deal.token.functions.lastPeriodId())
        if last >= len(amounts):
            sim.final_claims()
        tell(
            f"Revenue: {last} of {len(amounts)} monthly periods distributed"
            + (f" (resumed at period {res.first_period})" if res.first_period > 1 else "")
            + f", {fmt_units(sum(amounts[:last]), dec, sym)} paid into the token; "
            f"{res.claims} claims."
        )
        tell(
            f"Secondary market: {res.trades} trades settled delivery-versus-payment "
            f"({fmt_units(res.trade_volume, dec, sym)})"
            + (
                f", {sum(res.trades_refused.values())} refused by compliance "
                f"({_refusals(res.trades_refused)})"
                if res.trades_refused
                else ", none refused by compliance"
            )
            + f"; {res.wallet_freezes} wallet{'' if res.wallet_freezes == 1 else 's'} frozen for "
            "a review."
        )
    t = lap("periods", t)

    rec = reconcile(chain, deal)
    tell(
        f"Reconciliation: distributed {rec.distributed} = claimed {rec.claimed} + claimable "
        f"{rec.claimable} + dust {rec.dust} (smallest units); mismatches: {rec.mismatches}."
    )
    t = lap("reconcile", t)

    last = chain.call(deal.token.functions.lastPeriodId())
    paid = amounts[:last]
    supply = chain.call(deal.token.functions.totalSupply())
    flows = metrics.per_token_cashflows(spec.offering.price, paid, supply) if supply else []
    # An IRR means something only over the whole term: a shorter run has no exit value.
    irr = (
        metrics.irr(flows, spec.revenue.periods_per_year)
        if flows and last == spec.periods
        else None
    )
    yields = metrics.yearly_yield(paid, res.raised, spec.revenue.periods_per_year)
    full_years = [y for y in yields[: len(paid) // spec.revenue.periods_per_year]]
    average_yield = sum(full_years) / len(full_years) if full_years else None
    payback = metrics.payback_period(paid, res.raised)
    payback_years = (
        round(payback / spec.revenue.periods_per_year, 2) if payback is not None else None
    )
    if last:
        tell(
            "Returns per token bought at the sale price: IRR "
            + (fmt_pct(irr) if irr is not None else "n/a (the term is not over)")
            + ", average cash "
            f"yield {fmt_pct(average_yield)} a year, payback "
            + (f"after {payback_years} years." if payback_years else "not within the term.")
        )
        if supply:
            ticket = 10_000 * spec.token.unit  # an example holding of 10,000 tokens
            earned = sum(paid) * ticket // supply
            tell(
                f"An investor who bought 10,000 tokens for "
                f"{fmt_units(10_000 * spec.offering.price, dec, sym)} and held them "
                f"{'to maturity' if last == spec.periods else f'for {last} periods'} earned "
                f"{fmt_units(earned, dec, sym)}; the tokens are worth nothing after maturity."
            )

    streams = revenue.simulate_streams(spec.revenue, periods, paths=1, seed=settings.seed)
    per_year_streams = {
        name: [round(v) for v in yearly(values[0].tolist(), spec.revenue.periods_per_year)]
        for name, values in streams.items()
    }
    bought = set(_buyers(chain, deal, population))
    buyers = [p for p in population if p.address in bought]
    report: dict[str, Any] = {
        "deal": {
            "id": spec.id,
            "name": spec.name,
            "summary": spec.summary,
            "sources": list(spec.sources),
        },
        "chain": {
            "chain_id": chain.chain_id,
            "client": chain.client_version,
            "embedded": chain.node is not None,
        },
        "contracts": dep.contracts,
        "units": {"settlement": sym, "decimals": dec, "revenue_currency": spec.revenue.currency},
        "sale": {
            "price": spec.offering.price,
            "soft_cap": spec.offering.soft_cap,
            "hard_cap": spec.offering.hard_cap,
            "raised": res.raised,
            "buyers": res.buyers,
            "tokens_sold": supply,
            "status": STATUS_NAMES.get(res.sale_status, "unknown"),
        },
        "investors": {
            "registered": len(population),
            "by_country": mix,
            "buyers_by_country": dict(Counter(b.country for b in buyers).most_common()),
            "buyers_by_class": dict(Counter(b.investor_class for b in buyers).most_common()),
        },
        "revenue": {
            "periods": len(amounts),
            "periods_distributed": last,
            "paid_to_holders": sum(paid),
            "paid_to_holders_per_year": yearly(paid, spec.revenue.periods_per_year),
            "per_period": list(paid),
            "gross_by_stream_per_year": per_year_streams,
        },
        "returns": {
            "irr": irr,
            "average_yield": average_yield,
            "yield_per_year": yields,
            "payback_years": payback_years,
        },
        "activity": {
            "trades": res.trades,
            "trades_refused": dict(sorted(res.trades_refused.items())),
            "trade_volume": res.trade_volume,
            "wallet_freezes": res.wallet_freezes,
            "claims": res.claims,
            "kyc_campaigns": res.kyc_campaigns,
        },
        "reconciliation": rec.as_dict(),
        "seconds": timings,
    }
    timings["total"] = round(time.perf_counter() - started, 3)
    folder = settings.out_dir or Workspace.current().report_dir(spec.id)
    json_path = write_json(report, folder)
    md_path = write_markdown(report, spec, paid, folder)
    lap("report", t)
    write_json(report, folder)
    tell(f"Reports: {_rel(json_path)} and {_rel(md_path)}.")
    return report


def _refusals(by_rule: dict[str, int]) -> str:
    """``{"lock-up": 3, "freeze": 1}`` -> ``"lock-up 3, freeze 1"``, most frequent first."""
    return ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items(), key=lambda r: -r[1]))


def _buyers(chain: Chain, deal: Any, population: list[inv.Investor]) -> list[str]:
    paid = chain.read_many(deal.offering, "paidOf", [[p.address] for p in population])
    return [p.address for p, amount in zip(population, paid, strict=True) if amount > 0]


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
