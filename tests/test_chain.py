"""The chain module: signing, batched sends that refuse as a whole, decoded reverts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eth_abi.abi import encode as abi_encode
from eth_abi.exceptions import NonEmptyPaddingBytes
from eth_account import Account
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import USD, wallet
from tokenizer.chain import Chain, TxRequest, keystore_account, open_chain, waves
from tokenizer.chain.abi import abi_type, decode_values, static_words
from tokenizer.chain.signer import Fees, Signer
from tokenizer.errors import ChainError, TransactionReverted


@pytest.mark.parametrize(
    ("to", "value", "data"),
    [
        ("0x" + "11" * 20, 0, "0xa9059cbb" + "00" * 64),
        ("0x" + "22" * 20, 10**18 + 7, "0x"),
        (None, 0, "0x6080604052"),  # contract creation
    ],
)
def test_the_fast_signer_produces_exactly_what_eth_account_signs(
    session_chain: Chain, to: str | None, value: int, data: str
) -> None:
    sender = wallet("signer")
    fees = Fees(max_fee=3 * 10**9 + 7, tip=10**9)
    signer = Signer(session_chain.chain_id)
    raw = signer.sign(sender, nonce=0, fees=fees, gas=123_456, to=to, value=value, data=data)
    tx = {
        "chainId": session_chain.chain_id,
        "nonce": 0,
        "gas": 123_456,
        "value": value,
        "data": data,
        "maxFeePerGas": fees.max_fee,
        "maxPriorityFeePerGas": fees.tip,
        "type": 2,
    }
    if to:
        tx["to"] = to
    expected = "0x" + bytes(sender.sign_transaction(tx).raw_transaction).hex()
    assert raw == expected


def test_a_batch_with_one_refused_transaction_sends_nothing(chain: Chain) -> None:
    admin = chain.accounts[0]
    receipt = chain.deploy("MockStablecoin", ["Mock USD", "mUSD", admin.address], admin)
    stable = chain.contract("MockStablecoin", receipt.contract_address or "")
    good = chain.tx(admin, stable, "mint", chain.accounts[1].address, 5 * USD)
    bad = chain.tx(chain.accounts[2], stable, "mint", chain.accounts[2].address, USD)
    block = chain.block_number()
    with pytest.raises(TransactionReverted) as refused:
        chain.send_many([good, bad])
    assert refused.value.error_name == "OwnableUnauthorizedAccount"
    assert chain.block_number() == block
    assert chain.call(stable.functions.totalSupply()) == 0
    chain.send(good)  # the nonce was not consumed by the refused batch
    assert chain.call(stable.functions.balanceOf(chain.accounts[1].address)) == 5 * USD


def test_a_revert_names_the_custom_error_and_its_checksummed_arguments(chain: Chain) -> None:
    admin, stranger = chain.accounts[0], chain.accounts[3]
    receipt = chain.deploy("MockStablecoin", ["Mock USD", "mUSD", admin.address], admin)
    stable = chain.contract("MockStablecoin", receipt.contract_address or "")
    with pytest.raises(TransactionReverted) as refused:
        chain.send(chain.tx(stranger, stable, "mint", stranger.address, 1))
    assert refused.value.user_message.endswith(
        f"OwnableUnauthorizedAccount(account={stranger.address})"
    )
    assert "\n" not in refused.value.user_message


def test_a_batch_is_split_into_waves_with_one_transaction_per_sender() -> None:
    a, b, c = wallet("wave-a"), wallet("wave-b"), wallet("wave-c")
    senders = [a, b, a, c, a, b]
    reqs = [TxRequest(s, None, "0x", f"tx {n}") for n, s in enumerate(senders)]
    assert waves(reqs) == [[0, 1, 3], [2, 5], [4]]


def test_a_keystore_opens_with_the_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = wallet("keystore")
    path = tmp_path / "key.json"
    path.write_text(json.dumps(Account.encrypt(owner.key, "correct horse", iterations=2)))
    monkeypatch.setenv("RWA_KEYSTORE_PASSWORD", "correct horse")
    assert keystore_account(path).address == owner.address


def test_a_keystore_with_the_wrong_password_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(Account.encrypt(wallet("keystore").key, "right", iterations=2)))
    monkeypatch.setenv("RWA_KEYSTORE_PASSWORD", "wrong")
    with pytest.raises(ChainError) as refused:
        keystore_account(path)
    assert refused.value.user_message == "wrong password for keystore key.json"


def test_a_non_local_chain_without_a_keystore_is_refused(
    session_chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tokenizer.chain.client.Chain.__init__", _pretend_remote(Chain.__init__))
    with (
        pytest.raises(ChainError, match="--keystore"),
        open_chain(session_chain.artifacts, rpc_url=session_chain.url),
    ):
        pass


def _pretend_remote(init: Any) -> Any:
    """Wrap Chain.__init__ so the connected chain reports itself as a public one."""

    def wrapped(self: Chain, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.is_local = False

    return wrapped


STATIC_TYPES = ["uint256", "uint128", "uint16", "uint8", "int256", "int64", "bool", "address"]
STATIC_TYPES += ["bytes32", "bytes4"]


def _static_value(kind: str) -> st.SearchStrategy[Any]:
    if kind.startswith("uint"):
        return st.integers(min_value=0, max_value=2 ** int(kind[4:]) - 1)
    if kind.startswith("int"):
        bits = int(kind[3:])
        return st.integers(min_value=-(2 ** (bits - 1)), max_value=2 ** (bits - 1) - 1)
    if kind == "bool":
        return st.booleans()
    if kind == "address":
        return st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
    return st.binary(min_size=int(kind[5:]), max_size=int(kind[5:]))


@st.composite
def _static_items(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[Any]]:
    """ABI parameters of static words (some of them a struct) and values for them."""
    items: list[dict[str, Any]] = []
    values: list[Any] = []
    for n in range(draw(st.integers(min_value=1, max_value=5))):
        if draw(st.booleans()):
            kinds = draw(st.lists(st.sampled_from(STATIC_TYPES), min_size=1, max_size=4))
            components = [{"name": f"c{k}", "type": t} for k, t in enumerate(kinds)]
            items.append({"name": f"p{n}", "type": "tuple", "components": components})
            values.append(tuple(draw(_static_value(t)) for t in kinds))
        else:
            kind = draw(st.sampled_from(STATIC_TYPES))
            items.append({"name": f"p{n}", "type": kind})
            values.append(draw(_static_value(kind)))
    return items, values


@settings(max_examples=200, deadline=None)
@given(_static_items())
def test_static_results_are_read_word_by_word_exactly_as_eth_abi_reads_them(
    case: tuple[list[dict[str, Any]], list[Any]],
) -> None:
    items, values = case
    raw = abi_encode([abi_type(i) for i in items], values)
    words = static_words(items)
    assert words == len(raw) // 32
    assert decode_values(items, raw, words) == decode_values(items, raw, None)


def test_a_word_eth_abi_refuses_is_refused_by_the_fast_path_too() -> None:
    items = [{"name": "x", "type": "uint8"}]
    with pytest.raises(NonEmptyPaddingBytes):
        decode_values(items, (256).to_bytes(32, "big"), static_words(items))
    dynamic = [{"name": "s", "type": "string"}]
    assert static_words(dynamic) is None
    assert decode_values(dynamic, abi_encode(["string"], ["hi"]), None) == ["hi"]


def test_a_wallet_has_eth_accounts_address_and_signs_exactly_as_eth_account(
    session_chain: Chain,
) -> None:
    from eth_account import Account

    from tokenizer.chain.signer import Wallet

    key = bytes(range(1, 33))
    light, reference = Wallet(key), Account.from_key(key)
    assert light.address == reference.address
    fees = Fees(max_fee=3 * 10**9 + 7, tip=10**9)
    signer = Signer(session_chain.chain_id)
    data = "0xa9059cbb" + "00" * 64
    raw = signer.sign(
        light, nonce=3, fees=fees, gas=60_000, to="0x" + "11" * 20, value=0, data=data
    )
    tx = {
        "chainId": session_chain.chain_id,
        "nonce": 3,
        "gas": 60_000,
        "value": 0,
        "data": data,
        "to": "0x" + "11" * 20,
        "maxFeePerGas": fees.max_fee,
        "maxPriorityFeePerGas": fees.tip,
        "type": 2,
    }
    assert raw == "0x" + bytes(reference.sign_transaction(tx).raw_transaction).hex()
