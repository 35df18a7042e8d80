"""``rwa risk``'s whole run: the paths, each class's analytics, the enhancement, the breakevens
and the stresses, in one typed report.

The stresses run on the first ``stress_paths`` paths (the same draws as the base: the stress
table's base row is those paths too, so the rows compare like with like).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from tokenizer.finance.waterfall import PathsResult
from tokenizer.revenue import simulate_gross
from tokenizer.risk.breakeven import Breakeven, breakevens
from tokenizer.risk.enhancement import EnhancementPaths, EnhancementRisk, summarise_enhancement
from tokenizer.risk.fan import FanPaths, PathCharts
from tokenizer.risk.runs import (
    CHUNK,
    Chunk,
    chunk_seed,
    chunks,
    classes_of,
    collections_of,
    pay,
    terms_for,
)
from tokenizer.risk.stresses import scenarios
from tokenizer.risk.timing import Timing, timing_of
from tokenizer.risk.tranches import ClassPaths, ClassRisk, summarise
from tokenizer.spec import DealSpec

__all__ = ["RiskReport", "StressRow", "fan_for", "run_classes", "run_risk"]

STRESS_PATHS = 1_000


@dataclass(frozen=True)
class StressRow:
    scenario: str
    label: str
    classes: tuple[ClassRisk, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "label": self.label,
            "classes": [
                {
                    "name": c.name,
                    "probability_of_loss": round(c.p_loss, 6),
                    "expected_loss": c.expected_loss,
                    "irr_p5_p50_p95": [round(x, 6) for x in c.irr],
                }
                for c in self.classes
            ],
        }


@dataclass(frozen=True)
class RiskReport:
    deal: str
    name: str
    paths: int
    seed: int
    timing: Timing
    symbol: str
    decimals: int
    classes: tuple[ClassRisk, ...]
    enhancement: EnhancementRisk | None
    breakevens: tuple[Breakeven, ...]
    stress_paths: int
    stresses: tuple[StressRow, ...]
    charts: PathCharts | None = None  # for report.html; not part of the JSON answer

    def as_dict(self) -> dict[str, Any]:
        return {
            "deal": self.deal,
            "name": self.name,
            "paths": self.paths,
            "seed": self.seed,
            "units": {"settlement": self.symbol, "decimals": self.decimals},
            "timing": self.timing.describe(),
            "loss": "what a class paid in minus all the cash it got back, when positive (the "
            "tokens are worth nothing at maturity)",
            "classes": [c.as_dict() for c in self.classes],
            "enhancement": None if self.enhancement is None else self.enhancement.as_dict(),
            "breakeven": {
                "definition": "the uniform revenue haircut, every period, at which the class "
                "first loses money on the expected revenue path (bisection, to one basis point)",
                "classes": [b.as_dict() for b in self.breakevens],
            },
            "stresses": {
                "paths": self.stress_paths,
                "rows": [s.as_dict() for s in self.stresses],
            },
        }


def run_classes(
    spec: DealSpec,
    paths: int,
    seed: int,
    timing: Timing,
    haircut: float = 0.0,
    fan: FanPaths | None = None,
) -> tuple[tuple[ClassRisk, ...], EnhancementRisk | None]:
    """Each class's analytics (and the enhancement's) over ``paths`` paths; ``fan``, when given,
    gathers what the report's charts draw from the same paths."""
    return _analyse(spec, chunks(spec, paths, seed, haircut), timing, fan)


def fan_for(spec: DealSpec) -> FanPaths:
    """An empty gatherer of the charts' data for ``spec``'s classes."""
    return FanPaths(classes_of(spec), spec.revenue.periods_per_year)


def _analyse(
    spec: DealSpec, runs: Iterable[Chunk], timing: Timing, fan: FanPaths | None = None
) -> tuple[tuple[ClassRisk, ...], EnhancementRisk | None]:
    years = timing.payout_years()
    gathered = [ClassPaths(c) for c in classes_of(spec)]
    enh = EnhancementPaths(spec.structure) if spec.structure is not None else None
    for chunk in runs:
        for g in gathered:
            g.add(chunk, years)
        if enh is not None:
            enh.add(chunk)
        if fan is not None:
            fan.add(chunk)
    return tuple(summarise(g) for g in gathered), (
        None if enh is None else summarise_enhancement(enh)
    )


def _stresses(spec: DealSpec, paths: int, seed: int, timing: Timing) -> tuple[StressRow, ...]:
    """Every scenario on the first ``paths`` paths (at most one chunk).

    Scenarios that share the deal's structure go down the waterfall together, stacked as rows
    of one run (the waterfall's cost is per period, nearly whatever the rows); haircuts reuse
    the base's gross revenue.
    """
    todo = scenarios(spec)
    base_gross = simulate_gross(spec.revenue, spec.periods, paths, chunk_seed(seed, 0))
    cols = []
    for s in todo:
        gross = (
            base_gross
            if s.spec.revenue is spec.revenue
            else simulate_gross(s.spec.revenue, spec.periods, paths, chunk_seed(seed, 0))
        )
        cols.append((gross, collections_of(s.spec, gross, s.haircut)))
    done: dict[int, Chunk] = {}
    groups: dict[int, list[int]] = {}
    for i, s in enumerate(todo):
        groups.setdefault(id(s.spec.structure), []).append(i)
    for members in groups.values():
        stacked = np.concatenate([cols[i][1] for i in members])
        paid, result = pay(terms_for(todo[members[0]].spec), stacked)
        for j, i in enumerate(members):
            rows = slice(j * paths, (j + 1) * paths)
            done[i] = Chunk(
                collections=cols[i][1],
                paid=paid[rows],
                waterfall=None if result is None else _rows(result, rows),
                gross=cols[i][0],
            )
    return tuple(
        StressRow(s.name, s.label, _analyse(s.spec, [done[i]], timing)[0])
        for i, s in enumerate(todo)
    )


def _rows(result: PathsResult, rows: slice) -> PathsResult:
    return PathsResult(**{f.name: getattr(result, f.name)[rows] for f in fields(result)})


def run_risk(
    spec: DealSpec,
    paths: int = 10_000,
    seed: int = 0,
    *,
    paid_day: int | None = None,
    stress_paths: int = STRESS_PATHS,
    stresses: bool = True,
) -> RiskReport:
    """The deal's risk over ``paths`` paths under ``seed``."""
    if isinstance(paths, bool) or not isinstance(paths, int) or paths < 1:
        raise ValueError(f"paths must be a positive whole number, got {paths!r}")
    timing = timing_of(spec, paid_day)
    fan = fan_for(spec)
    classes, enhancement = run_classes(spec, paths, seed, timing, fan=fan)
    n_stress = min(paths, stress_paths, CHUNK)
    rows = _stresses(spec, n_stress, seed, timing) if stresses else ()
    return RiskReport(
        deal=spec.id,
        name=spec.name,
        paths=paths,
        seed=seed,
        timing=timing,
        symbol=spec.settlement.symbol,
        decimals=spec.settlement.decimals,
        classes=classes,
        enhancement=enhancement,
        breakevens=breakevens(spec),
        stress_paths=n_stress if stresses else 0,
        stresses=rows,
        charts=fan.summarise(),
    )
