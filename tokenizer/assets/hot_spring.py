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
    VenueStream,
    VisitorVenue,
    read_seasonality,
    season_of,
)
from tokenizer.assets.kind import (
    FloatArray,
    Labels,
    Month,
    MonthGrid,
    StreamContext,
    StreamFields,
)
from tokenizer.assets.registry import register
from tokenizer.spec.fields import Section

__all__ = ["HotSpring", "HotSpringStream"]


@dataclass(frozen=True, kw_only=True)
class HotSpringStream(VenueStream):
    """Visitors x (ticket + spend per visitor), year-round with a winter peak."""

    kind: ClassVar[str] = "hot_spring"
    visitors_per_year: int  # steady state
    seasonality: tuple[Decimal, ...] = FLAT_SEASON  # Jan..Dec visitor factors, mean 1


@register
class HotSpring(VisitorVenue[HotSpringStream]):
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
        return HotSpringStream(
            **common,
            **self.prices(s, ctx),
            visitors_per_year=s.integer("visitors_per_year", 1, 100_000_000),
            seasonality=read_seasonality(s),
        )

    def monthly_base(self, stream: HotSpringStream, grid: MonthGrid) -> FloatArray:
        season = season_of(stream.seasonality, grid.calendar)
        price = stream.price_per_visitor(grid.unit)
        result: FloatArray = (
            stream.visitors_per_year / 12.0 * season * grid.ramp * price * grid.growth
        )
        return result

    def month_base(self, stream: HotSpringStream, month: Month) -> float:
        price = stream.price_per_visitor(month.unit)
        season = float(stream.seasonality[month.calendar])
        return stream.visitors_per_year / 12.0 * season * month.ramp * price * month.growth
