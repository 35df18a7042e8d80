"""The deployment plan: which contracts, with which arguments, then which calls, in order.

A plan is data. It is built from a deal spec (:func:`deal_plan`) or from a few terms for
contract tests and the bench (:func:`token_plan`), and one deployer runs either
(:mod:`tokenizer.deploy.deployer`). An argument can name something known only while deploying:
:class:`Ref` is the address of an earlier contract of the plan, :class:`At` a time of the
schedule. The plan's fingerprint covers exactly what reaches the chain (contract names,
arguments, calls, the schedule's durations), so a record is reused for the same deal and only
for it: an edited comment in the spec changes nothing; an edited price is another deal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from tokenizer.compliance.rules import rule_steps
from tokenizer.spec import DealSpec
from tokenizer.units import (
    AGENT_ROLE,
    GATE_ROLE,
    SECONDS_PER_DAY,
    SECONDS_PER_YEAR,
    SERVICER_ROLE,
)

# assumption: three days between the start of an admin handover and its acceptance. Long
# enough for the agent, the trustee or a regulator to notice an unexpected handover and for the
# admin to cancel it; short enough for a planned handover within a working week.
ADMIN_DELAY_SECONDS = 3 * SECONDS_PER_DAY


@dataclass(frozen=True)
class Ref:
    """The address of the plan's contract ``key``, once it is deployed."""

    key: str


@dataclass(frozen=True)
class At:
    """A time of the schedule (``"sale_start"``, ``"sale_end"``, ``"maturity"``)."""

    name: str


@dataclass(frozen=True)
class ContractStep:
    key: str  # the record's key: "token", "offering", ...
    contract: str  # the compiled contract's name
    args: tuple[Any, ...]


@dataclass(frozen=True)
class CallStep:
    """An admin call after the contracts: a role grant, a compliance rule..."""

    name: str  # the recorded step
    target: str  # the key of the contract called
    function: str
    args: tuple[Any, ...]
    group: str  # steps of one group are sent together, then recorded one by one
    signer: str = ""  # "" for the deployer; else a party that signs its own step (a guarantor)


@dataclass(frozen=True)
class Schedule:
    """The deal's clock as durations; :meth:`at` turns it into times from a start."""

    sale_seconds: int
    period_seconds: int
    periods: int

    def at(self, start: int) -> dict[str, int]:
        sale_end = start + self.sale_seconds
        return {
            "sale_start": start,
            "sale_end": sale_end,
            "period_seconds": self.period_seconds,
            "periods": self.periods,
            "maturity": sale_end + self.periods * self.period_seconds,
        }


@dataclass(frozen=True)
class ExistingContract:
    """A contract the deal uses but does not deploy (an existing settlement token)."""

    key: str
    contract: str  # the compiled contract whose ABI reads it
    address: str


