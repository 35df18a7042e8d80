"""Pieces the hospitality kinds share: monthly seasonality factors, visitor prices, and the
base of the visitor venues.

Not a kind itself (it registers nothing); ``hotel``, ``hot_spring`` and ``ice_snow`` use it.
:class:`VisitorVenue` is what ``hot_spring`` and ``ice_snow`` have in common: a ticket, a spend
per visitor and a visitor level at opening, which ramps to steady state.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Generic, TypeVar

import numpy as np

from tokenizer.assets.kind import AssetKind, FloatArray, IntArray, StreamContext
from tokenizer.spec.fields import Section
from tokenizer.spec.model import StreamSpec
from tokenizer.spec.reference import BPS
from tokenizer.spec.values import show, to_decimal

__all__ = [
    "FLAT_SEASON",
    "VenueStream",
    "VisitorPrices",
    "VisitorVenue",
    "read_seasonality",
    "read_visitor_prices",
    "season_of",
]

#: Twelve factors of one: no seasonality.
FLAT_SEASON: Final[tuple[Decimal, ...]] = (Decimal(1),) * 12


def read_seasonality(s: Section) -> tuple[Decimal, ...]:
    """The optional ``seasonality`` field: 12 monthly factors, January first, averaging 1."""
    if not s.has("seasonality"):
        return FLAT_SEASON
    items = s.items("seasonality")
    if len(items) != 12:
        s.fail("seasonality", f"must list 12 monthly factors (January first), got {len(items)}")
    factors = []
    for i, item in enumerate(items):
        try:
            factor = to_decimal(item)
        except ValueError as exc:
            s.fail(f"seasonality[{i}]", str(exc))
        if not 0 <= factor <= 12:
            s.fail(f"seasonality[{i}]", f"must be between 0 and 12, got {show(item)}")
        factors.append(factor)
    total = sum(factors, Decimal(0))
    if abs(total - 12) > Decimal("0.001"):
        s.fail(
            "seasonality",
            f"the 12 monthly factors must average 1 (sum to 12), got a sum of {total}",
        )
    return tuple(factors)


def season_of(factors: tuple[Decimal, ...], calendar: IntArray) -> FloatArray:
    """The seasonality factor of each month in ``calendar`` (0 = January), as floats."""
    result: FloatArray = np.array([float(f) for f in factors])[calendar]
    return result


@dataclass(frozen=True)
class VisitorPrices:
    ticket: int  # revenue-currency smallest units
    spend_per_visitor: int
    start_level_bps: int


def read_visitor_prices(s: Section, ctx: StreamContext) -> VisitorPrices:
    """``ticket``, ``spend_per_visitor`` (not both zero) and ``start_level_bps`` of a venue."""
    ticket = s.amount("ticket", ctx.decimals, ctx.money, positive=False)
    spend = s.amount("spend_per_visitor", ctx.decimals, ctx.money, positive=False, default=0)
    if ticket + spend == 0:
        s.fail("ticket", "ticket and spend_per_visitor are both zero: the stream earns nothing")
    start_level = s.bps("start_level_bps", 0, BPS, default=BPS)
    return VisitorPrices(ticket=ticket, spend_per_visitor=spend, start_level_bps=start_level)


@dataclass(frozen=True, kw_only=True)
class VenueStream(StreamSpec):
    """The fields every visitor venue has: what a visitor pays, and the level at opening."""

    ticket: int  # revenue-currency smallest units
    spend_per_visitor: int = 0
    start_level_bps: int = BPS  # visitors at opening as a share of steady state

    def price_per_visitor(self, unit: float) -> float:
        """Ticket plus spend, in whole units of the revenue currency (``unit`` smallest units)."""
        return (self.ticket + self.spend_per_visitor) / unit


V = TypeVar("V", bound=VenueStream)


class VisitorVenue(AssetKind[V], Generic[V]):
    """A kind whose revenue is visitors x (ticket + spend), ramping from its opening level."""

    @staticmethod
    def prices(s: Section, ctx: StreamContext) -> dict[str, int]:
        """The venue's price fields, read and checked, for the stream dataclass (``**``)."""
        prices = read_visitor_prices(s, ctx)
        return {
            "ticket": prices.ticket,
            "spend_per_visitor": prices.spend_per_visitor,
            "start_level_bps": prices.start_level_bps,
        }

    def opening_level(self, stream: V) -> float:
        return stream.start_level_bps / float(BPS)
