"""The Waterfall contract on Anvil against the exact mirror: every payment, to the unit.

Three tranches (a straight-line senior, a bullet mezzanine, the junior), two fees, a reserve, a
guarantor that pre-approved the waterfall, and a DSCR trigger; random collection paths (zero
periods, droughts that exhaust the guarantee, trigger switching and curing) are deposited
period by period and every tranche distribution, fee, guarantor draw and repayment, reserve
balance and tranche state is compared with :func:`tokenizer.finance.waterfall.run`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import deploy_setup, events, wallet
from tests.test_waterfall_mirror import NORMAL, TERMS, UNIT, paths_strategy
from tokenizer.access import ANYONE, TABLE
from tokenizer.chain import Chain
from tokenizer.compliance.refusals import REFUSALS
from tokenizer.deploy.plan import ADMIN_DELAY_SECONDS
from tokenizer.errors import TransactionReverted
from tokenizer.finance.waterfall import ACCELERATE_SENIOR, TRAP_CASH, Terms, run
from tokenizer.units import AGENT_ROLE, SERVICER_ROLE

REPORT = b"\x22" * 32
SOURCES = {0: "collections", 1: "reserve", 2: "guarantor"}
STEPS = dict(
    enumerate(
        ["fee", "interest", "principal", "reserve_fill", "guarantor_repayment", "residual", "trap"]
    )
)


@dataclass
class Deployed:
    chain: Chain
    admin: LocalAccount
    servicer: LocalAccount
    guarantor: LocalAccount
    fee_recipients: list[Any]
    stablecoin: Any
    waterfall: Any
    tokens: list[Any]


def deploy(chain: Chain, terms: Terms, holders: int = 3) -> Deployed:
    s = deploy_setup(chain)
    admin, servicer = s.admin, s.servicer
    stablecoin: Any = s.stablecoin
    registry: Any = s.registry
    guarantor, fee_a, fee_b = chain.accounts[4], chain.accounts[5], chain.accounts[6]
    tokens = []
    sizes = [t.principal for t in terms.tranches] + [400_000 * UNIT]
    for i, size in enumerate(sizes):
        receipt = chain.deploy(
            "TrancheToken",
            [
                f"Tranche {i}",
                f"TR{i}",
                admin.address,
                stablecoin.address,
                registry.address,
                s.maturity,
                size * 10**12,
                10_000,  # the last revenue period: far beyond these tests' paths
                ADMIN_DELAY_SECONDS,
                i,
            ],
            admin,
        )
        tokens.append(chain.contract("TrancheToken", receipt.contract_address or ""))
    investors = [wallet(f"tranche-holder-{n}") for n in range(holders)]
    s.verify(*investors)
    for i, token in enumerate(tokens):
        chain.send(chain.tx(admin, token, "grantRole", AGENT_ROLE, s.agent.address))
        for n, investor in enumerate(investors):
            share = sizes[i] * 10**12 // holders
            amount = sizes[i] * 10**12 - share * (holders - 1) if n == 0 else share
            chain.send(chain.tx(s.agent, token, "mint", investor.address, amount))
    k = terms.rated
    receipt = chain.deploy(
        "Waterfall",
        [
            admin.address,
            stablecoin.address,
            terms.periods,
            terms.periods_per_year,
            [t.address for t in tokens],
            [t.principal for t in terms.tranches],
            [t.coupon_bps for t in terms.tranches],
            [t.kind for t in terms.tranches],
            [t.accrues for t in terms.tranches],
        ],
        admin,
    )
    waterfall = chain.contract("Waterfall", receipt.contract_address or "")
    for token in tokens:
        chain.send(chain.tx(admin, token, "grantRole", SERVICER_ROLE, waterfall.address))
    chain.send(chain.tx(admin, waterfall, "grantRole", SERVICER_ROLE, servicer.address))
    recipients = [fee_a.address, fee_b.address]
    for f in range(len(terms.fee_bps)):
        chain.send(
            chain.tx(
                admin, waterfall, "addFee", recipients[f], terms.fee_bps[f], terms.fee_fixed[f]
            )
        )
    chain.send(
        chain.tx(
            admin, waterfall, "setReserveTarget", terms.reserve_target_bps, terms.reserve_target
        )
    )
    for g in range(len(terms.guarantor_covers)):
        chain.send(
            chain.tx(
                admin,
                waterfall,
                "addGuarantor",
                guarantor.address,
                terms.guarantor_covers[g],
                terms.guarantor_per_period[g],
                terms.guarantor_total[g],
                terms.guarantor_repaid[g],
            )
        )
        chain.send(chain.tx(admin, stablecoin, "mint", guarantor.address, terms.guarantor_total[g]))
        chain.send(chain.tx(guarantor, stablecoin, "approve", waterfall.address, 2**256 - 1))
    for j in range(len(terms.trigger_below_bps)):
        chain.send(
            chain.tx(
                admin,
                waterfall,
                "addTrigger",
                terms.trigger_below_bps[j],
                terms.trigger_periods[j],
                terms.trigger_cure[j],
                terms.trigger_action[j],
            )
        )
    if terms.reserve_initial:
        chain.send(chain.tx(admin, stablecoin, "mint", admin.address, terms.reserve_initial))
        chain.send(chain.tx(admin, stablecoin, "approve", waterfall.address, terms.reserve_initial))
        chain.send(chain.tx(admin, waterfall, "fundReserve", terms.reserve_initial))
    chain.send(chain.tx(servicer, stablecoin, "approve", waterfall.address, 2**256 - 1))
    assert k == len(tokens) - 1
    return Deployed(chain, admin, servicer, guarantor, recipients, stablecoin, waterfall, tokens)


def check_path(d: Deployed, terms: Terms, path: list[int]) -> list[int]:
    """Deposits ``path`` and compares every period with the mirror; returns each period's gas."""
    c, w = d.chain, d.waterfall
    c.send(c.tx(d.admin, d.stablecoin, "mint", d.servicer.address, sum(path) + 1))
    mirror = run(terms, path)
    gas = []
    for t, (amount, p) in enumerate(zip(path, mirror.periods, strict=True), start=1):
        receipt = c.send(c.tx(d.servicer, w, "deposit", t, amount, REPORT))
        gas.append(receipt.gas_used)
        paid = [
            sum(e["amount"] for e in events(receipt, token, "RevenueDistributed"))
            for token in d.tokens
        ]
        assert paid == p.tranche_paid, f"period {t}"
        chain_payments = sorted(
            (STEPS[e["step"]], e["to"], SOURCES[e["source"]], e["amount"])
            for e in events(receipt, w, "Paid")
        )
        mirror_payments = sorted((x.step, x.to, x.source, x.amount) for x in p.payments)
        assert chain_payments == mirror_payments, f"period {t}"
        assert c.call(w.functions.reserveBalance()) == p.reserve
        for i in range(terms.rated):
            assert list(c.call(w.functions.trancheState(i))) == [
                p.outstanding[i],
                p.interest_owed[i],
            ]
        for g in range(len(terms.guarantor_covers)):
            facility = c.call(w.functions.guarantor(g))
            assert facility[-1] == p.guarantor_owed[g]
        for j in range(len(terms.trigger_below_bps)):
            assert c.call(w.functions.trigger(j))[-1] == p.triggers_on[j]
    return gas


