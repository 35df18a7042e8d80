"""Replay a token's events into every holder's entitlement, in exact integer arithmetic.

Pure: it takes decoded events in chain order and knows nothing of the chain. It does not use
the token's accumulator; it recomputes, for each holder, the sum over periods of ``balance at
the period x revenue per share of the period`` (magnified by 2^128, as the token does), and
follows claims and wallet recoveries.

The sum is kept in running form, so a replay costs one step per event, not one per holder and
period: the per-share increases are added up as they come (``per_share``), and a holder's
balance x increase products are settled only when the balance changes (or the holder is read).
Between two changes the balance is constant, so ``balance x (sum of the increases since)`` is
exactly the sum of the per-period products (integers: nothing is rounded on the way).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tokenizer.units import ZERO_ADDRESS

MAGNITUDE = 2**128


@dataclass
class Ledger:
    """What the events say: balances, magnified earnings, claims, supply and the remainder."""

    balances: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    earned: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # The sum of every period's magnified per-share increase so far, and where each holder's
    # ``earned`` was last brought up to it.
    per_share: int = 0
    settled_at: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    claimed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    supply: int = 0
    remainder: int = 0
    distributed: int = 0
    swept: int = 0  # rounding dust paid out after the final period (DustSwept)
    periods: int = 0
    transfers: int = 0
    problems: list[str] = field(default_factory=list)

    def settle(self, holder: str) -> None:
        """Bring ``earned[holder]`` up to every period distributed so far."""
        behind = self.per_share - self.settled_at[holder]
        if behind:
            balance = self.balances.get(holder, 0)
            if balance:
                self.earned[holder] += balance * behind
            self.settled_at[holder] = self.per_share

    def transfer(self, sender: str, receiver: str, value: int) -> None:
        if sender.lower() != ZERO_ADDRESS:
            self.settle(sender)
            self.balances[sender] -= value
        else:
            self.supply += value
        if receiver.lower() != ZERO_ADDRESS:
            self.settle(receiver)
            self.balances[receiver] += value
        else:
            self.supply -= value
        self.transfers += 1

    def distribute(self, period: int, amount: int, delta_event: int, remainder_event: int) -> None:
        delta, self.remainder = divmod(amount * MAGNITUDE + self.remainder, self.supply)
        if (delta, self.remainder) != (delta_event, remainder_event):
            self.problems.append(f"period {period}: per-share increase differs from the mirror")
        self.per_share += delta  # each holder's share is settled when it is next needed
        self.distributed += amount
        self.periods += 1

    def claim(self, holder: str, amount: int) -> None:
        self.claimed[holder] += amount

    def move(self, lost: str, new: str, whole_units: int) -> None:
        """A wallet recovery: all of the lost wallet's unclaimed revenue changes wallet."""
        self.settle(lost)
        self.settle(new)
        moved = self.earned[lost] - self.claimed[lost] * MAGNITUDE
        if moved // MAGNITUDE != whole_units:
            self.problems.append(f"recovery {lost} -> {new}: moved amount differs from the mirror")
        self.earned[lost] -= moved
        self.earned[new] += moved

    def holders(self) -> list[str]:
        """Every wallet that holds, earned or claimed, sorted."""
        for holder in self.balances:
            self.settle(holder)
        return sorted(
            {h for h, e in self.earned.items() if e}
            | set(self.claimed)
            | {h for h, b in self.balances.items() if b}
        )

    def claimable(self, holder: str) -> tuple[int, int]:
        """(whole units the holder may claim now, the magnified fraction left over)."""
        self.settle(holder)
        whole, fraction = divmod(self.earned[holder], MAGNITUDE)
        return whole - self.claimed[holder], fraction


def replay(events: list[tuple[str, dict[str, Any]]]) -> Ledger:
    """Fold ``(event name, fields)`` pairs, in chain order, into a :class:`Ledger`."""
    ledger = Ledger()
    for name, f in events:
        if name == "Transfer":
            ledger.transfer(f["from"], f["to"], f["value"])
        elif name == "RevenueDistributed":
            ledger.distribute(
                f["periodId"], f["amount"], f["magnifiedPerShareDelta"], f["magnifiedRemainder"]
            )
        elif name == "RevenueClaimed":
            ledger.claim(f["holder"], f["amount"])
        elif name == "AccruedRevenueMoved":
            ledger.move(f["from"], f["to"], f["claimable"])
        elif name == "DustSwept":
            ledger.swept += f["amount"]
    return ledger
