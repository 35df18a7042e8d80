"""A deployed deal as the rest of the toolkit uses it: who acts for the issuer, and handles."""

from __future__ import annotations

from dataclasses import dataclass

from eth_account.signers.local import LocalAccount

from tokenizer.chain import Chain, Contract
from tokenizer.deploy.plan import RoleHolders
from tokenizer.deploy.record import Deployment
from tokenizer.deploy.structure import market_key
from tokenizer.errors import ChainError


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

    def holders(self) -> RoleHolders:
        return RoleHolders(
            self.admin.address, self.agent.address, self.servicer.address, self.treasury.address
        )


@dataclass(frozen=True)
class Tranche:
    """One tranche of a structured deal: its name, token, primary offering and secondary market
    (None in a record made before every tranche had one)."""

    name: str
    token: Contract
    offering: Contract
    market: Contract | None = None


@dataclass
class Deal:
    """Contract handles of a deployed deal, and the keys that act for the issuer (none when a
    read-only command opened the chain without a keystore)."""

    deployment: Deployment
    stablecoin: Contract
    registry: Contract
    token: Contract
    offering: Contract
    market: Contract
    signers: Roles | None = None
    tranches: tuple[Tranche, ...] = ()  # a structured deal: most senior first, the residual last
    waterfall: Contract | None = None
    documents: Contract | None = None  # a deal with ``disclosure:``: its DocumentRegistry
    gate: Contract | None = None  # ... and its ReportGate, the token's servicer

    @property
    def structured(self) -> bool:
        return self.waterfall is not None

    @property
    def token_key(self) -> str:
        """The record's key of ``token`` (a structured deal's: its most senior tranche's)."""
        return f"tranche_{self.tranches[0].name}" if self.tranches else "token"

    @property
    def roles(self) -> Roles:
        if self.signers is None:
            raise ChainError(
                f"acting for the issuer of {self.deployment.deal} needs its keys: pass --keystore"
            )
        return self.signers


def attach(chain: Chain, dep: Deployment, roles: Roles | None = None) -> Deal:
    """Handles on the contracts of ``dep``; the signers are ``roles``, or the chain's accounts."""
    if roles is None and chain.accounts:
        roles = Roles.from_accounts(chain.accounts)

    def handle(key: str) -> Contract:
        address = dep.address(key)
        return chain.contract(dep.contracts[key]["name"], address)

    if "waterfall" in dep.contracts:
        # A structured deal: ``token``, ``offering`` and ``market`` are the most senior
        # tranche's; every tranche (with its own market) is in ``tranches``.
        names = [k.removeprefix("tranche_") for k in dep.contracts if k.startswith("tranche_")]
        markets = [market_key(n, i) for i, n in enumerate(names)]
        tranches = tuple(
            Tranche(
                n,
                handle(f"tranche_{n}"),
                handle(f"offering_{n}"),
                handle(m) if m in dep.contracts else None,
            )
            for n, m in zip(names, markets, strict=True)
        )
        return Deal(
            deployment=dep,
            signers=roles,
            stablecoin=handle("stablecoin"),
            registry=handle("registry"),
            token=tranches[0].token,
            offering=tranches[0].offering,
            market=handle("market"),
            tranches=tranches,
            waterfall=handle("waterfall"),
        )
    disclosed = "gate" in dep.contracts
    return Deal(
        deployment=dep,
        signers=roles,
        stablecoin=handle("stablecoin"),
        registry=handle("registry"),
        token=handle("token"),
        offering=handle("offering"),
        market=handle("market"),
        documents=handle("documents") if disclosed else None,
        gate=handle("gate") if disclosed else None,
    )