@pytest.fixture(scope="module")
def deployed(session_chain: Chain) -> Any:
    snapshot = session_chain.snapshot()
    try:
        yield deploy(session_chain, TERMS)
    finally:
        session_chain.revert_to(snapshot)


def test_the_gas_of_a_period_is_flat_in_holders_and_within_the_goal(deployed: Deployed) -> None:
    """Three tranches with a reserve, a guarantor and two fees: the same path costs the same gas
    with 3 holders per tranche as with 25 (each tranche's distribution is O(1)), and a steady
    period (the median after the first) costs at most the goal of issue 12: 60,000 gas per
    tranche paid + 60,000 = 240,000."""
    c = deployed.chain
    # A drought draws the reserve and the guarantor, recovery repays it, the last period
    # redeems the bullet and releases the reserve.
    path = [0, 0, NORMAL * 2] + [NORMAL] * 20 + [NORMAL * 3]
    snapshot = c.snapshot()
    try:
        few = check_path(deployed, TERMS, path)
    finally:
        c.revert_to(snapshot)
    snapshot = c.snapshot()
    try:
        many = check_path(deploy(c, TERMS, holders=25), TERMS, path)
    finally:
        c.revert_to(snapshot)
    assert few == many
    steady = int(statistics.median(few[1:]))
    print(f"waterfall period gas: first {few[0]:,}, steady {steady:,}, max {max(few[1:]):,}")
    assert steady <= 60_000 * (TERMS.rated + 1) + 60_000, f"steady period {steady:,} gas"


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(paths_strategy(24), st.sampled_from([TRAP_CASH, ACCELERATE_SENIOR]))
def test_random_paths_pay_on_chain_what_the_mirror_pays_to_the_unit(
    deployed: Deployed, path: list[int], action: int
) -> None:
    c = deployed.chain
    terms = TERMS
    snapshot = c.snapshot()
    try:
        if action != TRAP_CASH:
            terms = replace(TERMS, trigger_action=(action,))
            d = deploy(c, terms)
        else:
            d = deployed
        check_path(d, terms, path)
    finally:
        c.revert_to(snapshot)


