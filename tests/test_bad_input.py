"""Bad input, end to end: every case gives one readable line naming the field or the rule, a
non-zero exit code, and leaves the chain exactly as it was (no block is mined)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import HK, wallet
from tests.test_cli import DEAD_NODE, assert_one_error_line, rwa, write_spec
from tokenizer.chain import AnvilNode, Chain
from tokenizer.deploy import deploy_deal
from tokenizer.errors import TransactionReverted
from tokenizer.spec import DealSpec
from tokenizer.units import SECONDS_PER_DAY

Change = Callable[[dict[str, Any]], None]


def _set(section: str, key: str, value: Any) -> Change:
    def change(data: dict[str, Any]) -> None:
        data[section][key] = value

    return change


def _drop(section: str, key: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        del data[section][key]

    return change


# (case, change to the seed, the field the message must name)
SPEC_CASES: list[tuple[str, Change, str]] = [
    ("missing field", _drop("token", "symbol"), "token.symbol"),
    ("negative price", _set("offering", "price", "-1"), "offering.price"),
    ("price not a number", _set("offering", "price", "one dollar"), "offering.price"),
    ("overflowing supply", _set("token", "supply", "1" + "0" * 80), "token.supply"),
    ("too many decimals", _set("offering", "price", "1.0000001"), "offering.price"),
    ("soft cap above hard cap", _set("offering", "soft_cap", "90000000"), "offering.soft_cap"),
    ("unknown field", _set("token", "symbl", "X"), "token.symbl"),
    ("unknown country", _set("investors", "jurisdictions", {"HK": 50, "XX": 50}), "XX"),
    ("blocked country", _set("investors", "jurisdictions", {"HK": 50, "CN": 50}), "CN"),
    ("zero term", _set("token", "term_years", 0), "token.term_years"),
    ("share above 100 %", _set("token", "revenue_share_bps", 10001), "token.revenue_share_bps"),
    ("wrong type", _set("investors", "count", "many"), "investors.count"),
]


@pytest.mark.parametrize(
    ("change", "field"), [(c, f) for _, c, f in SPEC_CASES], ids=[n for n, _, _ in SPEC_CASES]
)
def test_a_bad_spec_is_refused_by_simulate_before_anything_reaches_the_chain(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    session_chain: Chain,
    anvil: AnvilNode,
    change: Change,
    field: str,
) -> None:
    spec = write_spec(tmp_path, change)
    block = session_chain.block_number()
    code, _, err = rwa(capsys, "simulate", spec, "--rpc-url", anvil.url, "--periods", "3")
    assert code == 2
    assert_one_error_line(err, field)
    assert session_chain.block_number() == block


def test_malformed_yaml_is_refused_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("token: {name: [unclosed\n")
    code, _, err = rwa(capsys, "simulate", spec, "--rpc-url", DEAD_NODE)
    assert code == 2
    assert_one_error_line(err, "broken.yaml")


def test_a_node_with_another_chain_id_is_refused_and_left_untouched(
    capsys: pytest.CaptureFixture[str], session_chain: Chain, anvil: AnvilNode
) -> None:
    block = session_chain.block_number()
    code, _, err = rwa(
        capsys, "simulate", "seeds/xiaoping_island.yaml", "--rpc-url", anvil.url, "--chain-id", "5"
    )
    assert code != 0
    assert_one_error_line(err, "chain id 5", "31337")
    assert session_chain.block_number() == block


def test_state_without_the_embedded_node_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, anvil: AnvilNode
) -> None:
    code, _, err = rwa(
        capsys,
        "simulate",
        "seeds/xiaoping_island.yaml",
        "--rpc-url",
        anvil.url,
        "--state",
        tmp_path / "s.json",
    )
    assert code != 0
    assert_one_error_line(err, "--state")


def test_a_buyer_without_enough_stablecoin_is_refused_readably_and_nothing_moves(
    chain: Chain, xiaoping: DealSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RWA_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    deal = deploy_deal(chain, xiaoping)
    buyer = wallet("short-of-funds")
    expiry = chain.timestamp() + 365 * SECONDS_PER_DAY
    chain.send(
        chain.tx(deal.roles.agent, deal.registry, "registerInvestor", buyer.address, HK, 1, expiry)
    )
    chain.fund([buyer.address], 10**18)
    ticket = xiaoping.offering.min_purchase
    chain.send(chain.tx(deal.roles.admin, deal.stablecoin, "mint", buyer.address, ticket - 1))
    chain.send(chain.tx(buyer, deal.stablecoin, "approve", deal.offering.address, ticket))
    block = chain.block_number()
    with pytest.raises(TransactionReverted) as refused:
        chain.send(chain.tx(buyer, deal.offering, "buy", ticket))
    assert refused.value.error_name == "ERC20InsufficientBalance"
    assert "balance is too small" in refused.value.user_message
    assert "\n" not in refused.value.user_message
    assert chain.block_number() == block
    assert chain.call(deal.stablecoin.functions.balanceOf(buyer.address)) == ticket - 1
    assert chain.call(deal.token.functions.balanceOf(buyer.address)) == 0
    assert chain.call(deal.offering.functions.raised()) == 0
