"""``rwa risk``'s whole run: the paths, each class's analytics, the enhancement, the breakevens
and the stresses, in one typed report.

The stresses run on the first ``stress_paths`` paths (the same draws as the base: the stress
table's base row is those paths too, so the rows compare like with like).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tokenizer.risk.breakeven import Breakeven, breakevens
from tokenizer.risk.enhancement import EnhancementPaths, EnhancementRisk, summarise_enhancement
from tokenizer.risk.runs import chunks, classes_of
from tokenizer.risk.stresses import Scenario, scenarios
from tokenizer.risk.timing import Timing, timing_of
from tokenizer.risk.tranches import ClassPaths, ClassRisk, summarise
from tokenizer.spec import DealSpec

__all__ = ["RiskReport", "StressRow", "run_classes", "run_risk"]

STRESS_PATHS = 2_000


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
    spec: DealSpec, paths: int, seed: int, timing: Timing, haircut: float = 0.0
) -> tuple[tuple[ClassRisk, ...], EnhancementRisk | None]:
    """Each class's analytics (and the enhancement's) over ``paths`` paths."""
    years = timing.payout_years()
    gathered = [ClassPaths(c) for c in classes_of(spec)]
    enh = EnhancementPaths(spec.structure) if spec.structure is not None else None
    for chunk in chunks(spec, paths, seed, haircut):
        for g in gathered:
            g.add(chunk, years)
        if enh is not None:
            enh.add(chunk)
    return tuple(summarise(g) for g in gathered), (
        None if enh is None else summarise_enhancement(enh)
    )


def _stress(s: Scenario, paths: int, seed: int, timing: Timing) -> StressRow:
    classes, _ = run_classes(s.spec, paths, seed, timing, s.haircut)
    return StressRow(s.name, s.label, classes)


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
    classes, enhancement = run_classes(spec, paths, seed, timing)
    n_stress = min(paths, stress_paths)
    rows = tuple(_stress(s, n_stress, seed, timing) for s in scenarios(spec)) if stresses else ()
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
    )
