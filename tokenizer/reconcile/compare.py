"""Hold the replayed ledger against the chain's own figures, all read at one block.

Checks, to the unit:

* each holder's claimable amount equals the chain's (claims are read from the events);
* the rounding remainder ("dust") is a whole number of stablecoin units;
* ``claimed + claimable + dust + swept == distributed``, where ``swept`` is the dust paid back
  to the servicer after the final period (``DustSwept``) and ``dust`` what is left of it;
* the stablecoin the token holds equals ``claimable + dust`` (nothing lost, nothing over-paid).

The logs and every call are pinned to the same block, so a busy chain cannot show a mismatch
that is only a transaction landing between two reads. A structured deal is checked tranche by
tranche (every figure above, per tranche token, added up in the totals) and its waterfall
against the exact mirror (:mod:`.waterfall`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tokenizer.chain import Chain, Contract
from tokenizer.deploy import Deal
from tokenizer.errors import TokenizerError
from tokenizer.reconcile.replay import MAGNITUDE, replay
from tokenizer.spec import DealSpec

EVENTS = ("Transfer", "RevenueDistributed", "RevenueClaimed", "AccruedRevenueMoved", "DustSwept")


@dataclass
class Reconciliation:
    distributed: int = 0
    claimed: int = 0
    claimable: int = 0
    dust: int = 0
    swept: int = 0
    held_by_token: int = 0
    holders: int = 0
    periods: int = 0
    transfers: int = 0
    mismatches: int = 0
    block: int = 0  # every figure was read at this block
    problems: list[str] = field(default_factory=list)
    tranches: dict[str, dict[str, int]] = field(default_factory=dict)  # a structured deal's
    waterfall: dict[str, Any] = field(default_factory=dict)  # its waterfall against the mirror

    def problem(self, text: str) -> None:
        self.mismatches += 1
        self.problems.append(text)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = self.problems[:20]
        return data


def reconcile(
    chain: Chain, deal: Deal, block: int | None = None, spec: DealSpec | None = None
) -> Reconciliation:
    """Replay the token's history up to ``block`` (the latest by default) and compare; a
    structured deal's every tranche and its waterfall (against the mirror of ``spec``)."""
    at = chain.block_number() if block is None else block
    if not deal.tranches:
        start = int(deal.deployment.contracts["token"]["block"])
        return _reconcile_token(chain, deal, deal.token, start, at)
    if spec is None or spec.structure is None:
        raise TokenizerError(f"{deal.deployment.deal}: a structured deal reconciles with its spec")
    from tokenizer.reconcile.waterfall import check_waterfall

    rec = Reconciliation(block=at)
    for tranche in deal.tranches:
        start = int(deal.deployment.contracts[f"tranche_{tranche.name}"]["block"])
        part = _reconcile_token(chain, deal, tranche.token, start, at)
        for text in part.problems:
            rec.problem(f"{tranche.name}: {text}")
        for name in ("distributed", "claimed", "claimable", "dust", "held_by_token", "holders"):
            setattr(rec, name, getattr(rec, name) + getattr(part, name))
        rec.transfers += part.transfers
        rec.periods = max(rec.periods, part.periods)
        rec.tranches[tranche.name] = {
            "distributed": part.distributed,
            "claimed": part.claimed,
            "claimable": part.claimable,
            "dust": part.dust,
            "holders": part.holders,
            "periods": part.periods,
            "mismatches": part.mismatches,
        }
    check_waterfall(chain, deal, spec, at, rec)
    return rec


def _reconcile_token(
    chain: Chain, deal: Deal, token: Contract, start: int, at: int
) -> Reconciliation:
    """One token's history replayed up to block ``at`` and held against the chain."""
    by_topic = {token.interface.event(name).topic: name for name in EVENTS}
    events = []
    for log in chain.logs(token.address, start, at):
        name = by_topic.get(log["topics"][0])
        if name is not None:
            events.append((name, token.interface.event(name).decode(log)))
    ledger = replay(events)
    rec = Reconciliation(block=at)
    for text in ledger.problems:
        rec.problem(text)
    rec.distributed, rec.periods, rec.transfers = (
        ledger.distributed,
        ledger.periods,
        ledger.transfers,
    )

    holders = ledger.holders()
    on_chain = chain.read_many(token, "claimable", [[h] for h in holders], block=at)
    fractions = 0
    for holder, chain_claimable in zip(holders, on_chain, strict=True):
        mine, fraction = ledger.claimable(holder)
        fractions += fraction
        if mine != chain_claimable:
            rec.problem(f"{holder}: mirror claimable {mine}, chain {chain_claimable}")
        rec.claimable += chain_claimable
        rec.claimed += ledger.claimed[holder]
    rec.holders = sum(1 for b in ledger.balances.values() if b)

    dust, leftover = divmod(fractions + ledger.remainder, MAGNITUDE)
    if leftover:
        rec.problem("the rounding remainder is not a whole number of units")
    rec.swept = ledger.swept
    rec.dust = dust - rec.swept
    if rec.dust < 0:
        rec.problem(f"swept {rec.swept} units of dust, but only {dust} arose")
    total = rec.claimed + rec.claimable + rec.dust + rec.swept
    if total != rec.distributed:
        rec.problem(
            f"claimed + claimable + dust + swept = {total}, distributed = {rec.distributed}"
        )
    rec.held_by_token = chain.call(deal.stablecoin.functions.balanceOf(token.address), block=at)
    if rec.held_by_token != rec.claimable + rec.dust:
        rec.problem(
            f"the token holds {rec.held_by_token} but owes {rec.claimable} plus {rec.dust} dust"
        )
    for name, mine_value in (
        ("totalDistributed", rec.distributed),
        ("totalSupply", ledger.supply),
        ("dustSwept", rec.swept),
    ):
        chain_value = chain.call(getattr(token.functions, name)(), block=at)
        if chain_value != mine_value:
            rec.problem(f"{name}: chain {chain_value}, mirror {mine_value}")
    return rec
