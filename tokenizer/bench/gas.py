"""Gas figures: ``gasUsed`` of real receipts for distribute, claim, transfers and onboarding,
and the naive push distribution they are compared with.

"Steady state" is the operation as it repeats in a running deal: for ``distribute`` a period
after the first (revenue distributed before, the servicer's allowance already set), for
``claim`` a holder claiming for the second time, for the gated transfer a second transfer
between the same two holders after revenue has been distributed.
"""

from __future__ import annotations

from typing import Any

from tokenizer.bench.deployment import (
    COUNTRY_HK,
    KYC_DAYS,
    REGISTER_BATCH,
    REVENUE_PER_PERIOD,
    UNIT,
    USD,
    BenchToken,
    address,
    deploy_contract,
    deploy_token,
    fresh_chain,
)
from tokenizer.chain import Chain
from tokenizer.compiler import Artifacts
from tokenizer.compliance.rules import rule_steps
from tokenizer.deploy.plan import ADMIN_DELAY_SECONDS
from tokenizer.spec import ComplianceSpec
from tokenizer.units import AGENT_ROLE, SECONDS_PER_DAY

BLOCK_GAS_30M = 30_000_000


def bench_holders(artifacts: Artifacts, holders: int, detail: bool) -> dict[str, Any]:
    """Gas of distribute with ``holders`` holders; with ``detail`` also claim/transfer/onboard."""
    out: dict[str, Any] = {}
    # A roomy block: one JSON-RPC batch of 200-investor registrations must fit in a block, or
    # Anvil's synchronous send waits for a block that automine never makes.
    with fresh_chain(artifacts, ["--gas-limit", "300000000"]) as chain:
        t = deploy_token(chain)
        a, b = chain.accounts[4], chain.accounts[5]
        others = [address(f"h{holders}", n) for n in range(holders - 2)]
        everyone = [a.address, b.address, *others]
        stake = 1_000 * UNIT + 7  # odd supply: the accumulator keeps a remainder
        if detail:
            out.update(_onboarding_gas(chain, t, a.address, [b.address, *others], everyone, stake))
        else:
            t.register(everyone)
            t.mint(everyone, stake)
        supply = chain.call(t.token.functions.totalSupply())
        if supply != holders * stake:
            raise RuntimeError(f"expected {holders} holders' supply, found {supply}")
        out["distribute_first"] = t.distribute(1)
        out["distribute"] = t.distribute(2)
        out["distribute_third"] = t.distribute(3)
        if detail:
            out["claim_first"] = chain.send(chain.tx(a, t.token, "claim")).gas_used
            t.distribute(4)
            out["claim"] = chain.send(chain.tx(a, t.token, "claim")).gas_used
            out.update(_transfer_gas(chain, t, holders))
            out.update(_purchase_gas(chain, t))
    return out


def _onboarding_gas(
    chain: Chain,
    t: BenchToken,
    first: str,
    rest: list[str],
    everyone: list[str],
    stake: int,
) -> dict[str, int]:
    """Onboarding gas: one registration alone, then per investor in a batch of 100; mints."""
    single = chain.send(
        chain.tx(
            t.agent,
            t.registry,
            "registerInvestor",
            first,
            COUNTRY_HK,
            1,
            chain.timestamp() + KYC_DAYS * SECONDS_PER_DAY,
        )
    ).gas_used
    # 100 registered wallets that never hold tokens (they do not change the holders).
    batch = t.register([address("kyc", i) for i in range(100)])
    t.register(rest)
    mint_gas = t.mint(everyone, stake)
    return {
        "onboard_register_single": single,
        "onboard_register_per_investor_batch100": batch[0] // 100,
        "onboard_mint_first": mint_gas[0],
        "onboard_mint": mint_gas[-1],
    }


def _transfer_gas(chain: Chain, t: BenchToken, holders: int) -> dict[str, int]:
    """A gated transfer with every rule on (first and repeat), and a plain ERC-20's."""
    a, b = chain.accounts[4], chain.accounts[5]
    send = chain.send
    # Every compliance rule on (countries, investor class, holder and balance limits,
    # lock-up, a partial freeze on the sender), as the issue measures it.
    every_rule = ComplianceSpec(max_holders=holders + 100, max_balance=10**9 * UNIT, lockup_days=90)
    chain.send_many(
        [chain.tx(t.admin, t.token, r.function, *r.args) for r in rule_steps(every_rule)]
    )
    send(chain.tx(t.agent, t.token, "freezePartialTokens", a.address, UNIT))
    out = {
        "transfer_compliant_first": send(
            chain.tx(a, t.token, "transfer", b.address, UNIT)
        ).gas_used,
        "transfer_compliant": send(chain.tx(a, t.token, "transfer", b.address, UNIT)).gas_used,
    }
    plain = deploy_contract(chain, "PlainERC20", ["Plain", "PLN", a.address, 1_000_000 * UNIT], a)
    send(chain.tx(a, plain, "transfer", b.address, 1_000 * UNIT))  # b now holds some
    out["transfer_plain_erc20"] = send(chain.tx(a, plain, "transfer", b.address, UNIT)).gas_used
    return out


