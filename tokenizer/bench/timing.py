"""Wall times: compiling, a whole simulated deal, and the Monte Carlo (vectorised vs plain)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tokenizer.bench.deployment import fresh_chain
from tokenizer.compiler import Artifacts, compile_contracts
from tokenizer.workspace import Workspace

SEED_SPEC = "seeds/xiaoping_island.yaml"


def bench_compile() -> dict[str, float]:
    t = time.perf_counter()
    compile_contracts(force=True)
    cold = time.perf_counter() - t
    cached = []
    for _ in range(3):
        t = time.perf_counter()
        compile_contracts()
        cached.append(time.perf_counter() - t)
    return {"compile_cold": cold, "compile_cached": min(cached)}


@contextmanager
def _temporary_deployments() -> Iterator[Path]:
    """Keep the simulation's deployment record out of the project's deployments/ folder."""
    with tempfile.TemporaryDirectory(prefix="rwa-bench-") as tmp:
        folder = Path(tmp)
        with Workspace.current().with_records_in(folder).use():
            yield folder


def bench_simulation(artifacts: Artifacts, investors: int, periods: int) -> dict[str, Any]:
    from tokenizer.simulation.pipeline import RunSettings, run_deal
    from tokenizer.spec import load_spec

    spec = load_spec(Workspace.current().root / SEED_SPEC)
    with _temporary_deployments() as tmp, fresh_chain(artifacts) as chain:
        settings = RunSettings(
            investors=investors, periods=periods, seed=0, out_dir=tmp / "report", quiet=True
        )
        t = time.perf_counter()
        report = run_deal(chain, spec, settings)
        seconds = time.perf_counter() - t
    rec = report.reconciliation.as_dict()
    return {
        "investors": investors,
        "periods": periods,
        "seconds": seconds,
        "buyers": report.sale.buyers,
        "periods_distributed": report.revenue.periods_distributed,
        "claims": report.activity.claims,
        "trades": report.activity.trades,
        "reconciliation": rec,
        "mismatches": rec.get("mismatches"),
        "stages": report.seconds,
    }


def bench_montecarlo(paths_: int, periods: int, reference_paths: int) -> dict[str, Any]:
    from tokenizer import revenue
    from tokenizer.spec import load_spec

    spec = load_spec(Workspace.current().root / SEED_SPEC)
    revenue.simulate_gross(spec.revenue, periods, 10, 1)  # warm-up (imports, caches)
    t = time.perf_counter()
    revenue.simulate_gross(spec.revenue, periods, paths_, 0)
    vectorised = time.perf_counter() - t
    t = time.perf_counter()
    revenue.simulate_gross_reference(spec.revenue, periods, reference_paths, 0)
    per_path = (time.perf_counter() - t) / reference_paths
    return {
        "paths": paths_,
        "periods": periods,
        "reference_paths": reference_paths,
        "montecarlo": vectorised,
        "montecarlo_python_per_path": per_path,
        "python_over_vectorised": per_path * paths_ / vectorised,
    }
