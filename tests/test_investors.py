"""The simulated investors' primary purchases respect the deal's compliance limits."""

from __future__ import annotations

import dataclasses

from tokenizer.simulation import population as inv
from tokenizer.spec import DealSpec


def test_purchases_stay_within_the_ticket_limits_and_the_hard_cap(xiaoping: DealSpec) -> None:
    population = inv.make_population(xiaoping, 300, 0)
    plan = inv.plan_purchases(xiaoping, population)
    off = xiaoping.offering
    assert sum(plan) <= off.hard_cap
    assert all(p == 0 or off.min_purchase <= p <= off.max_purchase for p in plan)
    assert all(p % off.price == 0 for p in plan)


def test_no_buyer_pays_for_more_than_the_maximum_balance(xiaoping: DealSpec) -> None:
    unit = xiaoping.token.unit
    limit = 120_000 * unit  # tokens, at 1.00 a token: 120,000 of the settlement currency
    spec = dataclasses.replace(
        xiaoping, compliance=dataclasses.replace(xiaoping.compliance, max_balance=limit)
    )
    plan = inv.plan_purchases(spec, inv.make_population(spec, 100, 0))
    price = spec.offering.price
    assert max(p * unit // price for p in plan) == limit


def test_no_more_investors_buy_than_the_maximum_number_of_holders(xiaoping: DealSpec) -> None:
    spec = dataclasses.replace(
        xiaoping, compliance=dataclasses.replace(xiaoping.compliance, max_holders=7)
    )
    plan = inv.plan_purchases(spec, inv.make_population(spec, 100, 0))
    assert sum(1 for p in plan if p) == 7
