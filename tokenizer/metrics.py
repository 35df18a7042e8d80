"""Investor returns: IRR (per period and from dated cash flows), yield per year, payback.

Money stays in integers everywhere it is paid or reconciled; these are *ratios* for people to
read, computed from those integers at the very end.

:func:`irr` assumes the flows are one period apart, the first one period before the first payout.
On chain the money does not move like that: a buyer pays during the sale window and the first
payout comes one period after the sale *closes*. :func:`xirr` and :func:`xirr_paths` take the
dates (in years from any origin, 365-day years as the deal's clock) and are the ones to quote.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt


def npv(rate: float, cashflows: Sequence[Fraction | int]) -> float:
    """Net present value of per-period ``cashflows`` at a per-period ``rate``."""
    factor = 1.0 / (1.0 + rate)
    total = 0.0
    discount = 1.0
    for flow in cashflows:
        total += float(flow) * discount
        discount *= factor
    return total


def irr(cashflows: Sequence[Fraction | int], periods_per_year: int = 12) -> float | None:
    """Annualised internal rate of return of per-period cash flows, or None if there is none.

    Bisection on the per-period rate between -99.99 % and +1000 %; the NPV of a deal whose
    first flow is the only outflow falls monotonically with the rate, so the root is unique.
    """
    if not cashflows or all(f >= 0 for f in cashflows) or all(f <= 0 for f in cashflows):
        return None
    low, high = -0.9999, 10.0
    f_low, f_high = npv(low, cashflows), npv(high, cashflows)
    if f_low * f_high > 0:
        return None
    for _ in range(200):
        mid = (low + high) / 2
        f_mid = npv(mid, cashflows)
        if abs(f_mid) < 1e-12 or high - low < 1e-15:
            break
        if (f_mid > 0) == (f_low > 0):
            low, f_low = mid, f_mid
        else:
            high = mid
    monthly = (low + high) / 2
    return float((1 + monthly) ** periods_per_year - 1)


def per_token_cashflows(
    price: int, amounts: Sequence[int], supply: int, decimals: int = 18
) -> list[Fraction]:
    """One whole token's cash flows: ``-price`` at the sale, then its share of each period."""
    one = 10**decimals
    return [Fraction(-price)] + [Fraction(a * one, supply) for a in amounts]


N = TypeVar("N", int, float)


def yearly(amounts: Sequence[N], periods_per_year: int) -> list[N]:
    """Per-period amounts summed by year (the last year may be partial)."""
    return [
        sum(amounts[y : y + periods_per_year]) for y in range(0, len(amounts), periods_per_year)
    ]


def yearly_yield(amounts: Sequence[int], invested: int, periods_per_year: int = 12) -> list[float]:
    """Cash paid to holders each year as a share of what they paid in."""
    if invested <= 0:
        return []
    return [total / invested for total in yearly(amounts, periods_per_year)]


def payback_period(amounts: Sequence[int], invested: int) -> int | None:
    """The 1-based period in which cumulative payouts first reach the money invested."""
    running = 0
    for n, amount in enumerate(amounts, start=1):
        running += amount
        if running >= invested:
            return n
    return None


def xnpv(rate: float, cashflows: Sequence[Fraction | int], years: Sequence[float]) -> float:
    """Net present value at an annual ``rate`` of flows paid ``years`` after the origin."""
    base = 1.0 + rate
    return math.fsum(
        float(f) * base ** -(y - years[0]) for f, y in zip(cashflows, years, strict=True)
    )


def xirr(cashflows: Sequence[Fraction | int], years: Sequence[float]) -> float | None:
    """Annual internal rate of return of dated flows (``years[i]`` when flow ``i`` moves).

    Bisection on the annual rate between -99.99 % and +10,000 %; None without both an outflow
    and an inflow, or without a root in that range. An investment that pays nothing back has
    no root: its return is -100 % (:func:`xirr_paths` says so).
    """
    if len(cashflows) != len(years):
        raise ValueError(f"{len(cashflows)} cash flows but {len(years)} dates")
    if not cashflows or all(f >= 0 for f in cashflows) or all(f <= 0 for f in cashflows):
        return None
    low, high = -0.9999, 100.0
    f_low, f_high = xnpv(low, cashflows, years), xnpv(high, cashflows, years)
    if f_low * f_high > 0:
        return None
    for _ in range(300):
        mid = (low + high) / 2
        f_mid = xnpv(mid, cashflows, years)
        if f_mid == 0 or high - low < 1e-13:
            break
        if (f_mid > 0) == (f_low > 0):
            low, f_low = mid, f_mid
        else:
            high = mid
    return (low + high) / 2


