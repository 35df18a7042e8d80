"""Access control: every state-changing function, called as every role and as a stranger.

The expectations come from `tokenizer.access.TABLE`, the same table the README prints, so the
documentation cannot drift from what the contracts enforce.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED, UNIT, TokenSetup, wallet
from tokenizer.access import ACTORS, CONTRACTS, TABLE, Entry, markdown_table, may_call
from tokenizer.chain import Chain
from tokenizer.deploy import Deal, deploy_deal
from tokenizer.spec import load_spec
from tokenizer.units import AGENT_ROLE, SERVICER_ROLE
from tokenizer.workspace import Workspace

ACCESS_ERRORS = {"AccessControlUnauthorizedAccount", "OwnableUnauthorizedAccount"}
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def deal(session_chain: Chain, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The seed deal deployed once for the module (calls below are eth_call: nothing changes)."""
    folder = tmp_path_factory.mktemp("access")
    snapshot = session_chain.snapshot()
    try:
        with Workspace.current().with_records_in(folder).use():
            yield deploy_deal(session_chain, load_spec(SEED))
    finally:
        session_chain.revert_to(snapshot)


@pytest.fixture(scope="module")
def contracts(session_chain: Chain, deal: Deal) -> dict[str, Any]:
    """The deal's contracts by name, deployed once (inside the deal's snapshot)."""
    return _contracts(session_chain, deal)


def _contracts(chain: Chain, deal: Deal) -> dict[str, Any]:
    found = {
        "RevenueShareToken": deal.token,
        "IdentityRegistry": deal.registry,
        "PrimaryOffering": deal.offering,
        "MockStablecoin": deal.stablecoin,
    }
    market = getattr(deal, "market", None)
    if market is None:  # deployments before the market existed
        receipt = chain.deploy(
            "DvPMarket", [deal.token.address, deal.stablecoin.address], deal.roles.admin
        )
        market = chain.contract("DvPMarket", receipt.contract_address or "")
    found["DvPMarket"] = market
    found["Waterfall"] = _waterfall(chain, deal)
    return found


def _waterfall(chain: Chain, deal: Deal) -> Any:
    """A waterfall over the seed deal's token (its guards are what is called here), with the
    deal's admin and servicer, as a structured deal's plan deploys it."""
    admin, token = deal.roles.admin, deal.token.address
    receipt = chain.deploy(
        "Waterfall",
        [admin.address, deal.stablecoin.address, 12, 12, [token, token], [1], [0], [0], [False]],
        admin,
    )
    waterfall = chain.contract("Waterfall", receipt.contract_address or "")
    chain.send(chain.tx(admin, waterfall, "grantRole", SERVICER_ROLE, deal.roles.servicer.address))
    return waterfall


def _arg(kind: str, caller: str, other: str) -> Any:
    if kind.endswith("[]"):
        return [_arg(kind[:-2], caller, other)]
    if kind == "address":
        return other
    if kind == "bool":
        return True
    if kind == "bytes32":
        return AGENT_ROLE
    if kind.startswith("uint") or kind.startswith("int"):
        return 1
    raise AssertionError(f"no sample value for {kind}")


def _call(chain: Chain, contract: Any, entry: Entry, actor: str, deal: Deal) -> str | None:
    """eth_call `entry` as `actor`; the custom error's name if it reverts, else None."""
    account = {
        "admin": deal.roles.admin,
        "agent": deal.roles.agent,
        "servicer": deal.roles.servicer,
        "stranger": chain.accounts[7],
    }[actor]
    sender = account.address
    if actor == "servicer" and entry.contract == "RevenueShareToken" and deal.gate is not None:
        # A deal with disclosure: the report gate is the token's servicer (it distributes only
        # attested reports); the servicer's own key signs reports and calls the gate.
        sender = deal.gate.address
    name, types = entry.function[:-1].split("(")
    kinds = [t for t in types.split(",") if t]
    args = [_arg(k, account.address, deal.roles.treasury.address) for k in kinds]
    if name == "renounceRole":
        args[1] = account.address  # one may renounce only one's own roles
    data = chain.data(contract, name, *args)
    reply = chain.rpc.request(
        "eth_call", [{"from": sender, "to": contract.address, "data": data}, "latest"]
    )
    if "error" not in reply:
        return None
    error = reply["error"]
    revert = error.get("data")
    if isinstance(revert, dict):
        revert = revert.get("data")
    decoded, _ = chain.decoder.decode(revert if isinstance(revert, str) else None)
    return decoded or str(error.get("message"))


