"""What the issuer's agent does to holdings: freezes (whole wallets and partial amounts), forced
transfers (only the receiver's rules apply), wallet recovery after a lost key (balance, unclaimed
revenue, lock-up and identity move, and no revenue is lost or paid twice), the batch versions,
and a KYC that expires in the middle of the term."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from tests.conftest import CN, SG, UNIT, USD, TokenSetup, events, wallet
from tokenizer.chain import Chain
from tokenizer.compliance import rules as compliance
from tokenizer.deploy import deploy_deal
from tokenizer.errors import TransactionReverted
from tokenizer.reconcile import reconcile
from tokenizer.spec import ComplianceSpec, DealSpec
from tokenizer.units import SECONDS_PER_DAY

LOCKUP = 90 * SECONDS_PER_DAY


def read(s: TokenSetup, fn: str, *args: Any) -> Any:
    return s.chain.call(getattr(s.token.functions, fn)(*args))  # type: ignore[attr-defined]


def bal(s: TokenSetup, who: LocalAccount | str) -> int:
    return int(read(s, "balanceOf", who if isinstance(who, str) else who.address))


def agent(s: TokenSetup, fn: str, *args: Any) -> Any:
    return s.chain.send(s.chain.tx(s.agent, s.token, fn, *args))


def refused(s: TokenSetup, sender: LocalAccount, fn: str, *args: Any) -> TransactionReverted:
    with pytest.raises(TransactionReverted) as info:
        s.chain.send(s.chain.tx(sender, s.token, fn, *args))
    return info.value


def ruled(setup: TokenSetup) -> TokenSetup:
    """The default rules and a 90-day lock-up."""
    setup.apply_rules(ComplianceSpec(lockup_days=90))
    return setup


# --------------------------------------------------------------------------- freezes


def test_a_partly_frozen_holder_can_move_only_the_unfrozen_part(setup: TokenSetup) -> None:
    s = setup
    a, b = wallet("pf-a"), wallet("pf-b")
    s.verify(a, b)
    s.mint(a, 10 * UNIT)
    receipt = agent(s, "freezePartialTokens", a.address, 7 * UNIT)
    assert events(receipt, s.token, "TokensFrozen") == [{"holder": a.address, "amount": 7 * UNIT}]
    assert read(s, "frozenTokens", a.address) == 7 * UNIT
    s.chain.send(s.chain.tx(a, s.token, "transfer", b.address, 3 * UNIT))
    error = refused(s, a, "transfer", b.address, 1)
    assert error.error_name == "InsufficientUnfrozenBalance"
    assert "unfrozen=0" in error.user_message and "only the unfrozen part" in error.user_message
    agent(s, "unfreezePartialTokens", a.address, 2 * UNIT)
    s.chain.send(s.chain.tx(a, s.token, "transfer", b.address, 2 * UNIT))
    assert (bal(s, a), bal(s, b), read(s, "frozenTokens", a.address)) == (
        5 * UNIT,
        5 * UNIT,
        5 * UNIT,
    )


def test_freezing_more_than_the_balance_or_unfreezing_more_than_frozen_is_refused(
    setup: TokenSetup,
) -> None:
    s = setup
    a = wallet("pf-limits")
    s.verify(a)
    s.mint(a, 2 * UNIT)
    agent(s, "freezePartialTokens", a.address, UNIT)
    assert refused(s, s.agent, "freezePartialTokens", a.address, UNIT + 1).error_name == (
        "FreezeExceedsBalance"
    )
    assert refused(s, s.agent, "unfreezePartialTokens", a.address, UNIT + 1).error_name == (
        "UnfreezeExceedsFrozen"
    )


def test_a_frozen_wallet_neither_sends_nor_receives_until_unfrozen(setup: TokenSetup) -> None:
    s = setup
    a, b = wallet("wf-a"), wallet("wf-b")
    s.verify(a, b)
    s.mint(a, 3 * UNIT)
    s.mint(b, 3 * UNIT)
    receipt = agent(s, "setWalletFrozen", a.address, True)
    assert events(receipt, s.token, "WalletFreezeSet") == [{"wallet": a.address, "frozen": True}]
    assert refused(s, a, "transfer", b.address, UNIT).error_name == "WalletFrozen"
    assert refused(s, b, "transfer", a.address, UNIT).error_name == "WalletFrozen"
    assert refused(s, s.agent, "mint", a.address, UNIT).error_name == "WalletFrozen"
    agent(s, "setWalletFrozen", a.address, False)
    s.chain.send(s.chain.tx(a, s.token, "transfer", b.address, UNIT))
    assert bal(s, b) == 4 * UNIT


def test_a_frozen_wallet_keeps_earning_but_its_revenue_is_held_until_it_is_unfrozen(
    setup: TokenSetup,
) -> None:
    s = setup
    a, b = wallet("wf-rev-a"), wallet("wf-rev-b")
    s.verify(a, b)
    s.mint(a, UNIT)
    s.mint(b, UNIT)
    agent(s, "setWalletFrozen", a.address, True)
    s.distribute(1, 10 * USD)
    owed = s.claimable(a)
    assert 5 * USD - 1 <= owed <= 5 * USD  # floored to the unit
    error = refused(s, a, "claim")
    assert error.error_name == "RevenueHeld"
    assert a.address.lower() in error.reason.lower()
    s.distribute(2, 10 * USD)
    assert s.claimable(a) > owed  # still accruing
    agent(s, "setWalletFrozen", a.address, False)
    s.chain.send(s.chain.tx(a, s.token, "claim"))
    assert s.balance(a) == s.claimable(b) and s.claimable(a) == 0


def test_nobody_can_push_a_frozen_lost_wallets_revenue_into_it_and_recovery_moves_all_of_it(
    setup: TokenSetup,
) -> None:
    s = setup
    lost, new, other = wallet("held-lost"), wallet("held-new"), wallet("held-other")
    s.verify(lost, other)
    s.mint(lost, 3 * UNIT)
    s.mint(other, UNIT)
    s.distribute(1, 40 * USD)
    agent(s, "setWalletFrozen", lost.address, True)  # the key is reported lost
    s.distribute(2, 40 * USD)
    owed, owed_other = s.claimable(lost), s.claimable(other)
    assert 60 * USD - 2 <= owed <= 60 * USD
    # A stranger's (or the servicer's) batch pays the others and skips the frozen wallet.
    s.chain.send(s.chain.tx(s.stranger, s.token, "claimFor", [lost.address, other.address]))
    assert (s.balance(lost), s.claimable(lost)) == (0, owed)
    assert s.balance(other) == owed_other
    recover(s, lost, new)
    assert (s.claimable(lost), s.claimable(new)) == (0, owed)
    s.chain.send(s.chain.tx(new, s.token, "claim"))
    assert (s.balance(new), s.balance(lost)) == (owed, 0)
    assert s.balance(s.token.address) == 80 * USD - owed - owed_other  # type: ignore[attr-defined]


def test_batch_freezes_act_on_every_wallet_and_check_lengths(setup: TokenSetup) -> None:
    s = setup
    holders = [wallet(f"bf-{i}") for i in range(3)]
    s.verify(*holders)
    for h in holders:
        s.mint(h, 4 * UNIT)
    addrs = [h.address for h in holders]
    receipt = agent(s, "batchFreezePartialTokens", addrs, [UNIT, 2 * UNIT, 3 * UNIT])
    assert len(events(receipt, s.token, "TokensFrozen")) == 3
    assert [read(s, "frozenTokens", a) for a in addrs] == [UNIT, 2 * UNIT, 3 * UNIT]
    agent(s, "batchUnfreezePartialTokens", addrs, [UNIT, UNIT, UNIT])
    assert [read(s, "frozenTokens", a) for a in addrs] == [0, UNIT, 2 * UNIT]
    agent(s, "batchSetWalletFrozen", addrs, [True, False, True])
    assert [read(s, "isWalletFrozen", a) for a in addrs] == [True, False, True]
    error = refused(s, s.agent, "batchSetWalletFrozen", addrs, [True])
    assert error.error_name == "LengthMismatch"
    error = refused(s, s.agent, "batchFreezePartialTokens", addrs, [1, 1])
    assert error.error_name == "LengthMismatch"


def test_burning_frozen_tokens_unfreezes_them_first(setup: TokenSetup) -> None:
    s = setup
    a = wallet("burn-frozen")
    s.verify(a)
    s.mint(a, 10 * UNIT)
    agent(s, "freezePartialTokens", a.address, 8 * UNIT)
    receipt = agent(s, "burn", a.address, 6 * UNIT)  # 2 unfrozen + 4 of the frozen
    assert events(receipt, s.token, "TokensUnfrozen") == [{"holder": a.address, "amount": 4 * UNIT}]
    assert (bal(s, a), read(s, "frozenTokens", a.address)) == (4 * UNIT, 4 * UNIT)


# --------------------------------------------------------------------------- forced transfers


def test_a_forced_transfer_skips_the_senders_rules_but_checks_the_receiver(
    setup: TokenSetup,
) -> None:
    s = ruled(setup)
    a, b, cn = wallet("ft-a"), wallet("ft-b"), wallet("ft-cn")
    s.verify(a, b)
    s.verify(cn, country=CN)
    s.mint(a, 10 * UNIT)  # locked up
    agent(s, "setWalletFrozen", a.address, True)
    agent(s, "pause")
    receipt = agent(s, "forcedTransfer", a.address, b.address, 4 * UNIT)
    assert events(receipt, s.token, "ForcedTransfer") == [
        {"from": a.address, "to": b.address, "value": 4 * UNIT}
    ]
    assert (bal(s, a), bal(s, b)) == (6 * UNIT, 4 * UNIT)
    assert refused(s, s.agent, "forcedTransfer", a.address, cn.address, UNIT).error_name == (
        "CountryBlocked"
    )
    outsider = wallet("ft-outsider")
    assert refused(s, s.agent, "forcedTransfer", a.address, outsider.address, UNIT).error_name == (
        "ReceiverNotVerified"
    )
    agent(s, "setWalletFrozen", b.address, True)
    assert refused(s, s.agent, "forcedTransfer", a.address, b.address, UNIT).error_name == (
        "WalletFrozen"
    )
    assert read(s, "paused") is True  # the flag of a forced transfer did not leak
    agent(s, "unpause")
    assert refused(s, a, "transfer", b.address, UNIT).error_name == "WalletFrozen"


def test_a_forced_transfer_takes_frozen_tokens_by_unfreezing_them(setup: TokenSetup) -> None:
    s = setup
    a, b = wallet("ft-frozen-a"), wallet("ft-frozen-b")
    s.verify(a, b)
    s.mint(a, 10 * UNIT)
    agent(s, "freezePartialTokens", a.address, 9 * UNIT)
    receipt = agent(s, "forcedTransfer", a.address, b.address, 5 * UNIT)
    assert events(receipt, s.token, "TokensUnfrozen") == [{"holder": a.address, "amount": 4 * UNIT}]
    assert (bal(s, a), read(s, "frozenTokens", a.address)) == (5 * UNIT, 5 * UNIT)


def test_a_forced_transfer_keeps_revenue_exact(setup: TokenSetup) -> None:
    s = setup
    a, b = wallet("ft-rev-a"), wallet("ft-rev-b")
    s.verify(a, b)
    s.mint(a, 3 * UNIT)
    s.mint(b, UNIT)
    s.distribute(1, 40 * USD)
    agent(s, "forcedTransfer", a.address, b.address, 2 * UNIT)
    s.distribute(2, 40 * USD)
    owed = (s.claimable(a), s.claimable(b))
    for got, expected in zip(owed, (30 * USD + 10 * USD, 10 * USD + 30 * USD), strict=True):
        assert expected - 2 <= got <= expected  # each period floored to the unit


def test_a_batch_forced_transfer_moves_every_entry_or_none(setup: TokenSetup) -> None:
    s = setup
    a, b, c = wallet("bft-a"), wallet("bft-b"), wallet("bft-c")
    s.verify(a, b, c)
    s.mint(a, 5 * UNIT)
    s.mint(b, 5 * UNIT)
    agent(
        s, "batchForcedTransfer", [a.address, b.address], [c.address, c.address], [UNIT, 2 * UNIT]
    )
    assert (bal(s, a), bal(s, b), bal(s, c)) == (4 * UNIT, 3 * UNIT, 3 * UNIT)
    outsider = wallet("bft-outsider")
    error = refused(
        s, s.agent, "batchForcedTransfer", [a.address, b.address], [c.address, outsider.address],
        [UNIT, UNIT],
    )  # fmt: skip
    assert error.error_name == "ReceiverNotVerified"
    assert (bal(s, a), bal(s, b), bal(s, c)) == (4 * UNIT, 3 * UNIT, 3 * UNIT)
    error = refused(s, s.agent, "batchForcedTransfer", [a.address], [c.address, b.address], [1])
    assert error.error_name == "LengthMismatch"


# --------------------------------------------------------------------------- recovery


def recover(s: TokenSetup, lost: LocalAccount, new: LocalAccount) -> Any:
    """The two steps of a recovery: the identity moves in the registry, then the holding."""
    s.chain.fund([new.address], 10**18)  # gas for the investor's new wallet
    s.chain.send(s.chain.tx(s.agent, s.registry, "recoverIdentity", lost.address, new.address))
    return agent(s, "recoverWallet", lost.address, new.address)


def test_recovery_moves_balance_and_unclaimed_revenue_and_loses_or_duplicates_nothing(
    setup: TokenSetup,
) -> None:
    s = setup
    lost, new, other = wallet("rec-lost"), wallet("rec-new"), wallet("rec-other")
    s.verify(lost, other, country=SG)
    s.mint(lost, 3 * UNIT + 1)
    s.mint(other, 2 * UNIT)
    s.distribute(1, 100 * USD + 7)
    s.chain.send(s.chain.tx(lost, s.token, "claim"))  # some of it was claimed before the loss
    s.distribute(2, 50 * USD + 3)
    owed_lost, owed_other = s.claimable(lost), s.claimable(other)
    held = s.balance(s.token.address)  # type: ignore[attr-defined]
    assert owed_lost > 0

    receipt = recover(s, lost, new)

    assert (bal(s, lost), bal(s, new)) == (0, 3 * UNIT + 1)
    assert (s.claimable(lost), s.claimable(new), s.claimable(other)) == (0, owed_lost, owed_other)
    assert s.balance(s.token.address) == held  # type: ignore[attr-defined]
    assert events(receipt, s.token, "WalletRecovered") == [
        {"lostWallet": lost.address, "newWallet": new.address, "balance": 3 * UNIT + 1}
    ]
    assert events(receipt, s.token, "AccruedRevenueMoved") == [
        {"from": lost.address, "to": new.address, "claimable": owed_lost}
    ]
    # The new wallet earns the lost wallet's share from now on; the totals did not move.
    s.distribute(3, 50 * USD)
    assert s.claimable(new) == owed_lost + 30 * USD
    s.chain.send(s.chain.tx(new, s.token, "claim"))
    assert s.claimable(lost) == 0
    assert refused(s, lost, "claim").error_name == "NothingToClaim"
    paid_out = s.balance(new)
    assert paid_out == owed_lost + 30 * USD
    assert s.balance(s.token.address) == held + 50 * USD - paid_out  # type: ignore[attr-defined]


def test_recovery_moves_the_identity_the_lock_up_and_the_frozen_tokens(setup: TokenSetup) -> None:
    s = ruled(setup)
    lost, new, buyer = wallet("rec2-lost"), wallet("rec2-new"), wallet("rec2-buyer")
    s.verify(lost, buyer, country=SG)
    s.mint(lost, 5 * UNIT)
    agent(s, "freezePartialTokens", lost.address, 2 * UNIT)
    lockup_end = read(s, "lockupEndOf", lost.address)
    registry = s.registry
    identity = s.chain.call(registry.functions.identityOf(lost.address))  # type: ignore[attr-defined]

    recover(s, lost, new)

    assert s.chain.call(registry.functions.identityOf(new.address)) == identity  # type: ignore[attr-defined]
    assert s.chain.call(registry.functions.isVerified(lost.address)) is False  # type: ignore[attr-defined]
    assert read(s, "lockupEndOf", new.address) == lockup_end
    assert read(s, "lockupEndOf", lost.address) == 0
    assert (read(s, "frozenTokens", new.address), read(s, "frozenTokens", lost.address)) == (
        2 * UNIT,
        0,
    )
    assert refused(s, new, "transfer", buyer.address, UNIT).error_name == "TokensLockedUp"
    s.chain.increase_time(LOCKUP)
    s.chain.send(s.chain.tx(new, s.token, "transfer", buyer.address, 3 * UNIT))
    assert refused(s, new, "transfer", buyer.address, 1).error_name == (
        "InsufficientUnfrozenBalance"
    )
    assert read(s, "holderCount") == 2


def test_recovery_needs_the_registrys_recovery_and_a_different_wallet(setup: TokenSetup) -> None:
    s = setup
    lost, new = wallet("rec3-lost"), wallet("rec3-new")
    s.verify(lost)
    s.mint(lost, UNIT)
    assert refused(s, s.agent, "recoverWallet", lost.address, new.address).error_name == (
        "RecoveryNotInRegistry"
    )
    assert refused(s, s.agent, "recoverWallet", lost.address, lost.address).error_name == (
        "InvalidRecoveryWallet"
    )
    assert bal(s, lost) == UNIT


def test_a_recovery_cannot_land_in_another_investors_wallet(setup: TokenSetup) -> None:
    s = ruled(setup)
    lost, new, other = wallet("rec6-lost"), wallet("rec6-new"), wallet("rec6-other")
    s.verify(lost, other)
    s.mint(lost, 2 * UNIT)
    agent(s, "freezePartialTokens", lost.address, UNIT)
    s.mint(other, UNIT)
    other_lockup = read(s, "lockupEndOf", other.address)
    s.chain.send(s.chain.tx(s.agent, s.registry, "recoverIdentity", lost.address, new.address))
    error = refused(s, s.agent, "recoverWallet", lost.address, other.address)
    assert error.error_name == "RecoveryNotInRegistry"
    assert (bal(s, other), read(s, "frozenTokens", other.address)) == (UNIT, 0)
    assert read(s, "lockupEndOf", other.address) == other_lockup


def test_a_recovery_is_all_or_nothing_after_maturity_and_with_an_expired_kyc(
    setup: TokenSetup,
) -> None:
    s = setup
    lost, new, other = wallet("rec7-lost"), wallet("rec7-new"), wallet("rec7-other")
    s.verify(lost, days=30)
    s.verify(other)
    s.mint(lost, UNIT)
    s.mint(other, UNIT)
    s.distribute(1, 8 * USD)
    owed = s.claimable(lost)
    s.chain.advance_to(s.maturity + 1)  # the term matured and the KYC expired long ago
    recover(s, lost, new)
    assert (bal(s, lost), bal(s, new)) == (0, UNIT)
    assert (s.claimable(lost), s.claimable(new)) == (0, owed)
    assert read(s, "holderCount") == 2


def test_a_recovery_emits_the_freeze_and_lock_up_events_of_what_it_moves(
    setup: TokenSetup,
) -> None:
    s = ruled(setup)
    lost, new = wallet("rec8-lost"), wallet("rec8-new")
    s.verify(lost)
    s.mint(lost, 4 * UNIT)
    agent(s, "freezePartialTokens", lost.address, 3 * UNIT)
    end = read(s, "lockupEndOf", lost.address)
    receipt = recover(s, lost, new)
    assert events(receipt, s.token, "TokensUnfrozen") == [
        {"holder": lost.address, "amount": 3 * UNIT}
    ]
    assert events(receipt, s.token, "TokensFrozen") == [{"holder": new.address, "amount": 3 * UNIT}]
    assert events(receipt, s.token, "LockupStarted") == [
        {"holder": lost.address, "lockupEnd": 0},
        {"holder": new.address, "lockupEnd": end},
    ]


def test_recovery_works_while_paused_and_after_maturity(setup: TokenSetup) -> None:
    s = setup
    lost, new = wallet("rec4-lost"), wallet("rec4-new")
    s.verify(lost)
    s.mint(lost, UNIT)
    s.distribute(1, 9 * USD)
    agent(s, "pause")
    s.chain.advance_to(s.maturity + 1)
    owed = s.claimable(lost)
    recover(s, lost, new)
    assert (bal(s, new), s.claimable(new), s.claimable(lost)) == (UNIT, owed, 0)


def test_a_frozen_lost_wallet_is_recovered_and_stays_frozen_itself(setup: TokenSetup) -> None:
    s = setup
    lost, new, other = wallet("rec5-lost"), wallet("rec5-new"), wallet("rec5-other")
    s.verify(lost, other)
    s.mint(lost, UNIT)
    agent(s, "setWalletFrozen", lost.address, True)  # the key is reported lost: freeze first
    recover(s, lost, new)
    assert read(s, "isWalletFrozen", lost.address) is True
    assert read(s, "isWalletFrozen", new.address) is False
    s.chain.send(s.chain.tx(new, s.token, "transfer", other.address, UNIT))
    assert bal(s, other) == UNIT


# --------------------------------------------------------------------------- KYC mid-term


def test_a_holder_whose_kyc_expires_mid_term_keeps_earning_and_can_sell_but_not_buy(
    setup: TokenSetup,
) -> None:
    s = ruled(setup)
    short, other = wallet("kyc-mid-short"), wallet("kyc-mid-other")
    s.verify(short, days=LOCKUP // SECONDS_PER_DAY + 30)
    s.verify(other)
    s.mint(short, UNIT)
    s.mint(other, UNIT)
    s.chain.increase_time(LOCKUP + 31 * SECONDS_PER_DAY)  # the lock-up and the KYC both ended
    s.distribute(1, 20 * USD)
    owed = s.claimable(short)
    assert 10 * USD - 1 <= owed <= 10 * USD
    refusal = refused(s, other, "transfer", short.address, UNIT)
    assert refusal.error_name == "ReceiverNotVerified"
    s.chain.send(s.chain.tx(short, s.token, "transfer", other.address, UNIT // 2))
    s.chain.send(s.chain.tx(short, s.token, "claim"))
    assert s.balance(short) == owed
    expiry = s.chain.timestamp() + 365 * SECONDS_PER_DAY
    s.chain.send(s.chain.tx(s.agent, s.registry, "batchRenewKyc", [short.address], expiry))
    s.chain.send(s.chain.tx(other, s.token, "transfer", short.address, UNIT))
    assert bal(s, short) == UNIT // 2 + UNIT


def test_the_python_rule_ids_are_the_contracts(setup: TokenSetup) -> None:
    for rule in compliance.RULE_NAMES:
        name = next(
            n for n in dir(compliance) if n.startswith("RULE_") and getattr(compliance, n) == rule
        )
        assert read(setup, name) == rule


def test_the_reconciliation_follows_a_wallet_recovery(
    chain: Chain, xiaoping: DealSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    deal = deploy_deal(chain, xiaoping)
    lost, new, other = wallet("rec-rc-lost"), wallet("rec-rc-new"), wallet("rec-rc-other")
    agent_, servicer = deal.roles.agent, deal.roles.servicer
    expiry = chain.timestamp() + 3650 * SECONDS_PER_DAY
    chain.send(
        chain.tx(
            agent_, deal.registry, "batchRegisterInvestors",
            [lost.address, other.address], [SG, SG], [1, 1], [expiry, expiry],
        )
    )  # fmt: skip
    chain.fund([lost.address, new.address, other.address], 10**18)
    chain.send(chain.tx(agent_, deal.token, "mint", lost.address, 3 * UNIT + 1))
    chain.send(chain.tx(agent_, deal.token, "mint", other.address, UNIT))
    chain.send(chain.tx(deal.roles.admin, deal.stablecoin, "mint", servicer.address, 10**12))
    chain.send(chain.tx(servicer, deal.stablecoin, "approve", deal.token.address, 10**12))
    chain.send(chain.tx(servicer, deal.token, "distribute", 1, 100 * USD + 7, b"\x01" * 32))
    chain.send(chain.tx(agent_, deal.registry, "recoverIdentity", lost.address, new.address))
    chain.send(chain.tx(agent_, deal.token, "recoverWallet", lost.address, new.address))
    chain.send(chain.tx(servicer, deal.token, "distribute", 2, 50 * USD + 3, b"\x02" * 32))
    rec = reconcile(chain, deal)
    assert rec.mismatches == 0, rec.problems
