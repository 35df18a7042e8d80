"""``rwa bench``: gas, throughput and wall-time figures for the toolkit, with goals.

Every chain-bound section runs on its own fresh embedded Anvil (Anvil slows down as its chain
grows). Gas figures are the ``gasUsed`` of real receipts. "Steady state" means the operation as
it repeats in a running deal: for ``distribute`` a period after the first (revenue distributed
before, the servicer's allowance already set), for ``claim`` a holder claiming for the second
time, for the gated transfer a second transfer between the same two holders after revenue has
been distributed. First-time figures are reported next to them.

The results go to stdout as a table and to ``out/bench.json``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.contract import Contract

from tokenizer import paths
from tokenizer.chain import AnvilNode, Chain, TxRequest, dev_accounts, find_anvil
from tokenizer.compiler import Artifacts, compile_contracts
from tokenizer.compliance import rule_steps
from tokenizer.spec import ComplianceSpec

BLOCK_GAS_30M = 30_000_000
REGISTER_BATCH = 200
UNIT = 10**18
USD = 10**6
COUNTRY_HK = 344
SECONDS_PER_DAY = 86_400
REVENUE_PER_PERIOD = 123_456_789_012  # stablecoin units, an awkward number on purpose
SEED_SPEC = "seeds/xiaoping_island.yaml"


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


FULL = Sizes(
    holders=(10, 100, 1_000, 10_000),
    push=(100, 1_000),
    sim_investors=1_000,
    sim_periods=240,
    mc_paths=10_000,
    mc_periods=240,
    mc_reference_paths=20,
    throughput_txs=1_000,
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
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes (holders 10/100/1000, push 100/300, simulation 100x24, "
        "Monte Carlo 1000x240); finishes in under a minute",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write bench.json (default: out/bench.json)",
    )


# ------------------------------------------------------------------------------ helpers


@contextmanager
def _fresh_chain(artifacts: Artifacts, extra_args: Sequence[str] = ()) -> Iterator[Chain]:
    with AnvilNode(accounts=10, extra_args=extra_args) as node:
        yield Chain(node.url, artifacts, dev_accounts(), node=node)


def _address(label: str, n: int) -> str:
    """A repeatable address that needs no key (holders that never send a transaction)."""
    return str(to_checksum_address(keccak(text=f"rwa-bench:{label}:{n}")[12:]))


def _wallet(label: str, n: int) -> LocalAccount:
    account: LocalAccount = Account.from_key(keccak(text=f"rwa-bench-key:{label}:{n}"))
    return account


def _contract(chain: Chain, name: str, args: Sequence[Any], sender: LocalAccount) -> Contract:
    receipt = chain.deploy(name, args, sender)
    return chain.contract(name, receipt.contract_address or "")


@dataclass
class _Token:
    chain: Chain
    admin: LocalAccount
    agent: LocalAccount
    servicer: LocalAccount
    stablecoin: Contract
    registry: Contract
    token: Contract

    def register(self, addresses: Sequence[str]) -> list[int]:
        """Register in batches of REGISTER_BATCH; returns each batch transaction's gas."""
        expiry = self.chain.timestamp() + 3650 * SECONDS_PER_DAY
        reqs = []
        for start in range(0, len(addresses), REGISTER_BATCH):
            chunk = list(addresses[start : start + REGISTER_BATCH])
            n = len(chunk)
            reqs.append(
                self.chain.tx(
                    self.agent,
                    self.registry,
                    "batchRegisterInvestors",
                    chunk,
                    [COUNTRY_HK] * n,
                    [1] * n,
                    [expiry] * n,
                )
            )
        # Few big transactions per JSON-RPC batch: Anvil limits a request's size.
        return [r.gas_used for r in self.chain.send_many(reqs, batch_size=10)]

    def mint(self, addresses: Sequence[str], amount: int) -> list[int]:
        reqs = [self.chain.tx(self.agent, self.token, "mint", a, amount) for a in addresses]
        return [r.gas_used for r in self.chain.send_many(reqs)]

    def distribute(self, period: int) -> int:
        c = self.chain
        return c.send(
            c.tx(self.servicer, self.token, "distribute", period, REVENUE_PER_PERIOD, b"\x11" * 32)
        ).gas_used