CASES = [(e, actor) for e in TABLE for actor in ACTORS]


@pytest.mark.parametrize(
    ("entry", "actor"),
    CASES,
    ids=[f"{e.contract}.{e.function.split('(')[0]}-{a}" for e, a in CASES],
)
def test_only_the_listed_callers_pass_the_access_check(
    session_chain: Chain, deal: Deal, contracts: dict[str, Any], entry: Entry, actor: str
) -> None:
    contract = contracts[entry.contract]
    error = _call(session_chain, contract, entry, actor, deal)
    if may_call(entry, actor):
        assert error not in ACCESS_ERRORS, f"{actor} was refused {entry.function}"
    else:
        assert error in ACCESS_ERRORS, f"{actor} got past the guard of {entry.function}: {error}"


def test_every_state_changing_function_of_the_deal_is_in_the_table(
    session_chain: Chain,
) -> None:
    listed = {(e.contract, e.function) for e in TABLE}
    for name in CONTRACTS:
        for item in session_chain.artifacts.get(name).abi:
            if item.get("type") != "function" or item["stateMutability"] in ("view", "pure"):
                continue
            signature = f"{item['name']}({','.join(i['type'] for i in item['inputs'])})"
            assert (name, signature) in listed, f"{name}.{signature} is not in tokenizer/access.py"


def test_the_readme_shows_the_table_the_tests_use() -> None:
    assert markdown_table() in (ROOT / "README.md").read_text()


def test_the_market_note_holds_an_offer_leaves_the_tokens_with_the_seller(
    setup: TokenSetup,
) -> None:
    (entry,) = [e for e in TABLE if e.contract == "DvPMarket" and e.function.startswith("offer(")]
    assert "no escrow" in entry.note and "seller keeps the tokens" in entry.note
    c, seller = setup.chain, wallet("roles-table-seller")
    setup.verify(seller)
    setup.mint(seller, 100 * UNIT)
    token: Any = setup.token
    stablecoin: Any = setup.stablecoin
    deployed = c.deploy("DvPMarket", [token.address, stablecoin.address], setup.admin)
    market = c.contract("DvPMarket", deployed.contract_address or "")
    c.send(c.tx(seller, token, "approve", market.address, 100 * UNIT))
    c.send(c.tx(seller, market, "offer", 100 * UNIT, 105 * 10**6, c.timestamp() + 3_600))
    assert c.call(token.functions.balanceOf(seller.address)) == 100 * UNIT
    assert c.call(token.functions.balanceOf(market.address)) == 0


def test_rwa_roles_shows_the_waterfall_for_a_structured_deal_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tokenizer.cli import main

    assert main(["roles", str(ROOT / "seeds" / "xiaoping_island_tranched.yaml")]) == 0
    structured = capsys.readouterr().out
    assert "| Waterfall | `deposit(uint256,uint256,bytes32)` | servicer |" in structured
    assert "| Waterfall | `beginDefaultAdminTransfer(address)` | admin |" in structured
    assert main(["roles", str(SEED)]) == 0
    single = capsys.readouterr().out
    assert "Waterfall" not in single and "| RevenueShareToken | `claim()` |" in single
    assert main(["roles"]) == 0
    assert capsys.readouterr().out.strip() == markdown_table()
