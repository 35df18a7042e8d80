"""The sale sections: what is sold (``token``), what it is paid in (``settlement``), how the
primary sale works (``offering``) and who the simulated buyers are (``investors``)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from tokenizer.spec.fields import Section
from tokenizer.spec.model import InvestorsSpec, OfferingSpec, SettlementSpec, TokenSpec
from tokenizer.spec.reference import BPS, CURRENCY_DECIMALS, INVESTOR_CLASSES

__all__ = [
    "INVESTORS_FIELDS",
    "OFFERING_FIELDS",
    "SETTLEMENT_FIELDS",
    "TOKEN_FIELDS",
    "read_investors",
    "read_offering",
    "read_settlement",
    "read_token",
]

_SYMBOL: Final = re.compile(r"[A-Za-z0-9]{1,11}")
_SYMBOL_SHAPE: Final = "1 to 11 letters or digits"

TOKEN_FIELDS: Final = ("name", "symbol", "decimals", "supply", "revenue_share_bps", "term_years")


def read_token(s: Section) -> TokenSpec:
    decimals = s.integer("decimals", 0, 18, default=18)
    return TokenSpec(
        name=s.text("name", max_len=100),
        symbol=s.text("symbol", pattern=_SYMBOL, shape=_SYMBOL_SHAPE),
        decimals=decimals,
        supply=s.amount("supply", decimals, "the token"),
        revenue_share_bps=s.bps("revenue_share_bps", 1, BPS),
        term_years=s.integer("term_years", 1, 99),
    )


SETTLEMENT_FIELDS: Final = (
    "name", "symbol", "decimals", "fx_per_unit", "revenue_currency", "address",
)  # fmt: skip
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def read_settlement(s: Section) -> SettlementSpec:
    currency = s.text("revenue_currency")
    if currency not in CURRENCY_DECIMALS:
        s.fail(
            "revenue_currency",
            f"unknown currency {currency!r} (known: {', '.join(CURRENCY_DECIMALS)})",
        )
    return SettlementSpec(
        name=s.text("name", max_len=100),
        symbol=s.text("symbol", pattern=_SYMBOL, shape=_SYMBOL_SHAPE),
        decimals=s.integer("decimals", 0, 18, default=6),
        fx_per_unit=s.decimal("fx_per_unit", Decimal(0), Decimal(1_000_000)),
        revenue_currency=currency,
        address=s.text("address", pattern=_ADDRESS, shape="0x and 40 hex digits")
        if s.has("address")
        else None,
    )


OFFERING_FIELDS: Final = (
    "price", "soft_cap", "hard_cap", "min_purchase", "max_purchase", "duration_days",
)  # fmt: skip


def read_offering(s: Section, token: TokenSpec, settlement: SettlementSpec) -> OfferingSpec:
    dec, unit = settlement.decimals, settlement.symbol
    offering = OfferingSpec(
        price=s.amount("price", dec, unit),
        soft_cap=s.amount("soft_cap", dec, unit),
        hard_cap=s.amount("hard_cap", dec, unit),
        min_purchase=s.amount("min_purchase", dec, unit),
        max_purchase=s.amount("max_purchase", dec, unit),
        duration_days=s.integer("duration_days", 1, 366),
    )
    # Exact: hard_cap <= supply / 10**decimals * price, compared without division.
    if offering.hard_cap * token.unit > token.supply * offering.price:
        priced = token.supply * offering.price // token.unit
        s.fail(
            "hard_cap",
            f"must not exceed token.supply at offering.price ({offering.hard_cap} > {priced})",
        )
    if offering.soft_cap > offering.hard_cap:
        s.fail(
            "soft_cap",
            f"must not exceed offering.hard_cap ({offering.soft_cap} > {offering.hard_cap})",
        )
    if offering.min_purchase > offering.max_purchase:
        s.fail(
            "min_purchase",
            f"must not exceed offering.max_purchase "
            f"({offering.min_purchase} > {offering.max_purchase})",
        )
    if offering.max_purchase > offering.hard_cap:
        s.fail(
            "max_purchase",
            f"must not exceed offering.hard_cap ({offering.max_purchase} > {offering.hard_cap})",
        )
    if offering.min_purchase * token.unit < offering.price:
        # Buying less than one base unit of the token would round to nothing.
        s.fail("min_purchase", "buys less than one token base unit at offering.price")
    return offering


INVESTORS_FIELDS: Final = ("count", "jurisdictions", "classes", "budget_min", "budget_max")


def read_investors(s: Section, settlement: SettlementSpec) -> InvestorsSpec:
    jurisdictions = s.weights("jurisdictions", "jurisdiction")
    dec, unit = settlement.decimals, settlement.symbol
    investors = InvestorsSpec(
        count=s.integer("count", 1, 100_000),
        jurisdictions=jurisdictions,
        classes=s.weights("classes", "investor class", INVESTOR_CLASSES),
        budget_min=s.amount("budget_min", dec, unit),
        budget_max=s.amount("budget_max", dec, unit),
    )
    if investors.budget_min > investors.budget_max:
        s.fail(
            "budget_min",
            f"must not exceed investors.budget_max "
            f"({investors.budget_min} > {investors.budget_max})",
        )
    return investors