FloatArray = npt.NDArray[np.float64]


def xirr_paths(
    paid: int | npt.ArrayLike,
    amounts: npt.ArrayLike,
    years: npt.ArrayLike,
    tolerance: float = 1e-10,
) -> FloatArray:
    """The IRR of many paths at once: ``paid`` at year 0, ``amounts[path, i]`` at ``years[i]``.

    ``years`` (shape ``(n,)``, all after 0) are the payout dates in years after the purchase;
    ``paid`` is what the buyer paid (a number, or one per path). Returns the annual rate per
    path; a path that pays nothing back returns -1.0 (all the money lost).

    Newton's method on ``g(y) = log(sum(a_i exp(-y t_i))) - log(paid)``, ``y = log(1 + r)``:
    ``g`` is convex and decreasing, so from a start where ``g >= 0`` (one is known in closed
    form) every step stays left of the root and the iteration converges monotonically; the
    log-sum-exp form cannot overflow, however large or small the rate.
    """
    a = np.asarray(amounts, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"amounts must be [paths, periods], got shape {a.shape}")
    t = np.asarray(years, dtype=np.float64)
    if t.shape != (a.shape[1],) or (t.size and float(t.min()) <= 0.0):
        raise ValueError("years must be one date per period, each after the purchase (> 0)")
    p = np.broadcast_to(np.asarray(paid, dtype=np.float64), (a.shape[0],))
    if np.any(p <= 0) or np.any(a < 0):
        raise ValueError("the price paid must be positive and payouts not negative")
    result = np.empty(a.shape[0])
    for start in range(0, a.shape[0], _BLOCK):  # blocks that stay in the cache
        block = slice(start, start + _BLOCK)
        result[block] = _xirr_block(p[block], a[block], t, tolerance)
    return result


_BLOCK = 512


def _xirr_block(p: FloatArray, a: FloatArray, t: FloatArray, tolerance: float) -> FloatArray:
    total = a.sum(axis=1)
    result = np.full(a.shape[0], -1.0)
    live = total > 0
    if not np.any(live):
        return result
    a, p, total = a[live], p[live], total[live]
    with np.errstate(divide="ignore"):
        log_a = np.log(a)  # -inf where nothing is paid: those terms vanish
    log_p = np.log(p)
    ratio = np.log(total) - log_p
    # g(y0) >= 0: for y >= 0 every exp(-y t_i) >= exp(-y t_max), for y < 0 >= exp(-y t_min).
    y = ratio / np.where(ratio >= 0, float(t.max()), float(t.min()))
    buf = np.empty_like(log_a)
    for _ in range(100):
        np.multiply(y[:, None], -t[None, :], out=buf)
        buf += log_a
        top = buf.max(axis=1)
        buf -= top[:, None]
        np.exp(buf, out=buf)
        s = buf.sum(axis=1)
        g = top + np.log(s) - log_p
        slope = -(buf @ t) / s  # minus the weighted mean date: always < 0
        step = g / slope
        y -= step
        if float(np.abs(step).max()) <= tolerance:
            break
    result[live] = np.expm1(y)
    return result


def quantiles(values: npt.ArrayLike, q: Sequence[float]) -> list[Any]:
    """Sample quantiles that are values of the sample (no interpolation: integers stay integers)."""
    arr = np.asarray(values)
    found = np.quantile(arr, list(q), method="inverted_cdf")
    if arr.dtype.kind in "iu":
        return [int(v) for v in found.tolist()]
    return [float(v) for v in found.tolist()]


def finite_or_none(value: float) -> float | None:
    """A ratio for a report: None for a NaN or an infinity."""
    return value if math.isfinite(value) else None
