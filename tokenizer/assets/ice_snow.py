"""Kind ``ice_snow``: visitors x (ticket + spend) in the winter season only.

``visitors_per_season`` is spread evenly over the ``season_months`` (winter months only, by
default December to February); every other month earns nothing. From opening the visitor level
ramps from ``start_level_bps`` to steady state over ``ramp_years``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

import numpy as np

from tokenizer.assets.hospitality import VenueStream, VisitorVenue
from tokenizer.assets.kind import (
    FloatArray,
    Labels,
    Month,
    MonthGrid,
    StreamContext,
    StreamFields,
)
from tokenizer.assets.registry import register
from tokenizer.spec.fields import Section, check_int

__all__ = ["WINTER_MONTHS", "IceSnow", "IceSnowStream"]


#: Months in which an ice-and-snow venue can open (northern-hemisphere winter, November-March).
WINTER_MONTHS: Final[frozenset[int]] = frozenset({11, 12, 1, 2, 3})
_DEFAULT_SEASON: Final = (12, 1, 2)


@dataclass(frozen=True, kw_only=True)
class IceSnowStream(VenueStream):
    """Visitors x (ticket + spend) in the winter season only, spread evenly over its months."""

    kind: ClassVar[str] = "ice_snow"
    visitors_per_season: int  # steady state
    season_months: tuple[int, ...] = _DEFAULT_SEASON


@register
class IceSnow(VisitorVenue[IceSnowStream]):
    stream_type = IceSnowStream
    fields = (
        "visitors_per_season", "ticket", "spend_per_visitor", "start_level_bps", "season_months",
    )  # fmt: skip
    labels = Labels(
        title="Ice and snow",
        description="visitors a season x (ticket + spend per visitor), winter months only",
        driver="visitors",
    )

    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> IceSnowStream:
        return IceSnowStream(
            **common,
            **self.prices(s, ctx),
            visitors_per_season=s.integer("visitors_per_season", 1, 100_000_000),
            season_months=_season_months(s),
        )

    def monthly_base(self, stream: IceSnowStream, grid: MonthGrid) -> FloatArray:
        in_season = np.isin(grid.calendar + 1, stream.season_months).astype(np.float64)
        price = stream.price_per_visitor(grid.unit)
        per_month = stream.visitors_per_season / len(stream.season_months)
        result: FloatArray = per_month * in_season * grid.ramp * price * grid.growth
        return result

    def month_base(self, stream: IceSnowStream, month: Month) -> float:
        if month.calendar + 1 not in stream.season_months:
            return 0.0
        price = stream.price_per_visitor(month.unit)
        per_month = stream.visitors_per_season / len(stream.season_months)
        return per_month * 1.0 * month.ramp * price * month.growth


def _season_months(s: Section) -> tuple[int, ...]:
    if not s.has("season_months"):
        return _DEFAULT_SEASON
    items = s.items("season_months")
    if not items:
        s.fail("season_months", "must list at least one month")
    months: list[int] = []
    for i, item in enumerate(items):
        month = check_int(s, f"season_months[{i}]", item, 1, 12)
        if month not in WINTER_MONTHS:
            s.fail(
                f"season_months[{i}]",
                f"ice-and-snow venues open in winter only (months 11, 12, 1, 2, 3), got {month}",
            )
        if month in months:
            s.fail(f"season_months[{i}]", f"month {month} is listed twice")
        months.append(month)
    return tuple(months)
