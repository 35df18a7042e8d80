"""One bench run: every section in turn, the bench.json document, the table on stdout."""

from __future__ import annotations

import functools
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tokenizer.bench import goals
from tokenizer.bench.disclosure import bench_disclosure
from tokenizer.bench.gas import bench_holders, bench_push, gas_summary
from tokenizer.bench.kinds import bench_kinds
from tokenizer.bench.risk import bench_risk
from tokenizer.bench.sizes import FULL, QUICK, Sizes
from tokenizer.bench.table import table
from tokenizer.bench.throughput import bench_throughput
from tokenizer.bench.timing import bench_compile, bench_montecarlo, bench_simulation
from tokenizer.bench.waterfall import bench_waterfall
from tokenizer.chain import find_anvil
from tokenizer.compiler import compile_contracts
from tokenizer.workspace import Workspace

STEADY_STATE = (
    "distribute: a period after the first, with revenue distributed before "
    "and the servicer's allowance set; claim: a holder's second claim; transfer: a second "
    "transfer between two holders after revenue was distributed"
)


def machine() -> dict[str, Any]:
    try:
        anvil = subprocess.run(
            [str(find_anvil()), "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except Exception as exc:
        anvil = f"unknown ({exc})"
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "anvil": anvil.splitlines()[0] if anvil else "unknown",
    }


def collect(
    sizes: Sizes, say: Callable[[str], None], out_dir: Path | None = None
) -> dict[str, Any]:
    """Run every section and return the bench.json document."""
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        say(f"  {name} …")
        t = time.perf_counter()
        value = fn()
        timings[name] = round(time.perf_counter() - t, 2)
        say(f"  {name}: {timings[name]} s")
        return value

    comp = timed("compile", bench_compile)
    artifacts = compile_contracts()

    per_holders: dict[str, dict[str, Any]] = {}
    smallest = min(sizes.holders)
    for n in sizes.holders:
        per_holders[str(n)] = timed(
            f"distribute with {n} holders",
            functools.partial(bench_holders, artifacts, n, detail=n == smallest),
        )
    push = timed("push distribution", lambda: bench_push(artifacts, sizes.push))
    tp = timed("throughput", lambda: bench_throughput(artifacts, sizes.throughput_txs))
    sim = timed(
        "simulation",
        lambda: bench_simulation(artifacts, sizes.sim_investors, sizes.sim_periods),
    )
    mc = timed(
        "monte carlo",
        lambda: bench_montecarlo(sizes.mc_paths, sizes.mc_periods, sizes.mc_reference_paths),
    )
    risk = timed(
        "rwa risk",
        lambda: bench_risk(sizes.mc_paths, sizes.risk_big_paths),
    )
    per_kind = timed(
        "monte carlo per kind",
        lambda: bench_kinds(sizes.mc_paths, sizes.mc_reference_paths),
    )
    waterfall = timed(
        "waterfall period", lambda: bench_waterfall(artifacts, sizes.waterfall_investors)
    )
    disclosure = timed(
        "attested distribution",
        lambda: bench_disclosure(artifacts, [min(sizes.holders), max(sizes.holders)]),
    )

    from tokenizer.bench.scale import bench_scale  # here: the module also runs as a script

    scale = timed(
        "retail deal at scale",
        lambda: bench_scale(
            sizes.scale_holders, sizes.scale_periods, sizes.throughput_txs, out_dir
        ),
    )

    gas = gas_summary(per_holders, push)
    distribute = gas["distribute"]
    seconds = {
        sizes.simulation_key: sim["seconds"],
        sizes.montecarlo_key: mc["montecarlo"],
        "montecarlo_python_per_path": mc["montecarlo_python_per_path"],
        "compile_cold": comp["compile_cold"],
        "compile_cached": comp["compile_cached"],
    }
    return {
        "machine": machine(),
        "quick": sizes != FULL,
        "sizes": asdict(sizes),
        "steady_state": STEADY_STATE,
        "gas": gas,
        "gas_by_holders": per_holders,
        "throughput": tp,
        "seconds": seconds,
        "simulation": sim,
        "montecarlo": mc,
        "montecarlo_by_kind": per_kind,
        "risk": risk,
        "waterfall": waterfall,
        "disclosure": disclosure,
        "scale": scale,
        "goals": goals.evaluate(sizes, gas, tp, sim, mc, comp, risk, waterfall, disclosure, scale),
        "section_seconds": timings,
        "distribute_lo_hi": [distribute[str(smallest)], distribute[str(max(sizes.holders))]],
    }


def run(quick: bool = False, out: Path | None = None) -> int:
    """Measure at the full (or quick) sizes, write bench.json to ``out``, print the table."""
    sizes = QUICK if quick else FULL
    started = time.perf_counter()
    print(f"Benchmarking ({'quick' if sizes is QUICK else 'full'} sizes)…", file=sys.stderr)
    path = out or Workspace.current().out / "bench.json"
    doc = collect(sizes, lambda text: print(text, file=sys.stderr, flush=True), path.parent)
    doc["total_seconds"] = round(time.perf_counter() - started, 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    print(table(doc))
    print(f"\nWritten {path} in {doc['total_seconds']} s.")
    return 0
