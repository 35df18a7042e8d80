"""Stateful property test: random sequences of mints, transfers, burns, distributions, claims and
clock moves against the real token on Anvil, checked after every step against the chain itself
and against an exact Python integer model of the contract's accounting.

Invariants (after every step):

* revenue is conserved to the unit: what holders were paid (their stablecoin balances) plus what
  they can claim plus the dust equals `totalDistributed`; the dust is the sum of the fractions
  each holder's claim was floored by plus the carried remainder, exactly, so
  `0 <= dust < number of wallets that ever held`; the token holds exactly `claimable + dust`;
* a frozen wallet's revenue is held: its own claim is refused (`RevenueHeld`) and `claimFor`
  skips it, while it keeps accruing;
* a holder's claimable amount never falls, except by their own claim (a burn, a transfer, a
  freeze or someone else's claim leave past revenue in place; a wallet recovery moves it);
* `totalSupply` equals the sum of the balances, and no unverified wallet ever holds tokens;
* every figure the token exposes (balances, claimable, accumulator, remainder, corrections,
  frozen tokens) equals the model's.

Every rule also predicts whether the transaction is refused, and by which rule; a refusal the
model does not expect (or a success it does not expect) fails the test. Each Hypothesis example
runs on the session's Anvil from one snapshot, reverted when the example ends.

The pause, freeze, forced-transfer and wallet-recovery rules run only if the token has those
functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

import pytest
from eth_account.signers.local import LocalAccount
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.conftest import SUPPLY_CAP, UNIT, USD, TokenSetup, events, wallet
from tokenizer.chain import Chain, Receipt, TxRequest
from tokenizer.errors import TransactionReverted

MAGNITUDE = 2**128
REPORT = b"\x22" * 32
MAX_UINT = 2**256 - 1
MAX_PER_SHARE = (2**255 - 1) // SUPPLY_CAP
VERIFIED = 5
UNVERIFIED = 2
MAX_EXAMPLES = 100
STEPS = 30

INSUFFICIENT = "ERC20InsufficientBalance"
NOT_VERIFIED = "ReceiverNotVerified"
WALLET_FROZEN = "WalletFrozen"
UNFROZEN_SHORT = "InsufficientUnfrozenBalance"
GLOBAL_READS = [
    "totalSupply",
    "totalDistributed",
    "lastPeriodId",
    "magnifiedRevenuePerShare",
    "magnifiedRemainder",
]

# Token amounts (18 decimals): awkward small ones, round ones, and anything up to a million tokens.
token_amounts = st.one_of(
    st.sampled_from([0, 1, 2, 3, 7, UNIT - 1, UNIT, UNIT + 1, 3 * UNIT + 7, 10**6 * UNIT]),
    st.integers(min_value=1, max_value=10**24),
)
# Revenue (6 decimals): zero, awkward amounts that never divide evenly, and up to 10 M.
revenue_amounts = st.one_of(
    st.sampled_from([0, 1, 2, 3, 7, 999_999, USD + 1, 1_000_003 * USD + 17]),
    st.integers(min_value=0, max_value=10**13),
)
# How much of a balance a transfer, burn or freeze takes.
portions = st.one_of(
    st.sampled_from(["zero", "all", "more"]).map(lambda kind: (kind, 0)),
    st.tuples(st.just("part"), st.integers(min_value=1, max_value=999)),
)


def portion_of(balance: int, portion: tuple[str, int]) -> int:
    kind, per_mille = portion
    if kind == "zero":
        return 0
    if kind == "all":
        return balance
    if kind == "more":
        return balance + 1 + balance // 3
    return balance * per_mille // 1000


@dataclass
class Model:
    """An exact integer mirror of the token: accumulator, carried remainder, per-holder
    corrections (claims folded in, as in the contract), balances and freezes."""

    verified: set[str]  # registered wallets (a recovery moves an identity)
    per_share: int = 0
    remainder: int = 0
    distributed: int = 0
    last_period: int = 0
    balances: dict[str, int] = field(default_factory=dict)
    corrections: dict[str, int] = field(default_factory=dict)
    claimed: dict[str, int] = field(default_factory=dict)
    frozen: dict[str, int] = field(default_factory=dict)
    wallet_frozen: set[str] = field(default_factory=set)
    ever_held: set[str] = field(default_factory=set)
    recovered_to: dict[str, str] = field(default_factory=dict)  # the registry's recoveries
    paused: bool = False

    # ----------------------------------------------------------------- views

    def balance(self, who: str) -> int:
        return self.balances.get(who, 0)

    def supply(self) -> int:
        return sum(self.balances.values())

    def magnified(self, who: str) -> int:
        return self.per_share * self.balance(who) + self.corrections.get(who, 0)

    def claimable(self, who: str) -> int:
        return self.magnified(who) // MAGNITUDE

    # ----------------------------------------------------------------- what would be refused

    def receiver_refusals(self, to: str) -> set[str]:
        refusals = set()
        if to not in self.verified:
            refusals.add(NOT_VERIFIED)
        if to in self.wallet_frozen:
            refusals.add(WALLET_FROZEN)
        return refusals

    def mint_refusals(self, to: str) -> set[str]:
        refusals = self.receiver_refusals(to)
        if self.paused:
            refusals.add("EnforcedPause")
        return refusals

    def transfer_refusals(self, sender: str, to: str, value: int) -> set[str]:
        refusals = self.mint_refusals(to)
        balance = self.balance(sender)
        if value > balance:
            refusals.add(INSUFFICIENT)
        elif value > balance - self.frozen.get(sender, 0):
            refusals.add(UNFROZEN_SHORT)
        if sender in self.wallet_frozen:
            refusals.add(WALLET_FROZEN)
        return refusals

    def forced_refusals(self, sender: str, to: str, value: int) -> set[str]:
        refusals = self.receiver_refusals(to)
        if value > self.balance(sender):
            refusals.add(INSUFFICIENT)
        return refusals

    # ----------------------------------------------------------------- effects

    def _move(self, who: str, value: int) -> None:
        """Change `who`'s balance by `value` (signed), keeping its earned revenue unchanged."""
        self.balances[who] = self.balance(who) + value
        self.corrections[who] = self.corrections.get(who, 0) - self.per_share * value
        if self.balances[who] > 0:
            self.ever_held.add(who)

    def _release(self, who: str, value: int) -> None:
        """The contract unfreezes what an agent takes beyond the holder's unfrozen tokens."""
        frozen = self.frozen.get(who, 0)
        unfrozen = self.balance(who) - frozen
        if frozen and value > unfrozen:
            self.frozen[who] = frozen - min(value - unfrozen, frozen)

    def mint(self, to: str, value: int) -> None:
        self._move(to, value)

    def transfer(self, sender: str, to: str, value: int) -> None:
        self._move(sender, -value)
        self._move(to, value)

    def forced_transfer(self, sender: str, to: str, value: int) -> None:
        self._release(sender, value)
        self.transfer(sender, to, value)

    def burn(self, holder: str, value: int) -> None:
        self._release(holder, value)
        self._move(holder, -value)

    def distribute(self, amount: int) -> tuple[int, int]:
        delta, self.remainder = divmod(amount * MAGNITUDE + self.remainder, self.supply())
        self.per_share += delta
        self.distributed += amount
        self.last_period += 1
        return delta, self.remainder

    def claim(self, holder: str) -> int:
        amount = self.claimable(holder)
        self.corrections[holder] = self.corrections.get(holder, 0) - amount * MAGNITUDE
        self.claimed[holder] = self.claimed.get(holder, 0) + amount
        return amount

    def recover(self, lost: str, new: str) -> None:
        moved = self.frozen.pop(lost, 0)
        if moved:
            self.frozen[new] = self.frozen.get(new, 0) + moved
        self.forced_transfer(lost, new, self.balance(lost))
        accrued = self.magnified(lost)
        self.corrections[lost] = self.corrections.get(lost, 0) - accrued
        self.corrections[new] = self.corrections.get(new, 0) + accrued
        if accrued:
            self.ever_held.add(new)


