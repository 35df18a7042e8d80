"""What a deal is expected to collect, per year, and the yield that implies, without simulating.

From the revenue model's means (:func:`tokenizer.revenue.expected_streams`: noise, the demand
walk and shocks at their means, each kind's own randomness at its mean), assuming the sale
fills the hard cap. An expectation, not a promise: ``rwa validate`` prints it so a spec can be
tuned, and the Monte Carlo and the simulation show the spread around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

import numpy as np

from tokenizer.metrics import irr
from tokenizer.revenue import expected_streams, holder_rate, quantise
from tokenizer.spec import DealSpec

__all__ = ["LABEL", "DealExpectation", "YearExpectation", "expect"]

LABEL: Final = (
    "expected, not promised: the mean of the revenue model (shocks, defaults and departures at "
    "their probabilities), with the sale filling the hard cap"
)


@dataclass(frozen=True)
class YearExpectation:
    year: int
    gross: float  # revenue currency, whole units: what the streams collect
    by_stream: dict[str, float]
    to_holders: int  # settlement smallest units
    yield_on_raise: float  # to_holders / hard cap


@dataclass(frozen=True)
class DealExpectation:
    years: tuple[YearExpectation, ...]
    raise_: int  # the hard cap, settlement smallest units
    to_holders: int
    irr: float | None  # of the expected cash flows (not the expected IRR)

    @property
    def multiple(self) -> float:
        return self.to_holders / self.raise_

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": LABEL,
            "raise": self.raise_,
            "to_holders": self.to_holders,
            "multiple": round(self.multiple, 4),
            "irr_of_expected_cash_flows": None if self.irr is None else round(self.irr, 6),
            "years": [
                {
                    "year": y.year,
                    "gross": round(y.gross, 2),
                    "by_stream": {k: round(v, 2) for k, v in y.by_stream.items()},
                    "to_holders": y.to_holders,
                    "yield_on_raise": round(y.yield_on_raise, 6),
                }
                for y in self.years
            ],
        }


def expect(spec: DealSpec) -> DealExpectation:
    """The deal's expected collections per term year and the implied return on the raise."""
    periods = spec.periods
    ppy = spec.revenue.periods_per_year
    streams = expected_streams(spec.revenue, periods)
    gross = np.zeros(periods)
    for values in streams.values():
        gross += values
    paid = quantise(gross * float(holder_rate(spec)))  # floored once per period, as paid
    raise_ = spec.offering.hard_cap
    years = []
    for y in range(spec.token.term_years):
        window = slice(y * ppy, (y + 1) * ppy)
        to_holders = sum(paid[window])
        years.append(
            YearExpectation(
                year=y + 1,
                gross=float(gross[window].sum()),
                by_stream={k: float(v[window].sum()) for k, v in streams.items()},
                to_holders=to_holders,
                yield_on_raise=to_holders / raise_,
            )
        )
    flows = [Fraction(-raise_)] + [Fraction(a) for a in paid]
    return DealExpectation(
        years=tuple(years), raise_=raise_, to_holders=sum(paid), irr=irr(flows, ppy)
    )
