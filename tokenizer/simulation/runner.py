"""The life of a deal on a local chain: KYC, primary sale, then every revenue period to maturity.

Between periods investors trade among themselves (:mod:`.market`); once a year the issuer's
agent freezes a wallet under review and releases it at the year's end; at each year's end some
holders claim. What the issuer's side does goes through :mod:`tokenizer.operations`; what only a
simulation does (made-up investors, minted stablecoin, the clock) stays here, and a chain that
is not a local development chain is refused before anything is sent.

Every stage first reads what the chain already has, so a run that was interrupted (a crash, a
killed node, Ctrl-C) is simply run again: investors already registered are not registered
twice, buyers who bought do not buy twice, and the period loop starts after the last period the
token has recorded. A period is never paid twice: the token itself refuses a repeated id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from tokenizer.chain import Chain
from tokenizer.deploy import Deal
from tokenizer.errors import TokenizerError
from tokenizer.operations import agent, kyc, revenue, sale
from tokenizer.simulation.disclosure import disclosure_of
from tokenizer.simulation.market import Holdings, SecondaryMarket, TradeTally
from tokenizer.simulation.population import Investor
from tokenizer.simulation.sale import buy
from tokenizer.spec import DealSpec
from tokenizer.units import SALE_ACTIVE, SALE_FAILED, SECONDS_PER_DAY

GAS_ALLOWANCE_WEI = 10**18  # native coin each simulated wallet gets for its gas
WHAT_NEEDS_LOCAL = "simulating investors (made-up wallets, minted stablecoin, time)"


@dataclass(frozen=True)
class SimulationOptions:
    seed: int = 0
    trades_per_period: int = 2  # secondary trades between investors after each period
    reviews_per_year: int = 1  # wallets the agent freezes for a year under review
    claim_share_yearly: float = 0.1  # share of holders who claim at each year end
    # assumption: at most this many holders claim at a year end (a retail deal's holders do not
    # all collect every year); it keeps a year's claims proportional to the activity simulated,
    # not to the number of holders
    claims_per_year_max: int = 100
    final_claim_share: float = 0.9  # share of holders who claim after the last period
    stop_after_period: int | None = None  # stop early (the run can be resumed later)
    dishonest_periods: frozenset[int] = frozenset()  # disclosure: the operator over-reports


@dataclass
class SimulationResult:
    """What this run did (a resumed run counts only its own part; the report reads the whole
    deal from the chain)."""

    registered: int = 0
    sale: sale.SaleState = field(default_factory=lambda: sale.SaleState(SALE_ACTIVE, 0, 0))
    periods_run: list[int] = field(default_factory=list)
    first_period: int = 1
    tally: TradeTally = field(default_factory=TradeTally)
    claims: int = 0
    kyc_campaigns: int = 0


def period_time(deal: Deal, period: int) -> int:
    """When period ``period`` (1-based) is distributed; the last one lands at maturity."""
    sched = deal.deployment.schedule
    return sched["sale_end"] + period * sched["period_seconds"]


class Simulation:
    """Runs one deal's life on one local chain for a given investor population."""

    def __init__(
        self,
        chain: Chain,
        deal: Deal,
        spec: DealSpec,
        population: Sequence[Investor],
        amounts: Sequence[int],
        options: SimulationOptions | None = None,
    ) -> None:
        chain.require_local(WHAT_NEEDS_LOCAL)
        if deal.deployment.contracts["stablecoin"].get("existing"):
            raise TokenizerError(
                "settlement.address: the simulation pays investors in the mock stablecoin it "
                "mints; leave settlement.address out of the spec for a simulated run"
            )
        self.chain, self.deal, self.spec = chain, deal, spec
        self.population = list(population)
        self.amounts = list(amounts)
        self.options = options or SimulationOptions()
        self.result = SimulationResult()
        self.holdings = Holdings(chain, deal, self.population)
        self.market = SecondaryMarket(
            chain, deal, spec, self.holdings, self.options.seed, self.options.trades_per_period
        )
        self.result.tally = self.market.tally
        # A structured deal's other tranches trade too, each in its market (one tally).
        self.tranche_markets = [
            SecondaryMarket(
                chain,
                deal,
                spec,
                Holdings(chain, deal, self.population, tranche.token),
                self.options.seed,
                self.options.trades_per_period,
                market=tranche.market,
                tally=self.market.tally,
                salt=n,
            )
            for n, tranche in enumerate(deal.tranches)
            if n > 0 and tranche.market is not None
        ]
        self._kyc_expiry: dict[str, int] = {}
        self.disclosure = disclosure_of(chain, deal, spec, self.options)

    # --------------------------------------------------------------- stages

    def onboard(self) -> None:
        """Give every investor gas coin and register those the registry does not know yet."""
        wallets = [i.address for i in self.population]
        self.chain.waive_base_fee()  # a crowd of wallets must not price itself out of gas
        self._kyc_expiry = kyc.kyc_expiries(self.chain, self.deal, wallets)
        missing = [i for i in self.population if not self._kyc_expiry[i.address]]
        if missing:
            self.chain.fund([i.address for i in missing], GAS_ALLOWANCE_WEI, self.deal.roles.admin)
            expiry = self.chain.timestamp() + self.spec.compliance.kyc_valid_days * SECONDS_PER_DAY
            kyc.register_investors(self.chain, self.deal, [i.identity() for i in missing], expiry)
            self._kyc_expiry.update(dict.fromkeys((i.address for i in missing), expiry))
        self.result.registered = len(self.population)

    def sell(self, progress: Callable[[int], None] | None = None) -> None:
        """Run the primary sale, move the clock to its end, and close it."""
        from tokenizer.simulation.population import plan_purchases

        chain, deal = self.chain, self.deal
        if deal.structured:
            self._sell_tranches(progress)
            return
        state = sale.sale_state(chain, deal)
        if state.status == SALE_ACTIVE:
            paid = chain.read_many(deal.offering, "paidOf", [[i.address] for i in self.population])
            plan = plan_purchases(self.spec, self.population)
            todo = [p if already == 0 else 0 for p, already in zip(plan, paid, strict=True)]
            room = self.spec.offering.hard_cap - state.raised
            capped = []
            for p in todo:  # never plan past the hard cap, even on a resumed sale
                take = p if p <= room else 0
                room -= take
                capped.append(take)
            sale_end = deal.deployment.schedule["sale_end"]
            if self.disclosure is not None:
                self.disclosure.publish()
            if any(capped) and chain.timestamp() < sale_end:
                buy(chain, deal, self.population, capped, progress)
            chain.advance_to(sale_end)
            sale.finalize(chain, deal)
        self.result.sale = sale.sale_state(chain, deal)

    def run_periods(self, on_period: Callable[[int], None] | None = None) -> None:
        """Distribute each period's revenue, with secondary trades and claims in between."""
        chain, deal = self.chain, self.deal
        if self.result.sale.status == SALE_FAILED:
            raise TokenizerError(
                "the primary sale missed its soft cap and was refunded: there are no holders"
            )
        last = revenue.last_period(chain, deal)
        total = len(self.amounts)
        self.result.first_period = last + 1
        if last >= total:
            return
        self._fund_servicer(last)
        stop = self.options.stop_after_period
        for period in range(last + 1, total + 1):
            when = period_time(deal, period)
            chain.next_block_at(when)  # the distribution's own block carries the period's time
            amount = self.amounts[period - 1]
            document = revenue.report_hash(self.spec.id, period, amount)
            if self.disclosure is not None:
                self.disclosure.distribute(period, amount)
            else:
                revenue.distribute(chain, deal, period, amount, document)
            self.result.periods_run.append(period)
            for step in self.period_steps:
                step(period, when)
            if on_period:
                on_period(period)
            if stop is not None and period >= stop:
                return

    @property
    def period_steps(self) -> list[Callable[[int, int], None]]:
        """What happens after each period's distribution, in order: ``step(period, when)``.

        A new per-period activity is one more entry here; each step's work should grow with
        the activity it simulates, not with the number of holders.
        """
        return [self._year_end_claims, self._review_step, self._trade]

    def _year_end_claims(self, period: int, when: int) -> None:
        total = len(self.amounts)
        if period % self.spec.revenue.periods_per_year == 0 and period < total:
            self._claim(
                period, self.options.claim_share_yearly, most=self.options.claims_per_year_max
            )

    def _review_step(self, period: int, when: int) -> None:
        if period < len(self.amounts):
            self._review(period)

    def _trade(self, period: int, when: int) -> None:
        if period < len(self.amounts):
            self.market.round(period, when, self._kyc_expiry, self._renew_kyc)
            for market in self.tranche_markets:
                market.round(period, when, self._kyc_expiry, self._renew_kyc)

    def final_claims(self) -> None:
        """After the last period, most holders collect what they are owed; once the term's
        final period is paid, the servicer takes back the rounding dust their claims release."""
        self._claim(len(self.amounts) + 1, self.options.final_claim_share, by_servicer=True)
        revenue.sweep_dust(self.chain, self.deal)

    def _sell_tranches(self, progress: Callable[[int], None] | None) -> None:
        """A structured deal's sale: every tranche's offering at once, each placed in full."""
        from tokenizer.simulation.population import plan_tranche_purchases

        chain, deal = self.chain, self.deal
        plans = plan_tranche_purchases(self.spec, self.population)
        sale_end = deal.deployment.schedule["sale_end"]
        for tranche, plan in zip(deal.tranches, plans, strict=True):
            state = sale.offering_state(chain, tranche.offering)
            if state.status != SALE_ACTIVE or chain.timestamp() >= sale_end:
                continue
            paid = chain.read_many(
                tranche.offering, "paidOf", [[i.address] for i in self.population]
            )
            todo = [p if already == 0 else 0 for p, already in zip(plan, paid, strict=True)]
            if any(todo):
                buy(chain, deal, self.population, todo, progress, offering=tranche.offering)
        chain.advance_to(sale_end)
        for tranche in deal.tranches:
            if sale.offering_state(chain, tranche.offering).status == SALE_ACTIVE:
                chain.send(chain.tx(deal.roles.admin, tranche.offering, "finalize"))
        self.result.sale = sale.sale_state(chain, deal)

    # --------------------------------------------------------------- helpers

    def _fund_servicer(self, last: int) -> None:
        """The servicer's collections for the remaining periods (minted here) and its approval."""
        chain, deal = self.chain, self.deal
        servicer = deal.roles.servicer.address
        needed = sum(self.amounts[last:])
        have = chain.call(deal.stablecoin.functions.balanceOf(servicer))
        if have < needed:
            chain.send(chain.tx(deal.roles.admin, deal.stablecoin, "mint", servicer, needed - have))
        revenue.approve_servicer(chain, deal, needed)

    def _review(self, period: int) -> None:
        """Once a year the agent freezes a few holders' wallets under review (an AML alert)
        and releases every frozen wallet at the year's end (what is frozen is read from the
        chain, so a resumed run releases what an earlier run froze)."""
        per_year = self.spec.revenue.periods_per_year
        count = self.options.reviews_per_year
        if count <= 0:
            return
        if period % per_year == 0:
            agent.set_frozen(
                self.chain, self.deal, agent.frozen_wallets(self.chain, self.deal), False
            )
        if period % per_year == 1 % per_year:
            holders = self.holdings.holders()
            if not holders:
                return
            rng = np.random.default_rng([self.options.seed, period, 13])
            picks = rng.choice(len(holders), size=min(count, len(holders)), replace=False)
            agent.set_frozen(
                self.chain, self.deal, [holders[int(k)][0].address for k in picks], True
            )

    def _renew_kyc(self, when: int) -> None:
        """The issuer's KYC refresh campaign: every investor's check is renewed in a batch,
        once lapsed checks stand in the way of trading (as a regulated issuer must)."""
        expiry = when + self.spec.compliance.kyc_valid_days * SECONDS_PER_DAY
        wallets = [i.address for i in self.population]
        kyc.renew_kyc(self.chain, self.deal, wallets, expiry)
        self._kyc_expiry.update(dict.fromkeys(wallets, expiry))
        self.result.kyc_campaigns += 1

    def _claim(
        self, salt: int, share: float, by_servicer: bool = False, most: int | None = None
    ) -> None:
        """``share`` of the holders owed something claim (at most ``most`` of them a token).

        Without ``most`` every investor's claimable amount is read and the share is drawn from
        those owed something. With it, the draw is made from the deal token's current holders
        (known without reading the chain) and only the drawn wallets' claims are read, so a
        year end costs the same for 100 holders as for 10,000.
        """
        if share <= 0:
            return
        chain, deal = self.chain, self.deal
        held = set(agent.frozen_wallets(chain, deal))  # a frozen wallet's revenue is held
        for k, token in enumerate(revenue.tokens(deal)):
            rng = np.random.default_rng(
                [self.options.seed, salt, 11, k] if k else [self.options.seed, salt, 11]
            )
            if most is not None and token is deal.token:
                due = [i for i, _ in self.holdings.holders() if i.address not in held]
                if not due:
                    continue
                count = min(round(len(due) * share), most)
                drawn = [
                    due[int(j)] for j in sorted(rng.choice(len(due), size=count, replace=False))
                ]
                owed = revenue.claimable(chain, deal, [i.address for i in drawn], token)
                chosen = [i for i, c in zip(drawn, owed, strict=True) if c > 0]
            else:
                owed = revenue.claimable(chain, deal, [i.address for i in self.population], token)
                due = [
                    i
                    for i, c in zip(self.population, owed, strict=True)
                    if c > 0 and not (token is deal.token and i.address in held)
                ]
                if not due:
                    continue
                count = round(len(due) * share)
                if most is not None:
                    count = min(count, most)
                chosen = [
                    due[int(j)] for j in sorted(rng.choice(len(due), size=count, replace=False))
                ]
            if not chosen:
                continue
            if by_servicer:
                revenue.claim_for(chain, deal, [c.address for c in chosen], token)
            else:
                chain.send_many([chain.tx(c.account, token, "claim") for c in chosen])
            self.result.claims += len(chosen)