@dataclass
class ChainState:
    """What the token and the stablecoin say after a step, read in one JSON-RPC batch."""

    total_supply: int
    total_distributed: int
    last_period: int
    per_share: int
    remainder: int
    paused: bool
    token_stable: int
    balances: dict[str, int]
    claimable: dict[str, int]
    corrections: dict[str, int]
    paid: dict[str, int]  # each wallet's stablecoin: it gets stablecoin only from claims
    frozen: dict[str, int]
    wallet_frozen: dict[str, bool]


@dataclass
class Env:
    """The deployed token, its roles and the wallet pool, shared by every example of a run."""

    setup: TokenSetup
    pool: list[LocalAccount]
    verified: frozenset[str]
    has_freeze: bool
    has_forced: bool
    has_recovery: bool
    has_pause: bool
    sequences: int = 0
    steps: int = 0
    rules: dict[str, int] = field(default_factory=dict)

    @property
    def chain(self) -> Chain:
        return self.setup.chain

    def per_wallet(self) -> list[str]:
        names = ["balanceOf", "claimable", "magnifiedCorrectionOf"]
        return names + (["frozenTokens", "isWalletFrozen"] if self.has_freeze else [])

    @cached_property
    def reads(self) -> list[tuple[str, tuple[str, list[Any]]]]:
        """The `eth_call`s of one `read`, encoded once: (function, request)."""
        s, c = self.setup, self.setup.chain
        token, stable = s.token, s.stablecoin
        calls: list[tuple[Any, str, tuple[Any, ...]]] = [
            (token, fn, ()) for fn in [*GLOBAL_READS, *(["paused"] if self.has_pause else [])]
        ]
        calls.append((stable, "balanceOf", (token.address,)))  # type: ignore[attr-defined]
        for account in self.pool:
            calls += [(token, fn, (account.address,)) for fn in self.per_wallet()]
            calls.append((stable, "balanceOf", (account.address,)))
        return [
            (
                fn,
                (
                    "eth_call",
                    [{"to": contract.address, "data": c.data(contract, fn, *args)}, "latest"],
                ),
            )
            for contract, fn, args in calls
        ]

    def read(self) -> ChainState:
        replies = self.chain.rpc.batch([request for _, request in self.reads])
        values = []
        for (fn, _), reply in zip(self.reads, replies, strict=True):
            assert "error" not in reply, f"reading {fn} failed: {reply['error']}"
            raw = bytes.fromhex(reply["result"][2:])
            values.append(int.from_bytes(raw, "big", signed=fn == "magnifiedCorrectionOf"))
        rest = iter(values)
        head = {fn: next(rest) for fn in GLOBAL_READS}
        paused = bool(next(rest)) if self.has_pause else False
        token_stable = next(rest)
        wallets: dict[str, dict[str, int]] = {}
        for account in self.pool:
            wallets[account.address] = {fn: next(rest) for fn in [*self.per_wallet(), "paid"]}
        return ChainState(
            total_supply=head["totalSupply"],
            total_distributed=head["totalDistributed"],
            last_period=head["lastPeriodId"],
            per_share=head["magnifiedRevenuePerShare"],
            remainder=head["magnifiedRemainder"],
            paused=paused,
            token_stable=token_stable,
            balances={a: w["balanceOf"] for a, w in wallets.items()},
            claimable={a: w["claimable"] for a, w in wallets.items()},
            corrections={a: w["magnifiedCorrectionOf"] for a, w in wallets.items()},
            paid={a: w["paid"] for a, w in wallets.items()},
            frozen={a: w.get("frozenTokens", 0) for a, w in wallets.items()},
            wallet_frozen={a: bool(w.get("isWalletFrozen", 0)) for a, w in wallets.items()},
        )


