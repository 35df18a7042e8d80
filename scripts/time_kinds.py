"""Time the Monte Carlo of the mining, property_pool and data_licensing seeds.

`python scripts/time_kinds.py [PATHS] [MONTHS] [REFERENCE_PATHS]` (default 10,000 x 240 months,
the reference on 20 paths): each seed's revenue model run monthly for MONTHS, vectorised, and
the plain-Python reference per path, with the ratio of the two for the same number of paths.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from tokenizer import revenue
from tokenizer.spec import load_spec

SEEDS = ("phosphate_mining_rights", "tianjin_property_pool", "data_asset_licensing")
ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    paths, months, reference_paths = (int(a) for a in [*argv, "10000", "240", "20"][:3])
    print(f"Monte Carlo, {paths:,} paths x {months} months (reference: {reference_paths} paths)")
    for name in SEEDS:
        spec = load_spec(ROOT / "seeds" / f"{name}.yaml")
        model = dataclasses.replace(spec.revenue, periods_per_year=12)
        revenue.simulate_gross(model, months, 10, 1)  # warm-up
        t = time.perf_counter()
        revenue.simulate_gross(model, months, paths, 0)
        vectorised = time.perf_counter() - t
        t = time.perf_counter()
        revenue.simulate_gross_reference(model, months, reference_paths, 0)
        per_path = (time.perf_counter() - t) / reference_paths
        print(
            f"  {spec.revenue.streams[0].kind:15} vectorised {vectorised:6.3f} s   "
            f"reference {per_path * 1000:7.2f} ms a path ({per_path * paths:7.1f} s for {paths:,})"
            f"   ratio {per_path * paths / vectorised:5.0f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
