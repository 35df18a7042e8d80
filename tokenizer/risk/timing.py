"""When the money moves: the buyer's payment and each payout, as on chain.

The deal's clock is the deployment's (:func:`tokenizer.deploy.plan.deal_schedule`, repeated here
so that a risk run does not import the chain's signing stack; a test holds the two equal): the
sale is
open for ``offering.duration_days``; period ``t`` is distributed ``t`` periods of
``365 days / periods_per_year`` after the sale closes. A buyer pays on some day of the window
(``paid_day``: 0 = the day it opens; by default the day it closes), so the first payout comes
``duration_days - paid_day`` days plus one period after the payment. Returns are computed from
these dates (:func:`tokenizer.metrics.xirr_paths`), not from "one period before the first
payout".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tokenizer.errors import TokenizerError
from tokenizer.spec import DealSpec
from tokenizer.units import SECONDS_PER_DAY, SECONDS_PER_YEAR

__all__ = ["Timing", "timing_of"]


@dataclass(frozen=True)
class Timing:
    """The payment day and the payout dates of a deal, for one buyer."""

    sale_days: int  # the window's length
    paid_day: int  # the day of the window the buyer pays (0 = opening day)
    period_seconds: int
    periods: int

    @property
    def first_payout_days(self) -> float:
        """Days from the payment to the first payout."""
        return (self.sale_days - self.paid_day) + self.period_seconds / SECONDS_PER_DAY

    def payout_years(self) -> npt.NDArray[np.float64]:
        """Years from the payment to each payout (shape ``(periods,)``), 365-day years."""
        after = (self.sale_days - self.paid_day) * SECONDS_PER_DAY
        t = np.arange(1, self.periods + 1, dtype=np.float64)
        result: npt.NDArray[np.float64] = (after + t * self.period_seconds) / SECONDS_PER_YEAR
        return result

    def describe(self) -> str:
        when = (
            "the day the sale closes"
            if self.paid_day == self.sale_days
            else f"day {self.paid_day} of the {self.sale_days}-day sale"
        )
        return (
            f"the buyer pays on {when}; the first payout comes {self.first_payout_days:.0f} days "
            "later, then one every period"
        )


def timing_of(spec: DealSpec, paid_day: int | None = None) -> Timing:
    """The deal's timing for a buyer paying on ``paid_day`` (default: the sale's last day)."""
    days = spec.offering.duration_days
    day = days if paid_day is None else paid_day
    if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= days:
        raise TokenizerError(
            f"the purchase day must be a day of the {days}-day sale (0 to {days}), got {day!r}"
        )
    return Timing(
        sale_days=days,
        paid_day=day,
        period_seconds=SECONDS_PER_YEAR // spec.revenue.periods_per_year,
        periods=spec.periods,
    )
