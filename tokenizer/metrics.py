"""Investor returns: IRR, yield per year, payback.

Money stays in integers everywhere it is paid or reconciled; these are *ratios* for people to
read, computed from those integers at the very end.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TypeVar


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
