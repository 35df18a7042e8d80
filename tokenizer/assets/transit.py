"""Kind ``transit``: paid rides x average fare, plus fare compensation, from a fleet in service.

The pledge is the fare box: ``riders_per_year / 12`` rides a month, times the month's
seasonality factor, times ``average_fare``, plus the city's compensation for concession rides
(``subsidy_bps`` of ticket revenue). Prices grow by the common ``growth_bps``.

Randomness of its own, per path (the kind's :meth:`Transit.path_factor`):

* ridership changes by ``ridership_trend_bps`` every term year (compounding; negative when
  riders drift to the metro and cars) -- deterministic, but it lives here with the rest;
* each ``fare_changes`` entry (a policy decision: a fare rise, a free-transfer scheme) happens
  with its ``probability_bps`` on each path and changes fares from its ``year`` on;
* the fare compensation stops for good, each year with ``subsidy_stop_bps_per_year``;
* the operator defaults, each year with ``operator_default_bps_per_year`` (a constant hazard,
  per period). A loss-making operator's default is a credit risk to the pledge even though the
  pledged receipts are gross: for ``default_standstill_months`` after it nothing reaches the
  holders (the receipts are frozen while the pledge is enforced); when the standstill ends
  ``standstill_recovery_bps`` of the frozen periods' collections are released (valued at the
  release period's level), and from then on ``default_diversion_bps`` of every collection is
  lost (commingled with the bankrupt operator's cash).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

import numpy as np

from tokenizer.assets.hazard import per_period, periods_of, sub_sections
from tokenizer.assets.hospitality import FLAT_SEASON, read_seasonality, season_of
from tokenizer.assets.kind import (
    AssetKind,
    Draw,
    FloatArray,
    IntArray,
    Labels,
    Month,
    MonthGrid,
    StreamContext,
    StreamFields,
)
from tokenizer.assets.registry import register
from tokenizer.spec.fields import Section
from tokenizer.spec.model import RevenueSpec, StreamSpec
from tokenizer.spec.reference import BPS

__all__ = ["FareChange", "Transit", "TransitStream"]

_BPS = float(BPS)
_FARE_CHANGE_FIELDS = ("year", "change_bps", "probability_bps", "reason")


@dataclass(frozen=True, kw_only=True)
class FareChange:
    """A fare-policy decision: fares change by ``change_bps`` from term year ``year`` on."""

    year: int
    change_bps: int
    probability_bps: int = BPS
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class TransitStream(StreamSpec):
    """Paid rides x average fare (+ fare compensation), with the operator's credit risk."""

    kind: ClassVar[str] = "transit"
    riders_per_year: int  # paid rides a year at the start of the term
    average_fare: int  # revenue-currency smallest units per ride, after transfer discounts
    ridership_trend_bps: int = 0  # yearly change of ridership, compounding
    seasonality: tuple[Decimal, ...] = FLAT_SEASON
    fare_changes: tuple[FareChange, ...] = ()
    subsidy_bps: int = 0  # fare compensation as a share of ticket revenue
    subsidy_stop_bps_per_year: int = 0
    operator_default_bps_per_year: int = 0
    default_standstill_months: int = 0
    standstill_recovery_bps: int = BPS
    default_diversion_bps: int = 0


