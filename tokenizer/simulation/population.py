"""A made-up investor population: who they are and what they would buy in the primary sale.

Wallet keys are derived from a public string (the deal id, the seed and the investor's index),
so a run is repeatable, and so these wallets must never hold anything real: the simulation
refuses any chain that is not a local development chain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from eth_utils.crypto import keccak

from tokenizer.chain.signer import Wallet
from tokenizer.operations.kyc import Identity
from tokenizer.spec import COUNTRY_NUMERIC, EU_MEMBERS, INVESTOR_CLASSES, DealSpec


@dataclass(frozen=True)
class Investor:
    index: int
    account: Wallet
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

    def identity(self) -> Identity:
        return Identity(self.address, self.country_numeric, self.class_id)


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
                account=Wallet(key),
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
    return _plan(spec, population)[0]


# Why a planned investor buys nothing, by the spec field that decides it.
LEFT_OUT_HARD_CAP = "offering.hard_cap"
LEFT_OUT_MAX_HOLDERS = "compliance.max_holders"
LEFT_OUT_MIN_TICKET = "offering.min_purchase"


def left_out(spec: DealSpec, population: Sequence[Investor]) -> dict[str, int]:
    """How many investors the plan leaves out, by the limit that leaves them out (the hard cap
    already reached, the maximum number of holders reached, a budget below the minimum
    ticket); empty when everyone buys."""
    return dict(Counter(r for r in _plan(spec, population)[1] if r))


def _plan(spec: DealSpec, population: Sequence[Investor]) -> tuple[list[int], list[str]]:
    off, rules = spec.offering, spec.compliance
    room = off.hard_cap
    most = off.max_purchase
    if rules.max_balance:  # the most a buyer may pay without holding more than the maximum
        most = min(most, rules.max_balance * off.price // spec.token.unit)
    buyers_left = rules.max_holders or len(population)
    plan, reasons = [], []
    for investor in population:
        pay = min(investor.budget, most, room) if buyers_left else 0
        pay -= pay % off.price  # whole tokens only: nothing paid is left unconverted
        reason = ""
        if pay < off.min_purchase or pay <= 0:
            wanted = min(investor.budget, most)
            if not buyers_left:
                reason = LEFT_OUT_MAX_HOLDERS
            elif wanted - wanted % off.price >= off.min_purchase:
                reason = LEFT_OUT_HARD_CAP  # the room left, not the investor, was too small
            else:
                reason = LEFT_OUT_MIN_TICKET
            pay = 0
        room -= pay
        buyers_left -= 1 if pay else 0
        plan.append(pay)
        reasons.append(reason)
    return plan, reasons


def jurisdiction_mix(population: Sequence[Investor]) -> dict[str, int]:
    return dict(Counter(i.country for i in population).most_common())


def plan_tranche_purchases(spec: DealSpec, population: Sequence[Investor]) -> list[list[int]]:
    """How much each investor pays for each tranche of a structured deal (``[tranche][investor]``).

    Each tranche is sold at par and only in full (its soft cap is its hard cap), so the plan
    places every tranche exactly: the tranches with a class rule first (fewer investors may buy
    them), each from the investors of that class or above who have not bought yet, within the
    ticket limits; a ticket that would leave less than the minimum to place is cut so the last
    buyer can take the rest. Each investor buys one tranche. A tranche that cannot be filled
    is planned anyway (its sale then fails and is refunded).
    """
    structure = spec.structure
    assert structure is not None
    off = spec.offering
    plan = [[0] * len(population) for _ in structure.tranches]
    taken: set[int] = set()
    order = sorted(
        range(len(structure.tranches)),
        key=lambda i: -INVESTOR_CLASSES.index(structure.tranches[i].min_investor_class or "retail"),
    )
    for i in order:
        t = structure.tranches[i]
        least = min(off.min_purchase, t.size)
        most = max(least, min(off.max_purchase, t.size))
        floor = INVESTOR_CLASSES.index(t.min_investor_class or "retail")
        room = t.size
        for n, investor in enumerate(population):
            if room == 0:
                break
            if n in taken or investor.class_id < floor:
                continue
            pay = min(investor.budget, most, room)
            if 0 < room - pay < least:  # leave enough for a last minimum ticket
                pay = room - least
            if pay < least:
                continue
            plan[i][n] = pay
            room -= pay
            taken.add(n)
    return plan