def _purchase_gas(chain: Chain, t: BenchToken) -> dict[str, int]:
    """Gas of buying in the primary sale: the sale's first buyer and a later first-time buyer.

    Runs after the holder-count measurements (the buyers become holders too).
    """
    now = chain.timestamp()
    terms = (USD, now, now + 30 * SECONDS_PER_DAY, USD, 10**12 * USD, USD, 10**9 * USD)
    offering = deploy_contract(
        chain,
        "PrimaryOffering",
        [
            terms,
            t.admin.address,
            t.token.address,
            t.stablecoin.address,
            t.admin.address,
            ADMIN_DELAY_SECONDS,
        ],
        t.admin,
    )
    buyers = chain.accounts[6:8]
    chain.send(chain.tx(t.admin, t.token, "grantRole", AGENT_ROLE, offering.address))
    t.register([b.address for b in buyers])
    payment = 10_000 * USD
    chain.send_many([chain.tx(t.admin, t.stablecoin, "mint", b.address, payment) for b in buyers])
    approve = [
        chain.send(chain.tx(b, t.stablecoin, "approve", offering.address, payment)).gas_used
        for b in buyers
    ]
    bought = [chain.send(chain.tx(b, offering, "buy", payment)).gas_used for b in buyers]
    return {
        "onboard_approve": approve[-1],
        "onboard_purchase_first_buyer": bought[0],
        "onboard_purchase": bought[-1],
    }


def bench_push(artifacts: Artifacts, sizes: tuple[int, int]) -> dict[str, Any]:
    """Gas of the naive push distribution (first and repeat) at two holder counts."""
    result: dict[str, Any] = {"steady": {}, "first": {}}
    with fresh_chain(artifacts, ["--gas-limit", "100000000"]) as chain:
        admin = chain.accounts[0]
        stable = deploy_contract(
            chain, "MockStablecoin", ["Mock USD", "mUSD", admin.address], admin
        )
        chain.send(chain.tx(admin, stable, "mint", admin.address, 10**9 * USD))
        for n in sizes:
            push = deploy_contract(
                chain, "PushDistribution", [stable.address, admin.address], admin
            )
            holders = [address(f"push{n}", i) for i in range(n)]
            chain.send_many(
                [
                    chain.tx(
                        admin,
                        push,
                        "addHolders",
                        holders[s : s + REGISTER_BATCH],
                        [1_000 * UNIT + i for i in range(len(holders[s : s + REGISTER_BATCH]))],
                    )
                    for s in range(0, n, REGISTER_BATCH)
                ],
                batch_size=10,
            )
            chain.send(chain.tx(admin, stable, "approve", push.address, 10**9 * USD))
            first = chain.send(chain.tx(admin, push, "distribute", REVENUE_PER_PERIOD)).gas_used
            steady = chain.send(chain.tx(admin, push, "distribute", REVENUE_PER_PERIOD)).gas_used
            result["first"][str(n)] = first
            result["steady"][str(n)] = steady
    return result


def max_holders(points: dict[str, int], limit: int = BLOCK_GAS_30M) -> int:
    """Holder count at which a linear fit through two (holders, gas) points reaches ``limit``."""
    (n1, g1), (n2, g2) = sorted((int(k), v) for k, v in points.items())[:2]
    per_holder = (g2 - g1) / (n2 - n1)
    base = g1 - per_holder * n1
    return int((limit - base) // per_holder)


def gas_summary(per_holders: dict[str, dict[str, Any]], push: dict[str, Any]) -> dict[str, Any]:
    """The ``gas`` section of bench.json: the detailed run is the one with the fewest holders."""
    detail = per_holders[str(min(map(int, per_holders)))]
    distribute = {k: v["distribute"] for k, v in per_holders.items()}
    spread = (max(distribute.values()) - min(distribute.values())) / min(distribute.values())
    return {
        "distribute": distribute,
        "distribute_first": detail["distribute_first"],
        "distribute_first_by_holders": {k: v["distribute_first"] for k, v in per_holders.items()},
        "distribute_spread": spread,
        "claim": detail["claim"],
        "claim_first": detail["claim_first"],
        "transfer_compliant": detail["transfer_compliant"],
        "transfer_compliant_first": detail["transfer_compliant_first"],
        "transfer_plain_erc20": detail["transfer_plain_erc20"],
        "onboard_register_single": detail["onboard_register_single"],
        "onboard_register_per_investor_batch100": detail["onboard_register_per_investor_batch100"],
        "onboard_approve": detail["onboard_approve"],
        "onboard_purchase": detail["onboard_purchase"],
        "onboard_purchase_first_buyer": detail["onboard_purchase_first_buyer"],
        "onboard_per_investor_batched": detail["onboard_register_per_investor_batch100"]
        + detail["onboard_approve"]
        + detail["onboard_purchase"],
        "onboard_mint_first": detail["onboard_mint_first"],
        "onboard_mint": detail["onboard_mint"],
        "push_distribution": push["steady"],
        "push_distribution_first": push["first"],
        "push_max_holders_30m": max_holders(push["steady"]),
        "push_max_holders_30m_first": max_holders(push["first"]),
        "push_max_holders_method": "linear fit through the two measured points",
    }
