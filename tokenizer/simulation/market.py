"""Secondary trades between simulated investors, through the deal's delivery-versus-payment market.

Each round a few holders sell part of their tokens to other investors. Every planned trade is
first put to the token's ``canTransfer``; a refused one (a lock-up still running, a buyer over
the maximum balance, a frozen wallet, a retail buyer of a junior tranche for professional
investors...) is counted by the rule that refused it and not sent. A structured deal has a
market per tranche, each trading its tranche token under that token's own rules. The buyers'
payments are minted: their bank pays them, in the simulation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tokenizer.chain import Chain, Contract, TxRequest
from tokenizer.compliance.check import check_many
from tokenizer.compliance.refusals import REFUSALS
from tokenizer.deploy import Deal
from tokenizer.errors import TokenizerError, TransactionReverted
from tokenizer.simulation.population import Investor
from tokenizer.spec import DealSpec
from tokenizer.units import MAX_UINT256, SECONDS_PER_DAY

Trade = tuple[Investor, Investor, int, int]  # seller, buyer, token amount, price

# assumption: a simulated offer stands for a day; it is taken within the same round anyway.
OFFER_LIFETIME_SECONDS = SECONDS_PER_DAY


@dataclass
class TradeTally:
    """What this run's trading did: settled trades, their volume, refusals by rule."""

    trades: int = 0
    volume: int = 0
    refused: dict[str, int] = field(default_factory=dict)

    def refuse(self, rule: str) -> None:
        self.refused[rule] = self.refused.get(rule, 0) + 1


class Holdings:
    """Token balances of the population, read from the chain once and then kept up to date
    (of the deal's token, or of ``token``: one tranche's)."""

    def __init__(
        self,
        chain: Chain,
        deal: Deal,
        population: Sequence[Investor],
        token: Contract | None = None,
    ) -> None:
        self.chain, self.deal, self.population = chain, deal, list(population)
        self.token = token or deal.token
        self._balances: dict[str, int] | None = None

    def holders(self) -> list[tuple[Investor, int]]:
        if self._balances is None:
            balances = self.chain.read_many(
                self.token, "balanceOf", [[i.address] for i in self.population]
            )
            self._balances = {i.address: b for i, b in zip(self.population, balances, strict=True)}
        return [
            (i, self._balances[i.address]) for i in self.population if self._balances[i.address]
        ]

    def move(self, seller: str, buyer: str, amount: int) -> None:
        if self._balances is not None:
            self._balances[seller] -= amount
            self._balances[buyer] += amount


