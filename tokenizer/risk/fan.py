"""What the report's charts need from a Monte Carlo run, gathered chunk by chunk: the gross
revenue per term year over the paths (a fan: P5, median, P95) and each class's loss, as a share
of what it paid in, at every percentile (a distribution small enough to keep and to draw).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tokenizer.risk.runs import Chunk, DealClass

__all__ = ["FanPaths", "PathCharts"]

FloatArray = npt.NDArray[np.float64]

#: The loss distribution is kept at these percentiles (0, 1, ..., 100).
LOSS_PERCENTILES = tuple(i / 100 for i in range(101))


@dataclass(frozen=True)
class PathCharts:
    """Per-year gross revenue bands (revenue currency units) and per-class loss percentiles."""

    paths: int
    revenue_per_year: tuple[tuple[float, float, float], ...]  # P5, P50, P95 of each term year
    loss_share: dict[str, tuple[float, ...]]  # class -> loss / invested at LOSS_PERCENTILES


@dataclass
class FanPaths:
    classes: tuple[DealClass, ...]
    periods_per_year: int
    yearly: list[FloatArray] = field(default_factory=list)
    losses: dict[str, list[FloatArray]] = field(default_factory=dict)

    def add(self, chunk: Chunk) -> None:
        gross = chunk.gross
        n, periods = gross.shape
        ppy = self.periods_per_year
        years = -(-periods // ppy)
        padded = np.zeros((n, years * ppy))
        padded[:, :periods] = gross
        self.yearly.append(padded.reshape(n, years, ppy).sum(axis=2))
        for c in self.classes:
            received = chunk.paid[:, :, c.index].sum(axis=1)
            share = np.maximum(c.invested - received, 0) / max(c.invested, 1)
            self.losses.setdefault(c.name, []).append(share.astype(np.float64))

    def summarise(self) -> PathCharts:
        yearly = np.concatenate(self.yearly)
        bands = np.quantile(yearly, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
        loss = {
            name: tuple(
                float(v)
                for v in np.quantile(np.concatenate(parts), LOSS_PERCENTILES, method="inverted_cdf")
            )
            for name, parts in self.losses.items()
        }
        return PathCharts(
            paths=int(yearly.shape[0]),
            revenue_per_year=tuple(
                (float(bands[0, y]), float(bands[1, y]), float(bands[2, y]))
                for y in range(yearly.shape[1])
            ),
            loss_share=loss,
        )
