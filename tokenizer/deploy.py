"""Deploy a deal from its spec, and remember what was deployed.

A deployment is a short list of named steps (contracts, then role grants, then the deal's
compliance rules from ``spec.compliance``). After every step the
record ``deployments/<chain-id>/<deal>.json`` is rewritten, so an interrupted run resumes where
it stopped, and a second run reuses what is there. A recorded contract is reused only if its code
is still at its address (an embedded Anvil is a new, empty chain every run) and the spec and the
compiled ABIs are those it was deployed from; otherwise the deal is deployed afresh.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak
from web3.contract import Contract

from tokenizer import paths
from tokenizer.chain import Chain
from tokenizer.compliance import rule_steps
from tokenizer.errors import DeploymentError
from tokenizer.spec import DealSpec

SECONDS_PER_DAY = 86_400
SECONDS_PER_YEAR = 365 * SECONDS_PER_DAY
RECORD_FORMAT = 1

AGENT_ROLE = keccak(text="AGENT_ROLE")
SERVICER_ROLE = keccak(text="SERVICER_ROLE")


@dataclass(frozen=True)
class Roles:
    """Who acts for the issuer. On a testnet with one keystore, one account holds every role."""

    admin: LocalAccount
    agent: LocalAccount
    servicer: LocalAccount
    treasury: LocalAccount

    @classmethod
    def from_accounts(cls, accounts: list[LocalAccount]) -> Roles:
        pick = (lambda i: accounts[i]) if len(accounts) >= 4 else (lambda i: accounts[0])
        return cls(admin=pick(0), agent=pick(1), servicer=pick(2), treasury=pick(3))


@dataclass
class Deployment:
    """The contracts of one deal on one chain, with the record they are saved in."""

    deal: str
    chain_id: int
    spec_hash: str
    abi_hash: str
    compiler_version: str
    schedule: dict[str, int]
    contracts: dict[str, dict[str, Any]] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    reused: bool = False

    @property
    def path(self) -> Path:
        return record_path(self.chain_id, self.deal)

    def address(self, key: str) -> str:
        try:
            address: str = self.contracts[key]["address"]
        except KeyError:
            raise DeploymentError(f"the deployment of {self.deal} has no {key} yet") from None
        return address

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": RECORD_FORMAT,
            "deal": self.deal,
            "chain_id": self.chain_id,
            "spec_hash": self.spec_hash,
            "abi_hash": self.abi_hash,
            "compiler_version": self.compiler_version,
            "schedule": self.schedule,
            "contracts": self.contracts,
            "steps": self.steps,
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n")
        tmp.replace(self.path)

    @classmethod
    def load(cls, path: Path) -> Deployment | None:
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise DeploymentError(f"the deployment record {path} is unreadable: {exc}") from exc
        if data.get("format") != RECORD_FORMAT:
            return None
        return cls(
            deal=data["deal"],
            chain_id=data["chain_id"],
            spec_hash=data["spec_hash"],
            abi_hash=data["abi_hash"],
            compiler_version=data["compiler_version"],
            schedule=data["schedule"],
            contracts=data["contracts"],
            steps=data["steps"],
        )


@dataclass
class Deal:
    """Contract handles of a deployed deal."""

    deployment: Deployment
    roles: Roles
    stablecoin: Contract
    registry: Contract
    token: Contract
    offering: Contract
    market: Contract


def record_path(chain_id: int, deal: str) -> Path:
    return paths.deployments_dir() / str(chain_id) / f"{deal}.json"


def spec_hash(spec: DealSpec) -> str:
    return hashlib.sha256(spec.path.read_bytes()).hexdigest()


def schedule_for(spec: DealSpec, now: int) -> dict[str, int]:
    """Sale window, then one period every ``1/periods_per_year`` of a year until maturity.

    The last period is distributed at maturity, after which transfers stop and claims go on.
    """
    sale_start = now
    sale_end = sale_start + spec.offering.duration_days * SECONDS_PER_DAY
    period_seconds = SECONDS_PER_YEAR // spec.revenue.periods_per_year
    maturity = sale_end + spec.periods * period_seconds
    return {
        "sale_start": sale_start,
        "sale_end": sale_end,
        "period_seconds": period_seconds,
        "periods": spec.periods,
        "maturity": maturity,
    }


def _contract_steps(
    spec: DealSpec, roles: Roles, dep: Deployment
) -> list[tuple[str, str, Callable[[], list[Any]]]]:
    """(record key, contract name, constructor arguments) in deployment order."""
    off = spec.offering
    sched = dep.schedule
    return [
        (
            "stablecoin",
            "MockStablecoin",
            lambda: [spec.settlement.name, spec.settlement.symbol, roles.admin.address],
        ),
        ("registry", "IdentityRegistry", lambda: [roles.admin.address]),
        (
            "token",
            "RevenueShareToken",
            lambda: [
                spec.token.name,
                spec.token.symbol,
                roles.admin.address,
                dep.address("stablecoin"),
                dep.address("registry"),
                sched["maturity"],
                spec.token.supply,
            ],
        ),
        (
            "offering",
            "PrimaryOffering",
            lambda: [
                (
                    off.price,
                    sched["sale_start"],
                    sched["sale_end"],
                    off.soft_cap,
                    off.hard_cap,
                    off.min_purchase,
                    off.max_purchase,
                ),
                roles.admin.address,
                dep.address("token"),
                dep.address("stablecoin"),
                roles.treasury.address,
            ],
        ),
        (
            "market",
            "DvPMarket",
            lambda: [dep.address("token"), dep.address("stablecoin")],
        ),
    ]


def _role_steps(roles: Roles, dep: Deployment) -> list[tuple[str, str, str, bytes, str]]:
    """(step name, contract key, contract name, role, account) for every role grant."""
    return [
        ("grant token agent", "token", "RevenueShareToken", AGENT_ROLE, roles.agent.address),
        (
            "grant token servicer",
            "token",
            "RevenueShareToken",
            SERVICER_ROLE,
            roles.servicer.address,
        ),
        (
            "grant offering minter",
            "token",
            "RevenueShareToken",
            AGENT_ROLE,
            dep.address("offering"),
        ),
        ("grant registry agent", "registry", "IdentityRegistry", AGENT_ROLE, roles.agent.address),
    ]


def _still_valid(chain: Chain, dep: Deployment, spec: DealSpec) -> bool:
    """The record describes this chain: same spec and ABIs, and every recorded contract was
    created by its recorded transaction and still has code (a reset chain, or other contracts
    deployed at the same addresses since, fail this)."""
    if dep.spec_hash != spec_hash(spec) or dep.abi_hash != chain.artifacts.abi_hash:
        return False
    contracts = list(dep.contracts.values())
    receipts = chain.rpc.batch([("eth_getTransactionReceipt", [c["tx"]]) for c in contracts])
    for contract, reply in zip(contracts, receipts, strict=True):
        receipt = reply.get("result")
        if (
            not receipt
            or str(receipt.get("contractAddress", "")).lower() != str(contract["address"]).lower()
        ):
            return False
    return all(chain.code_at(c["address"]) for c in contracts)


def deploy_deal(
    chain: Chain,
    spec: DealSpec,
    roles: Roles | None = None,
    on_step: Callable[[str, bool], None] | None = None,
) -> Deal:
    """Deploy (or reuse, or finish deploying) ``spec`` on ``chain``; return contract handles."""
    roles = roles or Roles.from_accounts(chain.accounts)
    path = record_path(chain.chain_id, spec.id)
    dep = Deployment.load(path)
    if dep is not None and not _still_valid(chain, dep, spec):
        dep = None
    if dep is None:
        dep = Deployment(
            deal=spec.id,
            chain_id=chain.chain_id,
            spec_hash=spec_hash(spec),
            abi_hash=chain.artifacts.abi_hash,
            compiler_version=chain.artifacts.compiler_version,
            schedule=schedule_for(spec, chain.timestamp()),
        )
    else:
        dep.reused = bool(dep.contracts)
    report = on_step or (lambda name, reused: None)

    for key, name, args in _contract_steps(spec, roles, dep):
        if key in dep.contracts:
            report(f"{name} at {dep.contracts[key]['address']}", True)
            continue
        receipt = chain.deploy(name, args(), roles.admin)
        dep.contracts[key] = {
            "name": name,
            "address": receipt.contract_address,
            "tx": receipt.tx_hash,
            "block": receipt.block_number,
            "gas": receipt.gas_used,
        }
        dep.save()
        report(f"{name} at {receipt.contract_address}", False)

    for step, key, name, role, account in _role_steps(roles, dep):
        if step in dep.steps:
            continue
        contract = chain.contract(name, dep.address(key))
        chain.send(chain.tx(roles.admin, contract, "grantRole", role, account))
        dep.steps.append(step)
        dep.save()
        report(step, False)

    # The deal's compliance rules: idempotent admin calls, sent together, then recorded.
    token = chain.contract("RevenueShareToken", dep.address("token"))
    missing = [r for r in rule_steps(spec.compliance) if r.name not in dep.steps]
    if missing:
        chain.send_many([chain.tx(roles.admin, token, r.function, *r.args) for r in missing])
        for r in missing:
            dep.steps.append(r.name)
            dep.save()
            report(r.name, False)

    return attach(chain, dep, roles)


def recorded_deal(chain: Chain, spec: DealSpec) -> Deal:
    """The deal as recorded on ``chain`` by an earlier deployment, without deploying anything.

    Raises :class:`DeploymentError` when there is no record for this chain, or the record does
    not describe it (another chain with the same id, an edited spec, other ABIs).
    """
    path = record_path(chain.chain_id, spec.id)
    dep = Deployment.load(path)
    if dep is not None and dep.contracts and _still_valid(chain, dep, spec):
        return attach(chain, dep)
    if chain.node is not None:
        raise DeploymentError(
            f"{spec.id} is not deployed on this embedded Anvil (it starts empty): pass the "
            "--rpc-url of the node it was deployed to, or the --state file it was deployed with"
        )
    if dep is None or not dep.contracts:
        raise DeploymentError(
            f"{spec.id} has no recorded deployment on chain {chain.chain_id}: run "
            f"`rwa deploy {spec.path} --rpc-url {chain.url}` first"
        )
    raise DeploymentError(
        f"the deployment record {path} does not match chain {chain.chain_id} (its contracts "
        f"are gone, or the spec or the contracts changed since): run `rwa deploy {spec.path} "
        f"--rpc-url {chain.url}` again"
    )


def attach(chain: Chain, dep: Deployment, roles: Roles | None = None) -> Deal:
    roles = roles or Roles.from_accounts(chain.accounts)
    return Deal(
        deployment=dep,
        roles=roles,
        stablecoin=chain.contract("MockStablecoin", dep.address("stablecoin")),
        registry=chain.contract("IdentityRegistry", dep.address("registry")),
        token=chain.contract("RevenueShareToken", dep.address("token")),
        offering=chain.contract("PrimaryOffering", dep.address("offering")),
        market=chain.contract("DvPMarket", dep.address("market")),
    )
