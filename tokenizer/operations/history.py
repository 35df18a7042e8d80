"""What a deal's events say it did: trades settled, their volume, claims paid, wallets frozen.

Read from the chain, so a report covers the whole deal, however many runs it took.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenizer.chain import Chain
from tokenizer.deploy import Deal


@dataclass(frozen=True)
class History:
    trades: int
    trade_volume: int
    claims: int
    wallet_freezes: int


def deal_history(chain: Chain, deal: Deal, block: int | None = None) -> History:
    start = min(int(c["block"]) for c in deal.deployment.contracts.values() if "block" in c)
    taken = deal.market.events.OfferTaken
    markets = [deal.market, *(t.market for t in deal.tranches[1:] if t.market is not None)]
    trades = [
        log
        for market in markets  # a structured deal: every tranche's market
        for log in chain.logs(market.address, start, block, topics=[taken.topic])
    ]
    claimed = deal.token.events.RevenueClaimed
    freeze = deal.token.events.WalletFreezeSet
    token_logs = chain.logs(
        deal.token.address, start, block, topics=[[claimed.topic, freeze.topic]]
    )
    claims = sum(1 for log in token_logs if log["topics"][0] == claimed.topic)
    freezes = sum(
        1 for log in token_logs if log["topics"][0] == freeze.topic and freeze.decode(log)["frozen"]
    )
    return History(
        trades=len(trades),
        trade_volume=sum(int(taken.decode(log)["price"]) for log in trades),
        claims=claims,
        wallet_freezes=freezes,
    )
