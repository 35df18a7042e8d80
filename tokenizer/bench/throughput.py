"""Transactions per second: signed transfers sent one by one against ``send_many`` batches."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from eth_account.signers.local import LocalAccount

from tokenizer.bench.deployment import (
    REGISTER_BATCH,
    USD,
    address,
    deploy_contract,
    fresh_chain,
    wallet,
)
from tokenizer.chain import Chain, TxRequest
from tokenizer.compiler import Artifacts


def bench_throughput(artifacts: Artifacts, count: int) -> dict[str, Any]:
    """N signed stablecoin transfers from distinct funded wallets: one by one vs batched."""
    with fresh_chain(artifacts) as chain:
        admin = chain.accounts[0]
        stable = deploy_contract(
            chain, "MockStablecoin", ["Mock USD", "mUSD", admin.address], admin
        )
        wallets = [wallet("tp", n) for n in range(2 * count)]
        addresses = [w.address for w in wallets]
        chain.fund(addresses, 10**18)
        for s in range(0, len(addresses), REGISTER_BATCH):
            chunk = addresses[s : s + REGISTER_BATCH]
            chain.send(chain.tx(admin, stable, "batchMint", chunk, [1_000 * USD] * len(chunk)))
        sink = address("sink", 0)

        def reqs(group: Sequence[LocalAccount]) -> list[TxRequest]:
            return [chain.tx(w, stable, "transfer", sink, USD) for w in group]

        sequential = reqs(wallets[:count])
        t = time.perf_counter()
        for req in sequential:
            chain.send(req)
        seq_s = time.perf_counter() - t
        batched = reqs(wallets[count:])
        t = time.perf_counter()
        chain.send_many(batched)
        batch_s = time.perf_counter() - t
    return {
        "transactions": count,
        "onboard_tx_per_s_sequential": count / seq_s,
        "onboard_tx_per_s_batched": count / batch_s,
        "batched_over_sequential": seq_s / batch_s,
    }


def batched_tx_rate(chain: Chain, count: int, label: str = "rate") -> float:
    """Transactions per second ``send_many`` reaches on ``chain`` now: ``count`` signed
    stablecoin transfers from distinct funded wallets (a stablecoin deployed for the purpose)."""
    admin = chain.accounts[0]
    stable = deploy_contract(chain, "MockStablecoin", ["Mock USD", "mUSD", admin.address], admin)
    wallets = [wallet(label, n) for n in range(count)]
    addresses = [w.address for w in wallets]
    chain.fund(addresses, 10**18)
    chain.send_many(
        [
            chain.tx(
                admin,
                stable,
                "batchMint",
                addresses[s : s + REGISTER_BATCH],
                [1_000 * USD] * len(addresses[s : s + REGISTER_BATCH]),
            )
            for s in range(0, len(addresses), REGISTER_BATCH)
        ]
    )
    sink = address(f"{label}-sink", 0)
    reqs = [chain.tx(w, stable, "transfer", sink, USD) for w in wallets]
    t = time.perf_counter()
    chain.send_many(reqs)
    return count / (time.perf_counter() - t)
