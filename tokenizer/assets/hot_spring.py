"""Kind ``hot_spring``: visitors x (ticket + spend per visitor), year-round with a winter peak.

``visitors_per_year / 12`` a month, times the month's seasonality factor; from opening the
visitor level ramps from ``start_level_bps`` to steady state over ``ramp_years``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from tokenizer.assets.hospitality import (
    FLAT_SEASON,
    read_seasonality,
    read_visitor_prices,
    season_of,
)
from tokenizer.assets.kind import (
    AssetKind,
    FloatArray,
    Labels,
    Month,
    MonthGrid,
    StreamContext,
    StreamFields,
)
from tokenizer.assets.registry import register
from tokenizer.spec.fields import Section
from tokenizer.spec.model import StreamSpec
from tokenizer.spec.reference import BPS

__all__ = ["HotSpring", "HotSpringStream"]

_BPS = float(BPS)


@dataclass(frozen=True, kw_only=True)
class HotSpringStream(StreamSpec):
    """Visitors x (ticket + spend per visitor), year-round with a winter peak."""

    kind: ClassVar[str] = "hot_spring"
    visitors_per_year: int  # steady state
    ticket: int  # revenue-currency smallest units
    spend_per_visitor: int = 0
    start_level_bps: int = BPS  # visitors at opening as a share of steady state
    seasonality: tuple[Decimal, ...] = FLAT_SEASON  # Jan..Dec visitor factors, mean 1


@register
class HotSpring(AssetKind[HotSpringStream]):
    stream_type = HotSpringStream
    fields = (
        "visitors_per_year", "ticket", "spend_per_visitor", "start_level_bps", "seasonality",
    )  # fmt: skip
    labels = Labels(
        title="Hot springs",
        description="visitors a year x (ticket + spend per visitor), seasonal",
        driver="visitors",
    )

    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> HotSpringStream:
        prices = read_visitor_prices(s, ctx)
        return HotSpringStream(
            **common,
            visitors_per_year=s.integer("visitors_per_year", 1, 100_000_000),
            ticket=prices.ticket,
            spend_per_visitor=prices.spend_per_visitor,
            start_level_bps=prices.start_level_bps,
            seasonality=read_seasonality(s),
        )

    def opening_level(self, stream: HotSpringStream) -> float:
        return stream.start_level_bps / _BPS

    def monthly_base(self, stream: HotSpringStream, grid: MonthGrid) -> FloatArray:
        season = season_of(stream.seasonality, grid.calendar)
        price = (stream.ticket + stream.spend_per_visitor) / grid.unit
        result: FloatArray = (
            stream.visitors_per_year / 12.0 * season * grid.ramp * price * grid.growth
        )
        return result

    def month_base(self, stream: HotSpringStream, month: Month) -> float:
        price = (stream.ticket + stream.spend_per_visitor) / month.unit
        season = float(stream.seasonality[month.calendar])
        return stream.visitors_per_year / 12.0 * season * month.ramp * price * month.growth