def test_periods_are_deposited_in_order_and_terms_lock_after_the_first(
    deployed: Deployed,
) -> None:
    c, w, d = deployed.chain, deployed.waterfall, deployed
    snapshot = c.snapshot()
    try:
        c.send(c.tx(d.admin, d.stablecoin, "mint", d.servicer.address, NORMAL))
        with pytest.raises(TransactionReverted, match="WaterfallPeriodOutOfSequence"):
            c.send(c.tx(d.servicer, w, "deposit", 2, NORMAL, REPORT))
        c.send(c.tx(d.servicer, w, "deposit", 1, NORMAL, REPORT))
        with pytest.raises(TransactionReverted, match="WaterfallTermsLocked"):
            c.send(c.tx(d.admin, w, "addTrigger", 10_000, 1, 1, 0))
        with pytest.raises(TransactionReverted, match="AccessControlUnauthorizedAccount"):
            c.send(c.tx(d.admin, w, "deposit", 2, 0, REPORT))
    finally:
        c.revert_to(snapshot)


def test_every_state_changing_function_of_the_waterfall_is_in_the_roles_table(
    session_chain: Chain,
) -> None:
    listed = {(e.contract, e.function) for e in TABLE}
    for item in session_chain.artifacts.get("Waterfall").abi:
        if item.get("type") != "function" or item["stateMutability"] in ("view", "pure"):
            continue
        signature = f"{item['name']}({','.join(i['type'] for i in item['inputs'])})"
        assert ("Waterfall", signature) in listed, f"Waterfall.{signature} is not in access.py"


def test_every_custom_error_of_the_waterfall_reads_in_plain_words(session_chain: Chain) -> None:
    for item in session_chain.artifacts.get("Waterfall").abi:
        if item.get("type") == "error" and "Waterfall" in item["name"]:  # its own errors
            assert item["name"] in REFUSALS, item["name"]


def test_only_the_listed_callers_pass_the_waterfall_guards(deployed: Deployed) -> None:
    c, w = deployed.chain, deployed.waterfall
    stranger = c.accounts[7]
    for entry in (e for e in TABLE if e.contract == "Waterfall" and e.callers != (ANYONE,)):
        name = entry.function.split("(")[0]
        args: dict[str, list[Any]] = {
            "deposit": [1, 0, REPORT],
            "setSchedule": [0, [10_000]],
            "addFee": [stranger.address, 1, 0],
            "addGuarantor": [stranger.address, 0, 1, 1, False],
            "addTrigger": [10_000, 1, 1, 0],
            "setReserveTarget": [0, 0],
            "fundReserve": [0],
            "grantRole": [AGENT_ROLE, stranger.address],
            "revokeRole": [AGENT_ROLE, stranger.address],
            "beginDefaultAdminTransfer": [stranger.address],
            "cancelDefaultAdminTransfer": [],
            "changeDefaultAdminDelay": [1],
            "rollbackDefaultAdminDelay": [],
        }
        with pytest.raises(TransactionReverted, match="AccessControlUnauthorizedAccount"):
            c.send(c.tx(stranger, w, name, *args[name]))


def test_the_first_period_waits_until_every_tranche_is_placed_in_full(
    deployed: Deployed,
) -> None:
    """A structure half placed does not start: the first deposit is refused, naming the tranche
    and how much of it is placed; once the rest is placed (here the originator keeps the junior's
    remainder, as originators often do) the waterfall pays what the mirror pays, to the unit."""
    c, w, d = deployed.chain, deployed.waterfall, deployed
    holder = wallet("tranche-holder-0").address
    short = 1_000 * UNIT * 10**12  # a thousand whole tokens not placed
    snapshot = c.snapshot()
    try:
        c.send(c.tx(d.admin, d.stablecoin, "mint", d.servicer.address, NORMAL))
        for i in (0, len(d.tokens) - 1):
            token = d.tokens[i]
            c.send(c.tx(d.admin, token, "grantRole", AGENT_ROLE, d.admin.address))
            c.send(c.tx(d.admin, token, "burn", holder, short))
            cap = c.call(token.functions.supplyCap())
            with pytest.raises(TransactionReverted, match="WaterfallStructureNotPlaced") as err:
                c.send(c.tx(d.servicer, w, "deposit", 1, NORMAL, REPORT))
            assert "every tranche is placed in full" in str(err.value)
            assert f"tranche {i} has {cap - short} of its {cap}" in str(err.value)
            assert c.call(w.functions.currentPeriod()) == 0
            c.send(c.tx(d.admin, token, "mint", holder, short))
        check_path(d, TERMS, [NORMAL] * TERMS.periods)
    finally:
        c.revert_to(snapshot)
