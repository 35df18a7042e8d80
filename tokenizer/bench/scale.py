"""A retail-sized deal end to end: holders x periods simulated, reconciled and reported.

Each size runs in its own Python process on its own fresh Anvil, so the peak memory of one size
is its own (``ru_maxrss`` of that process; the node's peak is read from ``/proc``). Before the
deal, the same node's batched transaction rate is measured (``send_many`` of signed transfers):
the run's floor is the number of transactions it sent divided by that rate, the least time a
run that sends them could take on this node, and ``floor_ratio`` is how far above it the run is.
The reconciliation is then timed again on its own on the finished chain, and one empty block is
mined to show what a block costs the node at the final state (``blocks`` x that is the part of
the run no batching removes: each period needs its own blocks, in order).

Run one size by hand: ``python -m tokenizer.bench.scale HOLDERS PERIODS [RATE_TXS]`` (JSON on
stdout).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tokenizer.errors import TokenizerError

SCALE_SPEC = "seeds/xiaoping_island_retail.yaml"
STAGES = {  # the share of each stage, by the names of the pipeline's laps
    "kyc": "onboard",
    "sale": "sale",
    "periods": "periods",
    "reconciliation": "reconcile",
    "report": "report",
}
CHART = "bench_scale.png"


def _peak_kib(pid: int) -> int:
    """A process's peak resident memory in KiB (``VmHWM``; 0 where /proc does not say)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_one(holders: int, periods: int, rate_txs: int) -> dict[str, Any]:
    """One size in this process: the node's rate, then the deal, then the reconciliation."""
    from tokenizer.bench.deployment import fresh_chain
    from tokenizer.bench.throughput import batched_tx_rate
    from tokenizer.chain.node import RECENT_STATES_ONLY
    from tokenizer.compiler import compile_contracts
    from tokenizer.deploy import recorded_deal
    from tokenizer.reconcile import reconcile
    from tokenizer.simulation.pipeline import RunSettings, run_deal
    from tokenizer.spec import load_spec
    from tokenizer.workspace import Workspace

    spec = load_spec(Workspace.current().root / SCALE_SPEC)
    artifacts = compile_contracts()
    with (
        tempfile.TemporaryDirectory(prefix="rwa-bench-scale-") as tmp,
        Workspace.current().with_records_in(Path(tmp)).use(),
        fresh_chain(artifacts, RECENT_STATES_ONLY) as chain,
    ):
        rate = batched_tx_rate(chain, rate_txs, "scale-rate")
        before, first_block = chain.sent, chain.block_number()
        settings = RunSettings(
            investors=holders, periods=periods, seed=0, out_dir=Path(tmp) / "report", quiet=True
        )
        t = time.perf_counter()
        report = run_deal(chain, spec, settings)
        seconds = time.perf_counter() - t
        txs = chain.sent - before
        blocks = chain.block_number() - first_block
        block_s = _empty_block_seconds(chain)
        deal = recorded_deal(chain, spec)
        t = time.perf_counter()
        again = reconcile(chain, deal, spec=spec)
        reconcile_alone = time.perf_counter() - t
        process = chain.node.process if chain.node else None
        anvil_kib = _peak_kib(process.pid) if process else 0
    laps = report.seconds
    floor = txs / rate
    return {
        "holders": holders,
        "periods": periods,
        "seconds": round(seconds, 3),
        "buyers": report.sale.buyers,
        "periods_distributed": report.revenue.periods_distributed,
        "transactions": txs,
        "tx_per_s_batched": round(rate, 1),
        "floor_seconds": round(floor, 4),
        "floor_ratio": round(seconds / floor, 3),
        "blocks": blocks,
        "empty_block_ms_at_end": round(block_s * 1000, 1),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "anvil_peak_memory_mb": round(anvil_kib / 1024, 1),
        "reconcile_seconds": round(reconcile_alone, 2),
        "mismatches": report.reconciliation.mismatches + again.mismatches,
        "trades": report.activity.trades,
        "claims": report.activity.claims,
        "kyc_campaigns": report.activity.kyc_campaigns,
        "stage_seconds": {name: laps.get(lap, 0.0) for name, lap in STAGES.items()},
        "stage_share": {
            name: round(laps.get(lap, 0.0) / seconds, 3) for name, lap in STAGES.items()
        },
        "deploy_seconds": laps.get("deploy", 0.0),
    }


def _empty_block_seconds(chain: Any, count: int = 5) -> float:
    """What mining one empty block costs the node at the run's final state: Anvil hashes the
    whole state for every block, so a block costs more the more holders the chain has."""
    t = time.perf_counter()
    for _ in range(count):
        chain.mine()
    return (time.perf_counter() - t) / count


def _run_child(holders: int, periods: int, rate_txs: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tokenizer.bench.scale", str(holders), str(periods), str(rate_txs)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise TokenizerError(f"the scale bench at {holders} x {periods} failed: {tail}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def bench_scale(
    holders: tuple[int, ...], periods: int, rate_txs: int, chart_dir: Path | None = None
) -> dict[str, Any]:
    """Every size, the biggest one's figures at the top level, and the chart of seconds
    against holders (written to ``chart_dir``)."""
    runs = {str(n): _run_child(n, periods, rate_txs) for n in holders}
    biggest = runs[str(max(holders))]
    out: dict[str, Any] = {**biggest, "spec": SCALE_SPEC, "by_holders": runs}
    if chart_dir is not None:
        chart_dir.mkdir(parents=True, exist_ok=True)
        draw_scale_chart(runs, chart_dir / CHART)
        out["chart"] = CHART
    return out


def draw_scale_chart(runs: dict[str, dict[str, Any]], path: Path) -> None:
    """End-to-end seconds against holders, with each run's floor, on log-log axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(runs, key=int)
    xs = [int(n) for n in sizes]
    periods = runs[sizes[-1]]["periods"]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot(xs, [runs[n]["seconds"] for n in sizes], "o-", color="#2b6cb0", label="end to end")
    ax.plot(
        xs,
        [runs[n]["floor_seconds"] for n in sizes],
        "s--",
        color="#718096",
        label="floor (transactions sent / batched rate)",
    )
    for n in sizes:
        ax.annotate(f"{runs[n]['seconds']:.1f} s", (int(n), runs[n]["seconds"]), fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("holders")
    ax.set_ylabel("seconds")
    ax.set_title(f"A retail deal end to end: {periods} periods, seconds against holders")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str]) -> int:
    holders, periods = int(argv[0]), int(argv[1])
    rate_txs = int(argv[2]) if len(argv) > 2 else 1_000
    print(json.dumps(run_one(holders, periods, rate_txs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
