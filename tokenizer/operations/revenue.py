"""The servicer's revenue period: approve the token, distribute, pay claims for holders."""

from __future__ import annotations

import json
from collections.abc import Sequence

from eth_utils.crypto import keccak

from tokenizer.chain import Chain, Receipt, TxRequest
from tokenizer.deploy import Deal
from tokenizer.units import MAX_UINT256

CLAIM_CHUNK = 100  # holders per claimFor transaction


def report_hash(deal_id: str, period: int, amount: int) -> bytes:
    """The hash of the servicer's revenue report for ``period`` (a canonical JSON document)."""
    document = {"deal": deal_id, "period": period, "holder_amount": amount}
    return keccak(text=json.dumps(document, sort_keys=True, separators=(",", ":")))


def approve_servicer(chain: Chain, deal: Deal, needed: int) -> bool:
    """Let the token pull the servicer's deposits (unlimited) if ``needed`` is not covered yet;
    True if an approval was sent."""
    tx = approval_tx(chain, deal, needed)
    if tx is not None:
        chain.send(tx)
    return tx is not None


def approval_tx(chain: Chain, deal: Deal, needed: int) -> TxRequest | None:
    """The servicer's approval of the token, if ``needed`` is not covered yet."""
    servicer = deal.roles.servicer.address
    allowance = chain.call(deal.stablecoin.functions.allowance(servicer, deal.token.address))
    if allowance >= needed:
        return None
    return chain.tx(
        deal.roles.servicer, deal.stablecoin, "approve", deal.token.address, MAX_UINT256
    )


def distribute_tx(chain: Chain, deal: Deal, period: int, amount: int, document: bytes) -> TxRequest:
    """The servicer's deposit of period ``period``'s revenue, with its report's hash."""
    return chain.tx(deal.roles.servicer, deal.token, "distribute", period, amount, document)


def distribute(chain: Chain, deal: Deal, period: int, amount: int, document: bytes) -> Receipt:
    """Deposit ``amount`` as period ``period``'s revenue for holders, with its report's hash."""
    return chain.send(distribute_tx(chain, deal, period, amount, document))


def last_period(chain: Chain, deal: Deal) -> int:
    """The last period the token has recorded (0 before the first)."""
    return int(chain.call(deal.token.functions.lastPeriodId()))


def claim_for_txs(chain: Chain, deal: Deal, holders: Sequence[str]) -> list[TxRequest]:
    """The servicer's calls that pay ``holders`` to their own wallets, in batches."""
    return [
        chain.tx(deal.roles.servicer, deal.token, "claimFor", list(holders[s : s + CLAIM_CHUNK]))
        for s in range(0, len(holders), CLAIM_CHUNK)
    ]


def claim_for(chain: Chain, deal: Deal, holders: Sequence[str]) -> None:
    """Pay ``holders`` what they are owed, to their own wallets, in batches."""
    chain.send_many(claim_for_txs(chain, deal, holders))


def claimable(chain: Chain, deal: Deal, holders: Sequence[str]) -> list[int]:
    return [int(c) for c in chain.read_many(deal.token, "claimable", [[h] for h in holders])]


def sweep_dust(chain: Chain, deal: Deal) -> int:
    """After the final period: the servicer takes back the rounding dust released by the
    holders' claims (``DustSwept``). Returns the units swept (0 if none is released)."""
    amount = int(chain.call(deal.token.functions.sweepableDust()))
    if amount:
        chain.send(chain.tx(deal.roles.servicer, deal.token, "sweepDust"))
    return amount
