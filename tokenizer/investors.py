"""A simulated investor population: who they are, KYC, and their primary-sale purchases.

Wallet keys are derived from the deal id, the seed and the investor's index, so a run is
repeatable; they are simulation keys on a local chain, never real ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak

from tokenizer.chain import Chain
from tokenizer.deploy import Deal
from tokenizer.spec import COUNTRY_NUMERIC, EU_MEMBERS, DealSpec
from tokenizer.units import SECONDS_PER_DAY

INVESTOR_CLASSES = ("retail", "professional", "accredited", "institutional")
REGISTRATION_CHUNK = 100  # investors per batchRegisterInvestors transaction
GAS_ALLOWANCE_WEI = 10**18  # native coin each simulated wallet gets for its gas


@dataclass(frozen=True)
class Investor:
    index: int
    account: LocalAccount
    country: str  # ISO 3166-1 alpha-2
    investor_class: str
    budget: int  # settlement smallest units the investor is willing to spend

    @property
    def address(self) -> str:
        return str(self.account.address)

    @property
    def country_numeric(self) -> int:
        return COUNTRY_NUMERIC[self.country]

    @property
    def class_id(self) -> int:
        return INVESTOR_CLASSES.index(self.investor_class)


def _weighted_choice(rng: np.random.Generator, weights: dict[str, int], n: int) -> list[str]:
    names = list(weights)
    p = np.array([weights[k] for k in names], dtype=float)
    picks = rng.choice(len(names), size=n, p=p / p.sum())
    return [names[int(i)] for i in picks]


def make_population(spec: DealSpec, count: int | None = None, seed: int = 0) -> list[Investor]:
    """``count`` investors drawn from the spec's jurisdiction and class mix, repeatably."""
    count = spec.investors.count if count is None else count
    rng = np.random.default_rng([seed, 0x1A7E57])
    places = _weighted_choice(rng, spec.investors.jurisdictions, count)
    classes = _weighted_choice(rng, spec.investors.classes, count)
    eu_picks = rng.integers(0, len(EU_MEMBERS), size=count)
    budgets = rng.integers(spec.investors.budget_min, spec.investors.budget_max + 1, size=count)
    population = []
    for i in range(count):
        country = EU_MEMBERS[int(eu_picks[i])] if places[i] == "EU" else places[i]
        investor_class = classes[i]
        if country == "US" and investor_class in ("retail", "professional"):
            investor_class = "accredited"  # US investors may only buy as accredited investors
        key = keccak(text=f"rwa-sim-investor:{spec.id}:{seed}:{i}")
        population.append(
            Investor(
                index=i,
                account=Account.from_key(key),
                country=country,
                investor_class=investor_class,
                budget=int(budgets[i]),
            )
        )
    return population


def plan_purchases(spec: DealSpec, population: Sequence[Investor]) -> list[int]:
    """How much each investor pays: their budget within the ticket limits, until the hard cap.

    The deal's compliance limits hold too: nobody buys more than the maximum balance, and no
    more investors buy than the maximum number of holders. Integer arithmetic only; an
    investor whose remaining room is below the minimum ticket buys nothing.
    """
    off, rules = spec.offering, spec.compliance
    room = off.hard_cap
    most = off.max_purchase
    if rules.max_balance:  # the most a buyer may pay without holding more than the maximum
        most = min(most, rules.max_balance * off.price // spec.token.unit)
    buyers_left = rules.max_holders or len(population)
    plan = []
    for investor in population:
        pay = min(investor.budget, most, room) if buyers_left else 0
        pay -= pay % off.price  # whole tokens only: nothing paid is left unconverted
        if pay < off.min_purchase or pay <= 0:
            pay = 0
        room -= pay
        buyers_left -= 1 if pay else 0
        plan.append(pay)
    return plan


def jurisdiction_mix(population: Sequence[Investor]) -> dict[str, int]:
    return dict(Counter(i.country for i in population).most_common())


def register(chain: Chain, deal: Deal, population: Sequence[Investor], kyc_days: int) -> None:
    """KYC: register every wallet in the identity registry, many per transaction, and give each
    wallet native coin for its gas."""
    chain.fund([i.address for i in population], GAS_ALLOWANCE_WEI, deal.roles.admin)
    expiry = chain.timestamp() + kyc_days * SECONDS_PER_DAY
    txs = []
    for start in range(0, len(population), REGISTRATION_CHUNK):
        chunk = population[start : start + REGISTRATION_CHUNK]
        txs.append(
            chain.tx(
                deal.roles.agent,
                deal.registry,
                "batchRegisterInvestors",
                [i.address for i in chunk],
                [i.country_numeric for i in chunk],
                [i.class_id for i in chunk],
                [expiry] * len(chunk),
            )
        )
    chain.send_many(txs)


def buy(
    chain: Chain,
    deal: Deal,
    population: Sequence[Investor],
    payments: Sequence[int],
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Fund each buyer with stablecoin, approve the offering, and buy, in batches.

    Returns ``{address: payment}`` for the investors who bought.
    """
    buyers = [(inv, pay) for inv, pay in zip(population, payments, strict=True) if pay > 0]
    if not buyers:
        return {}
    mint_chunk = 200
    chain.send_many(
        [
            chain.tx(
                deal.roles.admin,
                deal.stablecoin,
                "batchMint",
                [inv.address for inv, _ in buyers[s : s + mint_chunk]],
                [pay for _, pay in buyers[s : s + mint_chunk]],
            )
            for s in range(0, len(buyers), mint_chunk)
        ]
    )
    offering = deal.offering.address
    chain.send_many(
        [chain.tx(inv.account, deal.stablecoin, "approve", offering, pay) for inv, pay in buyers]
    )
    if progress:
        progress(len(buyers) // 2)
    chain.send_many([chain.tx(inv.account, deal.offering, "buy", pay) for inv, pay in buyers])
    if progress:
        progress(len(buyers) - len(buyers) // 2)
    return {inv.address: pay for inv, pay in buyers}