wallet_indexes = st.integers(min_value=0, max_value=VERIFIED + UNVERIFIED - 1)


class RevenueShareMachine(RuleBasedStateMachine):
    """One example: a fresh snapshot of the deployed token, random steps, revert at the end."""

    env: ClassVar[Env]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot = self.env.chain.snapshot()
        self.model = Model(verified=set(self.env.verified))
        self.previous_claimable: dict[str, int] = {}
        self.may_fall: set[str] = set()  # wallets whose claimable may drop in this step
        self.state: ChainState | None = None
        self.env.sequences += 1

    def teardown(self) -> None:
        self.env.chain.revert_to(self.snapshot)

    # ----------------------------------------------------------------- helpers

    def address(self, index: int) -> str:
        return self.env.pool[index].address

    def account(self, index: int) -> LocalAccount:
        return self.env.pool[index]

    def expect(self, refusals: set[str], req: TxRequest) -> Receipt | None:
        """Send `req`; if the model expects a refusal, it must be refused by one of those rules
        (several may apply; which one the token names first is its business)."""
        if refusals:
            with pytest.raises(TransactionReverted) as info:
                self.env.chain.send(req)
            assert info.value.error_name in refusals, (
                f"{req.action}: expected one of {sorted(refusals)}, got {info.value.reason}"
            )
            return None
        return self.env.chain.send(req)

    def step(self, name: str) -> None:
        self.state = None
        self.env.steps += 1
        self.env.rules[name] = self.env.rules.get(name, 0) + 1

    def chain_state(self) -> ChainState:
        if self.state is None:
            self.state = self.env.read()
        return self.state

    def check_claims(self, receipt: Receipt, expected: list[tuple[str, int]]) -> None:
        paid = [
            (e["holder"].lower(), e["amount"])
            for e in events(receipt, self.env.setup.token, "RevenueClaimed")
        ]
        assert paid == [(h.lower(), a) for h, a in expected if a > 0]

    # ----------------------------------------------------------------- rules

    @initialize(
        holdings=st.lists(
            st.tuples(st.integers(min_value=0, max_value=VERIFIED - 1), token_amounts),
            max_size=VERIFIED,
        )
    )
    def start(self, holdings: list[tuple[int, int]]) -> None:
        """Most sequences start with a few holders, so that revenue has somewhere to go."""
        s = self.env.setup
        assert s.chain.call(s.token.functions.totalSupply()) == 0  # type: ignore[attr-defined]
        s.chain.send_many(
            [s.chain.tx(s.agent, s.token, "mint", self.address(i), v) for i, v in holdings]
        )
        for index, value in holdings:
            self.model.mint(self.address(index), value)

    @rule(to=wallet_indexes, amount=token_amounts)
    def mint(self, to: int, amount: int) -> None:
        self.step("mint")
        s, address = self.env.setup, self.address(to)
        refusals = self.model.mint_refusals(address)
        if self.expect(refusals, s.chain.tx(s.agent, s.token, "mint", address, amount)):
            self.model.mint(address, amount)

    @rule(sender=wallet_indexes, to=wallet_indexes, portion=portions)
    def transfer(self, sender: int, to: int, portion: tuple[str, int]) -> None:
        self.step("transfer")
        src, dst = self.address(sender), self.address(to)
        value = portion_of(self.model.balance(src), portion)
        refusals = self.model.transfer_refusals(src, dst, value)
        req = self.env.chain.tx(self.account(sender), self.env.setup.token, "transfer", dst, value)
        if self.expect(refusals, req):
            self.model.transfer(src, dst, value)

    @rule(holder=wallet_indexes, portion=portions)
    def burn(self, holder: int, portion: tuple[str, int]) -> None:
        self.step("burn")
        s, address = self.env.setup, self.address(holder)
        value = portion_of(self.model.balance(address), portion)
        refusals = {INSUFFICIENT} if value > self.model.balance(address) else set()
        if self.expect(refusals, s.chain.tx(s.agent, s.token, "burn", address, value)):
            self.model.burn(address, value)

    @rule(amount=revenue_amounts)
    def distribute(self, amount: int) -> None:
        self.step("distribute")
        s, period = self.env.setup, self.model.last_period + 1
        m = self.model
        refusals = {"NoHolders"} if m.supply() == 0 else set()
        if not refusals:
            delta = (amount * MAGNITUDE + m.remainder) // m.supply()
            if m.per_share + delta > MAX_PER_SHARE:  # perShare x cap must fit an int256
                refusals.add("DistributionTooLarge")
        receipt = self.expect(
            refusals, s.chain.tx(s.servicer, s.token, "distribute", period, amount, REPORT)
        )
        if receipt:
            delta, remainder = self.model.distribute(amount)
            (event,) = events(receipt, s.token, "RevenueDistributed")
            assert (event["periodId"], event["amount"]) == (period, amount)
            assert (event["magnifiedPerShareDelta"], event["magnifiedRemainder"]) == (
                delta,
                remainder,
            )

    @rule(offset=st.sampled_from([-1, 0, 2, 10**6]))
    def distribute_out_of_sequence(self, offset: int) -> None:
        self.step("distribute_out_of_sequence")
        s, period = self.env.setup, max(self.model.last_period + offset, 0)
        req = s.chain.tx(s.servicer, s.token, "distribute", period, USD, REPORT)
        self.expect({"PeriodOutOfSequence"}, req)

    @rule(holder=wallet_indexes)
    def claim(self, holder: int) -> None:
        self.step("claim")
        address = self.address(holder)
        owed = self.model.claimable(address)
        req = self.env.chain.tx(self.account(holder), self.env.setup.token, "claim")
        if address in self.model.wallet_frozen:
            refusals = {"RevenueHeld"}  # a frozen wallet's revenue is held, not paid
            self.env.rules["claim_held"] = self.env.rules.get("claim_held", 0) + 1
        else:
            refusals = set() if owed else {"NothingToClaim"}
        receipt = self.expect(refusals, req)
        if receipt:
            self.may_fall.add(address)
            self.check_claims(receipt, [(address, self.model.claim(address))])

    @rule(holders=st.lists(wallet_indexes, max_size=VERIFIED + UNVERIFIED + 1))
    def claim_for(self, holders: list[int]) -> None:
        self.step("claim_for")
        s = self.env.setup
        addresses = [self.address(h) for h in holders]
        receipt = s.chain.send(s.chain.tx(s.stranger, s.token, "claimFor", addresses))
        self.may_fall.update(addresses)
        paid = [(a, self.model.claim(a)) for a in addresses if a not in self.model.wallet_frozen]
        self.check_claims(receipt, paid)

    @rule(seconds=st.integers(min_value=1, max_value=2 * 86_400))
    def advance_time(self, seconds: int) -> None:
        self.step("advance_time")
        self.env.chain.increase_time(seconds)

    @precondition(lambda self: self.env.has_pause)
    @rule(pause=st.booleans())
    def pause_or_unpause(self, pause: bool) -> None:
        """While paused, mints and transfers are refused; burns, distributions, claims, forced
        transfers and recoveries go on."""
        self.step("pause_or_unpause")
        s, m = self.env.setup, self.model
        refusals = set()
        if pause and m.paused:
            refusals.add("EnforcedPause")
        if not pause and not m.paused:
            refusals.add("ExpectedPause")
        req = s.chain.tx(s.agent, s.token, "pause" if pause else "unpause")
        if self.expect(refusals, req):
            m.paused = pause

    # ----------------------------------------------------------------- agent rules, if present

    @precondition(lambda self: self.env.has_freeze)
    @rule(
        holder=wallet_indexes,
        action=st.sampled_from(["freeze wallet", "unfreeze wallet", "freeze", "unfreeze"]),
        portion=portions,
    )
    def freeze(self, holder: int, action: str, portion: tuple[str, int]) -> None:
        """An agent freezes or unfreezes a whole wallet, or part of a holder's tokens."""
        self.step("freeze")
        s, m, address = self.env.setup, self.model, self.address(holder)
        if action.endswith("wallet"):
            frozen = action == "freeze wallet"
            s.chain.send(s.chain.tx(s.agent, s.token, "setWalletFrozen", address, frozen))
            (m.wallet_frozen.add if frozen else m.wallet_frozen.discard)(address)
            return
        frozen_before = m.frozen.get(address, 0)
        if action == "freeze":
            amount = portion_of(m.balance(address) - frozen_before, portion)
            after = frozen_before + amount
            refusals = {"FreezeExceedsBalance"} if after > m.balance(address) else set()
            function = "freezePartialTokens"
        else:
            amount = portion_of(frozen_before, portion)
            after = frozen_before - amount
            refusals = {"UnfreezeExceedsFrozen"} if after < 0 else set()
            function = "unfreezePartialTokens"
        if self.expect(refusals, s.chain.tx(s.agent, s.token, function, address, amount)):
            m.frozen[address] = after

    @precondition(lambda self: self.env.has_forced)
    @rule(sender=wallet_indexes, to=wallet_indexes, portion=portions)
    def forced_transfer(self, sender: int, to: int, portion: tuple[str, int]) -> None:
        self.step("forced_transfer")
        s = self.env.setup
        src, dst = self.address(sender), self.address(to)
        value = portion_of(self.model.balance(src), portion)
        req = s.chain.tx(s.agent, s.token, "forcedTransfer", src, dst, value)
        if self.expect(self.model.forced_refusals(src, dst, value), req):
            self.model.forced_transfer(src, dst, value)

    @precondition(lambda self: self.env.has_recovery)
    @rule(lost=wallet_indexes, new=wallet_indexes, in_registry=st.booleans())
    def recover_wallet(self, lost: int, new: int, in_registry: bool) -> None:
        """A recovery: the registry moves the identity (when `in_registry` and it can: a
        registered lost wallet, a fresh new one), then the token moves the holding, only where
        the registry says the investor went and only into a wallet holding nothing; no other
        rule applies (pause, freezes, lock-up, the receiver's KYC)."""
        self.step("recover_wallet")
        s, m = self.env.setup, self.model
        old, fresh = self.address(lost), self.address(new)
        if in_registry and old != fresh and old in m.verified and fresh not in m.verified:
            s.chain.send(s.chain.tx(s.agent, s.registry, "recoverIdentity", old, fresh))
            m.verified.discard(old)
            m.verified.add(fresh)
            m.recovered_to[old] = fresh
        refusals = set()
        if old == fresh:
            refusals.add("InvalidRecoveryWallet")
        elif m.recovered_to.get(old) != fresh:
            refusals.add("RecoveryNotInRegistry")
        elif m.balance(fresh) != 0:
            refusals.add("InvalidRecoveryWallet")
        if self.expect(refusals, s.chain.tx(s.agent, s.token, "recoverWallet", old, fresh)):
            self.may_fall.add(old)  # its unclaimed revenue moves to the new wallet
            self.model.recover(old, fresh)
            self.env.rules["recovered"] = self.env.rules.get("recovered", 0) + 1
            if old in m.wallet_frozen:
                self.env.rules["recovered_frozen"] = self.env.rules.get("recovered_frozen", 0) + 1

    # ----------------------------------------------------------------- invariants

    @invariant()
    def revenue_is_conserved_to_the_unit(self) -> None:
        c = self.chain_state()
        paid = sum(c.paid.values())
        owed = sum(c.claimable.values())
        dust = c.total_distributed - paid - owed
        assert paid == sum(self.model.claimed.values())
        assert c.token_stable == owed + dust  # the token holds exactly what it still owes
        # The dust is exactly the floored fractions plus the carried remainder, in whole units.
        fractions = sum(
            (c.per_share * c.balances[a] + c.corrections[a]) % MAGNITUDE for a in c.balances
        )
        assert dust * MAGNITUDE == fractions + c.remainder
        # Each fraction is below one unit and the remainder below `supply / 2**128` units, so
        # the dust is at most one unit per wallet that ever held. It can reach it: one holder
        # of 3 token units and 1 unit distributed leave a fraction of 2**128 - 1 and a
        # remainder of 1, one whole unit of dust, carried into the next period.
        assert 0 <= dust <= len(self.model.ever_held)

    @invariant()
    def claimable_never_falls_except_by_the_holders_own_claim(self) -> None:
        c = self.chain_state()
        for address, now in c.claimable.items():
            before = self.previous_claimable.get(address, 0)
            if address not in self.may_fall:
                assert now >= before, f"{address} lost revenue: {before} -> {now}"
        self.previous_claimable = dict(c.claimable)
        self.may_fall = set()

    @invariant()
    def supply_is_the_sum_of_balances_and_only_verified_wallets_hold(self) -> None:
        c = self.chain_state()
        assert c.total_supply == sum(c.balances.values()) == self.model.supply()
        for address, balance in c.balances.items():
            if address not in self.model.verified:
                assert balance == 0, f"unverified {address} holds {balance}"

    @invariant()
    def the_token_agrees_with_the_exact_model(self) -> None:
        c, m = self.chain_state(), self.model
        assert (c.total_distributed, c.last_period) == (m.distributed, m.last_period)
        assert (c.per_share, c.remainder) == (m.per_share, m.remainder)
        for address in c.balances:
            assert c.balances[address] == m.balance(address)
            assert c.claimable[address] == m.claimable(address)
            assert c.corrections[address] == m.corrections.get(address, 0)
            assert c.frozen[address] == m.frozen.get(address, 0) <= c.balances[address]
            assert c.wallet_frozen[address] == (address in m.wallet_frozen)
        assert c.paused == m.paused


