"""The life of a deal on chain: KYC, primary sale, then every revenue period until maturity.

Between periods investors trade among themselves through the deal's delivery-versus-payment
market: each planned trade is first put to the token's ``canTransfer``; a refused one (a
lock-up still running, a buyer over the maximum balance, a frozen wallet, ...) is counted by
the rule that refused it and not sent. Once a year the issuer's agent freezes a wallet under
review and releases it at the year's end.

Every stage first reads what the chain already has, so a run that was interrupted (a crash, a
killed node, Ctrl-C) is simply run again: investors already registered are not registered
twice, buyers who bought do not buy twice, and the period loop starts after the last period the
token has recorded. A period is never paid twice: the token itself refuses a repeated id.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from tokenizer import investors as inv
from tokenizer.chain import Chain, TxRequest
from tokenizer.compliance import REFUSALS, check_many
from tokenizer.deploy import SECONDS_PER_DAY, Deal
from tokenizer.errors import TokenizerError, TransactionReverted
from tokenizer.spec import DealSpec

STATUS_ACTIVE, STATUS_SUCCEEDED, STATUS_FAILED = 0, 1, 2
MAX_UINT256 = 2**256 - 1


@dataclass
class SimulationOptions:
    seed: int = 0
    trades_per_period: int = 2  # secondary trades between investors after each period
    reviews_per_year: int = 1  # wallets the agent freezes for a year under review
    claim_share_yearly: float = 0.1  # share of holders who claim at each year end
    final_claim_share: float = 0.9  # share of holders who claim after the last period
    stop_after_period: int | None = None  # stop early (the run can be resumed later)


@dataclass
class SimulationResult:
    registered: int = 0
    buyers: int = 0
    raised: int = 0
    sale_status: int = STATUS_ACTIVE
    periods_run: list[int] = field(default_factory=list)
    first_period: int = 1
    trades: int = 0  # settled through the market
    trades_refused: dict[str, int] = field(default_factory=dict)  # by the rule that refused
    trade_volume: int = 0  # settlement units paid for settled trades
    wallet_freezes: int = 0
    claims: int = 0
    kyc_campaigns: int = 0


def report_hash(spec: DealSpec, period: int, amount: int) -> bytes:
    """The hash of the servicer's revenue report for ``period`` (a canonical JSON document)."""
    document = {"deal": spec.id, "period": period, "holder_amount": amount}
    return keccak(text=json.dumps(document, sort_keys=True, separators=(",", ":")))


def period_time(deal: Deal, period: int) -> int:
    """When period ``period`` (1-based) is distributed; the last one lands at maturity."""
    sched = deal.deployment.schedule
    return sched["sale_end"] + period * sched["period_seconds"]


