"""Kind ``mining``: a royalty or net-profit share of a mine that may never produce.

The asset is an exploration right. With ``production_probability_bps`` the exploration succeeds
on a simulated path; first output then comes in a month drawn uniformly from the
``production_window_years`` starting at term year ``production_year`` (a window of 0 years:
exactly at its start). Output rises linearly to ``output_per_year`` over ``output_ramp_months``.
On a path where production never comes the stream collects nothing, every period.

The commodity price reverts to ``long_run_price``: its logarithm follows a monthly
Ornstein-Uhlenbeck step from today's ``price`` with reversion speed ``price_reversion_bps`` (a
year) and volatility ``price_volatility_bps`` (a year), corrected month by month so that the
price's mean, not its median, reverts to ``long_run_price``. The holders' slice is
``share_bps`` of the output's value (``share: royalty``) or of its value less ``unit_cost`` per
tonne, never below zero (``share: net_profit``).

The deterministic base is the full-output slice at the long-run price,
``output_per_year / 12 x (long_run_price - unit_cost) x share_bps`` a month; the kind's own
randomness multiplies it by ``production(t) x margin(t) / margin(long run)``, averaged over the
months of each period. The output ramp replaces the common ``ramp_years`` (which must be 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
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

__all__ = ["SHARES", "Mining", "MiningStream"]

_BPS: Final = float(BPS)
#: How the holders' slice is measured: of the output's value, or of its value less costs.
SHARES: Final = ("royalty", "net_profit")
_NORMAL: Final = NormalDist()


@dataclass(frozen=True, kw_only=True)
class MiningStream(StreamSpec):
    """A royalty or net-profit share of a mine's output, if exploration leads to production."""

    kind: ClassVar[str] = "mining"
    output_per_year: int  # tonnes at full output
    output_ramp_months: int = 0  # from first output to full output, linear
    production_probability_bps: int  # chance that exploration ever leads to production
    production_year: int  # term year in which first output can come at the earliest
    production_window_years: int = 0  # first output falls uniformly in this many years
    price: int  # commodity price per tonne today, revenue-currency smallest units
    long_run_price: int  # the mean price reverts to
    price_volatility_bps: int  # of the log price, a year
    price_reversion_bps: int  # speed of reversion, a year (ln 2 / speed = half-life)
    share: str  # "royalty" or "net_profit"
    share_bps: int
    unit_cost: int = 0  # per tonne (net_profit only)

    @property
    def margin(self) -> int:
        """Per tonne at the long-run price, in smallest units, before the share."""
        return self.long_run_price - self.unit_cost


