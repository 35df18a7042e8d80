"""The agent's actions on holdings: freezing and releasing wallets."""

from __future__ import annotations

from collections.abc import Sequence

from tokenizer.chain import Chain, TxRequest
from tokenizer.deploy import Deal


def freeze_tx(deal: Deal, chain: Chain, wallets: Sequence[str], frozen: bool) -> TxRequest:
    """The agent's call that freezes (or releases) whole wallets."""
    return chain.tx(
        deal.roles.agent, deal.token, "batchSetWalletFrozen", list(wallets), [frozen] * len(wallets)
    )


def set_frozen(chain: Chain, deal: Deal, wallets: Sequence[str], frozen: bool) -> None:
    """Freeze (or release) whole wallets: a frozen wallet neither sends nor receives tokens."""
    if wallets:
        chain.send(freeze_tx(deal, chain, wallets, frozen))


def recovery_txs(deal: Deal, chain: Chain, lost: str, new: str) -> list[TxRequest]:
    """A lost key's recovery, in order: the identity moves in the registry, then the holding
    (balance, unclaimed revenue, lock-up, frozen tokens) moves in the token."""
    agent = deal.roles.agent
    return [
        chain.tx(agent, deal.registry, "recoverIdentity", lost, new),
        chain.tx(agent, deal.token, "recoverWallet", lost, new),
    ]


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
