"""Kind ``hotel``: rooms x occupancy x days x average daily rate x (1 + ancillary).

Occupancy is the steady annual average times the month's seasonality factor, capped at 100 %;
from opening it ramps from ``start_occupancy_bps`` to ``occupancy_bps`` over ``ramp_years``.
Ancillary revenue (care, food) is a share of room revenue.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

import numpy as np

from tokenizer.assets.hospitality import FLAT_SEASON, read_seasonality, season_of
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

__all__ = ["Hotel", "HotelStream"]

_BPS = float(BPS)


@dataclass(frozen=True, kw_only=True)
class HotelStream(StreamSpec):
    """Rooms x occupancy x average daily rate x days, plus ancillary (care, food) revenue."""

    kind: ClassVar[str] = "hotel"
    rooms: int
    adr: int  # average daily rate, revenue-currency smallest units
    occupancy_bps: int  # steady-state annual average
    start_occupancy_bps: int  # at opening; ramps linearly to occupancy_bps over ramp_years
    ancillary_bps: int = 0  # other revenue as a share of room revenue
    seasonality: tuple[Decimal, ...] = FLAT_SEASON  # Jan..Dec occupancy factors, mean 1


@register
class Hotel(AssetKind[HotelStream]):
    stream_type = HotelStream
    fields = (
        "rooms", "adr", "occupancy_bps", "start_occupancy_bps", "ancillary_bps", "seasonality",
    )  # fmt: skip
    labels = Labels(
        title="Hotel rooms",
        description="rooms x occupancy x days x average daily rate, plus ancillary revenue",
        driver="occupied room nights",
    )

    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> HotelStream:
        occupancy = s.bps("occupancy_bps", 1, BPS)
        start = s.bps("start_occupancy_bps", 0, BPS, default=occupancy)
        if start > occupancy:
            s.fail("start_occupancy_bps", f"must not exceed occupancy_bps ({start} > {occupancy})")
        return HotelStream(
            **common,
            rooms=s.integer("rooms", 1, 100_000),
            adr=s.amount("adr", ctx.decimals, ctx.money),
            occupancy_bps=occupancy,
            start_occupancy_bps=start,
            ancillary_bps=s.bps("ancillary_bps", 0, 5 * BPS, default=0),
            seasonality=read_seasonality(s),
        )

    def opening_level(self, stream: HotelStream) -> float:
        return stream.start_occupancy_bps / stream.occupancy_bps

    def monthly_base(self, stream: HotelStream, grid: MonthGrid) -> FloatArray:
        season = season_of(stream.seasonality, grid.calendar)
        occupancy = np.minimum(stream.occupancy_bps / _BPS * grid.ramp * season, 1.0)
        rate = stream.adr / grid.unit * (1.0 + stream.ancillary_bps / _BPS)
        result: FloatArray = stream.rooms * occupancy * grid.days * rate * grid.growth
        return result

    def month_base(self, stream: HotelStream, month: Month) -> float:
        season = float(stream.seasonality[month.calendar])
        occupancy = min(stream.occupancy_bps / _BPS * month.ramp * season, 1.0)
        rate = stream.adr / month.unit * (1.0 + stream.ancillary_bps / _BPS)
        return stream.rooms * occupancy * month.days * rate * month.growth
