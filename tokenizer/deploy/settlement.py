"""An existing settlement token probed before anything is deployed: does a transfer deliver what
is sent?

A token that takes a fee on transfer breaks the deal's arithmetic (``distribute`` and ``buy``
refuse it at use); it is refused at deployment instead, by a simulated transfer. The node runs,
on top of its latest block and without sending anything (``eth_simulateV1``), a transfer of a
holder's whole balance to a fresh address, then reads both balances: the holder must lose
exactly what the fresh address gains. The holder needs no key and the deployer need not hold
the token: the holder is the deployer or the deal's treasury if either holds some, else the
largest recent recipient of the token. When no holder is found, or the node does not simulate,
the probe says so instead of guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from tokenizer.chain import Chain, Contract
from tokenizer.errors import ChainError

RECENT_BLOCKS = 5_000  # the window searched for holders in the token's Transfer logs
PROBE_RECIPIENT = to_checksum_address(keccak(b"rwa settlement transfer probe")[-20:])


@dataclass(frozen=True)
class TransferProbe:
    """What a simulated transfer of the token showed."""

    checked: bool  # the probe ran
    holder: str = ""
    sent: int = 0
    delivered: int = 0  # what the recipient gained
    debited: int = 0  # what the holder lost
    reason: str = ""  # why it did not run

    @property
    def takes_a_fee(self) -> bool:
        return self.checked and (self.delivered != self.sent or self.debited != self.sent)


def probe_transfer(chain: Chain, token: Contract, holders: Sequence[str]) -> TransferProbe:
    """Simulate a transfer of ``token`` from the first of ``holders`` (or of its recent
    recipients) that holds some; nothing is sent."""
    candidates = list(dict.fromkeys(to_checksum_address(h) for h in holders))
    held = chain.read_many(token, "balanceOf", [[h] for h in candidates]) if candidates else []
    holder, balance = next(((h, b) for h, b in zip(candidates, held, strict=True) if b), ("", 0))
    if not balance:
        holder, balance = _recent_holder(chain, token)
    if not balance:
        return TransferProbe(
            False,
            reason=(
                f"no holder of it found (the deployer holds none, nor did anyone receive any in "
                f"the last {RECENT_BLOCKS:,} blocks)"
            ),
        )
    fn = token.functions
    results = chain.simulate(
        [
            fn.balanceOf(PROBE_RECIPIENT),
            (holder, fn.transfer(PROBE_RECIPIENT, balance)),
            fn.balanceOf(PROBE_RECIPIENT),
            fn.balanceOf(holder),
        ]
    )
    if results is None:
        return TransferProbe(False, reason="the node does not simulate calls (eth_simulateV1)")
    (_, before), (sent_ok, returned), (_, after), (_, left) = results
    if not sent_ok or returned is False:
        return TransferProbe(
            False, holder=holder, reason=f"a transfer from the holder {holder} was refused"
        )
    return TransferProbe(
        True,
        holder=holder,
        sent=balance,
        delivered=int(after) - int(before),
        debited=balance - int(left),
    )


def _recent_holder(chain: Chain, token: Contract) -> tuple[str, int]:
    """The recipient of the token's recent transfers that holds the most of it now."""
    latest = chain.block_number()
    try:
        logs = chain.logs(
            token.address,
            max(0, latest - RECENT_BLOCKS),
            latest,
            topics=[token.events.Transfer.topic],
        )
    except ChainError:
        return "", 0
    recipients = list(dict.fromkeys(str(token.events.Transfer.decode(log)["to"]) for log in logs))
    recipients = [r for r in recipients if int(r, 16) != 0][-200:]
    if not recipients:
        return "", 0
    held = chain.read_many(token, "balanceOf", [[r] for r in recipients])
    balance, holder = max(zip(held, recipients, strict=True))
    return (holder, int(balance)) if balance else ("", 0)
