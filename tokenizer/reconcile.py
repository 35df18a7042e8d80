"""Recompute every holder's revenue entitlement from the chain's history, and compare.

The token keeps a running accumulator with per-holder corrections. This module does not use
either: it replays the token's events (every mint, burn and transfer, every distribution, every
claim, every wallet recovery) and computes, for each holder, the sum over periods of ``balance
at the period x revenue per share of the period``, in exact integer arithmetic. Then it checks,
to the unit:

* each holder's claimable amount equals the chain's (claims are read from the events);
* the rounding remainder ("dust") is a whole number of stablecoin units;
* ``claimed + claimable + dust == distributed``;
* the stablecoin the token holds equals ``claimable + dust`` (nothing lost, nothing over-paid).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from tokenizer.chain import Chain
from tokenizer.deploy import Deal

MAGNITUDE = 2**128
LOG_CHUNK = 50_000

TOPIC_TRANSFER = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
TOPIC_DISTRIBUTED = (
    "0x" + keccak(text="RevenueDistributed(uint256,uint256,bytes32,uint256,uint256)").hex()
)
TOPIC_CLAIMED = "0x" + keccak(text="RevenueClaimed(address,uint256)").hex()
TOPIC_MOVED = "0x" + keccak(text="AccruedRevenueMoved(address,address,uint256)").hex()


@dataclass
class Reconciliation:
    distributed: int = 0
    claimed: int = 0
    claimable: int = 0
    dust: int = 0
    held_by_token: int = 0
    holders: int = 0
    periods: int = 0
    transfers: int = 0
    mismatches: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "distributed": self.distributed,
            "claimed": self.claimed,
            "claimable": self.claimable,
            "dust": self.dust,
            "held_by_token": self.held_by_token,
            "holders": self.holders,
            "periods": self.periods,
            "transfers": self.transfers,
            "mismatches": self.mismatches,
            "problems": self.problems[:20],
        }


def _address(topic: str) -> str:
    return str(to_checksum_address("0x" + topic[-40:]))


def _logs(chain: Chain, address: str, from_block: int) -> list[dict[str, Any]]:
    latest = chain.block_number()
    logs: list[dict[str, Any]] = []
    for start in range(from_block, latest + 1, LOG_CHUNK):
        end = min(start + LOG_CHUNK - 1, latest)
        logs.extend(
            chain.rpc.call(
                "eth_getLogs",
                [{"address": address, "fromBlock": hex(start), "toBlock": hex(end)}],
            )
        )
    logs.sort(key=lambda log: (int(log["blockNumber"], 16), int(log["logIndex"], 16)))
    return logs


def reconcile(chain: Chain, deal: Deal) -> Reconciliation:
    """Replay the token's history and hold it against the chain's own figures."""
    token = deal.token
    rec = Reconciliation()
    balances: dict[str, int] = defaultdict(int)
    earned: dict[str, int] = defaultdict(int)  # magnified revenue earned per holder
    claimed: dict[str, int] = defaultdict(int)
    supply = 0
    remainder = 0
    from_block = int(deal.deployment.contracts["token"]["block"])
    for log in _logs(chain, token.address, from_block):
        topic = log["topics"][0]
        data = bytes.fromhex(log["data"][2:])
        if topic == TOPIC_TRANSFER:
            sender, receiver = _address(log["topics"][1]), _address(log["topics"][2])
            (value,) = abi_decode(["uint256"], data)
            zero = "0x" + "0" * 40
            if sender.lower() != zero:
                balances[sender] -= value
            else:
                supply += value
            if receiver.lower() != zero:
                balances[receiver] += value
            else:
                supply -= value
            rec.transfers += 1
        elif topic == TOPIC_DISTRIBUTED:
            period = int(log["topics"][1], 16)
            amount, _, delta_event, remainder_event = abi_decode(
                ["uint256", "bytes32", "uint256", "uint256"], data
            )
            total = amount * MAGNITUDE + remainder
            delta, remainder = divmod(total, supply)
            if (delta, remainder) != (delta_event, remainder_event):
                rec.mismatches += 1
                rec.problems.append(f"period {period}: per-share increase differs from the mirror")
            for holder, balance in balances.items():
                if balance:
                    earned[holder] += balance * delta
            rec.distributed += amount
            rec.periods += 1
        elif topic == TOPIC_CLAIMED:
            (amount,) = abi_decode(["uint256"], data)
            claimed[_address(log["topics"][1])] += amount
        elif topic == TOPIC_MOVED:  # a wallet recovery: all unclaimed revenue changes wallet
            lost, new = _address(log["topics"][1]), _address(log["topics"][2])
            (whole_units,) = abi_decode(["uint256"], data)
            moved = earned[lost] - claimed[lost] * MAGNITUDE
            if moved // MAGNITUDE != whole_units:
                rec.mismatches += 1
                rec.problems.append(
                    f"recovery {lost} -> {new}: moved amount differs from the mirror"
                )
            earned[lost] -= moved
            earned[new] += moved

    holders = sorted(set(earned) | set(claimed) | {h for h, b in balances.items() if b})
    chain_claimable = chain.read_many(token, "claimable", [[h] for h in holders])
    fractions = 0
    for holder, on_chain in zip(holders, chain_claimable, strict=True):
        whole, fraction = divmod(earned[holder], MAGNITUDE)
        fractions += fraction
        mine = whole - claimed[holder]
        if mine != on_chain:
            rec.mismatches += 1
            rec.problems.append(f"{holder}: mirror claimable {mine}, chain {on_chain}")
        rec.claimable += on_chain
        rec.claimed += claimed[holder]
    rec.holders = sum(1 for b in balances.values() if b)

    dust, leftover = divmod(fractions + remainder, MAGNITUDE)
    rec.dust = dust
    if leftover:
        rec.mismatches += 1
        rec.problems.append("the rounding remainder is not a whole number of units")
    if rec.claimed + rec.claimable + rec.dust != rec.distributed:
        rec.mismatches += 1
        rec.problems.append(
            f"claimed + claimable + dust = {rec.claimed + rec.claimable + rec.dust}, "
            f"distributed = {rec.distributed}"
        )
    rec.held_by_token = chain.call(deal.stablecoin.functions.balanceOf(token.address))
    if rec.held_by_token != rec.claimable + rec.dust:
        rec.mismatches += 1
        rec.problems.append(
            f"the token holds {rec.held_by_token} but owes {rec.claimable} plus {rec.dust} dust"
        )
    for name, mine_value in (("totalDistributed", rec.distributed), ("totalSupply", supply)):
        on_chain_value = chain.call(getattr(token.functions, name)())
        if on_chain_value != mine_value:
            rec.mismatches += 1
            rec.problems.append(f"{name}: chain {on_chain_value}, mirror {mine_value}")
    return rec
