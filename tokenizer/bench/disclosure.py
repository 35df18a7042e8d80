"""Gas of disclosure: registering a document in the deal's DocumentRegistry, and an attested
distribution through the ReportGate (the servicer's and the auditor's EIP-712 signatures
checked, the sources recorded, then the token's ``distribute``), steady state, at several
holder counts.

"Steady state" as for ``distribute``: a period after the first, paid from operating
collections, with the payer's allowance to the token already set (the token pulls the money
straight from the account submitting the report). The document is the first
version of its series (the dearer case: a new series slot), about a registered asset.
"""

from __future__ import annotations

from typing import Any

from eth_utils.crypto import keccak

from tokenizer.bench.deployment import (
    REVENUE_PER_PERIOD,
    UNIT,
    address,
    deploy_contract,
    deploy_token,
    fresh_chain,
)
from tokenizer.compiler import Artifacts
from tokenizer.deploy.plan import ADMIN_DELAY_SECONDS
from tokenizer.disclosure.report import RevenueReport, sign
from tokenizer.units import GATE_ROLE, SERVICER_ROLE

AUDITOR_ROLE_BIT = 4
DOCUMENT_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


def bench_disclosure(artifacts: Artifacts, holders: list[int]) -> dict[str, Any]:
    """``attested_distribute`` by holder count, its spread, and ``register_document``."""
    attested: dict[str, int] = {}
    register_document = 0
    for n in holders:
        gas = _one(artifacts, n)
        attested[str(n)] = gas["attested_distribute"]
        register_document = gas["register_document"]
    values = list(attested.values())
    spread = (max(values) - min(values)) / min(values)
    return {
        "attested_distribute": attested,
        "attested_distribute_spread": spread,
        "register_document": register_document,
    }


def _one(artifacts: Artifacts, holders: int) -> dict[str, int]:
    with fresh_chain(artifacts, ["--gas-limit", "300000000"]) as chain:
        t = deploy_token(chain)
        admin, servicer = t.admin, t.servicer
        auditor = chain.accounts[5]
        everyone = [address(f"disclosure{holders}", n) for n in range(holders)]
        t.register(everyone)
        t.mint(everyone, 1_000 * UNIT + 7)
        registry = deploy_contract(
            chain, "DocumentRegistry", [admin.address, admin.address, ADMIN_DELAY_SECONDS], admin
        )
        gate = deploy_contract(
            chain,
            "ReportGate",
            [
                admin.address,
                servicer.address,
                t.token.address,
                registry.address,
                8_000,
                3,
                ADMIN_DELAY_SECONDS,
            ],
            admin,
        )
        chain.send_many(
            [
                chain.tx(admin, registry, "setAttester", auditor.address, AUDITOR_ROLE_BIT),
                chain.tx(admin, t.token, "grantRole", SERVICER_ROLE, gate.address),
                chain.tx(admin, t.token, "grantRole", GATE_ROLE, gate.address),
                chain.tx(servicer, t.stablecoin, "approve", t.token.address, 10**30),
                chain.tx(admin, gate, "setBaseCase", 1, [REVENUE_PER_PERIOD] * 4),
                chain.tx(admin, registry, "registerAsset", 0, "Xiaoping Island, Dalian", 0),
            ]
        )
        gas = [_attested(chain, t, gate, auditor, period) for period in (1, 2, 3)]
        doc = chain.send(
            chain.tx(
                admin,
                registry,
                "registerDocument",
                1,
                1,
                keccak(text=f"appraisal for {holders}"),
                DOCUMENT_URI,
            )
        )
        return {"attested_distribute": gas[1], "register_document": doc.gas_used}


def _attested(chain: Any, t: Any, gate: Any, auditor: Any, period: int) -> int:
    report = RevenueReport(
        deal="bench",
        period=period,
        gross_revenue=REVENUE_PER_PERIOD * 3 // 2,
        costs=REVENUE_PER_PERIOD // 2,
        net_collections=REVENUE_PER_PERIOD,
        paid={"operations": REVENUE_PER_PERIOD},
    )
    sig_s = sign(report, gate.address, chain.chain_id, t.servicer)
    sig_a = sign(report, gate.address, chain.chain_id, auditor)
    receipt = chain.send(
        chain.tx(t.servicer, gate, "distribute", report.struct(), REVENUE_PER_PERIOD, sig_s, sig_a)
    )
    return int(receipt.gas_used)
