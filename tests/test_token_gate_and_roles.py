"""Who may do what (every privileged function against a stranger and the right role), and the
token gate: only verified investors receive, a pause stops transfers and mints, maturity ends
transfers for good, and revenue claims keep working through all of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from tests.conftest import HK, SG, UNIT, USD, TokenSetup, wallet
from tokenizer.deploy.plan import ADMIN_DELAY_SECONDS as ADMIN_DELAY
from tokenizer.errors import TransactionReverted
from tokenizer.units import AGENT_ROLE, SECONDS_PER_DAY

REPORT = b"\x22" * 32


def read(contract: Any, fn: str, s: TokenSetup, *args: Any) -> Any:
    return s.chain.call(getattr(contract.functions, fn)(*args))


def token_balance(s: TokenSetup, who: LocalAccount | str) -> int:
    address = who if isinstance(who, str) else who.address
    return int(read(s.token, "balanceOf", s, address))


def refusal(s: TokenSetup, sender: LocalAccount, contract: Any, fn: str, *args: Any) -> Any:
    """The `TransactionReverted` raised by sending `contract.fn(*args)` from `sender`."""
    with pytest.raises(TransactionReverted) as info:
        s.chain.send(s.chain.tx(sender, contract, fn, *args))
    return info.value


# --------------------------------------------------------------------------- roles


@dataclass
class World:
    """The deal of `setup` plus what the privileged calls need to succeed."""

    s: TokenSetup
    holder: LocalAccount  # verified, holds tokens
    registered: LocalAccount  # verified, holds nothing
    newcomer: LocalAccount  # not registered anywhere
    other_registry: Any
    offering: Any
    sale_end: int


@pytest.fixture()
def world(setup: TokenSetup) -> World:
    s, c = setup, setup.chain
    holder, registered, newcomer = (
        wallet("roles-holder"),
        wallet("roles-registered"),
        wallet("roles-new"),
    )
    s.verify(holder, registered)
    s.mint(holder, 10 * UNIT)
    s.chain.fund([newcomer.address], 10**18)
    other = c.deploy("IdentityRegistry", [s.admin.address, ADMIN_DELAY], s.admin)
    now = c.timestamp()
    sale_end = now + 2 * SECONDS_PER_DAY
    terms = (USD, now + 1, sale_end, 0, 1_000 * USD, USD, 1_000 * USD)
    offering = c.deploy(
        "PrimaryOffering",
        [
            terms,
            s.admin.address,
            s.token.address,
            s.stablecoin.address,
            s.admin.address,
            ADMIN_DELAY,
        ],
        s.admin,
    )
    c.send(c.tx(s.admin, s.stablecoin, "mint", s.servicer.address, 100 * USD))
    c.send(c.tx(s.servicer, s.stablecoin, "approve", s.token.address, 100 * USD))
    return World(
        s=s,
        holder=holder,
        registered=registered,
        newcomer=newcomer,
        other_registry=c.contract("IdentityRegistry", other.contract_address or ""),
        offering=c.contract("PrimaryOffering", offering.contract_address or ""),
        sale_end=sale_end,
    )


def _pause(w: World) -> None:
    w.s.chain.send(w.s.chain.tx(w.s.agent, w.s.token, "pause"))


def _recover_identity(w: World) -> None:
    """The registry's half of a recovery, which the token's half follows."""
    c = w.s.chain
    c.send(c.tx(w.s.agent, w.s.registry, "recoverIdentity", w.holder.address, w.newcomer.address))


def _far_expiry(w: World) -> int:
    return w.s.chain.timestamp() + 9_999 * SECONDS_PER_DAY


def _enable_countries(w: World) -> None:
    w.s.chain.send(w.s.chain.tx(w.s.admin, w.s.token, "enableRule", 0))


def _freeze_five(w: World) -> None:
    w.s.chain.send(w.s.chain.tx(w.s.agent, w.s.token, "freezePartialTokens", w.holder.address, 5))


@dataclass(frozen=True)
class Case:
    """A privileged call: target, function, arguments, the role that may call it, and a read
    whose value the call changes (the evidence that the right role's call took effect)."""

    target: str  # "token" | "registry" | "stablecoin" | "offering"
    fn: str
    args: Callable[[World], tuple[Any, ...]]
    role: str  # "admin" | "agent" | "servicer"
    effect: Callable[[World], Any]
    error: str = "AccessControlUnauthorizedAccount"
    prepare: Callable[[World], None] | None = None


def _contract(w: World, target: str) -> Any:
    return w.offering if target == "offering" else getattr(w.s, target)


CASES: dict[str, Case] = {
    "token.mint": Case(
        "token", "mint", lambda w: (w.holder.address, 5), "agent",
        lambda w: token_balance(w.s, w.holder),
    ),
    "token.burn": Case(
        "token", "burn", lambda w: (w.holder.address, 5), "agent",
        lambda w: token_balance(w.s, w.holder),
    ),
    "token.pause": Case(
        "token", "pause", lambda w: (), "agent", lambda w: read(w.s.token, "paused", w.s)
    ),
    "token.unpause": Case(
        "token", "unpause", lambda w: (), "agent", lambda w: read(w.s.token, "paused", w.s),
        prepare=_pause,
    ),
    "token.distribute": Case(
        "token", "distribute", lambda w: (1, 100 * USD, REPORT), "servicer",
        lambda w: read(w.s.token, "lastPeriodId", w.s),
    ),
    "token.setIdentityRegistry": Case(
        "token", "setIdentityRegistry", lambda w: (w.other_registry.address,), "admin",
        lambda w: read(w.s.token, "identityRegistry", w.s),
    ),
    "token.grantRole": Case(
        "token", "grantRole", lambda w: (AGENT_ROLE, w.newcomer.address), "admin",
        lambda w: read(w.s.token, "hasRole", w.s, AGENT_ROLE, w.newcomer.address),
    ),
    "token.enableRule": Case(
        "token", "enableRule", lambda w: (0,), "admin",
        lambda w: read(w.s.token, "enabledRules", w.s),
    ),
    "token.disableRule": Case(
        "token", "disableRule", lambda w: (0,), "admin",
        lambda w: read(w.s.token, "enabledRules", w.s), prepare=_enable_countries,
    ),
    "token.setCountriesAllowed": Case(
        "token", "setCountriesAllowed", lambda w: ([SG], True), "admin",
        lambda w: read(w.s.token, "countryRules", w.s, SG),
    ),
    "token.setCountriesBlocked": Case(
        "token", "setCountriesBlocked", lambda w: ([SG], True), "admin",
        lambda w: read(w.s.token, "countryRules", w.s, SG),
    ),
    "token.setMinimumInvestorClass": Case(
        "token", "setMinimumInvestorClass", lambda w: ([SG], 2), "admin",
        lambda w: read(w.s.token, "countryRules", w.s, SG),
    ),
    "token.setMaxHolders": Case(
        "token", "setMaxHolders", lambda w: (5,), "admin",
        lambda w: read(w.s.token, "maxHolders", w.s),
    ),
    "token.setMaxBalance": Case(
        "token", "setMaxBalance", lambda w: (UNIT,), "admin",
        lambda w: read(w.s.token, "maxBalance", w.s),
    ),
    "token.setLockupPeriod": Case(
        "token", "setLockupPeriod", lambda w: (60,), "admin",
        lambda w: read(w.s.token, "lockupPeriod", w.s),
    ),
    "token.setWalletFrozen": Case(
        "token", "setWalletFrozen", lambda w: (w.holder.address, True), "agent",
        lambda w: read(w.s.token, "isWalletFrozen", w.s, w.holder.address),
    ),
    "token.batchSetWalletFrozen": Case(
        "token", "batchSetWalletFrozen", lambda w: ([w.holder.address], [True]), "agent",
        lambda w: read(w.s.token, "isWalletFrozen", w.s, w.holder.address),
    ),
    "token.freezePartialTokens": Case(
        "token", "freezePartialTokens", lambda w: (w.holder.address, 5), "agent",
        lambda w: read(w.s.token, "frozenTokens", w.s, w.holder.address),
    ),
    "token.unfreezePartialTokens": Case(
        "token", "unfreezePartialTokens", lambda w: (w.holder.address, 5), "agent",
        lambda w: read(w.s.token, "frozenTokens", w.s, w.holder.address), prepare=_freeze_five,
    ),
    "token.batchFreezePartialTokens": Case(
        "token", "batchFreezePartialTokens", lambda w: ([w.holder.address], [5]), "agent",
        lambda w: read(w.s.token, "frozenTokens", w.s, w.holder.address),
    ),
    "token.batchUnfreezePartialTokens": Case(
        "token", "batchUnfreezePartialTokens", lambda w: ([w.holder.address], [5]), "agent",
        lambda w: read(w.s.token, "frozenTokens", w.s, w.holder.address), prepare=_freeze_five,
    ),
    "token.forcedTransfer": Case(
        "token", "forcedTransfer", lambda w: (w.holder.address, w.registered.address, 5), "agent",
        lambda w: token_balance(w.s, w.holder),
    ),
    "token.batchForcedTransfer": Case(
        "token", "batchForcedTransfer",
        lambda w: ([w.holder.address], [w.registered.address], [5]), "agent",
        lambda w: token_balance(w.s, w.holder),
    ),
    "token.recoverWallet": Case(
        "token", "recoverWallet", lambda w: (w.holder.address, w.newcomer.address), "agent",
        lambda w: token_balance(w.s, w.holder), prepare=_recover_identity,
    ),
    "registry.registerInvestor": Case(
        "registry", "registerInvestor",
        lambda w: (w.newcomer.address, SG, 2, _far_expiry(w)), "agent",
        lambda w: read(w.s.registry, "isVerified", w.s, w.newcomer.address),
    ),
    "registry.batchRegisterInvestors": Case(
        "registry", "batchRegisterInvestors",
        lambda w: ([w.newcomer.address], [SG], [2], [_far_expiry(w)]), "agent",
        lambda w: read(w.s.registry, "investorCount", w.s),
    ),
    "registry.updateInvestor": Case(
        "registry", "updateInvestor",
        lambda w: (w.registered.address, SG, 3, _far_expiry(w)), "agent",
        lambda w: read(w.s.registry, "identityOf", w.s, w.registered.address),
    ),
    "registry.removeInvestor": Case(
        "registry", "removeInvestor", lambda w: (w.registered.address,), "agent",
        lambda w: read(w.s.registry, "isVerified", w.s, w.registered.address),
    ),
    "registry.batchUpdateInvestors": Case(
        "registry", "batchUpdateInvestors",
        lambda w: ([w.registered.address], [SG], [3], [_far_expiry(w)]), "agent",
        lambda w: read(w.s.registry, "identityOf", w.s, w.registered.address),
    ),
    "registry.batchRemoveInvestors": Case(
        "registry", "batchRemoveInvestors", lambda w: ([w.registered.address],), "agent",
        lambda w: read(w.s.registry, "isVerified", w.s, w.registered.address),
    ),
    "registry.recoverIdentity": Case(
        "registry", "recoverIdentity", lambda w: (w.registered.address, w.newcomer.address),
        "agent", lambda w: read(w.s.registry, "isVerified", w.s, w.newcomer.address),
    ),
    "registry.batchRenewKyc": Case(
        "registry", "batchRenewKyc", lambda w: ([w.registered.address], _far_expiry(w)), "agent",
        lambda w: read(w.s.registry, "identityOf", w.s, w.registered.address),
    ),
    "stablecoin.mint": Case(
        "stablecoin", "mint", lambda w: (w.newcomer.address, 7 * USD), "admin",
        lambda w: w.s.balance(w.newcomer), error="OwnableUnauthorizedAccount",
    ),
    "stablecoin.batchMint": Case(
        "stablecoin", "batchMint", lambda w: ([w.newcomer.address], [7 * USD]), "admin",
        lambda w: w.s.balance(w.newcomer), error="OwnableUnauthorizedAccount",
    ),
    # `finalize` is open to anyone once the window has ended (test_primary_offering).
    "token.setTransfersHeld": Case(
        "token", "setTransfersHeld", lambda w: (True,), "agent",
        lambda w: read(w.s.token, "transfersHeld", w.s),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_privileged_function_refuses_a_stranger(world: World, name: str) -> None:
    case = CASES[name]
    if case.prepare:
        case.prepare(world)
    s = world.s
    contract = _contract(world, case.target)
    before = case.effect(world)
    error = refusal(s, s.stranger, contract, case.fn, *case.args(world))
    assert error.error_name == case.error
    assert f"account={s.stranger.address}" in error.user_message
    assert case.effect(world) == before


@pytest.mark.parametrize("name", list(CASES))
def test_privileged_function_succeeds_for_the_right_role(world: World, name: str) -> None:
    case = CASES[name]
    if case.prepare:
        case.prepare(world)
    s = world.s
    contract = _contract(world, case.target)
    before = case.effect(world)
    s.chain.send(s.chain.tx(getattr(s, case.role), contract, case.fn, *case.args(world)))
    assert case.effect(world) != before


def test_agent_role_is_not_enough_to_distribute_or_replace_the_registry(world: World) -> None:
    s = world.s
    distribute = refusal(s, s.agent, s.token, "distribute", 1, 100 * USD, REPORT)
    replace = refusal(s, s.agent, s.token, "setIdentityRegistry", world.other_registry.address)
    assert distribute.error_name == replace.error_name == "AccessControlUnauthorizedAccount"


# --------------------------------------------------------------------------- the gate


def test_minting_to_an_unverified_wallet_is_refused_with_a_readable_message(
    setup: TokenSetup,
) -> None:
    outsider = wallet("gate-outsider")
    error = refusal(setup, setup.agent, setup.token, "mint", outsider.address, UNIT)
    assert error.error_name == "ReceiverNotVerified"
    assert "not a verified investor" in error.user_message
    assert outsider.address in error.user_message
    assert token_balance(setup, outsider) == 0


@pytest.mark.parametrize("how", ["transfer", "transferFrom"])
def test_transferring_to_an_unverified_wallet_is_refused_with_a_readable_message(
    setup: TokenSetup, how: str
) -> None:
    holder, outsider = wallet("gate-holder"), wallet("gate-outsider")
    setup.verify(holder)
    setup.mint(holder, 3 * UNIT)
    c = setup.chain
    if how == "transfer":
        error = refusal(setup, holder, setup.token, "transfer", outsider.address, UNIT)
    else:
        c.send(c.tx(holder, setup.token, "approve", setup.stranger.address, UNIT))
        error = refusal(
            setup,
            setup.stranger,
            setup.token,
            "transferFrom",
            holder.address,
            outsider.address,
            UNIT,
        )
    assert error.error_name == "ReceiverNotVerified"
    assert "not a verified investor" in error.user_message
    assert token_balance(setup, holder) == 3 * UNIT


def test_transfer_between_verified_investors_goes_through(setup: TokenSetup) -> None:
    a, b = wallet("gate-a"), wallet("gate-b")
    setup.verify(a, b)
    setup.mint(a, 3 * UNIT)
    setup.chain.send(setup.chain.tx(a, setup.token, "transfer", b.address, UNIT))
    assert (token_balance(setup, a), token_balance(setup, b)) == (2 * UNIT, UNIT)


def test_wallet_whose_kyc_expired_cannot_receive_tokens(setup: TokenSetup) -> None:
    holder, short = wallet("kyc-holder"), wallet("kyc-short")
    setup.verify(holder)
    setup.verify(short, days=30)
    setup.mint(holder, 5 * UNIT)
    setup.mint(short, UNIT)  # valid KYC: it can receive

    setup.chain.increase_time(31 * SECONDS_PER_DAY)

    assert read(setup.registry, "isVerified", setup, short.address) is False
    transfer = refusal(setup, holder, setup.token, "transfer", short.address, UNIT)
    mint = refusal(setup, setup.agent, setup.token, "mint", short.address, UNIT)
    assert transfer.error_name == mint.error_name == "ReceiverNotVerified"
    assert token_balance(setup, short) == UNIT


def test_renewing_an_expired_kyc_lets_the_wallet_receive_again(setup: TokenSetup) -> None:
    short = wallet("kyc-renew")
    setup.verify(short, days=30)
    setup.chain.increase_time(31 * SECONDS_PER_DAY)
    assert refusal(setup, setup.agent, setup.token, "mint", short.address, UNIT).error_name == (
        "ReceiverNotVerified"
    )
    expiry = setup.chain.timestamp() + 365 * SECONDS_PER_DAY
    setup.chain.send(
        setup.chain.tx(setup.agent, setup.registry, "batchRenewKyc", [short.address], expiry)
    )
    setup.mint(short, UNIT)
    assert token_balance(setup, short) == UNIT


def test_removed_investor_cannot_receive_tokens(setup: TokenSetup) -> None:
    holder, leaver = wallet("remove-holder"), wallet("remove-leaver")
    setup.verify(holder, leaver)
    setup.mint(holder, 2 * UNIT)
    setup.chain.send(setup.chain.tx(setup.agent, setup.registry, "removeInvestor", leaver.address))
    error = refusal(setup, holder, setup.token, "transfer", leaver.address, UNIT)
    assert error.error_name == "ReceiverNotVerified"


def test_paused_token_refuses_transfers(setup: TokenSetup) -> None:
    a, b = wallet("pause-a"), wallet("pause-b")
    setup.verify(a, b)
    setup.mint(a, 2 * UNIT)
    setup.chain.send(setup.chain.tx(setup.agent, setup.token, "pause"))
    error = refusal(setup, a, setup.token, "transfer", b.address, UNIT)
    assert error.error_name == "EnforcedPause"
    assert "paused" in error.user_message
    assert token_balance(setup, a) == 2 * UNIT


def test_paused_token_refuses_mints(setup: TokenSetup) -> None:
    a = wallet("pause-mint")
    setup.verify(a)
    setup.chain.send(setup.chain.tx(setup.agent, setup.token, "pause"))
    error = refusal(setup, setup.agent, setup.token, "mint", a.address, UNIT)
    assert error.error_name == "EnforcedPause"
    assert read(setup.token, "totalSupply", setup) == 0


def test_unpausing_restores_transfers(setup: TokenSetup) -> None:
    a, b = wallet("unpause-a"), wallet("unpause-b")
    setup.verify(a, b)
    setup.mint(a, 2 * UNIT)
    c = setup.chain
    c.send(c.tx(setup.agent, setup.token, "pause"))
    c.send(c.tx(setup.agent, setup.token, "unpause"))
    c.send(c.tx(a, setup.token, "transfer", b.address, UNIT))
    assert token_balance(setup, b) == UNIT


def test_revenue_is_distributed_and_claimed_while_paused(setup: TokenSetup) -> None:
    a, b = wallet("pause-claim-a"), wallet("pause-claim-b")
    setup.verify(a, b)
    setup.mint(a, UNIT)
    setup.mint(b, 2 * UNIT + 1)
    setup.distribute(1, 30 * USD + 1)
    setup.chain.send(setup.chain.tx(setup.agent, setup.token, "pause"))
    setup.distribute(2, 60 * USD + 7)
    owed_a, owed_b = setup.claimable(a), setup.claimable(b)
    assert owed_a > 0 and owed_b > 0
    setup.chain.send(setup.chain.tx(a, setup.token, "claim"))
    setup.chain.send(setup.chain.tx(setup.stranger, setup.token, "claimFor", [b.address]))
    assert (setup.balance(a), setup.balance(b)) == (owed_a, owed_b)
    assert read(setup.token, "paused", setup) is True


def test_agent_can_burn_while_paused(setup: TokenSetup) -> None:
    a = wallet("pause-burn")
    setup.verify(a)
    setup.mint(a, 2 * UNIT)
    setup.chain.send(setup.chain.tx(setup.agent, setup.token, "pause"))
    setup.chain.send(setup.chain.tx(setup.agent, setup.token, "burn", a.address, UNIT))
    assert token_balance(setup, a) == UNIT


def test_term_matures_exactly_at_the_maturity_time(setup: TokenSetup) -> None:
    setup.chain.advance_to(setup.maturity - 1)
    assert read(setup.token, "isMatured", setup) is False
    setup.chain.advance_to(setup.maturity)
    assert read(setup.token, "isMatured", setup) is True


def test_transfers_and_mints_revert_after_maturity(setup: TokenSetup) -> None:
    a, b = wallet("mature-a"), wallet("mature-b")
    setup.verify(a, b)
    setup.mint(a, 2 * UNIT)
    setup.chain.advance_to(setup.maturity + 1)
    transfer = refusal(setup, a, setup.token, "transfer", b.address, UNIT)
    mint = refusal(setup, setup.agent, setup.token, "mint", b.address, UNIT)
    assert transfer.error_name == mint.error_name == "TermMatured"
    assert "term has ended" in transfer.user_message
    assert (token_balance(setup, a), token_balance(setup, b)) == (2 * UNIT, 0)


def test_final_distribution_and_claims_work_after_maturity(setup: TokenSetup) -> None:
    a, b = wallet("final-a"), wallet("final-b")
    setup.verify(a, b)
    setup.mint(a, 3 * UNIT)
    setup.mint(b, UNIT + 1)
    setup.distribute(1, 100 * USD + 3)
    setup.chain.advance_to(setup.maturity + 1)
    final = 250 * USD + 1
    setup.distribute(2, final)
    assert read(setup.token, "lastPeriodId", setup) == 2
    owed_a, owed_b = setup.claimable(a), setup.claimable(b)
    setup.chain.send(setup.chain.tx(a, setup.token, "claim"))
    setup.chain.send(setup.chain.tx(b, setup.token, "claim"))
    assert (setup.balance(a), setup.balance(b)) == (owed_a, owed_b)
    supply = 4 * UNIT + 1
    total = 100 * USD + 3 + final
    # Balances never changed, so each share is within one unit of the one-shot pro rata split.
    assert total * 3 * UNIT // supply - 1 <= owed_a <= total * 3 * UNIT // supply
    assert total * (UNIT + 1) // supply - 1 <= owed_b <= total * (UNIT + 1) // supply


def test_agent_can_burn_after_maturity(setup: TokenSetup) -> None:
    a = wallet("mature-burn")
    setup.verify(a, country=HK)
    setup.mint(a, 2 * UNIT)
    setup.chain.advance_to(setup.maturity + 1)
    setup.chain.send(setup.chain.tx(setup.agent, setup.token, "burn", a.address, 2 * UNIT))
    assert read(setup.token, "totalSupply", setup) == 0


# --------------------------------------------------------------------------- admin handover

DEFAULT_ADMIN_ROLE = b"\x00" * 32


def _admin_contracts(w: World) -> dict[str, Any]:
    return {"token": w.s.token, "registry": w.s.registry, "offering": w.offering}


@pytest.mark.parametrize("target", ["token", "registry", "offering"])
def test_the_only_admin_cannot_revoke_or_renounce_itself_in_one_call(
    world: World, target: str
) -> None:
    s, contract = world.s, _admin_contracts(world)[target]
    revoked = refusal(s, s.admin, contract, "revokeRole", DEFAULT_ADMIN_ROLE, s.admin.address)
    assert revoked.error_name == "AccessControlEnforcedDefaultAdminRules"
    renounced = refusal(s, s.admin, contract, "renounceRole", DEFAULT_ADMIN_ROLE, s.admin.address)
    assert renounced.error_name == "AccessControlEnforcedDefaultAdminDelay"
    granted = refusal(s, s.admin, contract, "grantRole", DEFAULT_ADMIN_ROLE, s.agent.address)
    assert granted.error_name == "AccessControlEnforcedDefaultAdminRules"
    assert read(contract, "hasRole", s, DEFAULT_ADMIN_ROLE, s.admin.address)
    assert read(contract, "defaultAdmin", s) == s.admin.address


@pytest.mark.parametrize("target", ["token", "registry", "offering"])
def test_the_admin_role_moves_in_two_steps_only_after_the_delay(world: World, target: str) -> None:
    s, c, contract = world.s, world.s.chain, _admin_contracts(world)[target]
    successor = wallet("admin-successor")
    c.fund([successor.address], 10**18)
    assert read(contract, "defaultAdminDelay", s) == ADMIN_DELAY
    c.send(c.tx(s.admin, contract, "beginDefaultAdminTransfer", successor.address))
    early = refusal(s, successor, contract, "acceptDefaultAdminTransfer")
    assert early.error_name == "AccessControlEnforcedDefaultAdminDelay"
    assert refusal(s, s.stranger, contract, "acceptDefaultAdminTransfer").error_name == (
        "AccessControlInvalidDefaultAdmin"
    )
    c.increase_time(ADMIN_DELAY + 1)
    c.send(c.tx(successor, contract, "acceptDefaultAdminTransfer"))
    assert read(contract, "defaultAdmin", s) == successor.address
    assert not read(contract, "hasRole", s, DEFAULT_ADMIN_ROLE, s.admin.address)


def test_the_admin_can_cancel_a_handover_before_it_is_accepted(world: World) -> None:
    s, c = world.s, world.s.chain
    successor = wallet("admin-successor")
    c.fund([successor.address], 10**18)
    c.send(c.tx(s.admin, s.token, "beginDefaultAdminTransfer", successor.address))
    c.send(c.tx(s.admin, s.token, "cancelDefaultAdminTransfer"))
    c.increase_time(ADMIN_DELAY + 1)
    late = refusal(s, successor, s.token, "acceptDefaultAdminTransfer")
    assert late.error_name == "AccessControlInvalidDefaultAdmin"
    assert read(s.token, "defaultAdmin", s) == s.admin.address


def test_the_deal_plan_gives_every_admin_contract_the_handover_delay(xiaoping: Any) -> None:
    from tokenizer.deploy import deal_plan
    from tokenizer.deploy.plan import RoleHolders

    holders = RoleHolders("0x" + "1" * 40, "0x" + "2" * 40, "0x" + "3" * 40, "0x" + "4" * 40)
    plan = deal_plan(xiaoping, holders)
    steps = {c.key: c for c in plan.contracts}
    for key in ("registry", "token", "offering"):
        assert steps[key].args[-1] == ADMIN_DELAY, key