@register
class Mining(SteadyKind[MiningStream]):
    stream_type = MiningStream
    fields = (
        "output_per_year", "output_ramp_months", "production_probability_bps",
        "production_year", "production_window_years", "price", "long_run_price",
        "price_volatility_bps", "price_reversion_bps", "share", "share_bps", "unit_cost",
    )  # fmt: skip
    labels = Labels(
        title="Mining rights",
        description=(
            "a share of output x commodity price, if and once exploration leads to production"
        ),
        driver="tonnes",
    )

    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> MiningStream:
        if common["ramp_years"] != 0:
            s.fail(
                "ramp_years",
                "a mine ramps up from its first output, which is random: "
                "use output_ramp_months and leave ramp_years out",
            )
        share = s.text("share")
        if share not in SHARES:
            s.fail("share", f"unknown share {share!r} (expected one of: {', '.join(SHARES)})")
        price = s.amount("price", ctx.decimals, ctx.money)
        long_run = (
            s.amount("long_run_price", ctx.decimals, ctx.money)
            if s.has("long_run_price")
            else price
        )
        if share == "royalty" and s.has("unit_cost"):
            s.fail("unit_cost", "a royalty is paid on the output's value: unit_cost applies "
                   "to share: net_profit only")  # fmt: skip
        cost = s.amount("unit_cost", ctx.decimals, ctx.money, positive=False, default=0)
        if cost >= long_run:
            s.fail(
                "unit_cost",
                f"must be below long_run_price ({cost / 10**ctx.decimals:g} >= "
                f"{long_run / 10**ctx.decimals:g}): the mine would make no profit to share",
            )
        term = ctx.term_years
        return MiningStream(
            **common,
            output_per_year=s.integer("output_per_year", 1, 10**10),
            output_ramp_months=s.integer("output_ramp_months", 0, 12 * term, default=0),
            production_probability_bps=s.bps("production_probability_bps", 1, BPS),
            production_year=s.integer("production_year", 1, term),
            production_window_years=s.integer("production_window_years", 0, term, default=0),
            price=price,
            long_run_price=long_run,
            price_volatility_bps=s.bps("price_volatility_bps", 0, 2 * BPS),
            price_reversion_bps=s.bps("price_reversion_bps", 0, 5 * BPS),
            share=share,
            share_bps=s.bps("share_bps", 1, BPS),
            unit_cost=cost,
        )

    def steady_month(self, stream: MiningStream, unit: float) -> float:
        return _full_output_month(stream, unit)

    # ---------------------------------------------------------------- own randomness

    def path_factor(
        self, stream: MiningStream, revenue: RevenueSpec, periods: int, paths: int, draw: Draw
    ) -> FloatArray:
        mpp = revenue.months_per_period
        months = periods * mpp
        produces = draw(0).random(paths) < stream.production_probability_bps / _BPS
        first = _first_month(stream) + np.floor(draw(1).random(paths) * _window(stream))
        z = draw(2).standard_normal((paths, months))
        k = np.arange(months, dtype=np.float64)
        ramp = max(stream.output_ramp_months, 1)
        output = np.clip((k[None, :] - first[:, None] + 1.0) / ramp, 0.0, 1.0)
        output *= produces[:, None]
        a, b, x0, drift = _price_steps(stream, months)
        x = np.full(paths, x0)
        shocks = np.ascontiguousarray(z.T)  # month by month, each a contiguous row of paths
        log_price = np.empty((months, paths))
        for m in range(months):
            x = a * x + b * shocks[m]
            log_price[m] = x
        price = stream.long_run_price * np.exp(log_price.T - drift[None, :])
        margin = np.maximum(price - stream.unit_cost, 0.0) / stream.margin
        monthly = output * margin
        result: FloatArray = monthly.reshape(paths, periods, mpp).mean(axis=2)
        return result

    def path_factor_reference(
        self, stream: MiningStream, revenue: RevenueSpec, periods: int, paths: int, draw: Draw
    ) -> list[list[float]]:
        mpp = revenue.months_per_period
        months = periods * mpp
        chance, when, shocks = draw(0), draw(1), draw(2)
        a, b, x0, drift_array = _price_steps(stream, months)
        drift = drift_array.tolist()
        ramp = max(stream.output_ramp_months, 1)
        window = _window(stream)
        rows = []
        for _ in range(paths):  # the same numbers as the vectorised draws, one path at a time
            produces = float(chance.random()) < stream.production_probability_bps / _BPS
            first = _first_month(stream) + math.floor(float(when.random()) * window)
            z = shocks.standard_normal(months).tolist()
            x = x0
            row = []
            total = 0.0
            for m in range(months):
                x = a * x + b * z[m]
                output = min(max((m - first + 1.0) / ramp, 0.0), 1.0) if produces else 0.0
                price = stream.long_run_price * math.exp(x - drift[m])
                total += output * (max(price - stream.unit_cost, 0.0) / stream.margin)
                if m % mpp == mpp - 1:
                    row.append(total / mpp)
                    total = 0.0
            rows.append(row)
        return rows

    def expected_path_factor(
        self, stream: MiningStream, revenue: RevenueSpec, periods: int
    ) -> FloatArray:
        mpp = revenue.months_per_period
        months = periods * mpp
        k = np.arange(months, dtype=np.float64)
        window = _window(stream)
        ramp = max(stream.output_ramp_months, 1)
        offsets = np.arange(max(window, 1), dtype=np.float64)
        start = _first_month(stream) + offsets
        output = np.clip((k[:, None] - start[None, :] + 1.0) / ramp, 0.0, 1.0).mean(axis=1)
        output *= stream.production_probability_bps / _BPS
        a, _, x0, _ = _price_steps(stream, months)
        variance = _price_variance(stream, months)
        mean_price = stream.long_run_price * np.exp(x0 * a ** (k + 1.0))
        margin = np.array(
            [
                _call_value(float(f), float(stream.unit_cost), float(v))
                for f, v in zip(mean_price, variance, strict=True)
            ]
        )
        monthly = output * margin / stream.margin
        result: FloatArray = monthly.reshape(periods, mpp).mean(axis=1)
        return result


def _full_output_month(stream: MiningStream, unit: float) -> float:
    """The holders' slice of one month at full output and the long-run price, in currency."""
    return stream.output_per_year / 12.0 * stream.margin / unit * stream.share_bps / _BPS


def _first_month(stream: MiningStream) -> int:
    return (stream.production_year - 1) * 12


def _window(stream: MiningStream) -> int:
    return stream.production_window_years * 12


def _price_steps(stream: MiningStream, months: int) -> tuple[float, float, float, FloatArray]:
    """``a``, ``b`` of the monthly log-price step ``x = a x + b z``, the start ``x0`` (log of
    price over long-run price) and the month-by-month mean correction (half the variance)."""
    a, b = _step(stream)
    x0 = math.log(stream.price / stream.long_run_price)
    return a, b, x0, _price_variance(stream, months) / 2.0


def _step(stream: MiningStream) -> tuple[float, float]:
    """Exact monthly discretisation of the Ornstein-Uhlenbeck log price."""
    kappa = stream.price_reversion_bps / _BPS
    sigma = stream.price_volatility_bps / _BPS
    a = math.exp(-kappa / 12.0)
    b = sigma * math.sqrt((1.0 - a * a) / (2.0 * kappa)) if kappa > 0 else sigma / math.sqrt(12)
    return a, b


def _price_variance(stream: MiningStream, months: int) -> FloatArray:
    """Variance of the log price in each month (the same recursion as the paths follow)."""
    a, b = _step(stream)
    variance = np.empty(months)
    v = 0.0
    for m in range(months):
        v = a * a * v + b * b
        variance[m] = v
    return variance


def _call_value(mean: float, cost: float, variance: float) -> float:
    """E[max(P - cost, 0)] for a log-normal price P of this mean and log variance."""
    if cost <= 0.0:
        return mean
    if variance <= 0.0:
        return max(mean - cost, 0.0)
    sd = math.sqrt(variance)
    d1 = (math.log(mean / cost) + variance / 2.0) / sd
    return mean * _NORMAL.cdf(d1) - cost * _NORMAL.cdf(d1 - sd)