def _deploy_token(chain: Chain) -> _Token:
    from tokenizer.deploy import AGENT_ROLE, SERVICER_ROLE

    admin, agent, servicer = chain.accounts[:3]
    stable = _contract(chain, "MockStablecoin", ["Mock USD", "mUSD", admin.address], admin)
    registry = _contract(chain, "IdentityRegistry", [admin.address], admin)
    maturity = chain.timestamp() + 5 * 365 * SECONDS_PER_DAY
    token = _contract(
        chain,
        "RevenueShareToken",
        ["Bench Revenue", "BRV", admin.address, stable.address, registry.address, maturity, 10**30],
        admin,
    )
    chain.send_many(
        [
            chain.tx(admin, token, "grantRole", AGENT_ROLE, agent.address),
            chain.tx(admin, token, "grantRole", SERVICER_ROLE, servicer.address),
            chain.tx(admin, registry, "grantRole", AGENT_ROLE, agent.address),
            chain.tx(admin, stable, "mint", servicer.address, 10**9 * USD),
            chain.tx(servicer, stable, "approve", token.address, 10**9 * USD),
        ]
    )
    return _Token(chain, admin, agent, servicer, stable, registry, token)


# ------------------------------------------------------------------------------ sections


def bench_compile() -> dict[str, float]:
    t = time.perf_counter()
    compile_contracts(force=True)
    cold = time.perf_counter() - t
    cached = []
    for _ in range(3):
        t = time.perf_counter()
        compile_contracts()
        cached.append(time.perf_counter() - t)
    return {"compile_cold": cold, "compile_cached": min(cached)}


def bench_holders(artifacts: Artifacts, holders: int, detail: bool) -> dict[str, Any]:
    """Gas of distribute with ``holders`` holders; with ``detail`` also claim/transfer/onboard."""
    out: dict[str, Any] = {}
    # A roomy block: one JSON-RPC batch of 200-investor registrations must fit in a block, or
    # Anvil's synchronous send waits for a block that automine never makes.
    with _fresh_chain(artifacts, ["--gas-limit", "300000000"]) as chain:
        t = _deploy_token(chain)
        a, b = chain.accounts[4], chain.accounts[5]
        others = [_address(f"h{holders}", n) for n in range(holders - 2)]
        everyone = [a.address, b.address, *others]
        stake = 1_000 * UNIT + 7  # odd supply: the accumulator keeps a remainder
        if detail:
            # Onboarding gas: one registration alone, then per investor in a batch of 100.
            single = chain.send(
                chain.tx(
                    t.agent,
                    t.registry,
                    "registerInvestor",
                    a.address,
                    COUNTRY_HK,
                    1,
                    chain.timestamp() + 3650 * SECONDS_PER_DAY,
                )
            ).gas_used
            # 100 registered wallets that never hold tokens (they do not change the holders).
            batch = t.register([_address("kyc", i) for i in range(100)])
            t.register([b.address, *others])
            mint_gas = t.mint(everyone, stake)
            out["onboard_register_single"] = single
            out["onboard_register_per_investor_batch100"] = batch[0] // 100
            out["onboard_mint_first"] = mint_gas[0]
            out["onboard_mint"] = mint_gas[-1]
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
            send = chain.send
            # Every compliance rule on (countries, investor class, holder and balance limits,
            # lock-up, a partial freeze on the sender), as the issue measures it.
            every_rule = ComplianceSpec(
                max_holders=holders + 100, max_balance=10**9 * UNIT, lockup_days=90
            )
            chain.send_many(
                [chain.tx(t.admin, t.token, r.function, *r.args) for r in rule_steps(every_rule)]
            )
            send(chain.tx(t.agent, t.token, "freezePartialTokens", a.address, UNIT))
            out["transfer_compliant_first"] = send(
                chain.tx(a, t.token, "transfer", b.address, UNIT)
            ).gas_used
            out["transfer_compliant"] = send(
                chain.tx(a, t.token, "transfer", b.address, UNIT)
            ).gas_used
            plain = _contract(chain, "PlainERC20", ["Plain", "PLN", a.address, 1_000_000 * UNIT], a)
            send(chain.tx(a, plain, "transfer", b.address, 1_000 * UNIT))  # b now holds some
            out["transfer_plain_erc20"] = send(
                chain.tx(a, plain, "transfer", b.address, UNIT)
            ).gas_used
            out.update(_purchase_gas(chain, t))
    return out


