"""Kind ``data_licensing``: licence fees for a data set (or IP) whose market may never come.

Licences are yearly contracts at ``licence_fee`` a year, paid monthly. ``signed_licences`` are
in force at opening. Each year ``churn_bps`` of the licences in force are not renewed and
``1 / adoption_years`` of the gap to the market is signed anew. On each simulated path:

* demand materialises with ``demand_probability_bps``; where it does not, nothing new is ever
  signed and the signed licences churn away (with none signed, the stream collects nothing);
* the market, if it comes, holds ``licences`` times a mean-one log-normal factor of
  ``market_uncertainty_bps`` (data has no market price yet: a wide spread is the honest one);
* the fee realised is ``licence_fee`` times a mean-one log-normal factor of
  ``price_uncertainty_bps``, for the whole term.

Years count from the stream's opening (``start_year``). The counts are the path's licences in
force on average over the year, so they need not be whole. The deterministic base is the whole
market at the list fee, ``licences x licence_fee / 12`` a month; the kind's own randomness
multiplies it by ``licences in force x fee factor / licences``. Adoption replaces the common
``ramp_years`` (which must be 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Final

import numpy as np

from tokenizer.assets.kind import (
    Draw,
    FloatArray,
    Labels,
    SteadyKind,
    StreamContext,
    StreamFields,
)
from tokenizer.assets.registry import register
from tokenizer.spec.fields import Section
from tokenizer.spec.model import RevenueSpec, StreamSpec
from tokenizer.spec.reference import BPS

__all__ = ["DataLicensing", "DataLicensingStream"]

_BPS: Final = float(BPS)
# The expected factor integrates the market factor over a grid of normal draws (trapezoid rule).
_GRID: Final = np.linspace(-8.0, 8.0, 4001)
_WEIGHTS: Final = np.exp(-(_GRID**2) / 2.0) / math.sqrt(2.0 * math.pi) * (_GRID[1] - _GRID[0])


@dataclass(frozen=True, kw_only=True)
class DataLicensingStream(StreamSpec):
    """Yearly licences of a data set: counts, fee, churn, and a market that may not come."""

    kind: ClassVar[str] = "data_licensing"
    licences: int  # licences the market holds, if demand materialises (its mean)
    licence_fee: int  # per licence and year, revenue-currency smallest units
    signed_licences: int = 0  # in force at opening
    adoption_years: int  # 1 / adoption_years of the gap to the market is signed each year
    churn_bps: int  # share of licences in force not renewed each year
    demand_probability_bps: int  # chance that demand materialises at all
    market_uncertainty_bps: int  # log-sd of the market's size
    price_uncertainty_bps: int = 0  # log-sd of the fee realised


@register
class DataLicensing(SteadyKind[DataLicensingStream]):
    stream_type = DataLicensingStream
    fields = (
        "licences", "licence_fee", "signed_licences", "adoption_years", "churn_bps",
        "demand_probability_bps", "market_uncertainty_bps", "price_uncertainty_bps",
    )  # fmt: skip
    labels = Labels(
        title="Data licensing",
        description="licences in force x yearly fee, with churn and a market that may not come",
        driver="licences",
    )

    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> DataLicensingStream:
        if common["ramp_years"] != 0:
            s.fail(
                "ramp_years",
                "licences build up by adoption: use adoption_years and leave ramp_years out",
            )
        licences = s.integer("licences", 1, 10_000_000)
        return DataLicensingStream(
            **common,
            licences=licences,
            licence_fee=s.amount("licence_fee", ctx.decimals, ctx.money),
            signed_licences=s.integer("signed_licences", 0, licences, default=0),
            adoption_years=s.integer("adoption_years", 1, ctx.term_years),
            churn_bps=s.bps("churn_bps", 0, BPS),
            demand_probability_bps=s.bps("demand_probability_bps", 0, BPS),
            market_uncertainty_bps=s.bps("market_uncertainty_bps", 0, 2 * BPS),
            price_uncertainty_bps=s.bps("price_uncertainty_bps", 0, 2 * BPS, default=0),
        )

    def steady_month(self, stream: DataLicensingStream, unit: float) -> float:
        return _whole_market_month(stream, unit)

    # ---------------------------------------------------------------- own randomness
    # Draws: 0 whether demand comes (paths,), 1 the market factor (paths,), 2 the fee factor.

    def path_factor(
        self,
        stream: DataLicensingStream,
        revenue: RevenueSpec,
        periods: int,
        paths: int,
        draw: Draw,
    ) -> FloatArray:
        demand = draw(0).random(paths) < stream.demand_probability_bps / _BPS
        market = _lognormal(stream.market_uncertainty_bps, draw(1).standard_normal(paths))
        fee = _lognormal(stream.price_uncertainty_bps, draw(2).standard_normal(paths))
        years = -(-periods // revenue.periods_per_year)
        counts = _in_force(stream, years, demand.astype(np.float64), market)
        yearly = counts * fee[:, None] / stream.licences
        result: FloatArray = yearly[:, np.arange(periods) // revenue.periods_per_year]
        return result

    def path_factor_reference(
        self,
        stream: DataLicensingStream,
        revenue: RevenueSpec,
        periods: int,
        paths: int,
        draw: Draw,
    ) -> list[list[float]]:
        ppy = revenue.periods_per_year
        years = -(-periods // ppy)
        chance, size, price = draw(0), draw(1), draw(2)
        sm = stream.market_uncertainty_bps / _BPS
        sp = stream.price_uncertainty_bps / _BPS
        keep = 1.0 - stream.churn_bps / _BPS
        opened = stream.start_year - 1
        rows = []
        for _ in range(paths):  # the same numbers as the vectorised draws, one path at a time
            demand = 1.0 if float(chance.random()) < stream.demand_probability_bps / _BPS else 0.0
            market = math.exp(sm * float(size.standard_normal()) - sm * sm / 2.0)
            fee = math.exp(sp * float(price.standard_normal()) - sp * sp / 2.0)
            counts = []
            in_force = 0.0
            for y in range(years):
                if y < opened:
                    counts.append(0.0)
                    continue
                kept = float(stream.signed_licences) if y == opened else in_force * keep
                gap = max(market * stream.licences - kept, 0.0)
                in_force = kept + demand * gap / stream.adoption_years
                counts.append(in_force)
            rows.append([counts[t // ppy] * fee / stream.licences for t in range(periods)])
        return rows

    def expected_path_factor(
        self, stream: DataLicensingStream, revenue: RevenueSpec, periods: int
    ) -> FloatArray:
        years = -(-periods // revenue.periods_per_year)
        p = stream.demand_probability_bps / _BPS
        without = _in_force(stream, years, np.zeros(1), np.ones(1))[0]
        market = _lognormal(stream.market_uncertainty_bps, _GRID)
        with_demand = _WEIGHTS @ _in_force(stream, years, np.ones(_GRID.size), market)
        yearly = ((1.0 - p) * without + p * with_demand) / stream.licences
        result: FloatArray = yearly[np.arange(periods) // revenue.periods_per_year]
        return result


def _whole_market_month(stream: DataLicensingStream, unit: float) -> float:
    return stream.licences * stream.licence_fee / 12.0 / unit


def _lognormal(bps: int, z: FloatArray) -> FloatArray:
    s = bps / _BPS
    result: FloatArray = np.exp(s * z - s * s / 2.0)
    return result


def _in_force(
    stream: DataLicensingStream, years: int, demand: FloatArray, market: FloatArray
) -> FloatArray:
    """Licences in force per path (rows) and term year (columns), for 0/1 ``demand``."""
    keep = 1.0 - stream.churn_bps / _BPS
    opened = stream.start_year - 1
    counts = np.zeros((demand.size, years))
    in_force = np.full(demand.size, float(stream.signed_licences))
    for y in range(opened, years):
        kept = in_force if y == opened else in_force * keep
        gap = np.maximum(market * stream.licences - kept, 0.0)
        in_force = kept + demand * gap / stream.adoption_years
        counts[:, y] = in_force
    return counts
