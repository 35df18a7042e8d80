"""The problem sizes of a bench run: the full run and ``--quick``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    """The problem sizes of one run (recorded in bench.json)."""

    holders: tuple[int, ...]
    push: tuple[int, int]
    sim_investors: int
    sim_periods: int
    mc_paths: int
    mc_periods: int
    mc_reference_paths: int
    throughput_txs: int
    risk_big_paths: int = 0  # rwa risk of the three-tranche deal at this many paths (0: skip)
    waterfall_investors: int = 60  # the tranched deal's simulated investors (about 45 buy)
    scale_holders: tuple[int, ...] = (100, 1_000, 10_000)  # the retail deal's sizes (chart)
    scale_periods: int = 240

    @property
    def simulation_key(self) -> str:
        """The ``seconds`` key of the simulation's wall time, named after its real size."""
        return f"simulate_{self.sim_investors}x{self.sim_periods}"

    @property
    def montecarlo_key(self) -> str:
        """The ``seconds`` key of the vectorised Monte Carlo, named after its real size."""
        return f"montecarlo_{self.mc_paths}x{self.mc_periods}"


FULL = Sizes(
    holders=(10, 100, 1_000, 10_000),
    push=(100, 1_000),
    sim_investors=1_000,
    sim_periods=240,
    mc_paths=10_000,
    mc_periods=240,
    mc_reference_paths=20,
    throughput_txs=1_000,
    risk_big_paths=100_000,
)
QUICK = Sizes(
    holders=(10, 100, 1_000),
    push=(100, 300),
    sim_investors=100,
    sim_periods=24,
    mc_paths=1_000,
    mc_periods=240,
    mc_reference_paths=5,
    throughput_txs=200,
    scale_holders=(25, 50, 100),
    scale_periods=12,
)
