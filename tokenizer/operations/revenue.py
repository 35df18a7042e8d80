"""The servicer's revenue period: approve the token, distribute, pay claims for holders.

For a structured deal the servicer deposits each period's collections into the waterfall, which
pays the tranche tokens; holders claim from each tranche token.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from eth_utils.crypto import keccak

from tokenizer.chain import Chain, Contract, Receipt, TxRequest
from tokenizer.deploy import Deal
from tokenizer.units import MAX_UINT256

CLAIM_CHUNK = 100  # holders per claimFor transaction


def report_hash(deal_id: str, period: int, amount: int) -> bytes:
    """The hash of the servicer's revenue report for ``period`` (a canonical JSON document)."""
    document = {"deal": deal_id, "period": period, "holder_amount": amount}
    return keccak(text=json.dumps(document, sort_keys=True, separators=(",", ":")))


def _payee(deal: Deal) -> Contract:
    """Where the servicer's money goes: the waterfall of a structured deal, the report gate of
    a deal with ``disclosure:`` (it pays the token), else the token."""
    if deal.gate is not None:
        return deal.gate
    return deal.waterfall if deal.waterfall is not None else deal.token


def approval_tx(chain: Chain, deal: Deal, needed: int) -> TxRequest | None:
    """The servicer's approval of the token (the waterfall), if ``needed`` is not covered."""
    servicer = deal.roles.servicer.address
    # A deal with ``disclosure:`` pays through its report gate, but the token pulls the money
    # straight from the servicer (``distributeFrom``): the approval is the token's too.
    spender = (deal.waterfall if deal.waterfall is not None else deal.token).address
    allowance = chain.call(deal.stablecoin.functions.allowance(servicer, spender))
    if allowance >= needed:
        return None
    return chain.tx(deal.roles.servicer, deal.stablecoin, "approve", spender, MAX_UINT256)


def approve_servicer(chain: Chain, deal: Deal, needed: int) -> bool:
    """Let the token (the waterfall) pull the servicer's deposits (unlimited) if ``needed`` is
    not covered yet; True if an approval was sent."""
    tx = approval_tx(chain, deal, needed)
    if tx is not None:
        chain.send(tx)
    return tx is not None


def distribute_tx(chain: Chain, deal: Deal, period: int, amount: int, document: bytes) -> TxRequest:
    """The servicer's deposit of period ``period``'s revenue with its report's hash (a
    structured deal: the period's collections, paid down the waterfall)."""
    function = "deposit" if deal.waterfall is not None else "distribute"
    return chain.tx(deal.roles.servicer, _payee(deal), function, period, amount, document)


def distribute(chain: Chain, deal: Deal, period: int, amount: int, document: bytes) -> Receipt:
    """Deposit ``amount`` as period ``period``'s revenue for holders, with its report's hash."""
    return chain.send(distribute_tx(chain, deal, period, amount, document))


def last_period(chain: Chain, deal: Deal) -> int:
    """The last period the token (the waterfall) has recorded (0 before the first)."""
    if deal.waterfall is not None:
        return int(chain.call(deal.waterfall.functions.currentPeriod()))
    return int(chain.call(deal.token.functions.lastPeriodId()))


def tokens(deal: Deal) -> list[Contract]:
    """The tokens holders claim from: every tranche of a structured deal, else the token."""
    return [t.token for t in deal.tranches] or [deal.token]


def claim_for_txs(
    chain: Chain, deal: Deal, holders: Sequence[str], token: Contract | None = None
) -> list[TxRequest]:
    """The servicer's calls that pay ``holders`` what ``token`` (the deal's by default) owes
    them, to their own wallets, in batches."""
    token = token or deal.token
    return [
        chain.tx(deal.roles.servicer, token, "claimFor", list(holders[s : s + CLAIM_CHUNK]))
        for s in range(0, len(holders), CLAIM_CHUNK)
    ]


def claim_for(
    chain: Chain, deal: Deal, holders: Sequence[str], token: Contract | None = None
) -> None:
    """Pay ``holders`` what they are owed by ``token`` (the deal's by default)."""
    chain.send_many(claim_for_txs(chain, deal, holders, token))


def claimable(
    chain: Chain, deal: Deal, holders: Sequence[str], token: Contract | None = None
) -> list[int]:
    token = token or deal.token
    return [int(c) for c in chain.read_many(token, "claimable", [[h] for h in holders])]


def sweep_dust(chain: Chain, deal: Deal) -> int:
    """After the final period: the servicer takes back the rounding dust released by the
    holders' claims (``DustSwept``). Returns the units swept (0 if none is released).

    A structured deal's tranche tokens are paid by the waterfall, which alone holds their
    SERVICER_ROLE and has no sweep: their dust stays in them (the reconciliation reports it
    per tranche), and nothing is sent."""
    if deal.structured:
        return 0
    amount = int(chain.call(deal.token.functions.sweepableDust()))
    if amount:
        # A deal with ``disclosure:``: the report gate is the token's servicer and passes it on.
        via = deal.gate if deal.gate is not None else deal.token
        chain.send(chain.tx(deal.roles.servicer, via, "sweepDust"))
    return amount
