"""The agent's actions on holdings: freezing and releasing wallets."""

from __future__ import annotations

from collections.abc import Sequence

from tokenizer.chain import Chain
from tokenizer.deploy import Deal


def set_frozen(chain: Chain, deal: Deal, wallets: Sequence[str], frozen: bool) -> None:
    """Freeze (or release) whole wallets: a frozen wallet neither sends nor receives tokens."""
    if wallets:
        chain.send(
            chain.tx(
                deal.roles.agent,
                deal.token,
                "batchSetWalletFrozen",
                list(wallets),
                [frozen] * len(wallets),
            )
        )


def frozen_wallets(chain: Chain, deal: Deal) -> list[str]:
    """Wallets frozen now, from the token's freeze events (in chain order, the last event of a
    wallet is its state)."""
    token = deal.token
    event = token.events.WalletFreezeSet
    start = deal.deployment.contracts[deal.token_key]["block"]
    state: dict[str, bool] = {}
    for log in chain.logs(token.address, start, topics=[event.topic]):
        fields = event.decode(log)
        state[fields["wallet"]] = bool(fields["frozen"])
    return [wallet for wallet, frozen in state.items() if frozen]
