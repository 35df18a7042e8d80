"""Faults: a node killed in the middle of a run, and a stale nonce."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SEED
from tokenizer import pipeline as pl
from tokenizer.chain import AnvilNode, Chain, TxRequest, dev_accounts
from tokenizer.compiler import Artifacts
from tokenizer.deploy import Deployment, attach, record_path
from tokenizer.errors import ChainError
from tokenizer.pipeline import RunSettings, run_deal
from tokenizer.spec import load_spec

PERIODS = 12
KILL_AFTER = 6


def test_a_run_whose_node_is_killed_resumes_on_the_saved_chain_without_paying_a_period_twice(
    artifacts: Artifacts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    spec = load_spec(SEED)
    state = tmp_path / "anvil-state.json"
    node = AnvilNode(state_path=state).start()
    original = pl.Simulation.run_periods

    def crash_after(self: pl.Simulation, on_period: Callable[[int], None] | None = None) -> None:
        def hook(period: int) -> None:
            if period == KILL_AFTER:
                time.sleep(2.5)  # the node saves its state every second
                node.kill()  # SIGKILL: no orderly shutdown, no final save

        original(self, hook)

    monkeypatch.setattr(pl.Simulation, "run_periods", crash_after)
    settings = RunSettings(periods=PERIODS, investors=200, quiet=True, out_dir=tmp_path / "a")
    with pytest.raises(ChainError, match="cannot reach the node"):
        run_deal(Chain(node.url, artifacts, dev_accounts()), spec, settings)
    monkeypatch.setattr(pl.Simulation, "run_periods", original)

    with AnvilNode(state_path=state) as restarted:
        chain = Chain(restarted.url, artifacts, dev_accounts())
        deal = attach(chain, Deployment.load(record_path(chain.chain_id, spec.id)))  # type: ignore[arg-type]
        resumed_from = chain.call(deal.token.functions.lastPeriodId()) + 1
        assert 1 < resumed_from <= KILL_AFTER + 1
        settings.out_dir = tmp_path / "b"
        report = run_deal(chain, spec, settings)
        logs = chain.rpc.call(
            "eth_getLogs",
            [
                {
                    "address": deal.token.address,
                    "fromBlock": "0x0",
                    "toBlock": "latest",
                    "topics": [deal.token.events.RevenueDistributed.topic],
                }
            ],
        )
        periods = [int(log["topics"][1], 16) for log in logs]
    assert periods == list(range(1, PERIODS + 1))
    assert report["reconciliation"]["mismatches"] == 0
    assert report["reconciliation"]["periods"] == PERIODS
    assert report["investors"]["registered"] == 200


def test_a_transaction_refused_for_a_stale_nonce_is_sent_again(session_chain: Chain) -> None:
    snapshot = session_chain.snapshot()
    try:
        sender, receiver = session_chain.accounts[5], session_chain.accounts[6]
        other = Chain(session_chain.url, session_chain.artifacts, dev_accounts())
        pay = TxRequest(sender, receiver.address, "0x", "paying", value=1)
        session_chain.send(pay)  # caches the sender's next nonce
        other.send(pay)  # another client uses that nonce
        before = session_chain.balance(receiver.address)
        receipts = session_chain.send_many([pay, pay])
        assert len(receipts) == 2
        assert all(r.status == 1 for r in receipts)
        assert session_chain.balance(receiver.address) == before + 2
    finally:
        session_chain.revert_to(snapshot)