@register
class Transit(AssetKind[TransitStream]):
    stream_type = TransitStream
    fields = (
        "riders_per_year", "average_fare", "ridership_trend_bps", "seasonality", "fare_changes",
        "subsidy_bps", "subsidy_stop_bps_per_year", "operator_default_bps_per_year",
        "default_standstill_months", "standstill_recovery_bps", "default_diversion_bps",
    )  # fmt: skip
    labels = Labels(
        title="Transit fares",
        description="paid rides x average fare, plus fare compensation; operator credit risk",
        driver="paid rides",
    )

    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> TransitStream:
        changes = []
        for c in sub_sections(s, "fare_changes", _FARE_CHANGE_FIELDS, required=False):
            changes.append(
                FareChange(
                    year=c.integer("year", 1, ctx.term_years),
                    change_bps=c.bps("change_bps", -9_000, 2 * BPS),
                    probability_bps=c.bps("probability_bps", 1, BPS, default=BPS),
                    reason=c.text("reason", default="fare-policy change"),
                )
            )
        return TransitStream(
            **common,
            riders_per_year=s.integer("riders_per_year", 1, 100_000_000_000),
            average_fare=s.amount("average_fare", ctx.decimals, ctx.money),
            ridership_trend_bps=s.bps("ridership_trend_bps", -5_000, 5_000, default=0),
            seasonality=read_seasonality(s),
            fare_changes=tuple(changes),
            subsidy_bps=s.bps("subsidy_bps", 0, 2 * BPS, default=0),
            subsidy_stop_bps_per_year=s.bps("subsidy_stop_bps_per_year", 0, BPS, default=0),
            operator_default_bps_per_year=s.bps("operator_default_bps_per_year", 0, BPS, default=0),
            default_standstill_months=s.integer("default_standstill_months", 0, 120, default=0),
            standstill_recovery_bps=s.bps("standstill_recovery_bps", 0, BPS, default=BPS),
            default_diversion_bps=s.bps("default_diversion_bps", 0, BPS, default=0),
        )

    def opening_level(self, stream: TransitStream) -> float:
        return 1.0  # a network in service: no ramp-up of its own

    def monthly_base(self, stream: TransitStream, grid: MonthGrid) -> FloatArray:
        season = season_of(stream.seasonality, grid.calendar)
        fare = stream.average_fare / grid.unit * (1.0 + stream.subsidy_bps / _BPS)
        result: FloatArray = stream.riders_per_year / 12.0 * season * fare * grid.ramp * grid.growth
        return result

    def month_base(self, stream: TransitStream, month: Month) -> float:
        season = float(stream.seasonality[month.calendar])
        fare = stream.average_fare / month.unit * (1.0 + stream.subsidy_bps / _BPS)
        return stream.riders_per_year / 12.0 * season * fare * month.ramp * month.growth

    # The kind's own randomness. Draws: 0 default (paths, periods), 1 subsidy stop
    # (paths, years), 2 + j fare change j (paths, 1).

    def path_factor(
        self, stream: TransitStream, revenue: RevenueSpec, periods: int, paths: int, draw: Draw
    ) -> FloatArray:
        ppy = revenue.periods_per_year
        years = -(-periods // ppy)
        year = np.arange(periods) // ppy
        factor = np.broadcast_to(_trend(stream, year), (paths, periods)).copy()
        for j, change in enumerate(stream.fare_changes):
            hit = draw(2 + j).random((paths, 1)) < change.probability_bps / _BPS
            factor *= 1.0 + change.change_bps / _BPS * (hit & (year >= change.year - 1))
        if stream.subsidy_bps:
            s = stream.subsidy_bps / _BPS
            stops = draw(1).random((paths, years)) < stream.subsidy_stop_bps_per_year / _BPS
            alive = np.cumsum(stops, axis=1) == 0
            factor *= (1.0 + s * alive[:, year]) / (1.0 + s)
        if stream.operator_default_bps_per_year:
            h = per_period(stream.operator_default_bps_per_year, ppy)
            hit = draw(0).random((paths, periods)) < h
            first = np.where(hit.any(axis=1), hit.argmax(axis=1), periods)
            since = np.arange(periods)[None, :] - first[:, None]
            factor *= _after_default(stream, revenue, since)
        return factor

    def path_factor_reference(
        self, stream: TransitStream, revenue: RevenueSpec, periods: int, paths: int, draw: Draw
    ) -> list[list[float]]:
        ppy = revenue.periods_per_year
        years = -(-periods // ppy)
        trend = 1.0 + stream.ridership_trend_bps / _BPS
        changes = [draw(2 + j).random((paths, 1)).tolist() for j in range(len(stream.fare_changes))]
        stop_rows = draw(1).random((paths, years)).tolist() if stream.subsidy_bps else None
        default_rows = (
            draw(0).random((paths, periods)).tolist()
            if stream.operator_default_bps_per_year
            else None
        )
        h = per_period(stream.operator_default_bps_per_year, ppy)
        s = stream.subsidy_bps / _BPS
        standstill = periods_of(stream.default_standstill_months, revenue.months_per_period)
        diversion = stream.default_diversion_bps / _BPS
        recovered = stream.standstill_recovery_bps / _BPS
        out = []
        for p in range(paths):
            defaulted_at = None
            if default_rows is not None:
                for t in range(periods):
                    if default_rows[p][t] < h:
                        defaulted_at = t
                        break
            alive = True
            row = []
            for t in range(periods):
                y = t // ppy
                value = trend**y
                for j, change in enumerate(stream.fare_changes):
                    if changes[j][p][0] < change.probability_bps / _BPS and y >= change.year - 1:
                        value *= 1.0 + change.change_bps / _BPS
                if stop_rows is not None:
                    if t % ppy == 0 and stop_rows[p][y] < stream.subsidy_stop_bps_per_year / _BPS:
                        alive = False
                    value *= (1.0 + (s if alive else 0.0)) / (1.0 + s)
                if defaulted_at is not None and t >= defaulted_at:
                    since = t - defaulted_at
                    if since < standstill:
                        value *= 0.0
                    elif since == standstill:
                        value *= 1.0 - diversion + recovered * standstill
                    else:
                        value *= 1.0 - diversion
                row.append(value)
            out.append(row)
        return out

    def expected_path_factor(
        self, stream: TransitStream, revenue: RevenueSpec, periods: int
    ) -> FloatArray:
        ppy = revenue.periods_per_year
        year = np.arange(periods) // ppy
        mean = _trend(stream, year)
        for change in stream.fare_changes:
            p = change.probability_bps / _BPS
            mean = mean * (1.0 + change.change_bps / _BPS * p * (year >= change.year - 1))
        if stream.subsidy_bps:
            s = stream.subsidy_bps / _BPS
            alive = (1.0 - stream.subsidy_stop_bps_per_year / _BPS) ** (year + 1)
            mean = mean * (1.0 + s * alive) / (1.0 + s)
        if stream.operator_default_bps_per_year:
            h = per_period(stream.operator_default_bps_per_year, ppy)
            t = np.arange(periods)
            after = np.zeros(periods)
            for d in range(periods):  # default in period d, with probability h (1 - h)**d
                since = t - d
                after += h * (1.0 - h) ** d * _after_default(stream, revenue, since) * (since >= 0)
            mean = mean * ((1.0 - h) ** (t + 1) + after)
        result: FloatArray = np.asarray(mean, dtype=np.float64)
        return result


def _trend(stream: TransitStream, year: IntArray) -> FloatArray:
    result: FloatArray = (1.0 + stream.ridership_trend_bps / _BPS) ** year.astype(np.float64)
    return result


def _after_default(stream: TransitStream, revenue: RevenueSpec, since: IntArray) -> FloatArray:
    """The multiplier ``since`` periods after a default (1 before it, i.e. for ``since < 0``)."""
    standstill = periods_of(stream.default_standstill_months, revenue.months_per_period)
    diversion = stream.default_diversion_bps / _BPS
    release = 1.0 - diversion + stream.standstill_recovery_bps / _BPS * standstill
    result: FloatArray = np.where(
        since < 0,
        1.0,
        np.where(since < standstill, 0.0, np.where(since == standstill, release, 1.0 - diversion)),
    )
    return result
