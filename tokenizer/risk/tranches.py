"""Per-class analytics over paths: losses, dated IRR, weighted average life, payback.

Per path, for each class (a tranche or the single class) that paid ``invested`` at the sale:

* **cash back**: everything the class received over the term (integer smallest units);
* **loss**: ``max(0, invested - cash back)``, integer: money the class did not get back (the
  tokens are worth nothing at maturity, so that money is gone);
* **profit**: ``cash back - invested`` (negative on a losing path), labelled apart from the cash;
* **IRR** from the dated cash flows (:mod:`tokenizer.risk.timing`,
  :func:`~tokenizer.metrics.xirr_paths`);
* **weighted average life**: years from the purchase until the average unit of principal comes
  back (a rated tranche: principal repaid; the residual or single class, which have no
  principal, weigh all their cash), None on a path paying nothing;
* **payback**: years from the purchase until the cumulative cash back first reaches what was
  paid; never, on a path that loses money.

Quantiles are values of the sample (no interpolation), so amounts stay integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tokenizer.metrics import finite_or_none, quantiles, xirr_paths
from tokenizer.risk.runs import Chunk, DealClass

__all__ = ["ClassPaths", "ClassRisk", "summarise"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass
class ClassPaths:
    """Per-path results of one class, gathered chunk by chunk."""

    cls: DealClass
    received: list[IntArray] = field(default_factory=list)
    irr: list[FloatArray] = field(default_factory=list)
    wal: list[FloatArray] = field(default_factory=list)
    payback: list[FloatArray] = field(default_factory=list)  # years; inf: never

    def add(self, chunk: Chunk, years: FloatArray) -> None:
        cls = self.cls
        paid = np.ascontiguousarray(chunk.paid[:, :, cls.index])
        total = paid.sum(axis=1)
        self.received.append(total)
        self.irr.append(xirr_paths(cls.invested, paid, years))
        weights = paid
        if cls.rated and chunk.waterfall is not None:
            weights = chunk.waterfall.principal_paid[:, :, cls.index].astype(np.int64)
        wsum = weights.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.wal.append((weights @ years) / np.where(wsum > 0, wsum, np.nan))
        reached = np.cumsum(paid, axis=1) >= cls.invested
        first = reached.argmax(axis=1)
        self.payback.append(np.where(reached.any(axis=1), years[first], np.inf))

    def arrays(self) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
        return (
            np.concatenate(self.received),
            np.concatenate(self.irr),
            np.concatenate(self.wal),
            np.concatenate(self.payback),
        )


@dataclass(frozen=True)
class ClassRisk:
    """What the paths say about one class. Money in settlement smallest units."""

    name: str
    symbol: str
    rated: bool
    invested: int
    paths: int
    cash_back: tuple[int, int, int]  # P5, P50, P95 of the cash back
    profit: tuple[int, int, int]  # P5, P50, P95 of cash back minus what was paid
    p_loss: float  # share of paths that lose money
    expected_loss: int  # mean loss, floored
    loss: tuple[int, int, int]  # P50, P95, P99 of the loss
    irr: tuple[float, float, float]  # P5, P50, P95, from dated cash flows
    wal_years: float | None  # median weighted average life
    payback_years: float | None  # median payback (None: more than half never pay back)
    p_payback: float  # share of paths paid back within the term

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "symbol": self.symbol,
            "rated": self.rated,
            "invested": self.invested,
            "paths": self.paths,
            "cash_back_p5_p50_p95": list(self.cash_back),
            "profit_p5_p50_p95": list(self.profit),
            "probability_of_loss": round(self.p_loss, 6),
            "expected_loss": self.expected_loss,
            "loss_p50_p95_p99": list(self.loss),
            "irr_p5_p50_p95": [round(x, 6) for x in self.irr],
            "wal_years": None if self.wal_years is None else round(self.wal_years, 3),
            "wal_basis": "principal" if self.rated else "all cash",
            "payback_years_p50": None
            if self.payback_years is None
            else round(self.payback_years, 3),
            "probability_of_payback": round(self.p_payback, 6),
        }


def summarise(gathered: ClassPaths) -> ClassRisk:
    cls = gathered.cls
    received, irr, wal, payback = gathered.arrays()
    n = int(received.size)
    loss = np.maximum(cls.invested - received, 0)
    profit = received - cls.invested
    cb = quantiles(received, (0.05, 0.5, 0.95))
    pr = quantiles(profit, (0.05, 0.5, 0.95))
    lq = quantiles(loss, (0.5, 0.95, 0.99))
    iq = quantiles(irr, (0.05, 0.5, 0.95))
    finite_wal = wal[np.isfinite(wal)]
    return ClassRisk(
        name=cls.name,
        symbol=cls.symbol,
        rated=cls.rated,
        invested=cls.invested,
        paths=n,
        cash_back=(cb[0], cb[1], cb[2]),
        profit=(pr[0], pr[1], pr[2]),
        p_loss=float(np.count_nonzero(loss)) / n,
        expected_loss=int(loss.sum()) // n,
        loss=(lq[0], lq[1], lq[2]),
        irr=(iq[0], iq[1], iq[2]),
        wal_years=float(np.median(finite_wal)) if finite_wal.size else None,
        payback_years=finite_or_none(quantiles(payback, (0.5,))[0]),
        p_payback=float(np.count_nonzero(np.isfinite(payback))) / n,
    )
