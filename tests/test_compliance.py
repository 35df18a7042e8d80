"""The compliance rules, one by one: each allowed and refused, through `canTransfer` and through a
real transfer (which must agree), each refusal a custom error named after its rule with a
readable message, each rule switched off again by the admin; and the configuration events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from tests.conftest import CN, HK, SG, UNIT, US, TokenSetup, deploy_setup, events, wallet
from tokenizer.chain import Chain
from tokenizer.compliance.check import check_transfer, explain
from tokenizer.compliance.rules import (
    RULE_COUNTRIES,
    RULE_INVESTOR_CLASS,
    RULE_LOCKUP,
    RULE_MAX_BALANCE,
    RULE_MAX_HOLDERS,
)
from tokenizer.errors import TransactionReverted
from tokenizer.spec import ComplianceSpec
from tokenizer.units import SECONDS_PER_DAY

JP = 392  # neither allowed nor blocked by the default rules
RETAIL, PROFESSIONAL, ACCREDITED, INSTITUTIONAL = 0, 1, 2, 3
MAX_BALANCE = 500 * UNIT
LOCKUP_DAYS = 90


@dataclass
class World:
    """A token with every rule on; holders whose lock-ups ended, one fresh buyer still locked
    up, and wallets of every kind that hold nothing yet."""

    s: TokenSetup
    alice: LocalAccount  # HK, holds 100, lock-up over
    bob: LocalAccount  # SG, holds 100, lock-up over
    fresh: LocalAccount  # HK, bought 100 just now: locked up
    sg_new: LocalAccount  # SG, holds nothing
    us_accredited: LocalAccount
    us_institutional: LocalAccount
    us_retail: LocalAccount
    us_professional: LocalAccount
    cn: LocalAccount  # verified, but mainland China is blocked
    jp: LocalAccount  # verified, Japan is not on the allowed list
    unverified: LocalAccount
    expired: LocalAccount  # registered, KYC lapsed

    @property
    def chain(self) -> Chain:
        return self.s.chain


def build_world(chain: Chain) -> World:
    s = deploy_setup(chain)
    w = World(
        s,
        *(
            wallet(f"rules-{n}")
            for n in (
                "alice", "bob", "fresh", "sg-new", "us-acc", "us-inst", "us-retail", "us-pro",
                "cn", "jp", "unverified", "expired",
            )
        ),
    )  # fmt: skip
    s.verify(w.alice, w.fresh)
    s.verify(w.bob, w.sg_new, country=SG)
    s.verify(w.us_accredited, country=US, investor_class=ACCREDITED)
    s.verify(w.us_institutional, country=US, investor_class=INSTITUTIONAL)
    s.verify(w.us_retail, country=US, investor_class=RETAIL)
    s.verify(w.us_professional, country=US, investor_class=PROFESSIONAL)
    s.verify(w.cn, country=CN)
    s.verify(w.jp, country=JP)
    s.verify(w.expired, days=30)
    chain.fund([w.unverified.address], 10**18)
    s.apply_rules(ComplianceSpec(max_holders=10, max_balance=MAX_BALANCE, lockup_days=LOCKUP_DAYS))
    s.mint(w.alice, 100 * UNIT)
    s.mint(w.bob, 100 * UNIT)
    chain.increase_time((LOCKUP_DAYS + 1) * SECONDS_PER_DAY)
    s.mint(w.fresh, 100 * UNIT)
    return w


@pytest.fixture(scope="module")
def base(session_chain: Chain) -> Iterator[World]:
    outer = session_chain.snapshot()
    try:
        yield build_world(session_chain)
    finally:
        session_chain.revert_to(outer)


@pytest.fixture()
def w(base: World, chain: Chain) -> World:
    """The module's world, reverted after each test (the `chain` fixture's snapshot)."""
    return base


def send(w: World, sender: LocalAccount, fn: str, *args: Any) -> Any:
    return w.chain.send(w.chain.tx(sender, w.s.token, fn, *args))


def admin(w: World, fn: str, *args: Any) -> Any:
    return send(w, w.s.admin, fn, *args)


def agent(w: World, fn: str, *args: Any) -> Any:
    return send(w, w.s.agent, fn, *args)


def read(w: World, fn: str, *args: Any) -> Any:
    return w.chain.call(getattr(w.s.token.functions, fn)(*args))  # type: ignore[attr-defined]


def balance(w: World, who: LocalAccount) -> int:
    return int(read(w, "balanceOf", who.address))


# --------------------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Case:
    """A transfer of `amount` from `sender` to `receiver` after `prepare`: refused with
    `error` (by `rule`), or allowed (`error` None)."""

    sender: str
    receiver: str
    amount: int
    error: str | None
    rule: str | None = None
    prepare: Callable[[World], None] | None = None


def _limit_holders_to_current(w: World) -> None:
    admin(w, "setMaxHolders", read(w, "holderCount"))


def _freeze_wallet(who: str) -> Callable[[World], None]:
    return lambda w: agent(w, "setWalletFrozen", getattr(w, who).address, True)


def _pause(w: World) -> None:
    agent(w, "pause")


def _mature(w: World) -> None:
    w.chain.advance_to(w.s.maturity)


def _expire_kyc(w: World) -> None:
    w.chain.increase_time(31 * SECONDS_PER_DAY)


def _disable(rule: int) -> Callable[[World], None]:
    return lambda w: admin(w, "disableRule", rule)


def _then(*steps: Callable[[World], None]) -> Callable[[World], None]:
    def run(w: World) -> None:
        for step in steps:
            step(w)

    return run


CASES: dict[str, Case] = {
    # identity
    "verified receiver in an allowed country": Case("alice", "sg_new", UNIT, None),
    "unregistered receiver": Case("alice", "unverified", UNIT, "ReceiverNotVerified", "identity"),
    "receiver whose KYC expired": Case(
        "alice", "expired", UNIT, "ReceiverNotVerified", "identity", _expire_kyc
    ),
    # countries
    "receiver from a blocked country": Case("alice", "cn", UNIT, "CountryBlocked", "countries"),
    "blocked country, rule off": Case("alice", "cn", UNIT, None, None, _disable(RULE_COUNTRIES)),
    "receiver from a country not allowed": Case(
        "alice", "jp", UNIT, "CountryNotAllowed", "countries"
    ),
    "country not allowed, rule off": Case(
        "alice", "jp", UNIT, None, None, _disable(RULE_COUNTRIES)
    ),
    # investor class
    "US accredited receiver": Case("alice", "us_accredited", UNIT, None),
    "US institutional receiver": Case("alice", "us_institutional", UNIT, None),
    "US retail receiver": Case("alice", "us_retail", UNIT, "InvestorClassTooLow", "investor class"),
    "US professional receiver": Case(
        "alice", "us_professional", UNIT, "InvestorClassTooLow", "investor class"
    ),
    "US retail receiver, rule off": Case(
        "alice", "us_retail", UNIT, None, None, _disable(RULE_INVESTOR_CLASS)
    ),
    # max balance
    "receiver reaching the max balance exactly": Case("alice", "bob", 0, None),  # see below
    "receiver over the max balance": Case("alice", "bob", 0, "MaxBalanceExceeded", "max balance"),
    "over the max balance, rule off": Case(
        "alice", "bob", 0, None, None, _disable(RULE_MAX_BALANCE)
    ),
    # max holders
    "new holder when the token is full": Case(
        "alice", "sg_new", UNIT, "MaxHoldersReached", "max holders", _limit_holders_to_current
    ),
    "existing holder receiving when the token is full": Case(
        "alice", "bob", UNIT, None, None, _limit_holders_to_current
    ),
    "holder handing its whole position to a newcomer when full": Case(
        "alice", "sg_new", 100 * UNIT, None, None, _limit_holders_to_current
    ),
    "new holder when full, rule off": Case(
        "alice",
        "sg_new",
        UNIT,
        None,
        None,
        _then(_limit_holders_to_current, _disable(RULE_MAX_HOLDERS)),
    ),
    # lock-up
    "buyer selling within the lock-up": Case("fresh", "bob", UNIT, "TokensLockedUp", "lock-up"),
    "buyer selling after the lock-up": Case(
        "fresh",
        "bob",
        UNIT,
        None,
        None,
        lambda w: w.chain.increase_time(LOCKUP_DAYS * SECONDS_PER_DAY),
    ),
    "buyer selling within the lock-up, rule off": Case(
        "fresh", "bob", UNIT, None, None, _disable(RULE_LOCKUP)
    ),
    # freezes, pause, maturity, balance
    "frozen sender": Case("alice", "bob", UNIT, "WalletFrozen", "freeze", _freeze_wallet("alice")),
    "frozen receiver": Case("alice", "bob", UNIT, "WalletFrozen", "freeze", _freeze_wallet("bob")),
    "paused token": Case("alice", "bob", UNIT, "EnforcedPause", "pause", _pause),
    "matured term": Case("alice", "bob", UNIT, "TermMatured", "maturity", _mature),
    "more than the sender holds": Case(
        "alice", "bob", 101 * UNIT, "ERC20InsufficientBalance", "balance"
    ),
}

# The max-balance cases move what takes bob (100) exactly to, or one unit over, the maximum;
# alice gets that much first (the agent mints it to her: her lock-up is restarted, so the
# lock-up rule is switched off for them).
_TO_MAX = MAX_BALANCE - 100 * UNIT


def _max_balance_prepare(extra: int, off: bool) -> Callable[[World], None]:
    def prepare(w: World) -> None:
        admin(w, "disableRule", RULE_LOCKUP)
        w.s.mint(w.alice, _TO_MAX + extra - 100 * UNIT)  # she holds 100 already
        if off:
            admin(w, "disableRule", RULE_MAX_BALANCE)

    return prepare


CASES["receiver reaching the max balance exactly"] = Case(
    "alice", "bob", _TO_MAX, None, None, _max_balance_prepare(0, False)
)
CASES["receiver over the max balance"] = Case(
    "alice", "bob", _TO_MAX + 1, "MaxBalanceExceeded", "max balance", _max_balance_prepare(1, False)
)
CASES["over the max balance, rule off"] = Case(
    "alice", "bob", _TO_MAX + 1, None, None, _max_balance_prepare(1, True)
)


@pytest.mark.parametrize("name", list(CASES))
def test_can_transfer_and_the_transfer_itself_agree_for_every_rule(w: World, name: str) -> None:
    case = CASES[name]
    if case.prepare:
        case.prepare(w)
    sender, receiver = getattr(w, case.sender), getattr(w, case.receiver)
    verdict = check_transfer(w.chain, w.s.token, sender.address, receiver.address, case.amount)
    before = (balance(w, sender), balance(w, receiver))
    if case.error is None:
        assert verdict.allowed, verdict.message
        send(w, sender, "transfer", receiver.address, case.amount)
        assert (balance(w, sender), balance(w, receiver)) == (
            before[0] - case.amount,
            before[1] + case.amount,
        )
        return
    assert not verdict.allowed
    assert (verdict.error, verdict.rule) == (case.error, case.rule)
    assert verdict.message.startswith(f"refused by the {case.rule} rule: ")
    with pytest.raises(TransactionReverted) as refused:
        send(w, sender, "transfer", receiver.address, case.amount)
    assert refused.value.error_name == case.error
    assert (balance(w, sender), balance(w, receiver)) == before


def test_can_transfer_returns_the_selector_and_the_revert_data_of_the_refusal(w: World) -> None:
    allowed, selector, reason = read(w, "canTransfer", w.alice.address, w.cn.address, UNIT)
    assert allowed is False
    assert selector == bytes(reason)[:4]
    verdict = explain(w.s.token, bytes(reason))
    assert verdict.args == {"wallet": w.cn.address, "country": CN}
    assert "CN (156)" in verdict.message
    ok = read(w, "canTransfer", w.alice.address, w.bob.address, UNIT)
    assert ok[0] is True and ok[1] == b"\x00" * 4 and ok[2] == b""


def test_can_transfer_from_the_zero_address_answers_for_a_mint(w: World) -> None:
    assert check_transfer(w.chain, w.s.token, "0x" + "00" * 20, w.sg_new.address, UNIT).allowed
    refused = check_transfer(w.chain, w.s.token, "0x" + "00" * 20, w.us_retail.address, UNIT)
    assert refused.error == "InvestorClassTooLow"


def test_a_mint_is_refused_by_the_receivers_rules_like_a_transfer(w: World) -> None:
    for who, error in (
        (w.cn, "CountryBlocked"),
        (w.jp, "CountryNotAllowed"),
        (w.us_retail, "InvestorClassTooLow"),
    ):
        with pytest.raises(TransactionReverted) as refused:
            w.s.mint(who, UNIT)
        assert refused.value.error_name == error
    with pytest.raises(TransactionReverted) as too_much:
        w.s.mint(w.bob, MAX_BALANCE)
    assert too_much.value.error_name == "MaxBalanceExceeded"


def test_refusal_messages_name_the_rule_and_show_the_values(w: World) -> None:
    locked = check_transfer(w.chain, w.s.token, w.fresh.address, w.bob.address, UNIT)
    assert "lock-up" in locked.message and "locked up until 20" in locked.message
    retail = check_transfer(w.chain, w.s.token, w.alice.address, w.us_retail.address, UNIT)
    assert "retail investor from US (840), minimum accredited" in retail.message
    with pytest.raises(TransactionReverted) as refused:
        send(w, w.alice, "transfer", w.us_retail.address, UNIT)
    assert "below the minimum for its country" in refused.value.user_message


# --------------------------------------------------------------------------- counting holders


def test_the_holder_count_follows_mints_transfers_and_burns(w: World) -> None:
    assert read(w, "holderCount") == 3
    send(w, w.alice, "transfer", w.sg_new.address, UNIT)
    assert read(w, "holderCount") == 4
    send(w, w.alice, "transfer", w.bob.address, 99 * UNIT)  # alice leaves
    assert read(w, "holderCount") == 3
    send(w, w.bob, "transfer", w.bob.address, UNIT)  # to itself: no change
    assert read(w, "holderCount") == 3
    agent(w, "burn", w.sg_new.address, UNIT)
    assert read(w, "holderCount") == 2


def test_a_lower_max_holders_never_forces_anyone_out(w: World) -> None:
    admin(w, "setMaxHolders", 1)
    send(w, w.alice, "transfer", w.bob.address, UNIT)  # existing holders still trade
    assert read(w, "holderCount") == 3


# --------------------------------------------------------------------------- configuration


def test_every_configuration_change_emits_its_event(w: World) -> None:
    token = w.s.token
    cases: list[tuple[str, tuple[Any, ...], str, dict[str, Any]]] = [
        (
            "setCountriesAllowed",
            ([JP], True),
            "CountryAllowedSet",
            {"country": JP, "allowed": True},
        ),
        (
            "setCountriesBlocked",
            ([JP], True),
            "CountryBlockedSet",
            {"country": JP, "blocked": True},
        ),
        (
            "setMinimumInvestorClass",
            ([HK], PROFESSIONAL),
            "MinimumInvestorClassSet",
            {"country": HK, "minimumClass": PROFESSIONAL},
        ),
        ("setMaxHolders", (7,), "MaxHoldersSet", {"maxHolders": 7}),
        ("setMaxBalance", (3 * UNIT,), "MaxBalanceSet", {"maxBalance": 3 * UNIT}),
        ("setLockupPeriod", (60,), "LockupPeriodSet", {"lockupPeriod": 60}),
        ("disableRule", (RULE_LOCKUP,), "ComplianceRuleDisabled", {"rule": RULE_LOCKUP}),
        ("enableRule", (RULE_LOCKUP,), "ComplianceRuleEnabled", {"rule": RULE_LOCKUP}),
    ]
    for fn, args, event, fields in cases:
        receipt = admin(w, fn, *args)
        assert events(receipt, token, event) == [fields], fn


def test_rules_are_switched_on_and_off_and_unknown_rules_are_refused(w: World) -> None:
    assert read(w, "enabledRules") == 0b11111
    admin(w, "disableRule", RULE_MAX_HOLDERS)
    assert read(w, "isRuleEnabled", RULE_MAX_HOLDERS) is False
    assert read(w, "enabledRules") == 0b11011
    for fn in ("enableRule", "disableRule"):
        with pytest.raises(TransactionReverted) as refused:
            admin(w, fn, 5)
        assert refused.value.error_name == "UnknownComplianceRule"


def test_the_rules_read_back_as_configured(w: World) -> None:
    assert tuple(read(w, "countryRules", CN)) == (False, True, 0)
    assert tuple(read(w, "countryRules", US)) == (True, False, ACCREDITED)
    assert tuple(read(w, "countryRules", HK)) == (True, False, 0)
    assert read(w, "maxBalance") == MAX_BALANCE
    assert read(w, "maxHolders") == 10
    assert read(w, "lockupPeriod") == LOCKUP_DAYS * SECONDS_PER_DAY
    assert read(w, "lockupEndOf", w.fresh.address) > w.chain.timestamp()


def test_a_minimum_class_above_institutional_is_refused(w: World) -> None:
    with pytest.raises(TransactionReverted) as refused:
        admin(w, "setMinimumInvestorClass", [US], 4)
    assert refused.value.error_name == "InvalidMinimumClass"


def test_a_block_wins_over_an_allow(w: World) -> None:
    admin(w, "setCountriesAllowed", [CN], True)
    assert check_transfer(w.chain, w.s.token, w.alice.address, w.cn.address, UNIT).error == (
        "CountryBlocked"
    )
    admin(w, "setCountriesBlocked", [CN], False)
    assert check_transfer(w.chain, w.s.token, w.alice.address, w.cn.address, UNIT).allowed


def test_each_purchase_restarts_the_lock_up_and_emits_it(w: World) -> None:
    end_before = read(w, "lockupEndOf", w.alice.address)
    receipt = w.chain.send(w.chain.tx(w.s.agent, w.s.token, "mint", w.alice.address, UNIT))
    started = events(receipt, w.s.token, "LockupStarted")
    assert len(started) == 1 and started[0]["lockupEnd"] > end_before
    assert read(w, "lockupEndOf", w.alice.address) == started[0]["lockupEnd"]


def test_a_lock_up_enabled_later_covers_earlier_buyers(chain: Chain) -> None:
    s = deploy_setup(chain)
    buyer, other = wallet("late-lockup-buyer"), wallet("late-lockup-other")
    s.verify(buyer, other)
    chain.send(chain.tx(s.admin, s.token, "setLockupPeriod", 30 * SECONDS_PER_DAY))
    s.mint(buyer, UNIT)
    chain.send(chain.tx(buyer, s.token, "transfer", other.address, 1))  # rule still off
    chain.send(chain.tx(s.admin, s.token, "enableRule", RULE_LOCKUP))
    with pytest.raises(TransactionReverted) as refused:
        chain.send(chain.tx(buyer, s.token, "transfer", other.address, 1))
    assert refused.value.error_name == "TokensLockedUp"


def test_a_new_token_has_every_rule_off(setup: TokenSetup) -> None:
    assert setup.chain.call(setup.token.functions.enabledRules()) == 0  # type: ignore[attr-defined]
