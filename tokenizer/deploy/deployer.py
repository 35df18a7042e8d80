"""The one deployer: runs a :class:`~tokenizer.deploy.plan.DeploymentPlan` on a chain.

Contracts first, one by one (each may need the address of an earlier one), then the calls,
group by group; the record is saved after every step, so an interrupted run resumes with the
missing steps only. :func:`deploy_deal` keeps a record per chain and deal and reuses it when
it still describes the chain; :func:`deploy_plan` deploys a plan without a record (contract
tests and the bench).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from itertools import groupby
from typing import Any

from eth_account.signers.local import LocalAccount

from tokenizer.chain import Chain, Contract, Receipt
from tokenizer.deploy.deal import Deal, Roles, attach
from tokenizer.deploy.plan import (
    CallStep,
    DeploymentPlan,
    RoleHolders,
    changes,
    deal_plan,
    resolve,
)
from tokenizer.deploy.record import Deployment, record_path
from tokenizer.deploy.settlement import probe_transfer
from tokenizer.errors import ChainError, DeploymentError
from tokenizer.spec import DealSpec

OnStep = Callable[[str, bool], None]


def _still_valid(chain: Chain, dep: Deployment, plan: DeploymentPlan) -> bool:
    """The record describes this chain: the same plan and ABIs, and every recorded contract was
    created by its recorded transaction and still has code (a reset chain, or other contracts
    deployed at the same addresses since, fail this)."""
    if dep.fingerprint != plan.fingerprint() or dep.abi_hash != chain.artifacts.abi_hash:
        return False
    contracts = [c for c in dep.contracts.values() if not c.get("existing")]
    receipts = chain.receipts([c["tx"] for c in contracts])
    for contract, receipt in zip(contracts, receipts, strict=True):
        if (
            not receipt
            or str(receipt.get("contractAddress", "")).lower() != str(contract["address"]).lower()
        ):
            return False
    return all(chain.code_at(c["address"]) for c in contracts)


def execute(
    chain: Chain,
    plan: DeploymentPlan,
    dep: Deployment,
    sender: LocalAccount,
    on_step: OnStep | None = None,
    signers: dict[str, LocalAccount] | None = None,
) -> Deployment:
    """Run the steps of ``plan`` that ``dep`` has not recorded yet, saving after each; a step
    with a ``signer`` is signed by ``signers[signer]`` (a guarantor approving the waterfall)."""
    report = on_step or (lambda name, reused: None)
    for known in plan.existing:
        dep.contracts.setdefault(
            known.key, {"name": known.contract, "address": known.address, "existing": True}
        )
    addresses = {k: c["address"] for k, c in dep.contracts.items()}
    for step in plan.contracts:
        if step.key in dep.contracts:
            report(f"{step.contract} at {addresses[step.key]}", True)
            continue
        args = resolve(list(step.args), addresses, dep.schedule)
        receipt = _deploy_once(chain, dep, step.key, step.contract, args, sender)
        address = receipt.contract_address or ""
        dep.contracts[step.key] = {
            "name": step.contract,
            "address": address,
            "tx": receipt.tx_hash,
            "block": receipt.block_number,
            "gas": receipt.gas_used,
        }
        dep.pending.pop(step.key, None)
        addresses[step.key] = address
        dep.save()
        report(f"{step.contract} at {address}", False)

    handles: dict[str, Contract] = {}
    for _, group in groupby(plan.calls, key=lambda c: c.group):
        missing = [c for c in group if c.name not in dep.steps]
        if not missing:
            continue
        txs = []
        sent: list[CallStep] = []
        for call in missing:
            target = handles.get(call.target)
            if target is None:
                target = handles[call.target] = chain.contract(
                    plan.keys[call.target], addresses[call.target]
                )
            args = resolve(list(call.args), addresses, dep.schedule)
            who = sender
            if call.signer:
                if signers is None:
                    raise DeploymentError(f"{call.name}: needs the key of {call.signer}")
                if call.signer not in signers:  # another party's step: theirs to send
                    continue
                who = signers[call.signer]
            txs.append(chain.tx(who, target, call.function, *args))
            sent.append(call)
        if txs:
            chain.send_many(txs)
        for call in sent:
            dep.steps.append(call.name)
            dep.save()
            report(call.name, False)
    return dep


def _deploy_once(
    chain: Chain,
    dep: Deployment,
    key: str,
    contract: str,
    args: list[Any],
    sender: LocalAccount,
) -> Receipt:
    """Deploy one contract step: if an interrupted run already sent it, wait for that
    transaction instead; the hashes sent are recorded before their receipts."""
    action = f"deploying {contract}"
    if dep.pending.get(key):
        found = chain.await_sent(dep.pending[key], action)
        if found is not None and found.contract_address:
            return found
        dep.pending.pop(key)  # the node knows none of them: not deployed

    def sent(hashes: list[str]) -> None:
        dep.pending.setdefault(key, []).extend(hashes)
        dep.save()

    chain.on_sent = sent
    try:
        return chain.deploy(contract, args, sender)
    finally:
        chain.on_sent = None


def deploy_plan(chain: Chain, plan: DeploymentPlan, sender: LocalAccount) -> dict[str, Contract]:
    """Deploy ``plan`` in full without a record (contract tests and the bench): its handles."""
    dep = Deployment(
        deal="unrecorded",
        chain_id=chain.chain_id,
        fingerprint=plan.fingerprint(),
        abi_hash=chain.artifacts.abi_hash,
        compiler_version=chain.artifacts.compiler_version,
        schedule=plan.schedule.at(chain.timestamp()),
    )
    execute(chain, plan, dep, sender)
    return {key: chain.contract(c["name"], c["address"]) for key, c in dep.contracts.items()}


def _check_attesters(chain: Chain, spec: DealSpec) -> None:
    """Off a local chain every attester needs its own address: the wallets the toolkit derives
    from a name have keys anyone can recompute."""
    if spec.disclosure is None or chain.is_local:
        return
    for i, a in enumerate(spec.disclosure.attesters):
        if a.address is None:
            raise DeploymentError(
                f"disclosure.attesters[{i}].address: {a.name} needs its own address on "
                f"{chain.record_key} (a derived local wallet's key is public)"
            )


def deploy_deal(
    chain: Chain,
    spec: DealSpec,
    roles: Roles | None = None,
    on_step: OnStep | None = None,
    redeploy: bool = False,
    notes: list[str] | None = None,
) -> Deal:
    """Deploy (or reuse, or finish deploying) ``spec`` on ``chain``; return contract handles.

    On a chain that is not a local development chain a recorded deployment is never replaced
    silently: if the deal changed in a way that reaches the chain, this refuses and says what
    changed, unless ``redeploy``. What could not be checked before deploying is added to
    ``notes`` (for the plan a person reads).
    """
    roles = roles or Roles.from_accounts(chain.accounts)
    _check_attesters(chain, spec)
    holders = deal_holders(chain, spec, roles)
    plan = deal_plan(spec, holders)
    found = _check_settlement(chain, spec, plan, holders.treasury)
    if notes is not None:
        notes.extend(found)
    path = record_path(chain.record_key, spec.id)
    dep = Deployment.load(path)
    if dep is not None and not _still_valid(chain, dep, plan):
        if dep.contracts and not chain.is_local and not redeploy:
            changed = changes(dep.plan, plan.describe()) or ["the contracts were compiled anew"]
            raise DeploymentError(
                f"{spec.id} is already deployed on {chain.record_key} ({path}), and the deal "
                f"changed since: {'; '.join(changed[:4])}. Nothing was sent; pass --redeploy "
                "to deploy it afresh (the old contracts stay where they are)"
            )
        dep = None
    if dep is None:
        dep = Deployment(
            deal=spec.id,
            chain_id=chain.chain_id,
            fingerprint=plan.fingerprint(),
            abi_hash=chain.artifacts.abi_hash,
            compiler_version=chain.artifacts.compiler_version,
            schedule=plan.schedule.at(chain.timestamp()),
            roles=asdict(holders),
            plan=plan.describe(),
            path=path,
        )
    else:
        dep.reused = bool(dep.contracts)
    signers = _party_signers(chain, spec, plan)
    return attach(chain, execute(chain, plan, dep, roles.admin, on_step, signers), roles)


def deal_holders(chain: Chain, spec: DealSpec, roles: Roles) -> RoleHolders:
    """Who acts in ``spec`` on ``chain``: the issuer's roles and, for a structured deal off a
    local chain, each guarantor and fee recipient at the address the network names (one line
    naming the missing ``networks.<name>.roles`` entry otherwise)."""
    holders = roles.holders()
    structure = spec.structure
    if structure is None or chain.is_local:
        return holders
    try:
        parties = [
            ("guarantors", g.name, chain.network.party("guarantors", g.name))
            for g in structure.guarantors
        ] + [
            ("fee_recipients", f.name, chain.network.party("fee_recipients", f.name))
            for f in structure.fees
            if f.name != "servicer"
        ]
    except ChainError as exc:
        raise DeploymentError(str(exc)) from None
    return replace(holders, parties=tuple(parties))


def party_steps(chain: Chain, spec: DealSpec, roles: Roles | None = None) -> list[CallStep]:
    """The plan's steps other parties sign (a guarantor's approval of the waterfall), which
    the deployer does not send off a local chain: it holds none of their keys."""
    if chain.is_local or spec.structure is None:
        return []
    roles = roles or Roles.from_accounts(chain.accounts)
    plan = deal_plan(spec, deal_holders(chain, spec, roles))
    return [c for c in plan.calls if c.signer]


def _party_signers(chain: Chain, spec: DealSpec, plan: DeploymentPlan) -> dict[str, LocalAccount]:
    """The keys of the parties that sign steps of their own: on a local chain the simulated
    guarantors (given gas coin here); elsewhere none: the toolkit holds no guarantor's key, and
    each guarantor sends its own approval (``rwa guarantee``)."""
    if not any(c.signer for c in plan.calls) or not chain.is_local:
        return {}
    from tokenizer.deploy.structure import guarantor_accounts

    signers = guarantor_accounts(spec)
    chain.fund([a.address for a in signers.values()], 10**18)
    return signers


def _check_settlement(
    chain: Chain, spec: DealSpec, plan: DeploymentPlan, treasury: str
) -> list[str]:
    """The mock stablecoin only on a local chain; an existing token must be one, with the
    spec's decimals, that delivers what is sent (probed by a simulated transfer). Returns what
    could not be checked."""
    if not plan.existing and not chain.is_local:
        raise DeploymentError(
            f"settlement.address: on {chain.network.name} a deal settles in an existing token; "
            "give its address in the spec (the mock stablecoin is for local chains only)"
        )
    notes: list[str] = []
    for known in plan.existing:
        if not chain.code_at(known.address):
            raise DeploymentError(
                f"settlement.address: no contract at {known.address} on {chain.network.name}"
            )
        token = chain.contract(known.contract, known.address)
        decimals = int(chain.read(token, "decimals"))
        if decimals != spec.settlement.decimals:
            raise DeploymentError(
                f"settlement.decimals: the token at {known.address} has {decimals} decimals, "
                f"the spec says {spec.settlement.decimals}"
            )
        probe = probe_transfer(chain, token, [plan.deployer, treasury])
        if probe.takes_a_fee:
            raise DeploymentError(
                f"settlement.address: the token at {known.address} takes a fee on transfer (a "
                f"simulated transfer of {probe.sent:,} units from {probe.holder} delivered "
                f"{probe.delivered:,} and cost the sender {probe.debited:,}): a deal settles in "
                "a token that delivers exactly what is sent. Nothing was sent"
            )
        if not probe.checked:
            notes.append(
                f"settlement.address: not checked for a fee on transfer: {probe.reason}; "
                "distribute and buy refuse such a token at first use"
            )
    return notes


def recorded_deal(chain: Chain, spec: DealSpec) -> Deal:
    """The deal as recorded on ``chain`` by an earlier deployment, without deploying anything
    (and without keys: a read-only command needs none).

    Raises :class:`DeploymentError` when there is no record for this chain, or the record does
    not describe it (another chain with the same id, an edited deal, other ABIs).
    """
    path = record_path(chain.record_key, spec.id)
    dep = Deployment.load(path)
    if dep is not None and dep.contracts:
        holders = _recorded_holders(dep.roles) if dep.roles else None
        if holders is None and chain.accounts:
            holders = Roles.from_accounts(chain.accounts).holders()
        if holders is not None and _still_valid(chain, dep, deal_plan(spec, holders)):
            return attach(chain, dep)
    where = chain.record_key
    if chain.node is not None:
        raise DeploymentError(
            f"{spec.id} is not deployed on this embedded Anvil (it starts empty): pass the "
            "--rpc-url or --network of the node it was deployed to, or the --state file it was "
            "deployed with"
        )
    if dep is None or not dep.contracts:
        raise DeploymentError(
            f"{spec.id} has no recorded deployment on {_chain_words(where)}: run "
            f"`rwa deploy {spec.path} {chain.command_options}` first"
        )
    raise DeploymentError(
        f"the deployment record {path} does not match {_chain_words(where)} (its contracts "
        f"are gone, or the deal or the contracts changed since): run `rwa deploy {spec.path} "
        f"{chain.command_options}` again"
    )


def _recorded_holders(roles: dict[str, Any]) -> RoleHolders:
    """The role holders a deployment record keeps (JSON lists back to tuples)."""
    parties = tuple((str(k), str(n), str(a)) for k, n, a in roles.get("parties", ()))
    return RoleHolders(
        roles["admin"], roles["agent"], roles["servicer"], roles["treasury"], parties
    )


def _chain_words(key: str) -> str:
    return f"chain {key}" if key.isdigit() else f"network {key}"