def _purchase_gas(chain: Chain, t: _Token) -> dict[str, int]:
    """Gas of buying in the primary sale: the sale's first buyer and a later first-time buyer.

    Runs after the holder-count measurements (the buyers become holders too).
    """
    now = chain.timestamp()
    terms = (USD, now, now + 30 * SECONDS_PER_DAY, USD, 10**12 * USD, USD, 10**9 * USD)
    offering = _contract(
        chain,
        "PrimaryOffering",
        [terms, t.admin.address, t.token.address, t.stablecoin.address, t.admin.address],
        t.admin,
    )
    from tokenizer.deploy import AGENT_ROLE

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
    with _fresh_chain(artifacts, ["--gas-limit", "100000000"]) as chain:
        admin = chain.accounts[0]
        stable = _contract(chain, "MockStablecoin", ["Mock USD", "mUSD", admin.address], admin)
        chain.send(chain.tx(admin, stable, "mint", admin.address, 10**9 * USD))
        for n in sizes:
            push = _contract(chain, "PushDistribution", [stable.address, admin.address], admin)
            holders = [_address(f"push{n}", i) for i in range(n)]
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


def bench_throughput(artifacts: Artifacts, count: int) -> dict[str, Any]:
    """N signed stablecoin transfers from distinct funded wallets: one by one vs batched."""
    with _fresh_chain(artifacts) as chain:
        admin = chain.accounts[0]
        stable = _contract(chain, "MockStablecoin", ["Mock USD", "mUSD", admin.address], admin)
        wallets = [_wallet("tp", n) for n in range(2 * count)]
        addresses = [w.address for w in wallets]
        chain.fund(addresses, 10**18)
        for s in range(0, len(addresses), REGISTER_BATCH):
            chunk = addresses[s : s + REGISTER_BATCH]
            chain.send(chain.tx(admin, stable, "batchMint", chunk, [1_000 * USD] * len(chunk)))
        sink = _address("sink", 0)

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


@contextmanager
def _temporary_deployments() -> Iterator[Path]:
    """Keep the simulation's deployment record out of the project's deployments/ folder."""
    original = paths.deployments_dir
    with tempfile.TemporaryDirectory(prefix="rwa-bench-") as tmp:
        folder = Path(tmp)

        def patched() -> Path:
            return folder / "deployments"

        paths.deployments_dir = patched
        try:
            yield folder
        finally:
            paths.deployments_dir = original


def bench_simulation(artifacts: Artifacts, investors: int, periods: int) -> dict[str, Any]:
    from tokenizer.pipeline import RunSettings, run_deal
    from tokenizer.spec import load_spec

    spec = load_spec(paths.project_root() / SEED_SPEC)
    with _temporary_deployments() as tmp, _fresh_chain(artifacts) as chain:
        settings = RunSettings(
            investors=investors, periods=periods, seed=0, out_dir=tmp / "report", quiet=True
        )
        t = time.perf_counter()
        report = run_deal(chain, spec, settings)
        seconds = time.perf_counter() - t
    rec = report["reconciliation"]
    return {
        "investors": investors,
        "periods": periods,
        "seconds": seconds,
        "buyers": report["sale"]["buyers"],
        "periods_distributed": report["revenue"]["periods_distributed"],
        "claims": report["activity"]["claims"],
        "trades": report["activity"]["trades"],
        "reconciliation": rec,
        "mismatches": rec.get("mismatches"),
        "stages": report["seconds"],
    }


