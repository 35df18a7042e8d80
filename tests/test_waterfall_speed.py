"""The vectorised mirror at full size: 10,000 paths x 240 periods x 3 tranches in int64, equal
to the scalar mirror. Its speed (goal: at most 2 s) is measured by `rwa bench`
(tokenizer/bench/risk.py), not here."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tests.test_waterfall_mirror import NORMAL, TERMS
from tokenizer.finance.waterfall import run, run_paths


def test_ten_thousand_paths_of_twenty_years_stay_in_int64_and_equal_the_scalar_mirror() -> None:
    terms = replace(TERMS, periods=240)
    paths = np.random.default_rng(12).integers(0, 2 * NORMAL, size=(10_000, 240))
    many = run_paths(terms, paths)
    assert many.tranche_paid.dtype == np.int64
    for m in (0, 4_999, 9_999):
        one = run(terms, paths[m].tolist())
        assert many.tranche_paid[m].tolist() == [p.tranche_paid for p in one.periods]
