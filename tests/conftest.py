"""Shared fixtures: one real Anvil for the session, the real compiled contracts, and a
snapshot/revert around every test that touches the chain, so tests stay independent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from tokenizer.chain import AnvilNode, Chain, Contract, Receipt, dev_accounts
from tokenizer.compiler import Artifacts, compile_contracts
from tokenizer.compliance.rules import rule_steps
from tokenizer.deploy import Roles, deploy_plan, token_plan
from tokenizer.spec import ComplianceSpec, DealSpec, load_spec
from tokenizer.units import SECONDS_PER_DAY

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "xiaoping_island.yaml"
UNIT = 10**18  # one whole token
USD = 10**6  # one whole stablecoin
HK, SG, US, CN = 344, 702, 840, 156
SUPPLY_CAP = 10**30  # the hand-deployed test token's cap: a trillion whole tokens


@pytest.fixture(scope="session")
def artifacts() -> Artifacts:
    return compile_contracts()


@pytest.fixture(scope="session")
def anvil() -> Iterator[AnvilNode]:
    with AnvilNode(accounts=10) as node:
        yield node


@pytest.fixture(scope="session")
def session_chain(anvil: AnvilNode, artifacts: Artifacts) -> Chain:
    return Chain(anvil.url, artifacts, dev_accounts())


@pytest.fixture()
def chain(session_chain: Chain) -> Iterator[Chain]:
    """The session's chain, reverted to its state before the test when the test ends."""
    snapshot = session_chain.snapshot()
    try:
        yield session_chain
    finally:
        session_chain.revert_to(snapshot)


@pytest.fixture(scope="session")
def xiaoping() -> DealSpec:
    return load_spec(SEED)


def wallet(label: str) -> LocalAccount:
    """A fresh, repeatable test wallet (not one of the dev accounts)."""
    from eth_utils import keccak

    account: LocalAccount = Account.from_key(keccak(text=f"rwa-test-wallet:{label}"))
    return account


@dataclass
class TokenSetup:
    """A small deal deployed by hand: stablecoin, registry, token (+ roles), for contract tests."""

    chain: Chain
    admin: LocalAccount
    agent: LocalAccount
    servicer: LocalAccount
    stranger: LocalAccount
    stablecoin: object
    registry: object
    token: object
    maturity: int

    def verify(
        self,
        *accounts: LocalAccount | str,
        country: int = HK,
        days: int = 3650,
        investor_class: int = 1,
    ) -> None:
        expiry = self.chain.timestamp() + days * SECONDS_PER_DAY
        addrs = [a if isinstance(a, str) else a.address for a in accounts]
        self.chain.send(
            self.chain.tx(
                self.agent,
                self.registry,
                "batchRegisterInvestors",
                addrs,
                [country] * len(addrs),
                [investor_class] * len(addrs),
                [expiry] * len(addrs),
            )
        )
        self.chain.fund(addrs, 10**18)

    def apply_rules(self, compliance: ComplianceSpec | None = None) -> None:
        """Configure and enable the token's compliance rules as a deployment would (the
        defaults: HK, SG, EU and US allowed, CN blocked, US investors accredited)."""
        steps = rule_steps(compliance or ComplianceSpec())
        self.chain.send_many(
            [self.chain.tx(self.admin, self.token, s.function, *s.args) for s in steps]
        )

    def mint(self, to: LocalAccount | str, amount: int) -> None:
        address = to if isinstance(to, str) else to.address
        self.chain.send(self.chain.tx(self.agent, self.token, "mint", address, amount))

    def distribute(self, period: int, amount: int) -> None:
        c = self.chain
        c.send(c.tx(self.admin, self.stablecoin, "mint", self.servicer.address, amount))
        c.send(c.tx(self.servicer, self.stablecoin, "approve", self.token.address, amount))  # type: ignore[attr-defined]
        c.send(c.tx(self.servicer, self.token, "distribute", period, amount, b"\x11" * 32))

    def claimable(self, who: LocalAccount | str) -> int:
        address = who if isinstance(who, str) else who.address
        return int(self.chain.call(self.token.functions.claimable(address)))  # type: ignore[attr-defined]

    def balance(self, who: LocalAccount | str) -> int:
        address = who if isinstance(who, str) else who.address
        return int(self.chain.call(self.stablecoin.functions.balanceOf(address)))  # type: ignore[attr-defined]


def deploy_setup(
    chain: Chain,
    settlement: str = "MockStablecoin",
    settlement_args: list[Any] | None = None,
    final_period: int = 10_000,
) -> TokenSetup:
    """Deploy stablecoin, registry and token through the toolkit's own plan and deployer, with
    the roles granted (no rule enabled).

    ``settlement`` names the settlement-token contract (a hostile one for re-entrancy tests).
    """
    admin, agent, servicer, stranger = chain.accounts[:4]
    roles = Roles(admin, agent, servicer, admin)
    plan = token_plan(
        roles.holders(),
        settlement_contract=settlement,
        settlement_args=settlement_args,
        supply_cap=SUPPLY_CAP,
        final_period=final_period,
    )
    handles = deploy_plan(chain, plan, admin)
    return TokenSetup(
        chain=chain,
        admin=admin,
        agent=agent,
        servicer=servicer,
        stranger=stranger,
        stablecoin=handles["stablecoin"],
        registry=handles["registry"],
        token=handles["token"],
        maturity=int(chain.call(handles["token"].functions.maturity())),
    )


@pytest.fixture()
def setup(chain: Chain) -> TokenSetup:
    return deploy_setup(chain)


def events(receipt: Receipt, contract: Contract, name: str) -> list[dict[str, Any]]:
    """Every `name` event that `contract` emitted in `receipt`, decoded by the toolkit's ABI
    module (addresses checksummed)."""
    event = contract.interface.event(name)
    return [
        event.decode(log)
        for log in receipt.logs
        if log["address"].lower() == contract.address.lower() and log["topics"][0] == event.topic
    ]
