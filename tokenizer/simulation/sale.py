"""The primary sale, simulated: each buyer's bank pays it stablecoin (minted here), it
approves the offering and buys; then the clock runs to the sale's end and the sale is closed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tokenizer.chain import Chain, Contract
from tokenizer.deploy import Deal
from tokenizer.simulation.population import Investor

MINT_CHUNK = 200  # buyers per batchMint transaction
# Approvals per JSON-RPC batch: about 600 fit in one 30 M-gas block, and every block costs the
# node time that grows with its state.
APPROVE_BATCH = 500


def buy(
    chain: Chain,
    deal: Deal,
    population: Sequence[Investor],
    payments: Sequence[int],
    progress: Callable[[int], None] | None = None,
    offering: Contract | None = None,
) -> dict[str, int]:
    """Fund each buyer with stablecoin, approve the offering (the deal's, or a tranche's
    ``offering``), and buy, in batches.

    Returns ``{address: payment}`` for the investors who bought.
    """
    buyers = [(inv, pay) for inv, pay in zip(population, payments, strict=True) if pay > 0]
    if not buyers:
        return {}
    chain.send_many(
        [
            chain.tx(
                deal.roles.admin,
                deal.stablecoin,
                "batchMint",
                [inv.address for inv, _ in buyers[s : s + MINT_CHUNK]],
                [pay for _, pay in buyers[s : s + MINT_CHUNK]],
            )
            for s in range(0, len(buyers), MINT_CHUNK)
        ]
    )
    seller = offering or deal.offering
    chain.send_many(
        [
            chain.tx(inv.account, deal.stablecoin, "approve", seller.address, pay)
            for inv, pay in buyers
        ],
        batch_size=APPROVE_BATCH,
    )
    if progress:
        progress(len(buyers) // 2)
    chain.send_many([chain.tx(inv.account, seller, "buy", pay) for inv, pay in buyers])
    if progress:
        progress(len(buyers) - len(buyers) // 2)
    return {inv.address: pay for inv, pay in buyers}
