"""The identity registry: who is a verified investor, with what country, class and KYC expiry."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from tests.conftest import CN, HK, SG, US, TokenSetup, events, wallet
from tokenizer.chain import Receipt
from tokenizer.errors import TransactionReverted
from tokenizer.units import SECONDS_PER_DAY

ZERO = "0x" + "00" * 20


def read(s: TokenSetup, fn: str, *args: Any) -> Any:
    return s.chain.call(getattr(s.registry.functions, fn)(*args))


def send(s: TokenSetup, fn: str, *args: Any) -> Receipt:
    return s.chain.send(s.chain.tx(s.agent, s.registry, fn, *args))


def refused(s: TokenSetup, fn: str, *args: Any) -> TransactionReverted:
    with pytest.raises(TransactionReverted) as info:
        send(s, fn, *args)
    return info.value


def expiry_in(s: TokenSetup, days: int) -> int:
    return s.chain.timestamp() + days * SECONDS_PER_DAY


def as_rows(found: list[dict[str, Any]]) -> list[tuple[str, int, int, int]]:
    return [(e["wallet"].lower(), e["country"], e["investorClass"], e["kycExpiry"]) for e in found]


def wallets(n: int, prefix: str) -> list[LocalAccount]:
    return [wallet(f"{prefix}-{i}") for i in range(n)]


# --------------------------------------------------------------------------- registering


def test_registering_an_investor_records_country_class_and_expiry(setup: TokenSetup) -> None:
    investor = wallet("reg-one")
    expiry = expiry_in(setup, 365)
    receipt = send(setup, "registerInvestor", investor.address, SG, 2, expiry)
    assert tuple(read(setup, "identityOf", investor.address))[:4] == (SG, 2, expiry, True)
    assert read(setup, "investorCount") == 1
    assert read(setup, "isVerified", investor.address) is True
    assert as_rows(events(receipt, setup.registry, "InvestorRegistered")) == [
        (investor.address.lower(), SG, 2, expiry)
    ]


def test_unregistered_wallet_is_not_verified_and_has_an_empty_record(setup: TokenSetup) -> None:
    stranger = wallet("reg-nobody")
    assert read(setup, "isVerified", stranger.address) is False
    assert tuple(read(setup, "identityOf", stranger.address))[:4] == (0, 0, 0, False)


def test_registering_the_same_wallet_twice_reverts(setup: TokenSetup) -> None:
    investor = wallet("reg-dup")
    send(setup, "registerInvestor", investor.address, HK, 1, expiry_in(setup, 365))
    error = refused(setup, "registerInvestor", investor.address, US, 3, expiry_in(setup, 900))
    assert error.error_name == "IdentityAlreadyRegistered"
    assert read(setup, "investorCount") == 1
    assert tuple(read(setup, "identityOf", investor.address))[:2] == (HK, 1)


def test_zero_address_cannot_be_registered(setup: TokenSetup) -> None:
    error = refused(setup, "registerInvestor", ZERO, HK, 1, expiry_in(setup, 365))
    assert error.error_name == "InvalidWallet"
    assert read(setup, "investorCount") == 0


@pytest.mark.parametrize(
    ("country", "investor_class", "error"),
    [
        (0, 1, "InvalidCountry"),
        (1000, 1, "InvalidCountry"),
        (HK, 4, "InvalidInvestorClass"),
        (HK, 255, "InvalidInvestorClass"),
    ],
    ids=["country-0", "country-1000", "class-4", "class-255"],
)
def test_invalid_country_or_investor_class_is_refused(
    setup: TokenSetup, country: int, investor_class: int, error: str
) -> None:
    investor = wallet("reg-invalid")
    found = refused(
        setup, "registerInvestor", investor.address, country, investor_class, expiry_in(setup, 9)
    )
    assert found.error_name == error
    assert read(setup, "isVerified", investor.address) is False


@pytest.mark.parametrize(
    ("country", "investor_class"), [(1, 0), (999, 3)], ids=["lowest", "highest"]
)
def test_boundary_country_and_investor_class_are_accepted(
    setup: TokenSetup, country: int, investor_class: int
) -> None:
    investor = wallet("reg-boundary")
    send(setup, "registerInvestor", investor.address, country, investor_class, expiry_in(setup, 9))
    assert tuple(read(setup, "identityOf", investor.address))[:2] == (country, investor_class)


def test_is_verified_until_the_kyc_expiry_and_not_from_it(setup: TokenSetup) -> None:
    investor = wallet("reg-expiry")
    expiry = expiry_in(setup, 10)
    send(setup, "registerInvestor", investor.address, HK, 1, expiry)
    setup.chain.advance_to(expiry - 1)
    assert read(setup, "isVerified", investor.address) is True
    setup.chain.advance_to(expiry)
    assert read(setup, "isVerified", investor.address) is False
    assert tuple(read(setup, "identityOf", investor.address))[3] is True  # still registered


def test_batch_registers_every_wallet_with_one_event_each(setup: TokenSetup) -> None:
    accounts = wallets(3, "batch")
    countries, classes = [HK, SG, CN], [0, 2, 3]
    expiries = [expiry_in(setup, d) for d in (30, 60, 90)]
    receipt = send(
        setup, "batchRegisterInvestors", [a.address for a in accounts], countries, classes, expiries
    )
    assert read(setup, "investorCount") == 3
    rows = [
        (a.address.lower(), c, k, e)
        for a, c, k, e in zip(accounts, countries, classes, expiries, strict=True)
    ]
    assert as_rows(events(receipt, setup.registry, "InvestorRegistered")) == rows
    assert all(read(setup, "isVerified", a.address) for a in accounts)


@pytest.mark.parametrize("short", ["countries", "classes", "kycExpiries"])
def test_batch_with_arrays_of_different_lengths_reverts_length_mismatch(
    setup: TokenSetup, short: str
) -> None:
    accounts = [a.address for a in wallets(3, "mismatch")]
    arrays = {
        "countries": [HK, SG, US],
        "classes": [1, 1, 1],
        "kycExpiries": [expiry_in(setup, 30)] * 3,
    }
    arrays[short] = arrays[short][:2]
    error = refused(setup, "batchRegisterInvestors", accounts, *arrays.values())
    assert error.error_name == "LengthMismatch"
    assert "expected=3, given=2" in error.user_message
    assert read(setup, "investorCount") == 0


def test_batch_with_one_invalid_entry_registers_nobody(setup: TokenSetup) -> None:
    accounts = [a.address for a in wallets(3, "atomic")]
    error = refused(
        setup, "batchRegisterInvestors", accounts, [HK, 0, SG], [1, 1, 1],
        [expiry_in(setup, 30)] * 3,
    )  # fmt: skip
    assert error.error_name == "InvalidCountry"
    assert read(setup, "investorCount") == 0
    assert read(setup, "isVerified", accounts[0]) is False


# --------------------------------------------------------------------------- updating, removing


def test_update_changes_the_record_and_emits_investor_updated(setup: TokenSetup) -> None:
    investor = wallet("update")
    send(setup, "registerInvestor", investor.address, HK, 1, expiry_in(setup, 30))
    expiry = expiry_in(setup, 400)
    receipt = send(setup, "updateInvestor", investor.address, US, 3, expiry)
    assert tuple(read(setup, "identityOf", investor.address))[:4] == (US, 3, expiry, True)
    assert read(setup, "investorCount") == 1
    assert as_rows(events(receipt, setup.registry, "InvestorUpdated")) == [
        (investor.address.lower(), US, 3, expiry)
    ]


def test_update_of_an_unregistered_wallet_reverts(setup: TokenSetup) -> None:
    investor = wallet("update-none")
    error = refused(setup, "updateInvestor", investor.address, US, 3, expiry_in(setup, 30))
    assert error.error_name == "IdentityNotRegistered"
    assert read(setup, "isVerified", investor.address) is False


def test_update_with_an_invalid_country_is_refused(setup: TokenSetup) -> None:
    investor = wallet("update-bad")
    send(setup, "registerInvestor", investor.address, HK, 1, expiry_in(setup, 30))
    error = refused(setup, "updateInvestor", investor.address, 1000, 1, expiry_in(setup, 30))
    assert error.error_name == "InvalidCountry"
    assert read(setup, "identityOf", investor.address)[0] == HK


def test_removed_investor_is_no_longer_verified(setup: TokenSetup) -> None:
    keeper, leaver = wallets(2, "remove")
    send(
        setup, "batchRegisterInvestors", [keeper.address, leaver.address], [HK, SG], [1, 1],
        [expiry_in(setup, 30)] * 2,
    )  # fmt: skip
    receipt = send(setup, "removeInvestor", leaver.address)
    assert read(setup, "isVerified", leaver.address) is False
    assert tuple(read(setup, "identityOf", leaver.address))[:4] == (0, 0, 0, False)
    assert read(setup, "investorCount") == 1
    assert read(setup, "isVerified", keeper.address) is True
    removed = events(receipt, setup.registry, "InvestorRemoved")
    assert [e["wallet"].lower() for e in removed] == [leaver.address.lower()]


def test_removing_an_unregistered_wallet_reverts(setup: TokenSetup) -> None:
    error = refused(setup, "removeInvestor", wallet("remove-none").address)
    assert error.error_name == "IdentityNotRegistered"


def test_removed_wallet_can_be_registered_again(setup: TokenSetup) -> None:
    investor = wallet("remove-again")
    send(setup, "registerInvestor", investor.address, HK, 1, expiry_in(setup, 30))
    send(setup, "removeInvestor", investor.address)
    send(setup, "registerInvestor", investor.address, CN, 2, expiry_in(setup, 30))
    assert tuple(read(setup, "identityOf", investor.address))[:2] == (CN, 2)
    assert read(setup, "investorCount") == 1


# --------------------------------------------------------------------------- KYC renewal


def test_batch_renew_kyc_extends_expiry_keeps_the_rest_and_emits_per_wallet(
    setup: TokenSetup,
) -> None:
    accounts = wallets(3, "renew")
    countries, classes = [HK, SG, US], [0, 1, 3]
    send(
        setup, "batchRegisterInvestors", [a.address for a in accounts], countries, classes,
        [expiry_in(setup, 30)] * 3,
    )  # fmt: skip
    setup.chain.increase_time(31 * SECONDS_PER_DAY)
    assert not any(read(setup, "isVerified", a.address) for a in accounts)

    renewed = expiry_in(setup, 365)
    receipt = send(setup, "batchRenewKyc", [a.address for a in accounts], renewed)

    assert all(read(setup, "isVerified", a.address) for a in accounts)
    assert [tuple(read(setup, "identityOf", a.address))[:4] for a in accounts] == [
        (c, k, renewed, True) for c, k in zip(countries, classes, strict=True)
    ]
    assert as_rows(events(receipt, setup.registry, "InvestorUpdated")) == [
        (a.address.lower(), c, k, renewed)
        for a, c, k in zip(accounts, countries, classes, strict=True)
    ]
    assert read(setup, "investorCount") == 3


def test_batch_renew_kyc_with_an_unregistered_wallet_renews_nobody(setup: TokenSetup) -> None:
    known, unknown = wallets(2, "renew-partial")
    old = expiry_in(setup, 30)
    send(setup, "registerInvestor", known.address, HK, 1, old)
    error = refused(setup, "batchRenewKyc", [known.address, unknown.address], expiry_in(setup, 365))
    assert error.error_name == "IdentityNotRegistered"
    assert unknown.address in error.user_message
    assert tuple(read(setup, "identityOf", known.address))[2] == old


# --------------------------------------------------------------------------- one-call read


def test_investor_of_answers_country_class_expiry_and_investor_in_one_call(
    setup: TokenSetup,
) -> None:
    investor, nobody = wallet("investor-of"), wallet("investor-of-none")
    expiry = expiry_in(setup, 30)
    send(setup, "registerInvestor", investor.address, US, 2, expiry)
    none = "0x0000000000000000000000000000000000000000"  # an investor with one wallet
    assert tuple(read(setup, "investorOf", investor.address)) == (US, 2, expiry, none)
    assert tuple(read(setup, "investorOf", nobody.address)) == (0, 0, 0, none)


# --------------------------------------------------------------------------- batch update, remove


def test_batch_update_changes_every_record_with_one_event_each(setup: TokenSetup) -> None:
    accounts = wallets(2, "batch-update")
    addrs = [a.address for a in accounts]
    send(setup, "batchRegisterInvestors", addrs, [HK, HK], [1, 1], [expiry_in(setup, 30)] * 2)
    expiries = [expiry_in(setup, 100), expiry_in(setup, 200)]
    receipt = send(setup, "batchUpdateInvestors", addrs, [SG, US], [0, 3], expiries)
    assert [tuple(read(setup, "identityOf", a))[:4] for a in addrs] == [
        (SG, 0, expiries[0], True),
        (US, 3, expiries[1], True),
    ]
    assert as_rows(events(receipt, setup.registry, "InvestorUpdated")) == [
        (addrs[0].lower(), SG, 0, expiries[0]),
        (addrs[1].lower(), US, 3, expiries[1]),
    ]


def test_batch_update_with_an_unregistered_wallet_or_short_array_updates_nobody(
    setup: TokenSetup,
) -> None:
    known, unknown = wallets(2, "batch-update-bad")
    send(setup, "registerInvestor", known.address, HK, 1, expiry_in(setup, 30))
    addrs = [known.address, unknown.address]
    far = [expiry_in(setup, 99)] * 2
    error = refused(setup, "batchUpdateInvestors", addrs, [SG, SG], [2, 2], far)
    assert error.error_name == "IdentityNotRegistered"
    assert read(setup, "identityOf", known.address)[0] == HK
    error = refused(setup, "batchUpdateInvestors", addrs, [SG], [2, 2], far)
    assert error.error_name == "LengthMismatch"


def test_batch_remove_unregisters_every_wallet_or_none(setup: TokenSetup) -> None:
    accounts = wallets(3, "batch-remove")
    addrs = [a.address for a in accounts]
    send(setup, "batchRegisterInvestors", addrs, [HK] * 3, [1] * 3, [expiry_in(setup, 30)] * 3)
    error = refused(setup, "batchRemoveInvestors", [addrs[0], wallet("not-there").address])
    assert error.error_name == "IdentityNotRegistered"
    assert read(setup, "investorCount") == 3
    receipt = send(setup, "batchRemoveInvestors", addrs[:2])
    assert [e["wallet"] for e in events(receipt, setup.registry, "InvestorRemoved")] == addrs[:2]
    assert read(setup, "investorCount") == 1
    assert [read(setup, "isVerified", a) for a in addrs] == [False, False, True]


# --------------------------------------------------------------------------- recovery


def test_recover_identity_moves_the_record_to_the_new_wallet(setup: TokenSetup) -> None:
    lost, new = wallets(2, "recover-id")
    expiry = expiry_in(setup, 30)
    send(setup, "registerInvestor", lost.address, SG, 2, expiry)
    receipt = send(setup, "recoverIdentity", lost.address, new.address)
    assert tuple(read(setup, "identityOf", new.address))[:4] == (SG, 2, expiry, True)
    assert tuple(read(setup, "identityOf", lost.address))[:4] == (0, 0, 0, False)
    assert read(setup, "investorCount") == 1
    assert events(receipt, setup.registry, "IdentityRecovered") == [
        {
            "lostWallet": lost.address,
            "newWallet": new.address,
            "country": SG,
            "investorClass": 2,
            "kycExpiry": expiry,
        }
    ]


def test_recover_identity_refuses_an_unknown_lost_wallet_or_a_taken_new_one(
    setup: TokenSetup,
) -> None:
    lost, new, taken = wallets(3, "recover-id-bad")
    send(setup, "registerInvestor", lost.address, SG, 2, expiry_in(setup, 30))
    send(setup, "registerInvestor", taken.address, HK, 1, expiry_in(setup, 30))
    assert refused(setup, "recoverIdentity", new.address, lost.address).error_name == (
        "IdentityNotRegistered"
    )
    assert refused(setup, "recoverIdentity", lost.address, taken.address).error_name == (
        "IdentityAlreadyRegistered"
    )
    assert refused(setup, "recoverIdentity", lost.address, ZERO).error_name == "InvalidWallet"
    assert read(setup, "isVerified", lost.address) is True
