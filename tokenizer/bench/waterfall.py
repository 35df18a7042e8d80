"""Gas of one waterfall period: the tranched Xiaoping seed run end to end on a fresh Anvil
(deployed by the one plan, sold, deposited period by period).

Each period's ``deposit`` pays fees, every tranche's interest and principal, the reserve and
the junior's residual through each tranche token's O(1) distribution, so its gas does not
depend on the number of holders (tests/test_waterfall_contract.py shows it equal with 3 and 25
holders a tranche; here the sale's maximum ticket keeps the holders near 45). The goal (from
the structure issue): at most 60,000 gas per tranche paid plus 60,000 for the waterfall.

The issue's own deal is measured too: three tranches (the bench-built senior, mezzanine and
junior of ``rwa risk``'s bench, with its reserve, guarantor and trigger) plus two fees (a
servicer fee of the senior outstanding and a fixed trustee fee), deployed and run the same way.
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
from pathlib import Path
from typing import Any

from tokenizer.bench.deployment import fresh_chain
from tokenizer.bench.risk import three_tranches
from tokenizer.compiler import Artifacts
from tokenizer.deploy import Deployment, attach, record_path
from tokenizer.spec import DealSpec, load_spec
from tokenizer.spec.model import FeeSpec
from tokenizer.workspace import Workspace

SEED_FILE = "xiaoping_island_tranched.yaml"
PERIODS = 6
PER_TRANCHE, OWN = 60_000, 60_000


THREE_SEED = SEED_FILE
# assumption: fees of the bench deal, the shape of the (a servicer and a trustee)
SERVICER_FEE_BPS = 20
TRUSTEE_FEE_PER_YEAR_UNITS = 48_000


def three_tranche_spec() -> DealSpec:
    """The issue's gas deal: three tranches, a reserve, a guarantor, a trigger and two fees."""
    spec = three_tranches(load_spec(Workspace.current().root / "seeds" / THREE_SEED))
    assert spec.structure is not None
    fees = (
        FeeSpec(name="servicer", bps_per_year=SERVICER_FEE_BPS),
        FeeSpec(
            name="trustee",
            amount_per_year=TRUSTEE_FEE_PER_YEAR_UNITS * spec.settlement.unit,
        ),
    )
    return dataclasses.replace(spec, structure=dataclasses.replace(spec.structure, fees=fees))


def _deposit_gas(
    artifacts: Artifacts, investors: int, spec: DealSpec | None = None
) -> tuple[list[int], int]:
    """Each period's deposit gas, and the tranche count."""
    from tokenizer.simulation.pipeline import RunSettings, run_deal

    if spec is None:
        spec = load_spec(Workspace.current().root / "seeds" / SEED_FILE)
    assert spec.structure is not None
    with tempfile.TemporaryDirectory(prefix="rwa-bench-waterfall-") as tmp:
        folder = Path(tmp)
        with (
            Workspace.current().with_records_in(folder).use(),
            fresh_chain(artifacts, ["--gas-limit", "300000000"]) as chain,
        ):
            settings = RunSettings(
                investors=investors, periods=PERIODS, quiet=True, out_dir=folder / "report"
            )
            run_deal(chain, spec, settings)
            dep = Deployment.load(record_path(chain.record_key, spec.id))
            assert dep is not None
            waterfall = attach(chain, dep).waterfall
            assert waterfall is not None
            event = waterfall.events.CollectionsDeposited
            logs = chain.logs(waterfall.address, 0, topics=[event.topic])
            receipts = chain.receipts([log["transactionHash"] for log in logs])
            gas = [int(r["gasUsed"], 16) for r in receipts if r]
    return gas, len(spec.structure.tranches)


def _figures(gas: list[int], tranches: int, seed: str, investors: int) -> dict[str, Any]:
    if len(gas) < 2:
        raise RuntimeError(f"the tranched deal deposited {len(gas)} period(s); expected {PERIODS}")
    return {
        "seed": seed,
        "periods": PERIODS,
        "investors": investors,
        "tranches": tranches,
        "first": gas[0],
        "steady": int(statistics.median(gas[1:])),
        "max": max(gas),
        "goal_gas": PER_TRANCHE * tranches + OWN,
    }


def bench_waterfall(artifacts: Artifacts, investors: int) -> dict[str, Any]:
    """Deposit gas per period; steady = the median of the periods after the first. The
    tranched seed's figures, and under ``three_tranches`` those of the issue's deal."""
    gas, tranches = _deposit_gas(artifacts, investors)
    out = _figures(gas, tranches, SEED_FILE, investors)
    gas, tranches = _deposit_gas(artifacts, investors, three_tranche_spec())
    out["three_tranches"] = _figures(
        gas, tranches, f"{THREE_SEED} + 3 tranches, reserve, guarantor, 2 fees", investors
    )
    return out
