"""The deployment plan of a deal with ``structure:``: tranche tokens, their offerings, a waterfall.

One ``TrancheToken`` per tranche (most senior first, the residual
last), each with the deal's compliance rules plus its own (``min_investor_class``); one
``PrimaryOffering`` per tranche, at par (one whole token per whole settlement unit of
principal), whose soft cap is its hard cap: a note issue is placed in full or refunded, since
the waterfall's principals are fixed when it is deployed and must equal the tokens sold. A
``DvPMarket`` per tranche, where its holders trade it under the tranche's own rules. The
``Waterfall`` holds every tranche token's SERVICER_ROLE (it alone distributes to them) and gets
the deal's fees, schedules, reserve target, guarantors and triggers, then its opening reserve.

Guarantors and fee recipients other than the servicer are accounts of their own. On a local
chain they are simulated (:func:`local_party`: a key derived from the deal and the party's
name); a guarantor is funded with the mock stablecoin up to its total limit and approves the
waterfall, a step it signs itself (``CallStep.signer``). On any other network each is the
address the network's ``roles.guarantors`` / ``roles.fee_recipients`` names; the deployer sends
no step of theirs (it holds no key of theirs): a guarantor's approval is left for the guarantor,
who sends it with ``rwa guarantee``.
"""

from __future__ import annotations

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak

from tokenizer.compliance.rules import rule_steps
from tokenizer.deploy.plan import (
    ADMIN_DELAY_SECONDS,
    At,
    CallStep,
    ContractStep,
    DeploymentPlan,
    ExistingContract,
    Ref,
    RoleHolders,
    _grant,
    deal_schedule,
)
from tokenizer.finance.waterfall import terms_of
from tokenizer.spec import INVESTOR_CLASSES, DealSpec
from tokenizer.units import AGENT_ROLE, SERVICER_ROLE

__all__ = [
    "fee_recipient",
    "guarantor_accounts",
    "guarantor_address",
    "guarantor_signer",
    "local_party",
    "market_key",
    "offering_key",
    "structured_plan",
    "tranche_key",
]

ONE_TOKEN = 10**18


def tranche_key(name: str) -> str:
    return f"tranche_{name}"


def offering_key(name: str) -> str:
    return f"offering_{name}"


def market_key(name: str, index: int) -> str:
    """The record's key of tranche ``index``'s market: ``market`` for the most senior (the key
    of a plain deal's market), ``market_<name>`` for the others."""
    return "market" if index == 0 else f"market_{name}"


def guarantor_signer(index: int) -> str:
    """The name of guarantor ``index``'s signer in :class:`CallStep.signer`."""
    return f"guarantor_{index}"


def local_party(deal_id: str, party: str) -> LocalAccount:
    """A simulated account for ``party`` of a deal on a local chain (a guarantor, a trustee):
    its key is derived from the deal's id and the party's name, so it is the same every run."""
    account: LocalAccount = Account.from_key(keccak(text=f"rwa local party:{deal_id}:{party}"))
    return account


def fee_recipient(spec: DealSpec, holders: RoleHolders, name: str) -> str:
    """A fee named ``servicer`` goes to the servicer; any other to an account of its own: the
    address the network names (``roles.fee_recipients``), else a simulated local party."""
    if name == "servicer":
        return holders.servicer
    return holders.party("fee_recipients", name) or local_party(spec.id, f"fee:{name}").address


def guarantor_address(spec: DealSpec, holders: RoleHolders, name: str) -> str:
    """Guarantor ``name``'s account: the address the network names (``roles.guarantors``),
    else (a local chain) a simulated local party."""
    return holders.party("guarantors", name) or local_party(spec.id, f"guarantor:{name}").address


