"""A deal's life on chain: an interrupted simulation resumes without paying a period twice, ends
where an uninterrupted run ends, and the reconciliation agrees with it (and catches a fault)."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from tokenizer import investors as inv
from tokenizer import revenue
from tokenizer.chain import Chain
from tokenizer.compliance.check import check_many
from tokenizer.compliance.refusals import REFUSALS
from tokenizer.deploy import Deal, Deployment, attach, deploy_deal, record_path
from tokenizer.distribution import Simulation, SimulationOptions
from tokenizer.errors import SpecError
from tokenizer.pipeline import RunSettings, run_deal
from tokenizer.reconcile import reconcile
from tokenizer.spec import DealSpec, load_spec
from tokenizer.units import SECONDS_PER_DAY

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "xiaoping_island.yaml"
PERIODS = 12
STOP = 5
INVESTORS = 25
MAGNITUDE = 2**128
ZERO = "0x" + "0" * 40
UNIT = 10**18


def topic(signature: str) -> str:
    return "0x" + keccak(text=signature).hex()


DISTRIBUTED = topic("RevenueDistributed(uint256,uint256,bytes32,uint256,uint256)")
TRANSFER = topic("Transfer(address,address,uint256)")
REGISTERED = topic("InvestorRegistered(address,uint16,uint8,uint64)")
PURCHASED = topic("TokensPurchased(address,uint256,uint256)")
OFFER_TAKEN = topic("OfferTaken(uint256,address,address,uint256,uint256)")
RULES = {kind.rule for kind in REFUSALS.values()}


def write_spec(folder: Path, **offering: str) -> Path:
    """The seed with a soft cap a small simulated population reaches (and other changes)."""
    data: dict[str, Any] = copy.deepcopy(yaml.safe_load(SEED.read_text()))
    data["offering"]["soft_cap"] = "1000000"
    data["offering"].update(offering)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def logs(chain: Chain, address: str, topic0: str, from_block: int = 0) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = chain.rpc.call(
        "eth_getLogs",
        [
            {
                "address": address,
                "fromBlock": hex(from_block),
                "toBlock": "latest",
                "topics": [topic0],
            }
        ],
    )
    return found


def distribution_fields(log: dict[str, Any]) -> tuple[Any, ...]:
    """(amount, report hash, magnified per-share delta, magnified remainder) of a distribution."""
    types = ["uint256", "bytes32", "uint256", "uint256"]
    return tuple(abi_decode(types, bytes.fromhex(log["data"][2:])))


def block_of(log: dict[str, Any]) -> int:
    return int(log["blockNumber"], 16)


def address_topic(value: str) -> str:
    return str(to_checksum_address("0x" + value[-40:]))


def claimed_of(chain: Chain, token: Any, holder: str) -> int:
    """What `holder` has been paid, summed from the token's RevenueClaimed events."""
    logs = chain.rpc.call(
        "eth_getLogs",
        [
            {
                "address": token.address,
                "fromBlock": "0x0",
                "toBlock": "latest",
                "topics": [
                    token.events.RevenueClaimed.topic,
                    "0x" + "0" * 24 + holder[2:].lower(),
                ],
            }
        ],
    )
    return sum(int(log["data"], 16) for log in logs)


def total_claimed(chain: Chain, token: Any) -> int:
    """Everything the token has paid out, summed from its RevenueClaimed events."""
    logs = chain.rpc.call(
        "eth_getLogs",
        [
            {
                "address": token.address,
                "fromBlock": "0x0",
                "toBlock": "latest",
                "topics": [token.events.RevenueClaimed.topic],
            }
        ],
    )
    return sum(int(log["data"], 16) for log in logs)


def holder_state(chain: Chain, deal: Deal, population: list[inv.Investor]) -> list[tuple]:
    args = [[i.address] for i in population]
    return list(
        zip(
            chain.read_many(deal.token, "balanceOf", args),
            chain.read_many(deal.token, "claimable", args),
            [claimed_of(chain, deal.token, i.address) for i in population],
            strict=True,
        )
    )


@dataclass
class Run:
    """An interrupted-then-resumed simulation, with what was seen between the two runs."""

    spec: DealSpec
    deal: Deal
    population: list[inv.Investor]
    amounts: list[int]
    first: dict[str, Any]
    second: dict[str, Any]
    first_end_block: int
    last_period_between: int
    raised_between: int
    buyers_between: int
    state_uninterrupted: list[tuple]
    totals_uninterrupted: tuple[int, int, int]
    base: Path


