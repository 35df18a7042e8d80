"""The chain module: signing, batched sends that refuse as a whole, decoded reverts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from tests.conftest import USD, wallet
from tokenizer.chain import Chain, TxRequest, keystore_account, open_chain, waves
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
