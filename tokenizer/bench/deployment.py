"""The bench's contracts: a fresh Anvil, a bare token with its registry and stablecoin.

They are deployed by the toolkit's one deployment plan and deployer
(:func:`tokenizer.deploy.token_plan`, the same the contract tests use), without a record;
then the servicer is funded and approves the token. The rest of the bench only uses
:func:`fresh_chain`, :func:`deploy_token`, :func:`deploy_contract` and :class:`BenchToken`.
Changing what is deployed changes the gas figures.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from tokenizer.chain import AnvilNode, Chain, Contract, dev_accounts
from tokenizer.compiler import Artifacts
from tokenizer.deploy import Roles, deploy_plan, token_plan
from tokenizer.units import SECONDS_PER_DAY

REGISTER_BATCH = 200
UNIT = 10**18
USD = 10**6
COUNTRY_HK = 344
REVENUE_PER_PERIOD = 123_456_789_012  # stablecoin units, an awkward number on purpose
KYC_DAYS = 3650


@contextmanager
def fresh_chain(artifacts: Artifacts, extra_args: Sequence[str] = ()) -> Iterator[Chain]:
    """A chain on its own new embedded Anvil (Anvil slows down as its chain grows)."""
    with AnvilNode(accounts=10, extra_args=extra_args) as node:
        yield Chain(node.url, artifacts, dev_accounts(), node=node)


def address(label: str, n: int) -> str:
    """A repeatable address that needs no key (holders that never send a transaction)."""
    return str(to_checksum_address(keccak(text=f"rwa-bench:{label}:{n}")[12:]))


def wallet(label: str, n: int) -> LocalAccount:
    """A repeatable wallet with a key, for senders."""
    account: LocalAccount = Account.from_key(keccak(text=f"rwa-bench-key:{label}:{n}"))
    return account


def deploy_contract(chain: Chain, name: str, args: Sequence[Any], sender: LocalAccount) -> Contract:
    receipt = chain.deploy(name, args, sender)
    return chain.contract(name, receipt.contract_address or "")


@dataclass
class BenchToken:
    """The deployed token and its parts, with the operations the measurements repeat."""

    chain: Chain
    admin: LocalAccount
    agent: LocalAccount
    servicer: LocalAccount
    stablecoin: Contract
    registry: Contract
    token: Contract

    def register(self, addresses: Sequence[str]) -> list[int]:
        """Register in batches of REGISTER_BATCH; returns each batch transaction's gas."""
        expiry = self.chain.timestamp() + KYC_DAYS * SECONDS_PER_DAY
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


def deploy_token(chain: Chain) -> BenchToken:
    """Stablecoin, registry and token from the first account; roles for the next two."""
    admin, agent, servicer = chain.accounts[:3]
    roles = Roles(admin, agent, servicer, admin)
    plan = token_plan(roles.holders(), token_name="Bench Revenue", token_symbol="BRV")
    handles = deploy_plan(chain, plan, admin)
    stable, registry, token = handles["stablecoin"], handles["registry"], handles["token"]
    chain.send_many(
        [
            chain.tx(admin, stable, "mint", servicer.address, 10**9 * USD),
            chain.tx(servicer, stable, "approve", token.address, 10**9 * USD),
        ]
    )
    return BenchToken(chain, admin, agent, servicer, stable, registry, token)
