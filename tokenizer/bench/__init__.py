"""``rwa bench``: gas, throughput and wall-time figures for the toolkit, with goals.

Every chain-bound section runs on its own fresh embedded Anvil (Anvil slows down as its chain
grows). Gas figures are the ``gasUsed`` of real receipts; :mod:`~tokenizer.bench.gas` says what
"steady state" means. The results go to stdout as a table and to ``out/bench.json``.

Modules: ``sizes`` (full and quick), ``deployment`` (the bench's own contracts, to be replaced by
the single deployment plan), ``gas``, ``throughput``, ``timing`` (compile, simulation, Monte
Carlo), ``goals``, ``table`` (the printed table) and ``run`` (one run, bench.json).
"""

from __future__ import annotations

from tokenizer.bench.run import collect, machine, run
from tokenizer.bench.sizes import FULL, QUICK, Sizes
from tokenizer.bench.table import table

__all__ = ["FULL", "QUICK", "Sizes", "collect", "machine", "run", "table"]