@dataclass(frozen=True)
class DeploymentPlan:
    contracts: tuple[ContractStep, ...]
    calls: tuple[CallStep, ...]
    schedule: Schedule
    deployer: str  # the address that deploys and holds the admin role
    existing: tuple[ExistingContract, ...] = ()

    @property
    def keys(self) -> dict[str, str]:
        """Record key -> compiled contract name, of what the plan deploys and what it uses."""
        return {c.key: c.contract for c in self.contracts} | {
            e.key: e.contract for e in self.existing
        }

    def describe(self) -> dict[str, Any]:
        """Everything the plan sends to the chain, as JSON can hold it (kept in the record)."""
        return {
            "contracts": {c.key: [c.contract, _plain(c.args)] for c in self.contracts},
            "calls": {c.name: [c.target, c.function, _plain(c.args)] for c in self.calls},
            "schedule": [
                self.schedule.sale_seconds,
                self.schedule.period_seconds,
                self.schedule.periods,
            ],
            "deployer": self.deployer,
            "existing": {e.key: e.address for e in self.existing},
        }

    def fingerprint(self) -> str:
        """A hash of everything the plan sends to the chain."""
        blob = json.dumps(self.describe(), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two described plans, one short phrase each."""
    found: list[str] = []
    for section in ("contracts", "calls"):
        before, after = old.get(section, {}), new.get(section, {})
        for key in sorted(set(before) | set(after)):
            if key not in before:
                found.append(f"{section[:-1]} {key!r} added")
            elif key not in after:
                found.append(f"{section[:-1]} {key!r} removed")
            elif before[key] != after[key]:
                found.append(f"{section[:-1]} {key!r} has other arguments")
    for key in ("schedule", "deployer", "existing"):
        if old.get(key) != new.get(key):
            found.append(f"the {key} changed")
    return found


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it, placeholders spelled out."""
    if isinstance(value, Ref):
        return f"<address of {value.key}>"
    if isinstance(value, At):
        return f"<{value.name}>"
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def resolve(value: Any, addresses: dict[str, str], times: dict[str, int]) -> Any:
    """``value`` with every placeholder replaced by the address or time it stands for."""
    if isinstance(value, Ref):
        return addresses[value.key]
    if isinstance(value, At):
        return times[value.name]
    if isinstance(value, tuple):
        return tuple(resolve(v, addresses, times) for v in value)
    if isinstance(value, list):
        return [resolve(v, addresses, times) for v in value]
    return value


@dataclass(frozen=True)
class RoleHolders:
    """The addresses that act for the issuer, and (off local chains) the structured deal's own
    parties: ``(kind, name, address)`` of each guarantor and fee recipient the network names."""

    admin: str
    agent: str
    servicer: str
    treasury: str
    parties: tuple[tuple[str, str, str], ...] = ()

    def party(self, kind: str, name: str) -> str | None:
        """The address of party ``name`` of ``kind`` (guarantors, fee_recipients), if named."""
        return next((a for k, n, a in self.parties if k == kind and n == name), None)


def _core(
    holders: RoleHolders,
    token_name: str,
    token_symbol: str,
    supply_cap: int,
    settlement: ContractStep,
    admin_delay: int,
    final_period: int,
) -> tuple[list[ContractStep], list[CallStep]]:
    """Settlement token, identity registry and revenue-share token, with the agent's and
    the servicer's roles."""
    contracts = [
        settlement,
        ContractStep("registry", "IdentityRegistry", (holders.admin, admin_delay)),
        ContractStep(
            "token",
            "RevenueShareToken",
            (
                token_name,
                token_symbol,
                holders.admin,
                Ref("stablecoin"),
                Ref("registry"),
                At("maturity"),
                supply_cap,
                final_period,
                admin_delay,
            ),
        ),
    ]
    calls = [
        _grant("grant token agent", "token", AGENT_ROLE, holders.agent),
        _grant("grant token servicer", "token", SERVICER_ROLE, holders.servicer),
    ]
    return contracts, calls


def _with_disclosure(
    spec: DealSpec,
    holders: RoleHolders,
    contracts: list[ContractStep],
    calls: list[CallStep],
) -> tuple[list[ContractStep], list[CallStep]]:
    """A deal with ``disclosure:``: the document registry and the report gate, which becomes
    the token's only servicer (the servicer signs reports instead of distributing itself), the
    attesters, assets and required documents, and the sale gated on them."""
    from tokenizer.disclosure.documents import plan_calls

    d = spec.disclosure
    assert d is not None
    contracts = [
        *contracts,
        ContractStep(
            "documents", "DocumentRegistry", (holders.admin, holders.admin, ADMIN_DELAY_SECONDS)
        ),
        ContractStep(
            "gate",
            "ReportGate",
            (
                holders.admin,
                holders.servicer,
                Ref("token"),
                Ref("documents"),
                d.covenant_below_bps,
                d.covenant_periods,
                ADMIN_DELAY_SECONDS,
            ),
        ),
    ]
    calls = [c for c in calls if c.name != "grant token servicer"]
    calls.append(_grant("grant gate servicer", "token", SERVICER_ROLE, Ref("gate")))
    calls.append(_grant("grant gate distributor", "token", GATE_ROLE, Ref("gate")))
    # Steps of one group are estimated against the same state: an asset must exist before a
    # pool member or a requirement names it, so each asset is a group of its own.
    calls += [
        CallStep(
            name, target, fn, args, group=name if fn == "registerAsset" else f"disclosure {fn}"
        )
        for name, target, fn, args in plan_calls(spec.id, d)
    ]
    calls.append(
        CallStep(
            "gate sale on documents",
            "offering",
            "setDisclosure",
            (Ref("documents"),),
            group="disclosure",
        )
    )
    return contracts, calls


def _grant(
    name: str, target: str, role: bytes, account: str | Ref, group: str | None = None
) -> CallStep:
    return CallStep(name, target, "grantRole", (role, account), group=group or name)


def token_plan(
    holders: RoleHolders,
    *,
    token_name: str = "Test Revenue",
    token_symbol: str = "TRV",
    term_seconds: int = 5 * SECONDS_PER_YEAR,
    supply_cap: int = 10**30,
    settlement_contract: str = "MockStablecoin",
    settlement_args: Sequence[Any] | None = None,
    admin_delay: int = ADMIN_DELAY_SECONDS,
    final_period: int = 10_000,
) -> DeploymentPlan:
    """A token with its registry and settlement token and the roles, no sale and no rules
    (contract tests and the bench). Maturity is ``term_seconds`` after deployment; at most
    ``supply_cap`` base units can ever be minted (a trillion whole tokens by default); an admin
    handover takes ``admin_delay`` seconds; ``final_period`` is the last revenue period."""
    args = ("Mock USD", "mUSD", holders.admin) if settlement_args is None else settlement_args
    settlement = ContractStep("stablecoin", settlement_contract, tuple(args))
    contracts, grants = _core(
        holders, token_name, token_symbol, supply_cap, settlement, admin_delay, final_period
    )
    grants.append(_grant("grant registry agent", "registry", AGENT_ROLE, holders.agent))
    calls = [replace(g, group="roles") for g in grants]  # sent together: no resuming here
    return DeploymentPlan(
        tuple(contracts),
        tuple(calls),
        Schedule(sale_seconds=0, period_seconds=term_seconds, periods=1),
        holders.admin,
    )


def deal_schedule(spec: DealSpec) -> Schedule:
    """Sale window, then one period every ``1/periods_per_year`` of a year until maturity.

    The last period is distributed at maturity, after which transfers stop and claims go on.
    """
    return Schedule(
        sale_seconds=spec.offering.duration_days * SECONDS_PER_DAY,
        period_seconds=SECONDS_PER_YEAR // spec.revenue.periods_per_year,
        periods=spec.periods,
    )


#: The ABI an existing settlement token is read with: a plain OpenZeppelin ERC-20.
ERC20_ABI = "PlainERC20"


def deal_plan(spec: DealSpec, holders: RoleHolders) -> DeploymentPlan:
    """Every contract, role and rule of the deal in ``spec``; the settlement token is the
    spec's existing one (``settlement.address``) or a mock deployed for a local chain. A deal
    with ``structure:`` deploys tranches and a waterfall (:mod:`tokenizer.deploy.structure`)."""
    if spec.structure is not None:
        from tokenizer.deploy.structure import structured_plan

        return structured_plan(spec, holders)
    off = spec.offering
    settlement = ContractStep(
        "stablecoin",
        "MockStablecoin",
        (spec.settlement.name, spec.settlement.symbol, holders.admin),
    )
    contracts, calls = _core(
        holders,
        spec.token.name,
        spec.token.symbol,
        spec.token.supply,
        settlement,
        ADMIN_DELAY_SECONDS,
        spec.periods,
    )
    existing: tuple[ExistingContract, ...] = ()
    if spec.settlement.address:
        existing = (ExistingContract("stablecoin", ERC20_ABI, spec.settlement.address),)
        contracts = contracts[1:]
    contracts += [
        ContractStep(
            "offering",
            "PrimaryOffering",
            (
                (
                    off.price,
                    At("sale_start"),
                    At("sale_end"),
                    off.soft_cap,
                    off.hard_cap,
                    off.min_purchase,
                    off.max_purchase,
                ),
                holders.admin,
                Ref("token"),
                Ref("stablecoin"),
                holders.treasury,
                ADMIN_DELAY_SECONDS,
            ),
        ),
        ContractStep("market", "DvPMarket", (Ref("token"), Ref("stablecoin"))),
    ]
    calls += [
        _grant("grant offering minter", "token", AGENT_ROLE, Ref("offering")),
        _grant("grant registry agent", "registry", AGENT_ROLE, holders.agent),
    ]
    calls += [
        CallStep(r.name, "token", r.function, r.args, group="compliance")
        for r in rule_steps(spec.compliance)
    ]
    if spec.disclosure is not None:
        contracts, calls = _with_disclosure(spec, holders, contracts, calls)
    return DeploymentPlan(
        tuple(contracts),
        tuple(calls),
        deal_schedule(spec),
        holders.admin,
        existing,
    )
