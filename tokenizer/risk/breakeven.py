"""Breakeven: the uniform revenue haircut at which a class first loses money.

On the deal's *expected* revenue path (the model's mean per period, as ``rwa validate`` shows
it: noise, the demand walk, shocks and each kind's own randomness at their means), every
period's revenue is cut by the same share ``h``; the holders' slice is floored once, as paid,
and goes down the exact waterfall. The breakeven of a class is the smallest ``h`` at which its
cash back falls below what it paid in.

Found by bisection on ``h`` in [0, 1], for every class (each at its own midpoint), until the
bracket is narrower than ``tolerance``: the loss is a step function of ``h`` (amounts are whole
units), so the answer is a bracket ``[low, high]`` with no loss at ``low`` and a loss at
``high``. A class already losing on the expected path has breakeven 0; a class still whole with
no revenue at all (its guarantors pay it) has none. One path at a time goes down the scalar
mirror (:func:`~tokenizer.finance.waterfall.run`), which is quicker than NumPy for one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tokenizer.finance.waterfall import Terms, run
from tokenizer.revenue import expected_streams
from tokenizer.risk.runs import DealClass, classes_of, collections_of, terms_for
from tokenizer.spec import DealSpec

__all__ = ["Breakeven", "breakevens"]

TOLERANCE = 1e-4  # one basis point of revenue


@dataclass(frozen=True)
class Breakeven:
    name: str
    low: float  # the largest haircut found without a loss
    high: float  # the smallest haircut found with a loss
    status: str  # found | loses_at_expected | never_loses

    @property
    def haircut(self) -> float | None:
        """The breakeven haircut (the bracket's middle), or None when no haircut loses money."""
        if self.status == "never_loses":
            return None
        if self.status == "loses_at_expected":
            return 0.0
        return (self.low + self.high) / 2

    def as_dict(self) -> dict[str, Any]:
        return {
            "class": self.name,
            "haircut": None if self.haircut is None else round(self.haircut, 6),
            "bracket": [round(self.low, 8), round(self.high, 8)],
            "status": self.status,
        }


def _mean_gross(spec: DealSpec) -> np.ndarray[Any, np.dtype[np.float64]]:
    streams = expected_streams(spec.revenue, spec.periods)
    gross = np.zeros(spec.periods)
    for values in streams.values():
        gross += values
    return gross


def _received(terms: Terms | None, collections: list[int]) -> list[int]:
    """What each class receives over one path (the scalar mirror: one path is quicker so)."""
    if terms is None:
        return [sum(collections)]
    periods = run(terms, collections).periods
    return [sum(p.tranche_paid[i] for p in periods) for i in range(terms.rated + 1)]


def _losses(spec: DealSpec, gross: np.ndarray[Any, Any], cuts: list[float]) -> list[list[bool]]:
    """For each haircut in ``cuts``: does each class lose money on the expected path?"""
    classes, terms = classes_of(spec), terms_for(spec)
    out = []
    for h in cuts:
        received = _received(terms, collections_of(spec, gross, h).tolist())
        out.append([received[c.index] < c.invested for c in classes])
    return out


def breakevens(spec: DealSpec, tolerance: float = TOLERANCE) -> tuple[Breakeven, ...]:
    """Each class's breakeven haircut on the expected revenue path."""
    if not 0 < tolerance < 1:
        raise ValueError(f"tolerance must be between 0 and 1, got {tolerance}")
    classes: tuple[DealClass, ...] = classes_of(spec)
    gross = _mean_gross(spec)
    at_zero, at_one = _losses(spec, gross, [0.0, 1.0])
    k = len(classes)
    low, high = [0.0] * k, [1.0] * k
    todo = [i for i in range(k) if not at_zero[i] and at_one[i]]
    while todo and max(high[i] - low[i] for i in todo) > tolerance:
        mids = [(low[i] + high[i]) / 2 for i in range(k)]
        lost = _losses(spec, gross, [mids[i] for i in todo])
        for row, i in enumerate(todo):
            if lost[row][i]:
                high[i] = mids[i]
            else:
                low[i] = mids[i]
        todo = [i for i in todo if high[i] - low[i] > tolerance]
    out = []
    for i, c in enumerate(classes):
        if at_zero[i]:
            out.append(Breakeven(c.name, 0.0, 0.0, "loses_at_expected"))
        elif not at_one[i]:
            out.append(Breakeven(c.name, 1.0, 1.0, "never_loses"))
        else:
            out.append(Breakeven(c.name, low[i], high[i], "found"))
    return tuple(out)
