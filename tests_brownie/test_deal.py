"""A deal's life with Brownie: the toolkit deploys it, then Brownie's accounts pass KYC and buy,
the sale closes, the servicer distributes a period, a holder claims it, and a transfer to a
wallet without KYC is refused with the project's custom error, which Brownie names."""

from __future__ import annotations

from typing import Any

import brownie
import pytest
from brownie import accounts, chain
from brownie.convert import to_bytes
from eth_utils.crypto import keccak

HONG_KONG, PROFESSIONAL = 344, 2
REVENUE = 250_000 * 10**6  # one period, in the stablecoin's units


@pytest.fixture(scope="module")
def sold(deal: dict[str, Any]) -> dict[str, Any]:
    """Enough fresh buyers to reach the soft cap, each buying the most it may; the sale closed."""
    admin, agent = accounts[0], accounts[1]
    offering, registry, usd = deal["offering"], deal["registry"], deal["usd"]
    terms = offering.terms()
    soft_cap, max_purchase = terms[3], terms[6]
    expiry = deal["schedule"]["maturity"] + 86_400
    buyers = []
    for n in range(-(-soft_cap // max_purchase)):
        buyer = accounts.add(keccak(text=f"rwa-brownie-buyer:{n}"))
        admin.transfer(buyer, "1 ether")
        usd.mint(buyer, max_purchase, {"from": admin})
        registry.registerInvestor(buyer, HONG_KONG, PROFESSIONAL, expiry, {"from": agent})
        buyers.append(buyer)
    chain.sleep(max(0, deal["schedule"]["sale_start"] - chain.time()) + 1)
    for buyer in buyers:
        usd.approve(offering, max_purchase, {"from": buyer})
        offering.buy(max_purchase, {"from": buyer})
    chain.sleep(max(0, deal["schedule"]["sale_end"] - chain.time()) + 1)
    offering.finalize({"from": admin})
    return {**deal, "buyers": buyers, "max_purchase": max_purchase, "soft_cap": soft_cap}


@pytest.fixture(scope="module")
def paid(sold: dict[str, Any]) -> dict[str, Any]:
    """One period of revenue paid in by the servicer."""
    servicer, token, usd = accounts[2], sold["token"], sold["usd"]
    usd.mint(servicer, REVENUE, {"from": accounts[0]})
    usd.approve(token, REVENUE, {"from": servicer})
    token.distribute(1, REVENUE, to_bytes(keccak(text="period 1 report")), {"from": servicer})
    return sold


def test_the_toolkit_deploys_the_deal_on_brownies_network(deal: dict[str, Any]) -> None:
    assert deal["token"].symbol() == "XPDR"
    assert deal["token"].settlementToken() == deal["usd"].address


def test_buyers_with_kyc_buy_and_the_sale_closes_as_successful(sold: dict[str, Any]) -> None:
    assert sold["offering"].status() == 1  # Succeeded
    assert sold["offering"].raised() >= sold["soft_cap"]
    for buyer in sold["buyers"]:
        assert sold["token"].balanceOf(buyer) > 0


def test_a_distributed_period_is_claimed_to_the_floor_of_the_share(paid: dict[str, Any]) -> None:
    token, usd, holder = paid["token"], paid["usd"], paid["buyers"][0]
    owed = token.claimable(holder)
    assert owed == REVENUE // len(paid["buyers"]) - 1  # every holder the same, floored
    before = usd.balanceOf(holder)
    token.claim({"from": holder})
    assert usd.balanceOf(holder) - before == owed
    assert token.claimable(holder) == 0


def test_a_transfer_to_a_wallet_without_kyc_is_refused_by_name(paid: dict[str, Any]) -> None:
    chain.sleep(200 * 86_400)  # past the lock-up
    stranger = accounts.add(keccak(text="rwa-brownie-stranger"))
    with brownie.reverts(revert_pattern=f"(?i)ReceiverNotVerified: {stranger.address}"):
        paid["token"].transfer(stranger, 10**18, {"from": paid["buyers"][0]})
