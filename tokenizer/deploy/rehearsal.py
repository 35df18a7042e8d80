"""A deployment rehearsed before it is sent: the same plan, run on a fork of the target chain.

An embedded Anvil forks the target (``anvil --fork-url``): same balances, same contracts, same
nonces. The one deployer runs the plan there against a copy of the record, so a resumed
deployment rehearses only its missing steps; every transaction's real gas is measured and
priced at the target's current fees, and the total is held against the deployer's balance.
Nothing reaches the target chain.
"""

from __future__ import annotations

import shlex
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from tokenizer.chain import AnvilNode, Chain
from tokenizer.deploy.deal import Roles
from tokenizer.deploy.deployer import deploy_deal, party_steps
from tokenizer.deploy.record import record_path
from tokenizer.spec import DealSpec
from tokenizer.workspace import Workspace


@dataclass(frozen=True)
class Step:
    name: str
    gas: int


@dataclass(frozen=True)
class Rehearsal:
    network: str
    deployer: str
    steps: list[Step]
    max_fee: int  # wei per gas the transactions may pay at most
    expected_fee: int  # wei per gas at today's base fee plus the tip
    balance: int  # the deployer's native coin on the target, wei
    parties: tuple[str, ...] = ()  # steps left to other parties, with what each runs
    notes: tuple[str, ...] = ()  # what could not be checked before deploying

    @property
    def gas(self) -> int:
        return sum(s.gas for s in self.steps)

    @property
    def most_cost(self) -> int:
        return self.gas * self.max_fee

    @property
    def expected_cost(self) -> int:
        return self.gas * self.expected_fee

    @property
    def affordable(self) -> bool:
        return self.balance >= self.most_cost

    def lines(self) -> list[str]:
        """The plan for people: every transaction, its gas, the cost and the balance."""

        def eth(wei: int) -> str:
            return f"{wei / 10**18:.6f}"

        out = [f"Deployment plan on {self.network} (rehearsed on a fork; nothing was sent):"]
        out += [f"  {s.name:<52} {s.gas:>10,} gas" for s in self.steps] or ["  nothing to do"]
        out.append(
            f"  {len(self.steps)} transactions, {self.gas:,} gas: about "
            f"{eth(self.expected_cost)} at today's fees, at most {eth(self.most_cost)} "
            f"(max fee {self.max_fee / 10**9:.2f} gwei)."
        )
        verdict = "enough" if self.affordable else "NOT enough"
        out.append(
            f"  The deployer {self.deployer} holds {eth(self.balance)}: {verdict} (needs at "
            f"most {eth(self.most_cost)})."
        )
        out += [f"  Note: {note}" for note in self.notes]
        return out + list(self.parties)


def rehearse(chain: Chain, spec: DealSpec, roles: Roles | None = None) -> Rehearsal:
    """Run the deployment of ``spec`` on a fork of ``chain`` and measure it."""
    roles = roles or Roles.from_accounts(chain.accounts)
    fees = chain.fees()
    base = fees.max_fee - fees.tip  # fees() sets max_fee = 2 x base + tip (or the cap)
    expected = min(fees.max_fee, base // 2 + fees.tip)
    balance = chain.balance(roles.admin.address)
    steps: list[Step] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rwa-rehearsal-") as tmp:
        workspace = Workspace.current().with_records_in(Path(tmp))
        recorded = record_path(chain.record_key, spec.id)
        with workspace.use():
            if recorded.is_file():
                copy = record_path(chain.record_key, spec.id)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(recorded, copy)
            fork_args = ["--fork-url", chain.url, "--chain-id", str(chain.chain_id)]
            with AnvilNode(extra_args=fork_args) as node:
                # Gas on the fork is not the question (the balance on the target is): a
                # deployer short of coin still gets its plan measured.
                node.set_balance(roles.admin.address, max(balance, 10**24))
                fork = Chain(
                    node.url,
                    chain.artifacts,
                    chain.accounts,
                    network=replace(chain.network, confirmations=1),
                )
                start = fork.block_number()
                names: list[str] = []
                deploy_deal(
                    fork,
                    spec,
                    roles,
                    on_step=lambda name, reused: None if reused else names.append(name),
                    notes=notes,
                )
                # The deployer sends one transaction per step, in the plan's order.
                sent = [
                    receipt
                    for number in range(start + 1, fork.block_number() + 1)
                    for receipt in fork.block_receipts(number)
                    if str(receipt.get("from", "")).lower() == roles.admin.address.lower()
                ]
                for name, receipt in zip(names, sent, strict=True):
                    label = name.split(" at 0x")[0] if " at 0x" in name else name
                    steps.append(Step(label, int(receipt["gasUsed"], 16)))
    return Rehearsal(
        chain.network.name,
        roles.admin.address,
        steps,
        fees.max_fee,
        expected,
        balance,
        tuple(party_lines(chain, spec, roles)),
        tuple(notes),
    )


def party_lines(chain: Chain, spec: DealSpec, roles: Roles | None = None) -> list[str]:
    """The steps of the deployment other parties send themselves (each guarantor's approval
    of the waterfall), with the command each runs: the deployer holds none of their keys."""
    steps = party_steps(chain, spec, roles)
    if not steps:
        return []
    structure = spec.structure
    assert structure is not None
    out = [
        "  Left to other parties (the deployer holds none of their keys; nothing is sent for "
        "them), once the deal is deployed:"
    ]
    for step in steps:
        g = int(step.signer.rsplit("_", 1)[1])
        guarantee = structure.guarantors[g]
        account = chain.network.party("guarantors", guarantee.name)
        unit, limit = spec.settlement.unit, int(step.args[1])
        amount = f"{limit // unit:,}.{limit % unit:0{spec.settlement.decimals}d}"
        out.append(
            f"  {step.name} (for {amount} {spec.settlement.symbol}): {account} signs it with its "
            "own key: "
            f"rwa guarantee {spec.path} --guarantor {shlex.quote(guarantee.name)} "
            f"{chain.command_options} --keystore GUARANTOR_KEYSTORE"
        )
    return out
