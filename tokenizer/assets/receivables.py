"""Kind ``receivables``: a revolving pool of invoices owed by a few debtors under one parent.

The pool holds ``pool_balance`` of invoices at face, split between the ``debtors`` by
``share_bps``; each debtor's invoices fall due after ``tenor_months``. The base is the pool's
turnover at par: what falls due each month, ``share x pool_balance / tenor_months`` summed over
the debtors (growing with the common ``growth_bps``). What reaches the holders, per path
(:meth:`Receivables.path_factor`, as a multiple of that turnover), period by period:

* during the first ``revolving_years`` the collections buy new invoices at a discount of
  ``discount_bps_per_year``, so the pool stays the same and the holders get the discount earned,
  less ``dilution_bps`` of every invoice that is never paid (credit notes, disputed deliveries);
* after that the pool runs off: each period collects ``months per period / tenor`` of what is
  left, less dilution; in the term's last period the originator buys back what is left at par
  (a clean-up call);
* each debtor defaults, each year with ``default_bps_per_year`` (a constant hazard per period),
  and defaults are correlated through the common parent: a debtor defaults in a period when
  ``sqrt(rho) Z + sqrt(1 - rho) e < threshold``, with ``Z`` the parent's draw of the period, ``e``
  its own and ``rho = parent_correlation_bps``. A defaulted debtor's invoices leave the pool;
  ``recovery_bps`` of them is paid ``recovery_lag_months`` later (rounded up to whole periods),
  and the pool buys nothing more from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import ClassVar, Final

import numpy as np

from tokenizer.assets.hazard import per_period, periods_of, sub_sections
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

__all__ = ["Debtor", "Receivables", "ReceivablesStream"]

_BPS = float(BPS)
_DEBTOR_FIELDS: Final = ("name", "share_bps", "default_bps_per_year", "tenor_months")


@dataclass(frozen=True, kw_only=True)
class Debtor:
    name: str
    share_bps: int  # of the pool's face
    default_bps_per_year: int
    tenor_months: int


@dataclass(frozen=True, kw_only=True)
class ReceivablesStream(StreamSpec):
    """A revolving pool of invoices: discount earned, dilution, correlated defaults, run-off."""

    kind: ClassVar[str] = "receivables"
    pool_balance: int  # face value of the invoices held, revenue-currency smallest units
    debtors: tuple[Debtor, ...]
    discount_bps_per_year: int
    revolving_years: int
    dilution_bps: int = 0
    recovery_bps: int = 0
    recovery_lag_months: int = 12
    parent_correlation_bps: int = 0

    @property
    def monthly_turnover(self) -> float:
        """Face falling due a month with every debtor paying, in smallest units."""
        return sum(self.pool_balance * d.share_bps / _BPS / d.tenor_months for d in self.debtors)


@register
class Receivables(SteadyKind[ReceivablesStream]):
    stream_type = ReceivablesStream
    fields = (
        "pool_balance", "debtors", "discount_bps_per_year", "revolving_years", "dilution_bps",
        "recovery_bps", "recovery_lag_months", "parent_correlation_bps",
    )  # fmt: skip
    labels = Labels(
        title="Receivables",
        description="a revolving pool of invoices: discount earned, then run-off, less losses",
        driver="invoices",
    )

    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> ReceivablesStream:
        discount = s.bps("discount_bps_per_year", 1, 5_000)
        dilution = s.bps("dilution_bps", 0, 5_000, default=0)
        debtors: list[Debtor] = []
        for d in sub_sections(s, "debtors", _DEBTOR_FIELDS, required=True):
            name = d.slug("name")
            if any(other.name == name for other in debtors):
                d.fail("name", f"{name!r} names another debtor")
            tenor = d.integer("tenor_months", 1, 60)
            if discount * tenor / 12 <= dilution:
                d.fail(
                    "tenor_months",
                    f"over {tenor} months the discount earns {discount * tenor / 12:.0f} bps of "
                    f"an invoice, not more than the dilution of {dilution} bps: the revolving "
                    "pool would pay nothing",
                )
            debtors.append(
                Debtor(
                    name=name,
                    share_bps=d.bps("share_bps", 1, BPS),
                    default_bps_per_year=d.bps("default_bps_per_year", 0, BPS),
                    tenor_months=tenor,
                )
            )
        total = sum(d.share_bps for d in debtors)
        if total != BPS:
            s.fail("debtors", f"the debtors' share_bps must add up to 10000, got {total}")
        return ReceivablesStream(
            **common,
            pool_balance=s.amount("pool_balance", ctx.decimals, ctx.money),
            debtors=tuple(debtors),
            discount_bps_per_year=discount,
            revolving_years=s.integer("revolving_years", 0, ctx.term_years),
            dilution_bps=dilution,
            recovery_bps=s.bps("recovery_bps", 0, BPS, default=0),
            recovery_lag_months=s.integer("recovery_lag_months", 0, 120, default=12),
            parent_correlation_bps=s.bps("parent_correlation_bps", 0, BPS - 1, default=0),
        )

    def steady_month(self, stream: ReceivablesStream, unit: float) -> float:
        # The pool is bought whole at the start.
        return stream.monthly_turnover / unit

    # Draws: 0 the parent's normal per period (paths, periods); 1 each debtor's own normal
    # (paths, periods x debtors).

    def path_factor(
        self, stream: ReceivablesStream, revenue: RevenueSpec, periods: int, paths: int, draw: Draw
    ) -> FloatArray:
        p = _Plan(stream, revenue)
        n = len(stream.debtors)
        parent = draw(0).standard_normal((paths, periods))
        own = draw(1).standard_normal((paths, periods * n)).reshape(paths, periods, n)
        # A debtor's pool is the no-default pool until it defaults, then nothing: find each
        # debtor's first default, then everything else is arithmetic on the no-default path.
        entering, cash_alive = p.no_default_path(periods)  # (n, periods) each
        period = np.arange(periods)[None, :]
        first = np.empty((paths, n), dtype=np.int64)
        cash = np.zeros((paths, periods))
        for d in range(n):
            # score < threshold, rearranged so that only one array of (paths, periods) is made
            hit = own[:, :, d] < (p.threshold[d] - p.loading * parent) / p.idiosyncratic
            first[:, d] = np.where(hit.any(axis=1), hit.argmax(axis=1), periods)
            cash += np.where(period < first[:, d : d + 1], cash_alive[d], 0.0)
        pending = np.zeros((paths, periods + p.lag + 1))
        rows = np.arange(paths)
        recovery = stream.recovery_bps / _BPS
        for d in range(n):
            defaulted = first[:, d] < periods
            lost = np.where(defaulted, entering[d, np.minimum(first[:, d], periods - 1)], 0.0)
            np.add.at(pending, (rows, first[:, d] + p.lag), lost * recovery)
        cash += pending[:, :periods]
        result: FloatArray = cash / p.turnover
        return result

    def path_factor_reference(
        self, stream: ReceivablesStream, revenue: RevenueSpec, periods: int, paths: int, draw: Draw
    ) -> list[list[float]]:
        p = _Plan(stream, revenue)
        n = len(stream.debtors)
        parent = draw(0).standard_normal((paths, periods)).tolist()
        own = draw(1).standard_normal((paths, periods * n)).tolist()
        loading, spread = float(p.loading), float(p.idiosyncratic)
        share = p.share.tolist()
        threshold = p.threshold.tolist()
        yield_ = p.revolving_yield.tolist()
        runoff = p.runoff.tolist()
        net = p.net_of_dilution.tolist()
        recovery = stream.recovery_bps / _BPS
        out = []
        for path in range(paths):
            live = list(share)
            pending = [0.0] * (periods + p.lag + 1)
            row = []
            for t in range(periods):
                for d in range(n):
                    score = loading * parent[path][t] + spread * own[path][t * n + d]
                    if live[d] > 0.0 and score < threshold[d]:
                        pending[t + p.lag] += live[d] * recovery
                        live[d] = 0.0
                cash = pending[t]
                for d in range(n):
                    if t < p.revolving:
                        cash += live[d] * yield_[d]
                    else:
                        collected = live[d] * runoff[d]
                        cash += collected * net[d]
                        live[d] -= collected
                if t == periods - 1:
                    cash += sum(live)
                row.append(cash / p.turnover)
            out.append(row)
        return out

    def expected_path_factor(
        self, stream: ReceivablesStream, revenue: RevenueSpec, periods: int
    ) -> FloatArray:
        """Exact: each debtor's survival is the same whatever the correlation (the mean is
        linear in the pool), so the mean pool is the no-default pool times the survival."""
        p = _Plan(stream, revenue)
        recovery = stream.recovery_bps / _BPS
        mean = np.zeros(periods)
        for d in range(len(stream.debtors)):
            h = float(p.hazard[d])
            live = float(p.share[d])  # the pool of debtor d on a path where it never defaults
            for t in range(periods):
                if t + p.lag < periods:
                    mean[t + p.lag] += (1.0 - h) ** t * h * live * recovery
                alive = (1.0 - h) ** (t + 1)
                if t < p.revolving:
                    mean[t] += alive * live * float(p.revolving_yield[d])
                else:
                    collected = live * float(p.runoff[d])
                    mean[t] += alive * collected * float(p.net_of_dilution[d])
                    live -= collected
                if t == periods - 1:
                    mean[t] += alive * live
        result: FloatArray = mean / p.turnover
        return result


class _Plan:
    """The stream's numbers per debtor, in fractions of the pool and periods of the model."""

    def __init__(self, stream: ReceivablesStream, revenue: RevenueSpec) -> None:
        debtors = stream.debtors
        mpp = revenue.months_per_period
        ppy = revenue.periods_per_year
        self.share = np.array([d.share_bps / _BPS for d in debtors])
        tenor = np.array([float(d.tenor_months) for d in debtors])
        turns = mpp / tenor  # invoices falling due per period, as a share of the pool
        self.turnover = float((self.share * turns).sum())
        discount = stream.discount_bps_per_year / _BPS
        dilution = stream.dilution_bps / _BPS
        self.revolving_yield = discount * mpp / 12.0 - turns * dilution
        self.runoff = np.minimum(turns, 1.0)
        self.net_of_dilution = np.full(len(debtors), 1.0 - dilution)
        self.revolving = stream.revolving_years * ppy
        self.lag = periods_of(stream.recovery_lag_months, mpp)
        self.recovery_vector = np.full(len(debtors), stream.recovery_bps / _BPS)
        self.hazard = np.array([per_period(d.default_bps_per_year, ppy) for d in debtors])
        rho = stream.parent_correlation_bps / _BPS
        self.loading = math.sqrt(rho)
        self.idiosyncratic = math.sqrt(1.0 - rho)
        self.threshold = np.array([_threshold(float(h)) for h in self.hazard])

    def no_default_path(self, periods: int) -> tuple[FloatArray, FloatArray]:
        """Per debtor and period, on a path where it never defaults: its pool entering the
        period, and the cash it pays in the period."""
        n = len(self.share)
        entering = np.zeros((n, periods))
        cash = np.zeros((n, periods))
        live = self.share.copy()
        for t in range(periods):
            entering[:, t] = live
            if t < self.revolving:
                cash[:, t] = live * self.revolving_yield
            else:
                collected = live * self.runoff
                cash[:, t] = collected * self.net_of_dilution
                live = live - collected
            if t == periods - 1:
                cash[:, t] += live
        return entering, cash


def _threshold(probability: float) -> float:
    if probability <= 0.0:
        return -math.inf
    if probability >= 1.0:
        return math.inf
    return NormalDist().inv_cdf(probability)
