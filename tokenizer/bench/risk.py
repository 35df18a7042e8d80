"""``rwa risk`` end to end: the Monte Carlo through the waterfall, every class's analytics, the
breakevens and the stresses, for a single-class deal and a three-tranche one.

The single-class deal is the Xiaoping seed (240 months). The three-tranche deal is the same
assets with a structure of a senior (straight line, 4 %), a mezzanine (bullet, 7 %) and the
residual junior, a reserve, a guarantor and a cash-trap trigger: built here, since it only has
to exercise every part of the waterfall. The issue's goals: 10,000 paths in at most 3 s, and
100,000 paths in at most 30 s within 2 GB (peak traced allocations; the run works in chunks).
"""

from __future__ import annotations

import dataclasses
import time
import tracemalloc
from typing import Any

from tokenizer.spec import DealSpec
from tokenizer.spec.model import (
    GuarantorSpec,
    ReserveSpec,
    StructureSpec,
    TrancheSpec,
    TriggerSpec,
)
from tokenizer.workspace import Workspace

SEED_FILE = "xiaoping_island.yaml"


def three_tranches(spec: DealSpec) -> DealSpec:
    """``spec``'s assets with a senior, a mezzanine and a junior (60 / 25 / 15 % of the raise)."""
    cap, t_unit, s_unit = spec.offering.hard_cap, spec.token.unit, spec.settlement.unit
    senior, mezzanine = cap * 60 // 100, cap * 25 // 100
    sizes = (senior, mezzanine, cap - senior - mezzanine)

    def tranche(i: int, **kw: Any) -> TrancheSpec:
        name, symbol = (("senior", "BSEN"), ("mezzanine", "BMEZ"), ("junior", "BJUN"))[i]
        size = sizes[i]
        return TrancheSpec(
            name=name, symbol=symbol, size=size, supply=size * t_unit // s_unit, **kw
        )

    structure = StructureSpec(
        tranches=(
            tranche(0, coupon_bps=400, amortisation="straight_line"),
            tranche(1, coupon_bps=700, amortisation="bullet"),
            tranche(2, residual=True),
        ),
        reserve=ReserveSpec(target_bps_of_senior=300),
        guarantors=(
            GuarantorSpec(
                name="bench guarantor",
                covers=0,
                per_period_limit=sizes[0] // 100,
                total_limit=sizes[0] // 10,
                repaid=True,
            ),
        ),
        triggers=(
            TriggerSpec(
                metric="dscr", below_bps=11_000, periods=2, action="trap_cash", cure_periods=3
            ),
        ),
    )
    return dataclasses.replace(spec, structure=structure)


def _timed(spec: DealSpec, paths: int) -> float:
    from tokenizer.risk.analysis import run_risk

    started = time.perf_counter()
    run_risk(spec, paths, 0)
    return time.perf_counter() - started


def bench_risk(paths: int, big_paths: int) -> dict[str, Any]:
    """Seconds of ``rwa risk`` (without loading the spec) at ``paths``, and at ``big_paths``
    for the three-tranche deal with its peak traced memory (skipped when 0)."""
    from tokenizer.risk.analysis import run_risk
    from tokenizer.spec import load_spec

    single = load_spec(Workspace.current().root / "seeds" / SEED_FILE)
    tranched = three_tranches(single)
    run_risk(tranched, 20, 0, stress_paths=20)  # warm-up: imports, first allocations
    result: dict[str, Any] = {
        "seed": SEED_FILE,
        "months": single.periods * single.revenue.months_per_period,
        "paths": paths,
        "single_class_seconds": _timed(single, paths),
        "three_tranche_seconds": _timed(tranched, paths),
    }
    result["mirror"] = bench_mirror(tranched, paths)
    if big_paths:
        tracemalloc.start()
        try:
            result["three_tranche_big_seconds"] = _timed(tranched, big_paths)
            result["three_tranche_big_peak_bytes"] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        result["big_paths"] = big_paths
    return result


SCALAR_SAMPLE = 50  # paths the plain-integer mirror runs one by one (its time is per path)


def bench_mirror(spec: DealSpec, paths: int) -> dict[str, Any]:
    """The waterfall mirrors alone on the deal's own collection paths: the vectorised one over
    ``paths`` paths at once, the scalar one on a sample (scaled to ``paths``), and the two
    compared to the unit on that sample."""
    import numpy as np

    from tokenizer.finance.waterfall import run, run_paths
    from tokenizer.revenue import simulate_gross
    from tokenizer.risk.runs import collections_of, terms_for

    terms = terms_for(spec)
    assert terms is not None
    collections = collections_of(spec, simulate_gross(spec.revenue, spec.periods, paths, 0))
    run_paths(terms, collections[:10])  # warm-up
    started = time.perf_counter()
    many = run_paths(terms, collections)
    vectorised = time.perf_counter() - started
    sample = list(range(0, paths, max(1, paths // SCALAR_SAMPLE)))[:SCALAR_SAMPLE]
    started = time.perf_counter()
    scalar = [run(terms, collections[m].tolist()) for m in sample]
    per_path = (time.perf_counter() - started) / len(sample)
    equal = all(
        many.tranche_paid[m].tolist() == [p.tranche_paid for p in one.periods]
        for m, one in zip(sample, scalar, strict=True)
    )
    return {
        "paths": paths,
        "periods": int(collections.shape[1]),
        "tranches": len(terms.tranches) + 1,
        "vectorised_seconds": round(vectorised, 3),
        "scalar_seconds_per_path": round(per_path, 6),
        "scalar_seconds_estimated": round(per_path * paths, 2),
        "speedup": round(per_path * paths / vectorised, 1) if vectorised else None,
        "sample": len(sample),
        "equal_on_sample": equal,
        "dtype": str(np.asarray(many.tranche_paid).dtype),
    }