@pytest.fixture(scope="module")
def run(session_chain: Chain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    chain = session_chain
    base = tmp_path_factory.mktemp("simulation")
    spec = load_spec(write_spec(base))
    population = inv.make_population(spec, INVESTORS, 0)
    amounts = revenue.holder_distributions(spec, periods=PERIODS, seed=0)
    outer = chain.snapshot()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RWA_OUT_DIR", str(base / "out"))
        try:
            # The same deal without interruption, for comparison; then the chain forgets it.
            mp.setenv("RWA_DEPLOYMENTS_DIR", str(base / "deployments-straight"))
            run_deal(
                chain,
                spec,
                RunSettings(
                    investors=INVESTORS, periods=PERIODS, out_dir=base / "straight", quiet=True
                ),
            )
            straight = attach(chain, Deployment.load(record_path(chain.chain_id, spec.id)))
            state_straight = holder_state(chain, straight, population)
            totals_straight = (
                chain.call(straight.token.functions.totalDistributed()),
                total_claimed(chain, straight.token),
                chain.call(straight.stablecoin.functions.balanceOf(straight.token.address)),
            )
            chain.revert_to(outer)
            outer = chain.snapshot()

            mp.setenv("RWA_DEPLOYMENTS_DIR", str(base / "deployments"))
            first = run_deal(
                chain,
                spec,
                RunSettings(
                    investors=INVESTORS,
                    periods=PERIODS,
                    quiet=True,
                    options=SimulationOptions(stop_after_period=STOP),
                    out_dir=base / "first",
                ),
            )
            deal = attach(chain, Deployment.load(record_path(chain.chain_id, spec.id)))
            first_end_block = chain.block_number()
            last_between = chain.call(deal.token.functions.lastPeriodId())
            raised_between = chain.call(deal.offering.functions.raised())
            buyers_between = chain.call(deal.offering.functions.buyerCount())
            second = run_deal(
                chain,
                spec,
                RunSettings(
                    investors=INVESTORS, periods=PERIODS, quiet=True, out_dir=base / "second"
                ),
            )
            yield Run(
                spec=spec,
                deal=deal,
                population=population,
                amounts=amounts,
                first=first,
                second=second,
                first_end_block=first_end_block,
                last_period_between=last_between,
                raised_between=raised_between,
                buyers_between=buyers_between,
                state_uninterrupted=state_straight,
                totals_uninterrupted=totals_straight,
                base=base,
            )
        finally:
            chain.revert_to(outer)


def test_the_test_deal_sells_and_distributes_at_all(run: Run) -> None:
    assert run.second["sale"]["status"] == "succeeded"
    assert sum(run.amounts) > 0


def test_the_interrupted_run_stops_after_the_requested_period(run: Run) -> None:
    assert run.last_period_between == STOP
    assert run.first["revenue"]["periods_distributed"] == STOP


def test_the_resumed_run_reaches_the_last_period(session_chain: Chain, run: Run) -> None:
    assert session_chain.call(run.deal.token.functions.lastPeriodId()) == PERIODS
    assert run.second["revenue"]["periods_distributed"] == PERIODS


def test_every_period_is_distributed_exactly_once_in_order(session_chain: Chain, run: Run) -> None:
    events = logs(session_chain, run.deal.token.address, DISTRIBUTED)
    assert [int(e["topics"][1], 16) for e in events] == list(range(1, PERIODS + 1))


def test_the_resumed_run_pays_only_the_periods_after_the_interruption(
    session_chain: Chain, run: Run
) -> None:
    events = logs(session_chain, run.deal.token.address, DISTRIBUTED)
    before = [int(e["topics"][1], 16) for e in events if block_of(e) <= run.first_end_block]
    after = [int(e["topics"][1], 16) for e in events if block_of(e) > run.first_end_block]
    assert before == list(range(1, STOP + 1))
    assert after == list(range(STOP + 1, PERIODS + 1))


def test_each_period_pays_the_modelled_amount_and_the_total_adds_up(
    session_chain: Chain, run: Run
) -> None:
    events = logs(session_chain, run.deal.token.address, DISTRIBUTED)
    paid = [distribution_fields(e)[0] for e in events]
    assert paid == run.amounts
    assert session_chain.call(run.deal.token.functions.totalDistributed()) == sum(run.amounts)
    assert run.second["revenue"]["per_period"] == run.amounts
    assert run.second["revenue"]["paid_to_holders"] == sum(run.amounts)


def test_the_revenue_amounts_are_whole_smallest_units(run: Run) -> None:
    assert len(run.amounts) == PERIODS
    assert all(type(a) is int and a >= 0 for a in run.amounts)
    assert all(type(a) is int for a in run.second["revenue"]["per_period"])


def test_the_resumed_run_registers_nobody_again(session_chain: Chain, run: Run) -> None:
    registry = run.deal.registry
    assert session_chain.call(registry.functions.investorCount()) == INVESTORS
    events = logs(session_chain, registry.address, REGISTERED)
    wallets = [address_topic(e["topics"][1]) for e in events]
    assert sorted(wallets) == sorted(i.address for i in run.population)
    assert all(block_of(e) <= run.first_end_block for e in events)


def test_the_resumed_run_makes_nobody_buy_twice(session_chain: Chain, run: Run) -> None:
    offering = run.deal.offering
    events = logs(session_chain, offering.address, PURCHASED)
    buyers = Counter(address_topic(e["topics"][1]) for e in events)
    assert buyers and max(buyers.values()) == 1
    assert all(block_of(e) <= run.first_end_block for e in events)
    assert session_chain.call(offering.functions.raised()) == run.raised_between
    assert session_chain.call(offering.functions.buyerCount()) == run.buyers_between == len(buyers)


def test_the_reconciliation_of_the_resumed_deal_finds_no_mismatch(
    session_chain: Chain, run: Run
) -> None:
    rec = reconcile(session_chain, run.deal)
    assert rec.mismatches == 0, rec.problems
    assert rec.periods == PERIODS
    assert rec.distributed == sum(run.amounts)
    assert rec.claimed + rec.claimable + rec.dust == rec.distributed
    assert run.second["reconciliation"]["mismatches"] == 0


def test_an_interrupted_and_resumed_run_ends_where_an_uninterrupted_run_ends(
    session_chain: Chain, run: Run
) -> None:
    assert holder_state(session_chain, run.deal, run.population) == run.state_uninterrupted
    token = run.deal.token
    totals = (
        session_chain.call(token.functions.totalDistributed()),
        total_claimed(session_chain, token),
        session_chain.call(run.deal.stablecoin.functions.balanceOf(token.address)),
    )
    assert totals == run.totals_uninterrupted


def test_holders_who_transferred_mid_term_are_owed_their_balance_at_each_period(
    session_chain: Chain, run: Run
) -> None:
    """Independent of the reconciliation: balances read at each distribution's block."""
    chain, token = session_chain, run.deal.token
    distributions = logs(chain, token.address, DISTRIBUTED)
    first_period_block = block_of(distributions[0])
    movers = sorted(
        {
            address_topic(e["topics"][1])
            for e in logs(chain, token.address, TRANSFER, first_period_block)
            if address_topic(e["topics"][1]) != to_checksum_address(ZERO)
        }
    )
    assert movers, "the simulation made no secondary transfer after the first period"
    for holder in movers:
        calls = [
            (
                "eth_call",
                [
                    {"to": token.address, "data": chain.data(token, "balanceOf", holder)},
                    hex(block_of(d)),
                ],
            )
            for d in distributions
        ]
        balances = [int(r["result"], 16) for r in chain.rpc.batch(calls)]
        deltas = [distribution_fields(d)[2] for d in distributions]
        earned = sum(b * d for b, d in zip(balances, deltas, strict=True)) // MAGNITUDE
        owed = chain.call(token.functions.claimable(holder))
        claimed = claimed_of(chain, token, holder)
        assert owed + claimed == earned, holder
    rec = reconcile(chain, run.deal)
    assert rec.transfers > len(movers)
    assert rec.mismatches == 0, rec.problems


def test_running_a_finished_deal_again_distributes_nothing_more(
    chain: Chain, run: Run, tmp_path: Path
) -> None:
    token = run.deal.token
    distributed = chain.call(token.functions.totalDistributed())
    report = run_deal(
        chain,
        run.spec,
        RunSettings(investors=INVESTORS, periods=PERIODS, quiet=True, out_dir=tmp_path),
    )
    assert chain.call(token.functions.lastPeriodId()) == PERIODS
    assert chain.call(token.functions.totalDistributed()) == distributed
    assert len(logs(chain, token.address, DISTRIBUTED)) == PERIODS
    assert report["reconciliation"]["mismatches"] == 0


def test_the_reconciliation_detects_stablecoin_the_token_cannot_account_for(
    chain: Chain, run: Run
) -> None:
    deal = run.deal
    stray = 1_234_567
    chain.send(chain.tx(deal.roles.admin, deal.stablecoin, "mint", deal.token.address, stray))
    rec = reconcile(chain, deal)
    assert rec.mismatches > 0
    assert rec.held_by_token == rec.claimable + rec.dust + stray
    assert any("holds" in p and "owes" in p for p in rec.problems), rec.problems


def test_no_secondary_transfer_happens_within_the_lockup_after_the_primary_sale(
    session_chain: Chain, run: Run
) -> None:
    chain, deal = session_chain, run.deal
    lockup = run.spec.compliance.lockup_days * SECONDS_PER_DAY
    assert lockup > 0

    def timestamp(block: int) -> int:
        return int(chain.rpc.call("eth_getBlockByNumber", [hex(block), False])["timestamp"], 16)

    bought = {
        address_topic(e["topics"][1]): timestamp(block_of(e))
        for e in logs(chain, deal.offering.address, PURCHASED)
    }
    early = []
    for e in logs(chain, deal.token.address, TRANSFER):
        sender = address_topic(e["topics"][1])
        if sender in bought and timestamp(block_of(e)) < bought[sender] + lockup:
            early.append(sender)
    assert early == []


def test_an_investor_from_a_blocked_country_never_holds_the_token(
    chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    path = write_spec(tmp_path)
    data = yaml.safe_load(path.read_text())
    data["investors"]["jurisdictions"] = {"HK": 50, "CN": 50}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    try:
        spec = load_spec(path)
    except SpecError as exc:  # refusing such a spec is a correct answer too
        assert "jurisdictions" in exc.field or "blocked" in exc.field
        return
    assert "CN" in spec.compliance.blocked_countries
    population = inv.make_population(spec, 20, 0)
    blocked = [i for i in population if i.country == "CN"]
    assert blocked
    deal = deploy_deal(chain, spec)
    sim = Simulation(chain, deal, spec, population, [1], SimulationOptions())
    try:
        sim.onboard()
        sim.sell()
    except Exception:  # a refusal anywhere keeps them out, which is the point
        pass
    held = chain.read_many(deal.token, "balanceOf", [[i.address] for i in blocked])
    assert held == [0] * len(blocked)


def test_secondary_trades_settle_in_the_market_and_refusals_are_counted_by_rule(
    session_chain: Chain, run: Run
) -> None:
    first, second = run.first["activity"], run.second["activity"]
    taken = logs(session_chain, run.deal.market.address, OFFER_TAKEN)
    assert first["trades"] + second["trades"] == len(taken) > 0
    # The first periods fall inside the 90-day lock-up of the primary purchases.
    assert first["trades_refused"].get("lock-up", 0) > 0
    assert set(first["trades_refused"]) | set(second["trades_refused"]) <= set(RULES)
    assert first["trade_volume"] + second["trade_volume"] == sum(
        abi_decode(["uint256", "uint256"], bytes.fromhex(e["data"][2:]))[1] for e in taken
    )
    markdown = (run.base / "first" / "report.md").read_text()
    assert "| secondary trades refused by compliance | " in markdown
    assert "lock-up: " in markdown


def test_every_token_transfer_after_the_sale_went_through_the_market(
    session_chain: Chain, run: Run
) -> None:
    chain, deal = session_chain, run.deal
    taken = {e["transactionHash"] for e in logs(chain, deal.market.address, OFFER_TAKEN)}
    moves = [
        e
        for e in logs(chain, deal.token.address, TRANSFER)
        if address_topic(e["topics"][1]) != to_checksum_address(ZERO)
    ]
    assert moves and all(e["transactionHash"] in taken for e in moves)


def test_a_trade_refused_at_settlement_by_an_earlier_trade_of_the_round_is_counted(
    chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both trades pass `canTransfer` alone; together they would make one holder too many."""
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    path = write_spec(tmp_path)
    data = yaml.safe_load(path.read_text())
    data["compliance"].update({"max_holders": 3, "lockup_days": 0})
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    spec = load_spec(path)
    population = inv.make_population(spec, 6, 0)
    deal = deploy_deal(chain, spec)
    sim = Simulation(chain, deal, spec, population, [1], SimulationOptions())
    sim.onboard()
    a, b, c, d, e = population[:5]
    for holder in (a, b):
        chain.send(chain.tx(deal.roles.agent, deal.token, "mint", holder.address, 10 * UNIT))
    sim._holders()  # the simulation's book of balances, read from the chain
    trades = [(a, d, UNIT, 1_000_000), (b, e, UNIT, 1_000_000)]  # two newcomers, room for one
    alone = check_many(chain, deal.token, [(s.address, r.address, n) for s, r, n, _ in trades])
    assert all(v.allowed for v in alone)
    sim._settle(trades)
    assert (sim.result.trades, sim.result.trades_refused) == (1, {"max holders": 1})
    assert chain.call(deal.token.functions.holderCount()) == 3
    balances = chain.read_many(deal.token, "balanceOf", [[i.address] for i in (a, b, c, d, e)])
    assert balances == [9 * UNIT, 10 * UNIT, 0, UNIT, 0]
    assert sim._balances is not None
    assert [sim._balances[i.address] for i in (a, b, c, d, e)] == balances
    offers = [chain.call(deal.market.functions.offerOf(i)) for i in (1, 2)]
    assert [o[1] for o in offers] == [False, False]  # taken, and withdrawn
