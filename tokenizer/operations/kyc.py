"""The agent's KYC work in the identity registry, many wallets per transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tokenizer.chain import Chain
from tokenizer.deploy import Deal

REGISTRATION_CHUNK = 100  # wallets per batchRegisterInvestors transaction
RENEWAL_CHUNK = 200  # wallets per batchRenewKyc transaction


@dataclass(frozen=True)
class Identity:
    """What the registry knows of a wallet: country (ISO 3166 numeric) and investor class."""

    wallet: str
    country: int
    investor_class: int


def register_investors(
    chain: Chain, deal: Deal, identities: Sequence[Identity], kyc_expiry: int
) -> None:
    """Register every wallet of ``identities`` with a KYC valid until ``kyc_expiry``."""
    txs = []
    for start in range(0, len(identities), REGISTRATION_CHUNK):
        chunk = identities[start : start + REGISTRATION_CHUNK]
        txs.append(
            chain.tx(
                deal.roles.agent,
                deal.registry,
                "batchRegisterInvestors",
                [i.wallet for i in chunk],
                [i.country for i in chunk],
                [i.investor_class for i in chunk],
                [kyc_expiry] * len(chunk),
            )
        )
    chain.send_many(txs)


def renew_kyc(chain: Chain, deal: Deal, wallets: Sequence[str], kyc_expiry: int) -> None:
    """The issuer's KYC refresh: every wallet's check renewed until ``kyc_expiry``."""
    chain.send_many(
        [
            chain.tx(
                deal.roles.agent,
                deal.registry,
                "batchRenewKyc",
                list(wallets[s : s + RENEWAL_CHUNK]),
                kyc_expiry,
            )
            for s in range(0, len(wallets), RENEWAL_CHUNK)
        ]
    )


def kyc_expiries(chain: Chain, deal: Deal, wallets: Sequence[str]) -> dict[str, int]:
    """Each wallet's KYC expiry (0 for a wallet the registry does not know)."""
    identities = chain.read_many(deal.registry, "identityOf", [[w] for w in wallets])
    return {
        w: int(ident[2]) if ident[3] else 0 for w, ident in zip(wallets, identities, strict=True)
    }
