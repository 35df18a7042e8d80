"""What a structured deal's credit enhancement does over the paths: DSCR, triggers, reserve,
guarantors.

Per path, from the waterfall's own arrays (so exactly what would happen on chain):

* the **minimum DSCR**: the lowest, over the periods with senior debt service, of collections
  over the senior's interest and principal due (the ratio the triggers test);
* whether each **trigger** is ever on;
* whether the **reserve is emptied**: a period in which it paid towards the senior's shortfall
  and was left at zero;
* each **guarantor**'s total draw (integer smallest units): the chance it is drawn at all, the
  expected draw (floored) and the 95th percentile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tokenizer.metrics import finite_or_none, quantiles
from tokenizer.risk.runs import Chunk
from tokenizer.spec.model import StructureSpec

__all__ = [
    "EnhancementPaths",
    "EnhancementRisk",
    "GuarantorRisk",
    "TriggerRisk",
    "summarise_enhancement",
]


@dataclass(frozen=True)
class TriggerRisk:
    index: int
    description: str
    probability: float  # share of paths on which it ever switches on


@dataclass(frozen=True)
class GuarantorRisk:
    name: str
    covers: str
    total_limit: int
    probability: float  # share of paths on which it is drawn
    expected_draw: int  # mean total draw, floored
    draw_p95: int


@dataclass(frozen=True)
class EnhancementRisk:
    paths: int
    min_dscr: tuple[float | None, float | None, float | None]  # P5, P50, P95
    p_dscr_below_one: float
    triggers: tuple[TriggerRisk, ...]
    has_reserve: bool
    p_reserve_emptied: float
    guarantors: tuple[GuarantorRisk, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "paths": self.paths,
            "min_dscr_p5_p50_p95": [None if x is None else round(x, 4) for x in self.min_dscr],
            "probability_min_dscr_below_1": round(self.p_dscr_below_one, 6),
            "triggers": [
                {"trigger": t.description, "probability_fires": round(t.probability, 6)}
                for t in self.triggers
            ],
            "reserve": None
            if not self.has_reserve
            else {"probability_emptied": round(self.p_reserve_emptied, 6)},
            "guarantors": [
                {
                    "name": g.name,
                    "covers": g.covers,
                    "total_limit": g.total_limit,
                    "probability_drawn": round(g.probability, 6),
                    "expected_draw": g.expected_draw,
                    "draw_p95": g.draw_p95,
                }
                for g in self.guarantors
            ],
        }


@dataclass
class EnhancementPaths:
    """Per-path results of the enhancement, gathered chunk by chunk."""

    structure: StructureSpec
    min_dscr: list[npt.NDArray[np.float64]] = field(default_factory=list)
    fired: list[npt.NDArray[np.bool_]] = field(default_factory=list)  # [path, trigger]
    emptied: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    drawn: list[npt.NDArray[np.int64]] = field(default_factory=list)  # [path, guarantor]

    def add(self, chunk: Chunk) -> None:
        w = chunk.waterfall
        if w is None:
            raise ValueError("a structured deal's chunk has the waterfall's arrays")
        ds = w.debt_service.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(ds > 0, chunk.collections / ds, np.inf)
        self.min_dscr.append(ratio.min(axis=1))
        self.fired.append(np.asarray(w.triggers_on.any(axis=1), dtype=bool))
        emptied = (w.reserve_drawn > 0) & (w.reserve == 0)
        self.emptied.append(np.asarray(emptied.any(axis=1), dtype=bool))
        self.drawn.append(w.guarantor_drawn.sum(axis=1).astype(np.int64))


def summarise_enhancement(gathered: EnhancementPaths) -> EnhancementRisk:
    s = gathered.structure
    dscr = np.concatenate(gathered.min_dscr)
    fired = np.concatenate(gathered.fired)
    emptied = np.concatenate(gathered.emptied)
    drawn = np.concatenate(gathered.drawn)
    n = int(dscr.size)
    q = quantiles(dscr, (0.05, 0.5, 0.95))
    rated = [t.name for t in s.tranches if not t.residual]
    triggers = tuple(
        TriggerRisk(
            index=j,
            description=(
                f"DSCR below {t.below_bps / 10_000:.2f}x for {t.periods} period(s): {t.action}"
            ),
            probability=float(np.count_nonzero(fired[:, j])) / n,
        )
        for j, t in enumerate(s.triggers)
    )
    guarantors = tuple(
        GuarantorRisk(
            name=g.name,
            covers=rated[g.covers],
            total_limit=g.total_limit,
            probability=float(np.count_nonzero(drawn[:, i])) / n,
            expected_draw=int(drawn[:, i].sum()) // n,
            draw_p95=quantiles(drawn[:, i], (0.95,))[0],
        )
        for i, g in enumerate(s.guarantors)
    )
    return EnhancementRisk(
        paths=n,
        min_dscr=(finite_or_none(q[0]), finite_or_none(q[1]), finite_or_none(q[2])),
        p_dscr_below_one=float(np.count_nonzero(dscr < 1.0)) / n,
        triggers=triggers,
        has_reserve=s.reserve is not None,
        p_reserve_emptied=float(np.count_nonzero(emptied)) / n,
        guarantors=guarantors,
    )
