"""Closing the primary sale and reading where it stands."""

from __future__ import annotations

from dataclasses import dataclass

from tokenizer.chain import Chain, Contract
from tokenizer.deploy import Deal
from tokenizer.units import SALE_STATUS_NAMES, SALE_SUCCEEDED


@dataclass(frozen=True)
class SaleState:
    status: int
    raised: int
    buyers: int

    @property
    def status_name(self) -> str:
        return SALE_STATUS_NAMES.get(self.status, "unknown")


def offering_state(chain: Chain, offering: Contract) -> SaleState:
    """Where one offering stands."""
    f = offering.functions
    return SaleState(
        status=int(chain.call(f.status())),
        raised=int(chain.call(f.raised())),
        buyers=int(chain.call(f.buyerCount())),
    )


def sale_state(chain: Chain, deal: Deal) -> SaleState:
    """Where the sale stands; a structured deal's is every tranche's together: raised and
    buyers added up, succeeded only if every tranche was placed (else the first other status)."""
    if not deal.tranches:
        return offering_state(chain, deal.offering)
    states = [offering_state(chain, t.offering) for t in deal.tranches]
    status = next((s.status for s in states if s.status != SALE_SUCCEEDED), SALE_SUCCEEDED)
    return SaleState(status, sum(s.raised for s in states), sum(s.buyers for s in states))


def finalize(chain: Chain, deal: Deal) -> None:
    """Close the sale: proceeds to the treasury, or refunds open below the soft cap."""
    for offering in [t.offering for t in deal.tranches] or [deal.offering]:
        chain.send(chain.tx(deal.roles.admin, offering, "finalize"))
