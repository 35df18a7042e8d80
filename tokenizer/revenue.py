"""Revenue model: vectorised NumPy Monte Carlo of the gross revenue behind a deal.

This is the engine common to every asset kind, and it never branches on the kind: each
stream's deterministic monthly base comes from its kind's plug-in in :mod:`tokenizer.assets`
(``hotel``, ``hot_spring``, ``ice_snow``; the formulas are documented there), given the
calendar, opening ramp and price growth worked out here.

Every stream earns nothing before its ``start_year``; from opening it ramps linearly, month by
month, from its kind's opening level (hotel: ``start_occupancy_bps``; venues:
``start_level_bps``) to steady state over ``ramp_years``; prices grow by ``growth_bps`` a year,
compounding from term year 1. Months are summed into periods (``periods_per_year`` of 1, 2, 3,
4, 6 or 12).

On top of that deterministic base, per simulated path:

* each stream's period revenue is multiplied by mean-one log-normal noise,
  ``exp(s*Z - s**2/2)`` with ``s = volatility_bps / 10000``;
* a kind may multiply it by randomness of its own
  (:meth:`~tokenizer.assets.AssetKind.path_factor`: a mine's ore price, a pool's lettings);
* shocks cut revenue by ``haircut_bps`` in their year range -- always, or with
  ``probability_bps`` independently each year and path; stream shocks hit one stream, revenue
  shocks hit all streams together;
* a common demand level follows a yearly log random walk with step ``annual_volatility_bps``
  (mean one in every year), so good and bad years persist as they do for real venues.

Floats live only in the model (here and in the kinds' base models). Amounts leave it through
:func:`quantise`, which turns them into integer smallest units once, rounding down.

Random numbers: every component draws from its own generator, seeded from
``(seed, component, stream, shock)`` (a kind's own draws: ``(seed, 5, stream, j)``), and draws
are laid out path by path. So the same seed gives identical output, and the first ``k`` paths
of a run do not depend on how many paths were run (``simulate_gross(..., paths=10)[:3]``
equals ``simulate_gross(..., paths=3)``). The number of periods does change the layout:
simulate the whole term and slice when you need a prefix, as :func:`holder_distributions` does.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import partial
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from tokenizer.assets import AssetKind, Draw, Month, MonthGrid, kind_of
from tokenizer.errors import SpecError
from tokenizer.spec import DealSpec, RevenueSpec, ShockSpec, StreamSpec

__all__ = [
    "DAYS_IN_MONTH",
    "expected_streams",
    "holder_distribution_paths",
    "holder_distributions",
    "holder_rate",
    "quantise",
    "simulate_gross",
    "simulate_gross_reference",
    "simulate_streams",
]

FloatArray = npt.NDArray[np.float64]

#: Days in each calendar month, January first (a 365-day year; leap days are ignored).
DAYS_IN_MONTH: Final[tuple[int, ...]] = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DAYS = np.array(DAYS_IN_MONTH, dtype=np.float64)

# Generator tags: one independent random stream per model component.
_NOISE: Final = 1
_STREAM_SHOCK: Final = 2
_COMMON_SHOCK: Final = 3
_DEMAND: Final = 4
_KIND: Final = 5  # a kind's own draws (AssetKind.path_factor)
_BPS: Final = 10_000.0


def _rng(seed: int, component: int, stream: int = 0, shock: int = 0) -> np.random.Generator:
    # Fixed-length entropy so that no key is a prefix of another.
    return np.random.default_rng([seed, component, stream, shock])


def _kind_draw(seed: int, stream: int) -> Draw:
    return partial(_rng, seed, _KIND, stream)


def _check_args(periods: int, paths: int, seed: int) -> None:
    for name, value, low in (("periods", periods, 1), ("paths", paths, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")


# --------------------------------------------------------------------------------------------
# Deterministic base, vectorised over months.
# --------------------------------------------------------------------------------------------


def _month_grid(stream: StreamSpec, revenue: RevenueSpec, months: int) -> MonthGrid:
    """Calendar, opening ramp and price growth of each month of the term, for one stream."""
    k = np.arange(months)
    cal = (revenue.start_month - 1 + k) % 12  # calendar month, 0 = January
    since_open = k - (stream.start_year - 1) * 12
    r0 = kind_of(stream).opening_level(stream)
    if stream.ramp_years > 0:
        progress = np.minimum(since_open / (12.0 * stream.ramp_years), 1.0)
        ramp = r0 + (1.0 - r0) * progress
    else:
        ramp = np.ones(months)
    ramp = np.where(since_open >= 0, ramp, 0.0)
    growth = np.asarray((1.0 + stream.growth_bps / _BPS) ** (k // 12), dtype=np.float64)
    unit = 10.0**revenue.currency_decimals
    return MonthGrid(calendar=cal, days=_DAYS[cal], ramp=ramp, growth=growth, unit=unit)


def _monthly_base(stream: StreamSpec, revenue: RevenueSpec, months: int) -> FloatArray:
    """Expected revenue of one stream in each month of the term, before any randomness."""
    result: FloatArray = kind_of(stream).monthly_base(stream, _month_grid(stream, revenue, months))
    return result


def _period_base(stream: StreamSpec, revenue: RevenueSpec, periods: int) -> FloatArray:
    mpp = revenue.months_per_period
    monthly = _monthly_base(stream, revenue, periods * mpp)
    result: FloatArray = monthly.reshape(periods, mpp).sum(axis=1)
    return result


def _years(periods: int, revenue: RevenueSpec) -> int:
    return -(-periods // revenue.periods_per_year)


def _shock_factor(
    shocks: tuple[ShockSpec, ...], years: int, paths: int, seed: int, component: int, stream: int
) -> FloatArray | None:
    """Revenue multiplier per path and term year (0-based), or None when there are no shocks."""
    if not shocks:
        return None
    year = np.arange(years)
    factor = np.ones((paths, years))
    for j, shock in enumerate(shocks):
        in_range = (year >= shock.from_year - 1) & (year <= shock.to_year - 1)
        if shock.probability_bps >= _BPS:
            hit = np.broadcast_to(in_range, (paths, years))
        else:
            draws = _rng(seed, component, stream, j).random((paths, years))
            hit = in_range & (draws < shock.probability_bps / _BPS)
        factor *= 1.0 - shock.haircut_bps / _BPS * hit
    return factor


def _expected_shock_factor(shocks: tuple[ShockSpec, ...], years: int) -> FloatArray:
    year = np.arange(years)
    factor = np.ones(years)
    for shock in shocks:
        in_range = (year >= shock.from_year - 1) & (year <= shock.to_year - 1)
        factor *= 1.0 - shock.haircut_bps / _BPS * shock.probability_bps / _BPS * in_range
    return factor


def _demand_level(revenue: RevenueSpec, years: int, paths: int, seed: int) -> FloatArray | None:
    sigma = revenue.annual_volatility_bps / _BPS
    if sigma == 0.0:
        return None
    steps = sigma * _rng(seed, _DEMAND).standard_normal((paths, years)) - sigma * sigma / 2.0
    level: FloatArray = np.exp(np.cumsum(steps, axis=1))
    return level


# --------------------------------------------------------------------------------------------
# Public model.
# --------------------------------------------------------------------------------------------


def expected_streams(revenue: RevenueSpec, periods: int) -> dict[str, FloatArray]:
    """Mean revenue of each stream per period (shape ``(periods,)``), without simulation.

    Noise and the demand walk have mean one; a probabilistic shock contributes its expected cut;
    a kind's own randomness contributes its
    :meth:`~tokenizer.assets.AssetKind.expected_path_factor`.
    """
    _check_args(periods, 1, 0)
    year_of = np.arange(periods) // revenue.periods_per_year
    common = _expected_shock_factor(revenue.shocks, _years(periods, revenue))[year_of]
    result: dict[str, FloatArray] = {}
    for stream in revenue.streams:
        own = _expected_shock_factor(stream.shocks, _years(periods, revenue))[year_of]
        values = _period_base(stream, revenue, periods)
        kind_mean = kind_of(stream).expected_path_factor(stream, revenue, periods)
        if kind_mean is not None:
            values = values * kind_mean
        result[stream.name] = values * own * common
    return result


def simulate_streams(
    revenue: RevenueSpec, periods: int, paths: int, seed: int
) -> dict[str, FloatArray]:
    """Gross revenue of each stream, shape ``(paths, periods)``, in the revenue currency.

    Fully vectorised over paths and periods; the only Python loops are over streams and shocks.
    """
    _check_args(periods, paths, seed)
    years = _years(periods, revenue)
    year_of = np.arange(periods) // revenue.periods_per_year
    sigma = revenue.volatility_bps / _BPS
    common = _shock_factor(revenue.shocks, years, paths, seed, _COMMON_SHOCK, 0)
    demand = _demand_level(revenue, years, paths, seed)
    if demand is not None:
        common = demand if common is None else common * demand
    result: dict[str, FloatArray] = {}
    for i, stream in enumerate(revenue.streams):
        values = np.broadcast_to(_period_base(stream, revenue, periods), (paths, periods))
        if sigma > 0.0:
            z = _rng(seed, _NOISE, i).standard_normal((paths, periods))
            values = values * np.exp(sigma * z - sigma * sigma / 2.0)
        kind_factor = kind_of(stream).path_factor(
            stream, revenue, periods, paths, _kind_draw(seed, i)
        )
        if kind_factor is not None:
            values = values * kind_factor
        own = _shock_factor(stream.shocks, years, paths, seed, _STREAM_SHOCK, i)
        if own is not None:
            values = values * own[:, year_of]
        if common is not None:
            values = values * common[:, year_of]
        result[stream.name] = np.array(values, dtype=np.float64)  # own, writable copy
    return result


def simulate_gross(revenue: RevenueSpec, periods: int, paths: int, seed: int) -> FloatArray:
    """Total gross revenue per path and period, shape ``(paths, periods)``, float64."""
    streams = simulate_streams(revenue, periods, paths, seed)
    total = np.zeros((paths, periods))
    for values in streams.values():
        total += values
    return total


def simulate_gross_reference(
    revenue: RevenueSpec, periods: int, paths: int, seed: int
) -> list[list[float]]:
    """The same model as :func:`simulate_gross`, written as plain Python loops.

    It draws the same random numbers (NumPy generators, converted to lists) and does every bit
    of arithmetic one number at a time with :mod:`math`. It exists to check the vectorised code
    and to measure how much vectorising buys; it is slow on purpose.
    """
    _check_args(periods, paths, seed)
    years = _years(periods, revenue)
    ppy, mpp = revenue.periods_per_year, revenue.months_per_period
    unit = 10.0**revenue.currency_decimals
    kinds = [kind_of(stream) for stream in revenue.streams]
    sigma = revenue.volatility_bps / _BPS
    a_sigma = revenue.annual_volatility_bps / _BPS

    def draws_normal(component: int, stream: int, n: int) -> list[list[float]]:
        rows: list[list[float]] = _rng(seed, component, stream).standard_normal((paths, n)).tolist()
        return rows

    def shock_hits(
        shocks: tuple[ShockSpec, ...], component: int, stream: int
    ) -> list[list[list[bool]]]:
        """hits[j][path][year] for each shock."""
        result = []
        for j, shock in enumerate(shocks):
            rows: list[list[float]] | None = None
            if shock.probability_bps < _BPS:
                rows = _rng(seed, component, stream, j).random((paths, years)).tolist()
            hits = []
            for p in range(paths):
                row = []
                for y in range(years):
                    inside = shock.from_year - 1 <= y <= shock.to_year - 1
                    lucky = rows is None or rows[p][y] < shock.probability_bps / _BPS
                    row.append(inside and lucky)
                hits.append(row)
            result.append(hits)
        return result

    def month_value(kind: AssetKind[Any], stream: StreamSpec, k: int) -> float:
        cal = (revenue.start_month - 1 + k) % 12
        since_open = k - (stream.start_year - 1) * 12
        if since_open < 0:
            return 0.0
        r0 = kind.opening_level(stream)
        ramp = 1.0
        if stream.ramp_years > 0:
            ramp = r0 + (1.0 - r0) * min(since_open / (12.0 * stream.ramp_years), 1.0)
        growth = (1.0 + stream.growth_bps / _BPS) ** (k // 12)
        month = Month(cal, DAYS_IN_MONTH[cal], ramp, growth, unit)  # positional: cheaper
        result: float = kind.month_base(stream, month)
        return result

    demand_z = draws_normal(_DEMAND, 0, years) if a_sigma > 0.0 else None
    common_hits = shock_hits(revenue.shocks, _COMMON_SHOCK, 0)
    noise_z = [
        draws_normal(_NOISE, i, periods) if sigma > 0.0 else None
        for i in range(len(revenue.streams))
    ]
    stream_hits = [
        shock_hits(stream.shocks, _STREAM_SHOCK, i) for i, stream in enumerate(revenue.streams)
    ]
    kind_factors = [
        kind.path_factor_reference(stream, revenue, periods, paths, _kind_draw(seed, i))
        for i, (kind, stream) in enumerate(zip(kinds, revenue.streams, strict=True))
    ]

    out: list[list[float]] = []
    for p in range(paths):
        common = [1.0] * years
        for j, shock in enumerate(revenue.shocks):
            for y in range(years):
                if common_hits[j][p][y]:
                    common[y] *= 1.0 - shock.haircut_bps / _BPS
        if demand_z is not None:
            log_level = 0.0
            for y in range(years):
                log_level += a_sigma * demand_z[p][y] - a_sigma * a_sigma / 2.0
                common[y] *= math.exp(log_level)
        row = [0.0] * periods
        for i, stream in enumerate(revenue.streams):
            for t in range(periods):
                base = 0.0
                for m in range(mpp):
                    base += month_value(kinds[i], stream, t * mpp + m)
                value = base
                z_rows = noise_z[i]
                if z_rows is not None:
                    value *= math.exp(sigma * z_rows[p][t] - sigma * sigma / 2.0)
                own_rows = kind_factors[i]
                if own_rows is not None:
                    value *= own_rows[p][t]
                y = t // ppy
                for j, shock in enumerate(stream.shocks):
                    if stream_hits[i][j][p][y]:
                        value *= 1.0 - shock.haircut_bps / _BPS
                row[t] += value * common[y]
        out.append(row)
    return out


# --------------------------------------------------------------------------------------------
# From gross revenue to integer payments to holders.
# --------------------------------------------------------------------------------------------


def quantise(amounts: npt.ArrayLike) -> list[int]:
    """Turn model amounts, already expressed in smallest units, into Python ints.

    Rounding rule: round **down** (floor) to a whole smallest unit, and treat anything below zero
    as zero. Rounding down means holders are never promised a unit the model did not produce;
    the dropped fraction (under one unit per period) stays with the issuer. This is the only
    place floats become money. Non-finite values raise :class:`ValueError`.
    """
    return [int(v) for v in quantise_array(amounts).tolist()]


def quantise_array(amounts: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """:func:`quantise` for arrays of any shape, returning int64 (fits amounts below 9.2e18)."""
    values = np.asarray(amounts, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError("cannot quantise a non-finite amount (NaN or infinity)")
    if values.size and float(values.max()) >= 2.0**63:
        raise ValueError("amount too large to quantise into int64 smallest units")
    floored: npt.NDArray[np.int64] = np.floor(np.maximum(values, 0.0)).astype(np.int64)
    return floored


def holder_rate(spec: DealSpec) -> Decimal:
    """Settlement smallest units paid to holders per unit of gross revenue (exact).

    ``pledged/10000 * revenue_share_bps/10000 / fx_per_unit * 10**settlement.decimals``, where
    ``pledged`` is ``net_margin_bps`` for a deal pledging net revenue and 10000 for one pledging
    gross receipts (:attr:`~tokenizer.spec.RevenueSpec.pledged_share_bps`).
    """
    share = Decimal(spec.revenue.pledged_share_bps * spec.token.revenue_share_bps)
    return share * spec.settlement.unit / (Decimal(10_000**2) * spec.settlement.fx_per_unit)


def holder_distribution_paths(spec: DealSpec, paths: int, seed: int = 0) -> npt.NDArray[np.int64]:
    """Holder payments for the whole term, shape ``(paths, spec.periods)``, settlement units.

    Row 0 equals :func:`holder_distributions` with the same seed.
    """
    gross = simulate_gross(spec.revenue, spec.periods, paths, seed)
    return quantise_array(gross * float(holder_rate(spec)))


def holder_distributions(spec: DealSpec, periods: int | None = None, seed: int = 0) -> list[int]:
    """What token holders receive each period of one simulated path, in settlement smallest units.

    ``gross * pledged share * revenue_share / fx_per_unit``, quantised once by :func:`quantise`
    (floor, never negative). The whole term is simulated and the first ``periods`` are returned,
    so a shorter run pays exactly the opening periods of the full run.
    """
    n = spec.periods if periods is None else periods
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= spec.periods:
        raise SpecError(
            "periods",
            f"must be between 1 and the deal's term of {spec.periods} periods, got {n!r}",
            str(spec.path),
        )
    gross = simulate_gross(spec.revenue, spec.periods, 1, seed)[0, :n]
    return quantise(gross * float(holder_rate(spec)))