class SecondaryMarket:
    """Plans, checks and settles each round's trades of one token in its market (the deal's,
    or one tranche's: ``market`` trading ``holdings.token``; ``salt`` varies the draws)."""

    def __init__(
        self,
        chain: Chain,
        deal: Deal,
        spec: DealSpec,
        holdings: Holdings,
        seed: int,
        trades_per_round: int,
        market: Contract | None = None,
        tally: TradeTally | None = None,
        salt: int = 0,
    ) -> None:
        self.chain, self.deal, self.spec, self.holdings = chain, deal, spec, holdings
        self.seed, self.trades_per_round, self.salt = seed, trades_per_round, salt
        self.token, self.market = holdings.token, market or deal.market
        # The price of a whole token at the sale: a structured deal's tranches were sold at
        # par, one settlement unit a token.
        self.unit_price = spec.settlement.unit if deal.structured else spec.offering.price
        self.tally = tally if tally is not None else TradeTally()
        self._approved: set[tuple[str, str]] = set()  # (wallet, token) allowances given

    def round(
        self, period: int, when: int, kyc_expiry: dict[str, int], renew: Callable[[int], None]
    ) -> None:
        """One round of trades after ``period``; ``renew`` refreshes lapsed KYC checks first."""
        if self.trades_per_round <= 0 or when >= self.deal.deployment.schedule["maturity"]:
            return
        rng = np.random.default_rng(
            [self.seed, period, 7, self.salt] if self.salt else [self.seed, period, 7]
        )
        holders = self.holdings.holders()
        if not holders:
            return
        population = self.holdings.population
        plans: list[Trade] = []
        busy: set[str] = set()  # one trade per wallet and round: each check stands alone
        lapsed = False
        sellers = rng.choice(
            len(holders), size=min(self.trades_per_round, len(holders)), replace=False
        )
        for s in sellers:
            seller, balance = holders[int(s)]
            buyer = population[int(rng.integers(0, len(population)))]
            amount = balance * int(rng.integers(1, 51)) // 100  # 1 % to 50 % of the position
            premium_bps = int(rng.integers(9_000, 11_501))  # 90 % to 115 % of the sale price
            if (
                buyer.address == seller.address
                or amount == 0
                or {seller.address, buyer.address} & busy
            ):
                continue
            busy |= {seller.address, buyer.address}
            price = amount * self.unit_price * premium_bps // (self.spec.token.unit * 10_000)
            if price == 0:
                continue
            if kyc_expiry.get(buyer.address, 0) <= when + 1:
                lapsed = True
            plans.append((seller, buyer, amount, price))
        if lapsed:
            renew(when)
        if not plans:
            return
        verdicts = check_many(
            self.chain,
            self.token,
            [(seller.address, buyer.address, amount) for seller, buyer, amount, _ in plans],
        )
        accepted = []
        for plan, verdict in zip(plans, verdicts, strict=True):
            if verdict.allowed:
                accepted.append(plan)
            else:
                self.tally.refuse(verdict.rule or verdict.error or "unknown")
        if accepted:
            self._settle(accepted)

    def _settle(self, trades: list[Trade]) -> None:
        """Sellers offer, buyers take: each trade both legs or neither, in the market."""
        chain, deal = self.chain, self.deal
        market = self.market.address
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
            for wallet, token in ((seller, self.token), (buyer, deal.stablecoin)):
                if (wallet.address, token.address) not in self._approved:
                    setup.append(chain.tx(wallet.account, token, "approve", market, MAX_UINT256))
                    self._approved.add((wallet.address, token.address))
        expiry = chain.timestamp() + OFFER_LIFETIME_SECONDS
        offers = [
            chain.tx(seller.account, self.market, "offer", amount, price, expiry)
            for seller, _, amount, price in trades
        ]
        chain.send_many(setup)  # an offer is refused unless the seller has approved the market
        receipts = chain.send_many(offers)
        ids = [_offer_id(receipt.logs, self.market) for receipt in receipts]
        takes = [
            chain.tx(buyer.account, self.market, "take", offer_id)
            for (_, buyer, _, _), offer_id in zip(trades, ids, strict=True)
        ]
        try:
            chain.send_many(takes)
            settled = list(trades)
        except TransactionReverted:
            settled = self._settle_one_by_one(trades, ids, takes)
        for seller, buyer, amount, price in settled:
            self.holdings.move(seller.address, buyer.address, amount)
            self.tally.volume += price
        self.tally.trades += len(settled)

    def _settle_one_by_one(
        self, trades: list[Trade], ids: list[int], takes: list[TxRequest]
    ) -> list[Trade]:
        """After a batch of takes failed: an earlier trade of the round changed what a later
        one's check saw (say, the last free holder place). Some takes may have settled; the
        others are tried alone, and a refused one is counted and its offer withdrawn."""
        chain = self.chain
        offers = chain.read_many(self.market, "offerOf", [[i] for i in ids])
        settled, withdraw = [], []
        for trade, offer_id, take, offer in zip(trades, ids, takes, offers, strict=True):
            if not offer[1]:  # no longer open: it settled in the batch
                settled.append(trade)
                continue
            try:
                chain.send(take)
                settled.append(trade)
            except TransactionReverted as refusal:
                self.tally.refuse(_rule_of(refusal))
                withdraw.append(chain.tx(trade[0].account, self.market, "cancel", offer_id))
        if withdraw:
            chain.send_many(withdraw)
        return settled


def _offer_id(logs: Sequence[dict[str, Any]], market: Contract) -> int:
    """The id of the offer an ``offer`` transaction created."""
    created = market.events.OfferCreated
    for log in logs:
        if log["address"].lower() == market.address.lower() and log["topics"][0] == created.topic:
            return int(created.decode(log)["offerId"])
    raise TokenizerError("an offer on the market created no OfferCreated event")


def _rule_of(refusal: TransactionReverted) -> str:
    name = refusal.error_name or "unknown"
    kind = REFUSALS.get(name)
    return kind.rule if kind else name
