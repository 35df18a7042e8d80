"""The band the demo's story and ``report.md`` quote next to the one simulated path.

A simulated run on a chain is one path of the revenue model; quoting its IRR as "the" return
hides the spread. This runs the same deal over :data:`BAND_PATHS` paths (quick enough for the
demo) with the simulation's dates: its buyers pay when the sale opens, so the first payout
comes the sale window plus one period after the payment. The result is cached per spec object,
so the story and the report of one run share one Monte Carlo.
"""

from __future__ import annotations

from typing import Final

from tokenizer.metrics import xirr_paths
from tokenizer.risk.analysis import fan_for, run_classes
from tokenizer.risk.fan import PathCharts
from tokenizer.risk.timing import Timing, timing_of
from tokenizer.risk.tranches import ClassRisk
from tokenizer.spec import DealSpec

__all__ = [
    "BAND_PATHS",
    "SIMULATION_PAID_DAY",
    "band",
    "band_charts",
    "path_irr",
    "simulation_timing",
]

BAND_PATHS: Final = 2_000
SIMULATION_PAID_DAY: Final = 0  # the simulation's buyers buy on the day the sale opens
_CACHE: dict[tuple[int, int, int], tuple[DealSpec, tuple[ClassRisk, ...], PathCharts]] = {}


def simulation_timing(spec: DealSpec) -> Timing:
    return timing_of(spec, SIMULATION_PAID_DAY)


def band(spec: DealSpec, seed: int = 0, paths: int = BAND_PATHS) -> tuple[ClassRisk, ...]:
    """Each class's analytics over ``paths`` paths, with the simulation's dates (cached)."""
    return _run(spec, seed, paths)[0]


def band_charts(spec: DealSpec, seed: int = 0, paths: int = BAND_PATHS) -> PathCharts:
    """What the report's charts draw from the same run as :func:`band` (cached with it)."""
    return _run(spec, seed, paths)[1]


def _run(spec: DealSpec, seed: int, paths: int) -> tuple[tuple[ClassRisk, ...], PathCharts]:
    key = (id(spec), seed, paths)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is spec:
        return hit[1], hit[2]
    fan = fan_for(spec)
    classes, _ = run_classes(spec, paths, seed, simulation_timing(spec), fan=fan)
    charts = fan.summarise()
    if len(_CACHE) >= 8:
        _CACHE.clear()
    _CACHE[key] = (spec, classes, charts)  # the spec is kept so that its id is not reused
    return classes, charts


def path_irr(spec: DealSpec, price: int, per_period: list[int], supply: int) -> float | None:
    """One whole token's IRR on a simulated path, from the dates its money moved.

    ``per_period`` is what the whole token supply was paid each period (the full term);
    ``supply`` the tokens sold, base units. None when nothing was sold or the term is not over.
    """
    if not supply or len(per_period) != spec.periods:
        return None
    one = spec.token.unit
    shares = [[a * one / supply for a in per_period]]  # a ratio: floats are fine here
    return float(xirr_paths(price, shares, simulation_timing(spec).payout_years())[0])