class Simulation:
    """Runs one deal's life on one chain for a given investor population."""

    def __init__(
        self,
        chain: Chain,
        deal: Deal,
        spec: DealSpec,
        population: Sequence[inv.Investor],
        amounts: Sequence[int],
        options: SimulationOptions | None = None,
    ) -> None:
        self.chain = chain
        self.deal = deal
        self.spec = spec
        self.population = list(population)
        self.amounts = list(amounts)
        self.options = options or SimulationOptions()
        self.result = SimulationResult()
        self._kyc_expiry: dict[str, int] = {}
        self._balances: dict[str, int] | None = None
        self._approved: set[tuple[str, str]] = set()  # (wallet, token) allowances given

    # --------------------------------------------------------------- stages

    def onboard(self) -> None:
        """Register every investor who is not registered yet."""
        registry = self.deal.registry
        identities = self.chain.read_many(
            registry, "identityOf", [[i.address] for i in self.population]
        )
        missing = [i for i, ident in zip(self.population, identities, strict=True) if not ident[3]]
        if missing:
            inv.register(self.chain, self.deal, missing, self.spec.compliance.kyc_valid_days)
        for i, ident in zip(self.population, identities, strict=True):
            self._kyc_expiry[i.address] = int(ident[2])
        if missing:
            expiry = self.chain.read_many(registry, "identityOf", [[m.address] for m in missing])
            for m, ident in zip(missing, expiry, strict=True):
                self._kyc_expiry[m.address] = int(ident[2])
        self.result.registered = len(self.population)

    def sell(self, progress: Callable[[int], None] | None = None) -> None:
        """Run the primary sale, close it at its end, and finalise it."""
        chain, deal = self.chain, self.deal
        status = chain.call(deal.offering.functions.status())
        if status == STATUS_ACTIVE:
            paid = chain.read_many(deal.offering, "paidOf", [[i.address] for i in self.population])
            plan = inv.plan_purchases(self.spec, self.population)
            raised = chain.call(deal.offering.functions.raised())
            todo = [p if already == 0 else 0 for p, already in zip(plan, paid, strict=True)]
            room = self.spec.offering.hard_cap - raised
            capped = []
            for p in todo:  # never plan past the hard cap, even on a resumed sale
                take = p if p <= room else 0
                room -= take
                capped.append(take)
            if any(capped) and chain.timestamp() < deal.deployment.schedule["sale_end"]:
                inv.buy(chain, deal, self.population, capped, progress)
            if chain.is_local:
                chain.advance_to(deal.deployment.schedule["sale_end"])
            if chain.timestamp() >= deal.deployment.schedule["sale_end"] or (
                chain.call(deal.offering.functions.raised()) == self.spec.offering.hard_cap
            ):
                chain.send(chain.tx(deal.roles.admin, deal.offering, "finalize"))
        self.result.sale_status = chain.call(deal.offering.functions.status())
        self.result.raised = chain.call(deal.offering.functions.raised())
        self.result.buyers = chain.call(deal.offering.functions.buyerCount())

    def run_periods(self, on_period: Callable[[int], None] | None = None) -> None:
        """Distribute each period's revenue, with secondary trades and claims in between."""
        chain, deal = self.chain, self.deal
        if self.result.sale_status == STATUS_FAILED:
            raise TokenizerError(
                "the primary sale missed its soft cap and was refunded: there are no holders"
            )
        last = chain.call(deal.token.functions.lastPeriodId())
        total = len(self.amounts)
        self.result.first_period = last + 1
        if last >= total:
            return
        self._fund_servicer(last)
        stop = self.options.stop_after_period
        for period in range(last + 1, total + 1):
            when = period_time(deal, period)
            if chain.is_local:
                chain.advance_to(when)
            amount = self.amounts[period - 1]
            chain.send(
                chain.tx(
                    deal.roles.servicer,
                    deal.token,
                    "distribute",
                    period,
                    amount,
                    report_hash(self.spec, period, amount),
                )
            )
            self.result.periods_run.append(period)
            if period % self.spec.revenue.periods_per_year == 0 and period < total:
                self._claim(period, self.options.claim_share_yearly)
            if period < total:
                self._review(period)
            if chain.is_local and period < total:
                self._trade(period, when)
            if on_period:
                on_period(period)
            if stop is not None and period >= stop:
                return

    def final_claims(self) -> None:
        """After the last period, most holders collect what they are owed."""
        self._claim(len(self.amounts) + 1, self.options.final_claim_share, by_servicer=True)

    # --------------------------------------------------------------- helpers

    def _fund_servicer(self, last: int) -> None:
        chain, deal = self.chain, self.deal
        servicer = deal.roles.servicer.address
        needed = sum(self.amounts[last:])
        have = chain.call(deal.stablecoin.functions.balanceOf(servicer))
        txs: list[TxRequest] = []
        if have < needed:
            txs.append(chain.tx(deal.roles.admin, deal.stablecoin, "mint", servicer, needed - have))
        allowance = chain.call(deal.stablecoin.functions.allowance(servicer, deal.token.address))
        if allowance < needed:
            txs.append(
                chain.tx(
                    deal.roles.servicer, deal.stablecoin, "approve", deal.token.address, MAX_UINT256
                )
            )
        if txs:
            chain.send_many(txs)

    def _holders(self) -> list[tuple[inv.Investor, int]]:
        """Investors holding tokens, read from the chain once and then kept up to date here."""
        if self._balances is None:
            balances = self.chain.read_many(
                self.deal.token, "balanceOf", [[i.address] for i in self.population]
            )
            self._balances = {i.address: b for i, b in zip(self.population, balances, strict=True)}
        return [
            (i, self._balances[i.address]) for i in self.population if self._balances[i.address]
        ]

    def _trade(self, period: int, when: int) -> None:
        """A few holders sell part of their tokens to other investors through the market."""
        if self.options.trades_per_period <= 0 or when >= self.deal.deployment.schedule["maturity"]:
            return
        rng = np.random.default_rng([self.options.seed, period, 7])
        holders = self._holders()
        if not holders:
            return
        plans: list[tuple[inv.Investor, inv.Investor, int, int]] = []
        busy: set[str] = set()  # one trade per wallet and period: each check stands alone
        renew = False
        sellers = rng.choice(
            len(holders), size=min(self.options.trades_per_period, len(holders)), replace=False
        )
        for s in sellers:
            seller, balance = holders[int(s)]
            buyer = self.population[int(rng.integers(0, len(self.population)))]
            amount = balance * int(rng.integers(1, 51)) // 100  # 1 % to 50 % of the position
            premium_bps = int(rng.integers(9_000, 11_501))  # 90 % to 115 % of the sale price
            if (
                buyer.address == seller.address
                or amount == 0
                or {seller.address, buyer.address} & busy
            ):
                continue
            busy |= {seller.address, buyer.address}
            price = (
                amount * self.spec.offering.price * premium_bps // (self.spec.token.unit * 10_000)
            )
            if price == 0:
                continue
            if self._kyc_expiry.get(buyer.address, 0) <= when + 1:
                renew = True
            plans.append((seller, buyer, amount, price))
        if renew:
            self._renew_kyc(when)
        if not plans:
            return
        verdicts = check_many(
            self.chain,
            self.deal.token,
            [(seller.address, buyer.address, amount) for seller, buyer, amount, _ in plans],
        )
        accepted = []
        for plan, verdict in zip(plans, verdicts, strict=True):
            if verdict.allowed:
                accepted.append(plan)
            else:
                self._refused(verdict.rule or verdict.error or "unknown")
        if accepted:
            self._settle(accepted)

    def _refused(self, rule: str) -> None:
        refused = self.result.trades_refused
        refused[rule] = refused.get(rule, 0) + 1

    def _settle(self, trades: list[tuple[inv.Investor, inv.Investor, int, int]]) -> None:
        """Sellers offer, buyers (paid in stablecoin by their bank: minted here) take: each
        trade both legs or neither, in the market."""
        chain, deal = self.chain, self.deal
        market = deal.market.address
        setup: list[TxRequest] = [
            chain.tx(
                deal.roles.admin,
                deal.stablecoin,
                "batchMint",
                [buyer.address for _, buyer, _, _ in trades],
                [price for _, _, _, price in trades],
            )
        ]
        for seller, buyer, _, _ in trades:
            for wallet, token in ((seller, deal.token), (buyer, deal.stablecoin)):
                if (wallet.address, token.address) not in self._approved:
                    setup.append(chain.tx(wallet.account, token, "approve", market, MAX_UINT256))
                    self._approved.add((wallet.address, token.address))
        offers = [
            chain.tx(seller.account, deal.market, "offer", amount, price)
            for seller, _, amount, price in trades
        ]
        receipts = chain.send_many(setup + offers)[len(setup) :]
        ids = [_offer_id(receipt.logs, market) for receipt in receipts]
        takes = [
            chain.tx(buyer.account, deal.market, "take", offer_id)
            for (_, buyer, _, _), offer_id in zip(trades, ids, strict=True)
        ]
        try:
            chain.send_many(takes)
            settled = list(trades)
        except TransactionReverted:
            settled = self._settle_one_by_one(trades, ids, takes)
        assert self._balances is not None
        for seller, buyer, amount, price in settled:
            self._balances[seller.address] -= amount
            self._balances[buyer.address] += amount
            self.result.trade_volume += price
        self.result.trades += len(settled)

    def _settle_one_by_one(
        self,
        trades: list[tuple[inv.Investor, inv.Investor, int, int]],
        ids: list[int],
        takes: list[TxRequest],
    ) -> list[tuple[inv.Investor, inv.Investor, int, int]]:
        """After a batch of takes failed: an earlier trade of the round changed what a later
        one's check saw (say, the last free holder place). Some takes may have settled; the
        others are tried alone, and a refused one is counted and its offer withdrawn."""
        chain, deal = self.chain, self.deal
        offers = chain.read_many(deal.market, "offerOf", [[i] for i in ids])
        settled, withdraw = [], []
        for trade, offer_id, take, offer in zip(trades, ids, takes, offers, strict=True):
            if not offer[1]:  # no longer open: it settled in the batch
                settled.append(trade)
                continue
            try:
                chain.send(take)
                settled.append(trade)
            except TransactionReverted as refusal:
                self._refused(_rule_of(refusal))
                withdraw.append(chain.tx(trade[0].account, deal.market, "cancel", offer_id))
        if withdraw:
            chain.send_many(withdraw)
        return settled

    def _review(self, period: int) -> None:
        """Once a year the agent freezes a few holders' wallets under review (an AML alert)
        and releases every frozen wallet at the year's end (what is frozen is read from the
        chain, so a resumed run releases what an earlier run froze)."""
        per_year = self.spec.revenue.periods_per_year
        count = self.options.reviews_per_year
        chain, deal = self.chain, self.deal
        if count <= 0 or not self.chain.is_local:
            return
        if period % per_year == 0:
            release = self._frozen_wallets()
            if release:
                chain.send(
                    chain.tx(
                        deal.roles.agent,
                        deal.token,
                        "batchSetWalletFrozen",
                        release,
                        [False] * len(release),
                    )
                )
        if period % per_year == 1 % per_year:
            holders = self._holders()
            if not holders:
                return
            rng = np.random.default_rng([self.options.seed, period, 13])
            picks = rng.choice(len(holders), size=min(count, len(holders)), replace=False)
            wallets = [holders[int(k)][0].address for k in picks]
            if wallets:
                chain.send(
                    chain.tx(
                        deal.roles.agent,
                        deal.token,
                        "batchSetWalletFrozen",
                        wallets,
                        [True] * len(wallets),
                    )
                )
                self.result.wallet_freezes += len(wallets)

    def _frozen_wallets(self) -> list[str]:
        """Wallets frozen now, from the token's freeze events (one request)."""
        token = self.deal.deployment.contracts["token"]
        logs = self.chain.rpc.call(
            "eth_getLogs",
            [
                {
                    "address": token["address"],
                    "fromBlock": hex(token["block"]),
                    "toBlock": "latest",
                    "topics": [WALLET_FREEZE_SET],
                }
            ],
        )
        frozen: dict[str, bool] = {}
        for log in logs:  # in chain order: the last event of a wallet is its state
            frozen[to_checksum_address("0x" + log["topics"][1][-40:])] = int(log["data"], 16) != 0
        return [wallet for wallet, is_frozen in frozen.items() if is_frozen]

    def _renew_kyc(self, when: int) -> None:
        """The issuer's KYC refresh campaign: every investor's check is renewed in a batch,
        once lapsed checks stand in the way of trading (as a regulated issuer must)."""
        expiry = when + self.spec.compliance.kyc_valid_days * SECONDS_PER_DAY
        chunk = 200
        wallets = [i.address for i in self.population]
        self.chain.send_many(
            [
                self.chain.tx(
                    self.deal.roles.agent,
                    self.deal.registry,
                    "batchRenewKyc",
                    wallets[s : s + chunk],
                    expiry,
                )
                for s in range(0, len(wallets), chunk)
            ]
        )
        for address in wallets:
            self._kyc_expiry[address] = expiry
        self.result.kyc_campaigns += 1

    def _claim(self, salt: int, share: float, by_servicer: bool = False) -> None:
        if share <= 0:
            return
        chain, deal = self.chain, self.deal
        owed = chain.read_many(deal.token, "claimable", [[i.address] for i in self.population])
        held = set(self._frozen_wallets())  # a frozen wallet's revenue is held, not paid
        due = [
            i for i, c in zip(self.population, owed, strict=True) if c > 0 and i.address not in held
        ]
        if not due:
            return
        rng = np.random.default_rng([self.options.seed, salt, 11])
        count = round(len(due) * share)
        chosen = [due[int(k)] for k in sorted(rng.choice(len(due), size=count, replace=False))]
        if not chosen:
            return
        if by_servicer:
            chunk = 100
            chain.send_many(
                [
                    chain.tx(
                        deal.roles.servicer,
                        deal.token,
                        "claimFor",
                        [c.address for c in chosen[s : s + chunk]],
                    )
                    for s in range(0, len(chosen), chunk)
                ]
            )
        else:
            chain.send_many([chain.tx(c.account, deal.token, "claim") for c in chosen])
        self.result.claims += len(chosen)


OFFER_CREATED = "0x" + keccak(text="OfferCreated(uint256,address,uint256,uint256)").hex()
WALLET_FREEZE_SET = "0x" + keccak(text="WalletFreezeSet(address,bool)").hex()


def _offer_id(logs: Sequence[dict[str, Any]], market: str) -> int:
    """The id of the offer an ``offer`` transaction created."""
    for log in logs:
        if log["address"].lower() == market.lower() and log["topics"][0] == OFFER_CREATED:
            return int(log["topics"][1], 16)
    raise TokenizerError("an offer on the market created no OfferCreated event")


def _rule_of(refusal: TransactionReverted) -> str:
    name = refusal.error_name or "unknown"
    kind = REFUSALS.get(name)
    return kind.rule if kind else name
