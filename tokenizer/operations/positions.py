"""Who holds the deal's tokens, and where one wallet stands: read from the chain only."""

from __future__ import annotations

from dataclasses import dataclass

from tokenizer.chain import Chain
from tokenizer.deploy import Deal
from tokenizer.units import ZERO_ADDRESS


@dataclass(frozen=True)
class HolderRow:
    address: str
    balance: int  # token base units
    claimable: int  # settlement smallest units
    frozen: bool


@dataclass(frozen=True)
class Position:
    address: str
    balance: int
    claimable: int
    lockup_end: int  # unix time; 0 when none
    wallet_frozen: bool
    frozen_tokens: int
    registered: bool
    country: int
    investor_class: int
    kyc_expiry: int


def holder_table(chain: Chain, deal: Deal) -> list[HolderRow]:
    """Every wallet holding tokens now, largest holding first (balances from the token's
    Transfer events, checked against ``balanceOf``)."""
    transfer = deal.token.events.Transfer
    start = int(deal.deployment.contracts["token"]["block"])
    balances: dict[str, int] = {}
    for log in chain.logs(deal.token.address, start, topics=[transfer.topic]):
        f = transfer.decode(log)
        for wallet, change in ((f["from"], -f["value"]), (f["to"], f["value"])):
            if wallet.lower() != ZERO_ADDRESS:
                balances[wallet] = balances.get(wallet, 0) + change
    wallets = sorted((w for w, b in balances.items() if b), key=lambda w: -balances[w])
    claimable = chain.read_many(deal.token, "claimable", [[w] for w in wallets])
    frozen = chain.read_many(deal.token, "isWalletFrozen", [[w] for w in wallets])
    on_chain = chain.read_many(deal.token, "balanceOf", [[w] for w in wallets])
    return [
        HolderRow(w, int(b), int(c), bool(f))
        for w, b, c, f in zip(wallets, on_chain, claimable, frozen, strict=True)
    ]


def position(chain: Chain, deal: Deal, address: str) -> Position:
    token = deal.token.functions
    identity = chain.call(deal.registry.functions.identityOf(address))
    return Position(
        address=address,
        balance=int(chain.call(token.balanceOf(address))),
        claimable=int(chain.call(token.claimable(address))),
        lockup_end=int(chain.call(token.lockupEndOf(address))),
        wallet_frozen=bool(chain.call(token.isWalletFrozen(address))),
        frozen_tokens=int(chain.call(token.frozenTokens(address))),
        registered=bool(identity[3]),
        country=int(identity[0]),
        investor_class=int(identity[1]),
        kyc_expiry=int(identity[2]),
    )
