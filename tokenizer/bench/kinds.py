"""Monte Carlo per asset kind: every registered kind, on a stream taken from the seed deals.

Generic over the registry: for each kind, the first stream of that kind in ``seeds/*.yaml`` is
simulated alone (with its deal's revenue settings) over ``mc_paths`` paths of 240 months, and a
few paths through the plain reference loop give the ratio. A kind with no seed stream is listed
as such, not skipped silently.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from tokenizer.workspace import Workspace

MONTHS = 240


def seed_streams() -> dict[str, tuple[str, Any, Any]]:
    """Kind name -> (seed file name, the deal's revenue spec, the first stream of the kind)."""
    from tokenizer.spec import load_spec

    found: dict[str, tuple[str, Any, Any]] = {}
    for path in sorted((Workspace.current().root / "seeds").glob("*.yaml")):
        spec = load_spec(path)
        for stream in spec.revenue.streams:
            found.setdefault(stream.kind, (path.name, spec.revenue, stream))
    return found


def bench_kinds(paths: int, reference_paths: int) -> dict[str, dict[str, Any]]:
    from tokenizer import revenue
    from tokenizer.assets import kinds

    streams = seed_streams()
    result: dict[str, dict[str, Any]] = {}
    for name in kinds():
        if name not in streams:
            result[name] = {"seed": None}
            continue
        seed_file, model, stream = streams[name]
        alone = dataclasses.replace(model, streams=(stream,))
        periods = MONTHS // alone.months_per_period
        revenue.simulate_gross(alone, periods, 10, 1)  # warm-up
        t = time.perf_counter()
        revenue.simulate_gross(alone, periods, paths, 0)
        vectorised = time.perf_counter() - t
        t = time.perf_counter()
        revenue.simulate_gross_reference(alone, periods, reference_paths, 0)
        per_path = (time.perf_counter() - t) / reference_paths
        result[name] = {
            "seed": seed_file,
            "stream": stream.name,
            "paths": paths,
            "months": MONTHS,
            "seconds": vectorised,
            "reference_per_path": per_path,
            "reference_over_vectorised": per_path * paths / vectorised,
        }
    return result
