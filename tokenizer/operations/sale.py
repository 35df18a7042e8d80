"""Closing the primary sale and reading where it stands."""

from __future__ import annotations

from dataclasses import dataclass

from tokenizer.chain import Chain
from tokenizer.deploy import Deal
from tokenizer.units import SALE_STATUS_NAMES


@dataclass(frozen=True)
class SaleState:
    status: int
    raised: int
    buyers: int

    @property
    def status_name(self) -> str:
        return SALE_STATUS_NAMES.get(self.status, "unknown")


def sale_state(chain: Chain, deal: Deal) -> SaleState:
    offering = deal.offering.functions
    return SaleState(
        status=int(chain.call(offering.status())),
        raised=int(chain.call(offering.raised())),
        buyers=int(chain.call(offering.buyerCount())),
    )


def finalize(chain: Chain, deal: Deal) -> None:
    """Close the sale: proceeds to the treasury, or refunds open below the soft cap."""
    chain.send(chain.tx(deal.roles.admin, deal.offering, "finalize"))