def has_function(contract: Any, name: str) -> bool:
    return any(i.get("type") == "function" and i["name"] == name for i in contract.abi)


def test_random_sequences_keep_revenue_conserved_and_the_token_equal_to_its_model(
    setup: TokenSetup, record_property: Any
) -> None:
    s, c = setup, setup.chain
    pool = [wallet(f"invariant-{n}") for n in range(VERIFIED + UNVERIFIED)]
    verified = pool[:VERIFIED]
    s.verify(*verified)
    c.fund([a.address for a in pool[VERIFIED:]], 10**18)
    c.send_many(
        [
            c.tx(s.admin, s.stablecoin, "mint", s.servicer.address, 10**30),
            c.tx(s.servicer, s.stablecoin, "approve", s.token.address, MAX_UINT),  # type: ignore[attr-defined]
        ]
    )
    env = Env(
        setup=s,
        pool=pool,
        verified=frozenset(a.address for a in verified),
        has_freeze=has_function(s.token, "freezePartialTokens"),
        has_forced=has_function(s.token, "forcedTransfer"),
        has_recovery=has_function(s.token, "recoverWallet"),
        has_pause=has_function(s.token, "pause"),
    )
    RevenueShareMachine.env = env
    run_state_machine_as_test(
        RevenueShareMachine,
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    summary = f"{env.sequences} sequences, {env.steps} steps; rules run: {env.rules}"
    print(f"\nstate machine: {summary}")
    record_property("state_machine", summary)
    assert env.sequences >= MAX_EXAMPLES
    assert env.rules.get("distribute", 0) > 0 and env.rules.get("claim_for", 0) > 0