def structured_plan(spec: DealSpec, holders: RoleHolders) -> DeploymentPlan:
    """Every contract, role, rule and term of the structured deal in ``spec``."""
    structure = spec.structure
    assert structure is not None
    off, settle = spec.offering, spec.settlement
    contracts: list[ContractStep] = []
    existing: tuple[ExistingContract, ...] = ()
    if spec.settlement.address:
        from tokenizer.deploy.plan import ERC20_ABI

        existing = (ExistingContract("stablecoin", ERC20_ABI, spec.settlement.address),)
    else:
        contracts.append(
            ContractStep(
                "stablecoin", "MockStablecoin", (settle.name, settle.symbol, holders.admin)
            )
        )
    contracts.append(
        ContractStep("registry", "IdentityRegistry", (holders.admin, ADMIN_DELAY_SECONDS))
    )
    price = settle.unit * ONE_TOKEN // spec.token.unit  # par: a whole token per whole unit
    for i, t in enumerate(structure.tranches):
        contracts.append(
            ContractStep(
                tranche_key(t.name),
                "TrancheToken",
                (
                    f"{spec.token.name} - {t.name}",
                    t.symbol,
                    holders.admin,
                    Ref("stablecoin"),
                    Ref("registry"),
                    At("maturity"),
                    t.supply,
                    spec.periods,
                    ADMIN_DELAY_SECONDS,
                    i,
                ),
            )
        )
    for t in structure.tranches:
        least = min(off.min_purchase, t.size)
        contracts.append(
            ContractStep(
                offering_key(t.name),
                "PrimaryOffering",
                (
                    (
                        price,
                        At("sale_start"),
                        At("sale_end"),
                        t.size,
                        t.size,
                        least,
                        max(least, min(off.max_purchase, t.size)),
                    ),
                    holders.admin,
                    Ref(tranche_key(t.name)),
                    Ref("stablecoin"),
                    holders.treasury,
                    ADMIN_DELAY_SECONDS,
                ),
            )
        )
    for n, t in enumerate(structure.tranches):  # the senior's is "market", as a plain deal's
        contracts.append(
            ContractStep(
                market_key(t.name, n), "DvPMarket", (Ref(tranche_key(t.name)), Ref("stablecoin"))
            )
        )
    terms = terms_of(structure, spec.periods, spec.revenue.periods_per_year)
    rated = terms.tranches
    contracts.append(
        ContractStep(
            "waterfall",
            "Waterfall",
            (
                holders.admin,
                Ref("stablecoin"),
                terms.periods,
                terms.periods_per_year,
                [Ref(tranche_key(t.name)) for t in structure.tranches],
                [t.principal for t in rated],
                [t.coupon_bps for t in rated],
                [t.kind for t in rated],
                [t.accrues for t in rated],
            ),
        )
    )

    calls: list[CallStep] = [
        _grant("grant registry agent", "registry", AGENT_ROLE, holders.agent),
        _grant("grant waterfall servicer", "waterfall", SERVICER_ROLE, holders.servicer),
    ]
    for t in structure.tranches:
        key = tranche_key(t.name)
        calls += [
            _grant(f"{t.name}: grant agent", key, AGENT_ROLE, holders.agent, group="tranche roles"),
            _grant(
                f"{t.name}: grant offering minter",
                key,
                AGENT_ROLE,
                Ref(offering_key(t.name)),
                group="tranche roles",
            ),
            _grant(
                f"{t.name}: grant waterfall servicer",
                key,
                SERVICER_ROLE,
                Ref("waterfall"),
                group="tranche roles",
            ),
        ]
    for t in structure.tranches:
        floor = INVESTOR_CLASSES.index(t.min_investor_class) if t.min_investor_class else None
        calls += [
            CallStep(
                f"{t.name}: {r.name}", tranche_key(t.name), r.function, r.args, group="compliance"
            )
            for r in rule_steps(spec.compliance, min_class=floor)
        ]
    terms_group = "waterfall terms"
    for f, fee in enumerate(structure.fees):
        calls.append(
            CallStep(
                f"waterfall: fee {fee.name}",
                "waterfall",
                "addFee",
                (fee_recipient(spec, holders, fee.name), terms.fee_bps[f], terms.fee_fixed[f]),
                group=terms_group,
            )
        )
    for i, rt in enumerate(rated):
        if rt.cum_bps:
            name = structure.tranches[i].name
            calls.append(
                CallStep(
                    f"waterfall: schedule {name}",
                    "waterfall",
                    "setSchedule",
                    (i, list(rt.cum_bps)),
                    group=terms_group,
                )
            )
    if structure.reserve:
        calls.append(
            CallStep(
                "waterfall: reserve target",
                "waterfall",
                "setReserveTarget",
                (terms.reserve_target_bps, terms.reserve_target),
                group=terms_group,
            )
        )
    for guarantee in structure.guarantors:
        account = guarantor_address(spec, holders, guarantee.name)
        calls.append(
            CallStep(
                f"waterfall: guarantor {guarantee.name}",
                "waterfall",
                "addGuarantor",
                (
                    account,
                    guarantee.covers,
                    guarantee.per_period_limit,
                    guarantee.total_limit,
                    guarantee.repaid,
                ),
                group=terms_group,
            )
        )
    for j, trig in enumerate(structure.triggers):
        calls.append(
            CallStep(
                f"waterfall: trigger {j} ({trig.metric} below {trig.below_bps} bps)",
                "waterfall",
                "addTrigger",
                (
                    terms.trigger_below_bps[j],
                    terms.trigger_periods[j],
                    terms.trigger_cure[j],
                    terms.trigger_action[j],
                ),
                group=terms_group,
            )
        )
    for g, guarantee in enumerate(structure.guarantors):
        account = guarantor_address(spec, holders, guarantee.name)
        if not spec.settlement.address:  # the mock stablecoin: the simulated bank's money
            calls.append(
                CallStep(
                    f"guarantor {guarantee.name}: funds",
                    "stablecoin",
                    "mint",
                    (account, guarantee.total_limit),
                    group="guarantors",
                )
            )
        calls.append(
            CallStep(
                f"guarantor {guarantee.name}: approves the waterfall",
                "stablecoin",
                "approve",
                (Ref("waterfall"), guarantee.total_limit),
                group="guarantor approvals",
                signer=guarantor_signer(g),
            )
        )
    initial = structure.reserve.initial if structure.reserve else 0
    if initial:
        if not spec.settlement.address:
            calls.append(
                CallStep(
                    "reserve: issuer's cash",
                    "stablecoin",
                    "mint",
                    (holders.admin, initial),
                    group="reserve",
                )
            )
        calls += [
            CallStep(
                "reserve: approve",
                "stablecoin",
                "approve",
                (Ref("waterfall"), initial),
                group="reserve",
            ),
            CallStep("reserve: fund", "waterfall", "fundReserve", (initial,), group="reserve fund"),
        ]
    return DeploymentPlan(
        tuple(contracts),
        tuple(calls),
        deal_schedule(spec),
        holders.admin,
        existing,
    )


def guarantor_accounts(spec: DealSpec) -> dict[str, LocalAccount]:
    """The simulated guarantors' signers of a structured deal on a local chain."""
    if spec.structure is None:
        return {}
    return {
        guarantor_signer(g): local_party(spec.id, f"guarantor:{x.name}")
        for g, x in enumerate(spec.structure.guarantors)
    }