def bench_montecarlo(paths_: int, periods: int, reference_paths: int) -> dict[str, Any]:
    from tokenizer import revenue
    from tokenizer.spec import load_spec

    spec = load_spec(paths.project_root() / SEED_SPEC)
    revenue.simulate_gross(spec.revenue, periods, 10, 1)  # warm-up (imports, caches)
    t = time.perf_counter()
    revenue.simulate_gross(spec.revenue, periods, paths_, 0)
    vectorised = time.perf_counter() - t
    t = time.perf_counter()
    revenue.simulate_gross_reference(spec.revenue, periods, reference_paths, 0)
    per_path = (time.perf_counter() - t) / reference_paths
    return {
        "paths": paths_,
        "periods": periods,
        "reference_paths": reference_paths,
        "montecarlo": vectorised,
        "montecarlo_python_per_path": per_path,
        "python_over_vectorised": per_path * paths_ / vectorised,
    }


def machine() -> dict[str, Any]:
    try:
        anvil = subprocess.run(
            [str(find_anvil()), "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except Exception as exc:
        anvil = f"unknown ({exc})"
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "anvil": anvil.splitlines()[0] if anvil else "unknown",
    }


# ------------------------------------------------------------------------------ the run


def _goal(goal: str, value: Any, met: bool) -> dict[str, Any]:
    return {"goal": goal, "value": value, "met": bool(met)}


def collect(sizes: Sizes, say: Callable[[str], None]) -> dict[str, Any]:
    """Run every section and return the bench.json document."""
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        say(f"  {name} …")
        t = time.perf_counter()
        value = fn()
        timings[name] = round(time.perf_counter() - t, 2)
        say(f"  {name}: {timings[name]} s")
        return value

    comp = timed("compile", bench_compile)
    artifacts = compile_contracts()

    per_holders: dict[str, dict[str, Any]] = {}
    smallest = min(sizes.holders)
    for n in sizes.holders:
        per_holders[str(n)] = timed(
            f"distribute with {n} holders",
            functools.partial(bench_holders, artifacts, n, detail=n == smallest),
        )
    detail = per_holders[str(smallest)]
    push = timed("push distribution", lambda: bench_push(artifacts, sizes.push))
    tp = timed("throughput", lambda: bench_throughput(artifacts, sizes.throughput_txs))
    sim = timed(
        "simulation",
        lambda: bench_simulation(artifacts, sizes.sim_investors, sizes.sim_periods),
    )
    mc = timed(
        "monte carlo",
        lambda: bench_montecarlo(sizes.mc_paths, sizes.mc_periods, sizes.mc_reference_paths),
    )

    distribute = {k: v["distribute"] for k, v in per_holders.items()}
    lo, hi = distribute[str(min(sizes.holders))], distribute[str(max(sizes.holders))]
    spread = (max(distribute.values()) - min(distribute.values())) / min(distribute.values())
    gas: dict[str, Any] = {
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
    throughput = tp
    seconds = {
        "simulate_1000x240": sim["seconds"],
        "montecarlo_10000x240": mc["montecarlo"],
        "montecarlo_python_per_path": mc["montecarlo_python_per_path"],
        "compile_cold": comp["compile_cold"],
        "compile_cached": comp["compile_cached"],
    }
    ratio_transfer = detail["transfer_compliant"] / detail["transfer_plain_erc20"]
    biggest = max(sizes.holders)
    goals = {
        "distribute_gas": _goal("<= 70,000 gas (steady state)", hi, hi <= 70_000),
        "distribute_flat": _goal(
            f"within 1 % from {smallest} to {biggest} holders",
            round(spread * 100, 3),
            spread <= 0.01,
        ),
        "claim_gas": _goal(
            "<= 50,000 gas (second claim)", detail["claim"], detail["claim"] <= 50_000
        ),
        "transfer_ratio": _goal(
            "<= 2x plain ERC-20", round(ratio_transfer, 3), ratio_transfer <= 2
        ),
        "batched_onboarding": _goal(
            ">= 800 tx/s",
            round(tp["onboard_tx_per_s_batched"], 1),
            tp["onboard_tx_per_s_batched"] >= 800,
        ),
        "simulate": _goal(
            f"<= 30 s ({sizes.sim_investors}x{sizes.sim_periods})",
            round(sim["seconds"], 2),
            sim["seconds"] <= 30,
        ),
        "montecarlo": _goal(
            f"<= 1 s ({sizes.mc_paths}x{sizes.mc_periods})",
            round(mc["montecarlo"], 3),
            mc["montecarlo"] <= 1,
        ),
        "compile_cached": _goal(
            "<= 0.3 s", round(comp["compile_cached"], 3), comp["compile_cached"] <= 0.3
        ),
    }
    return {
        "machine": machine(),
        "quick": sizes != FULL,
        "sizes": asdict(sizes),
        "steady_state": "distribute: a period after the first, with revenue distributed before "
        "and the servicer's allowance set; claim: a holder's second claim; transfer: a second "
        "transfer between two holders after revenue was distributed",
        "gas": gas,
        "gas_by_holders": per_holders,
        "throughput": throughput,
        "seconds": seconds,
        "simulation": sim,
        "montecarlo": mc,
        "goals": goals,
        "section_seconds": timings,
        "distribute_lo_hi": [lo, hi],
    }


def _n(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def table(doc: dict[str, Any]) -> str:
    gas, tp, sec, goals = doc["gas"], doc["throughput"], doc["seconds"], doc["goals"]
    sim, mc, sizes = doc["simulation"], doc["montecarlo"], doc["sizes"]
    rows: list[tuple[str, str, str, str]] = []

    def goal(name: str) -> str:
        g = goals[name]
        return f"{g['goal']} [{'met' if g['met'] else 'MISSED'}]"

    for n, value in gas["distribute"].items():
        rows.append(
            (
                f"distribute gas, {int(n):,} holders (steady)",
                _n(value),
                goal("distribute_gas") if n == str(max(map(int, gas["distribute"]))) else "",
                "",
            )
        )
    rows.append(
        (
            "distribute spread across holder counts",
            f"{gas['distribute_spread']:.4%}",
            goal("distribute_flat"),
            "",
        )
    )
    rows.append(("distribute gas, first period", _n(gas["distribute_first"]), "", ""))
    rows.append(
        (
            "claim gas, second claim",
            _n(gas["claim"]),
            goal("claim_gas"),
            f"first claim {_n(gas['claim_first'])}",
        )
    )
    rows.append(
        (
            "transfer gas, every compliance rule on (repeat)",
            _n(gas["transfer_compliant"]),
            goal("transfer_ratio"),
            f"{gas['transfer_compliant'] / gas['transfer_plain_erc20']:.2f}x plain "
            f"{_n(gas['transfer_plain_erc20'])}",
        )
    )
    rows.append(
        (
            "transfer gas, every compliance rule on (first after revenue)",
            _n(gas["transfer_compliant_first"]),
            "",
            f"{gas['transfer_compliant_first'] / gas['transfer_plain_erc20']:.2f}x plain",
        )
    )
    rows.append(("registration gas, single", _n(gas["onboard_register_single"]), "", ""))
    rows.append(
        (
            "registration gas per investor, batch of 100",
            _n(gas["onboard_register_per_investor_batch100"]),
            "",
            "",
        )
    )
    rows.append(
        (
            "mint gas per investor (issuance)",
            _n(gas["onboard_mint"]),
            "",
            f"first mint {_n(gas['onboard_mint_first'])}",
        )
    )
    rows.append(
        (
            "purchase gas in the sale (buy, a later buyer)",
            _n(gas["onboard_purchase"]),
            "",
            f"sale's first buyer {_n(gas['onboard_purchase_first_buyer'])}; "
            f"approve {_n(gas['onboard_approve'])}",
        )
    )
    rows.append(
        (
            "onboarding gas per investor (batched KYC + approve + buy)",
            _n(gas["onboard_per_investor_batched"]),
            "",
            "",
        )
    )
    hi_dist = gas["distribute"][str(max(map(int, gas["distribute"])))]
    for n, value in gas["push_distribution"].items():
        rows.append(
            (
                f"push distribution gas, {int(n):,} holders (repeat)",
                _n(value),
                "",
                f"{value / hi_dist:,.0f}x distribute; "
                f"first {_n(gas['push_distribution_first'][n])}",
            )
        )
    rows.append(
        (
            "push: holders that fit in 30 M gas (linear extrapolation)",
            _n(gas["push_max_holders_30m"]),
            "",
            f"first-time payout: {_n(gas['push_max_holders_30m_first'])}",
        )
    )
    rows.append(
        (
            f"onboarding txs, one at a time ({tp['transactions']} txs)",
            f"{tp['onboard_tx_per_s_sequential']:,.0f} tx/s",
            "",
            "",
        )
    )
    rows.append(
        (
            "onboarding txs, send_many batched",
            f"{tp['onboard_tx_per_s_batched']:,.0f} tx/s",
            goal("batched_onboarding"),
            f"{tp['batched_over_sequential']:.1f}x sequential",
        )
    )
    rows.append(
        (
            f"simulation {sim['investors']:,} investors x {sim['periods']} periods",
            f"{sec['simulate_1000x240']:.2f} s",
            goal("simulate"),
            f"{sim['buyers']} buyers, mismatches {sim['mismatches']}",
        )
    )
    rows.append(
        (
            f"Monte Carlo {mc['paths']:,} x {mc['periods']} (vectorised)",
            f"{sec['montecarlo_10000x240']:.3f} s",
            goal("montecarlo"),
            f"{mc['python_over_vectorised']:,.0f}x faster than plain Python",
        )
    )
    rows.append(
        (
            f"Monte Carlo plain Python, per path ({mc['reference_paths']} paths)",
            f"{sec['montecarlo_python_per_path'] * 1000:.1f} ms",
            "",
            "",
        )
    )
    rows.append(("compile, cold (force)", f"{sec['compile_cold']:.2f} s", "", ""))
    rows.append(
        ("compile, cached", f"{sec['compile_cached'] * 1000:.1f} ms", goal("compile_cached"), "")
    )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    head = ("figure", "value", "goal", "ratio / baseline")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    met = sum(1 for g in goals.values() if g["met"])
    lines.append("")
    lines.append(f"Goals met: {met} of {len(goals)}. Sizes: {json.dumps(sizes)}")
    lines.append("Steady state: " + doc["steady_state"] + ".")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    sizes = QUICK if getattr(args, "quick", False) else FULL
    started = time.perf_counter()
    print(f"Benchmarking ({'quick' if sizes is QUICK else 'full'} sizes)…", file=sys.stderr)
    doc = collect(sizes, lambda text: print(text, file=sys.stderr, flush=True))
    doc["total_seconds"] = round(time.perf_counter() - started, 2)
    out: Path | None = getattr(args, "out", None)
    path = out or paths.out_dir() / "bench.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    print(table(doc))
    print(f"\nWritten {path} in {doc['total_seconds']} s.")
    return 0
