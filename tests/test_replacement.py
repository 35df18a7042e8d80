"""A transaction stuck underpriced on a network that is not local is replaced: on a real Anvil
with a testnet's chain id and a 1-second block time, the base fee is raised above a transaction's
fee cap right after it reaches the pool, so it truly cannot be mined; the toolkit sends it again
with the same nonce and higher fees, within the network's caps."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount

from tests.conftest import wallet
from tokenizer.chain import AnvilNode, Chain
from tokenizer.chain.networks import Network
from tokenizer.chain.rpc import RpcClient
from tokenizer.compiler import Artifacts
from tokenizer.deploy.deployer import execute
from tokenizer.deploy.plan import ContractStep, DeploymentPlan, Schedule
from tokenizer.deploy.record import Deployment
from tokenizer.errors import ChainError

SEPOLIA = 11155111
HIGH_BASE_FEE = 50 * 10**9  # wei: far above what the stuck transaction was signed with


@pytest.fixture(scope="module")
def testnet() -> Iterator[AnvilNode]:
    with AnvilNode(extra_args=["--chain-id", str(SEPOLIA), "--block-time", "1"]) as node:
        yield node


def funded(node: AnvilNode, label: str) -> LocalAccount:
    account = wallet(label)
    RpcClient(node.url).call("anvil_setBalance", [account.address, hex(10**20)])
    return account


def chain_on(node: AnvilNode, artifacts: Artifacts, sender: LocalAccount, **caps: int) -> Chain:
    network = Network(
        name="rehearsal",
        chain_id=SEPOLIA,
        url=node.url,
        replace_after_s=2.0,
        max_fee_wei=caps.get("max_fee_gwei", 500) * 10**9,
        max_tip_wei=caps.get("max_priority_fee_gwei", 10) * 10**9,
    )
    return Chain(node.url, artifacts, [sender], network=network)


class Stall(threading.Thread):
    """Pauses block production; as soon as ``sender``'s next transaction is in the pool, sets
    the next block's base fee above its fee cap and lets blocks come again (one a second)."""

    def __init__(self, node: AnvilNode, sender: str) -> None:
        super().__init__(daemon=True)
        self.rpc = RpcClient(node.url)
        self.sender = sender
        self.stop = threading.Event()
        # A base fee of 1 gwei whatever an earlier test left, then no blocks until the stall.
        self.rpc.call("anvil_setNextBlockBaseFeePerGas", [hex(10**9)])
        self.rpc.call("evm_mine")
        self.rpc.call("evm_setIntervalMining", [0])
        self.first_hash = ""

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                pool = self.rpc.call("txpool_content")["pending"]
                mine = next((v for k, v in pool.items() if k.lower() == self.sender.lower()), None)
                if mine:
                    self.first_hash = next(iter(mine.values()))["hash"]
                    self.rpc.call("anvil_setNextBlockBaseFeePerGas", [hex(HIGH_BASE_FEE)])
                    return
                self.stop.wait(0.005)
        finally:
            self.rpc.call("evm_setIntervalMining", [1])


def test_a_stuck_deployment_is_replaced_and_the_record_names_the_mined_transaction(
    testnet: AnvilNode, artifacts: Artifacts, tmp_path: Path
) -> None:
    deployer = funded(testnet, "stuck deployer")
    chain = chain_on(testnet, artifacts, deployer)
    first_nonce = chain.nonce(deployer.address)
    before = chain.fees()
    plan = DeploymentPlan(
        contracts=(ContractStep("usd", "MockStablecoin", ("Stuck USD", "sUSD", deployer.address)),),
        calls=(),
        schedule=Schedule(sale_seconds=1, period_seconds=1, periods=1),
        deployer=deployer.address,
    )
    record = Deployment(
        deal="stuck",
        chain_id=SEPOLIA,
        fingerprint=plan.fingerprint(),
        abi_hash=artifacts.abi_hash,
        compiler_version=artifacts.compiler_version,
        schedule={},
        path=tmp_path / "stuck.json",
    )
    stall = Stall(testnet, deployer.address)
    stall.start()
    try:
        execute(chain, plan, record, deployer)
    finally:
        stall.stop.set()
        stall.join()

    assert stall.first_hash, "the deployment never reached the pool"
    recorded = record.contracts["usd"]
    assert recorded["tx"] != stall.first_hash  # the replacement was mined, not the original
    assert chain.receipt(stall.first_hash) is None
    receipt = chain.receipt(recorded["tx"])
    assert receipt is not None and receipt["contractAddress"].lower() == recorded["address"].lower()
    assert chain.code_at(recorded["address"])
    assert chain.nonce(deployer.address) == first_nonce + 1  # one contract, deployed once
    saved = Deployment.load(tmp_path / "stuck.json")
    assert saved is not None and saved.contracts["usd"]["tx"] == recorded["tx"]
    sent = RpcClient(testnet.url).call("eth_getTransactionByHash", [recorded["tx"]])
    later = chain.fees()  # later transactions are priced anew, within the cap
    assert int(sent["maxFeePerGas"], 16) >= HIGH_BASE_FEE
    assert int(sent["nonce"], 16) == first_nonce
    assert before.max_fee < later.max_fee <= 500 * 10**9


def test_a_replacement_the_fee_cap_does_not_allow_is_refused_naming_the_cap(
    testnet: AnvilNode, artifacts: Artifacts
) -> None:
    sender = funded(testnet, "capped sender")
    chain = chain_on(testnet, artifacts, sender, max_fee_gwei=20)
    stall = Stall(testnet, sender.address)
    stall.start()
    try:
        with pytest.raises(ChainError) as refused:
            chain.deploy("MockStablecoin", ["Capped USD", "cUSD", sender.address], sender)
    finally:
        stall.stop.set()
        stall.join()
    message = str(refused.value)
    assert "is not mined after 2 s" in message and "nonce 0" in message
    assert "above the cap max_fee_gwei = 20 of network rehearsal (networks.yaml)" in message
    assert "\n" not in message


def test_a_deployment_interrupted_with_its_transaction_in_flight_resumes_without_deploying_twice(
    testnet: AnvilNode, artifacts: Artifacts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployer = funded(testnet, "interrupted deployer")
    chain = chain_on(testnet, artifacts, deployer)
    first_nonce = chain.nonce(deployer.address)
    plan = DeploymentPlan(
        contracts=(
            ContractStep("usd", "MockStablecoin", ("Flight USD", "fUSD", deployer.address)),
        ),
        calls=(),
        schedule=Schedule(sale_seconds=1, period_seconds=1, periods=1),
        deployer=deployer.address,
    )
    path = tmp_path / "interrupted.json"
    record = Deployment(
        deal="interrupted",
        chain_id=SEPOLIA,
        fingerprint=plan.fingerprint(),
        abi_hash=artifacts.abi_hash,
        compiler_version=artifacts.compiler_version,
        schedule={},
        path=path,
    )
    rpc = RpcClient(testnet.url)
    rpc.call("evm_setIntervalMining", [0])  # no block comes: the run stops with it in flight
    monkeypatch.setattr("tokenizer.chain.client.RECEIPT_TIMEOUT_S", 0.5)
    try:
        with pytest.raises(ChainError, match="not mined within"):
            execute(chain, plan, record, deployer)
    finally:
        rpc.call("evm_setIntervalMining", [1])
    saved = Deployment.load(path)
    assert saved is not None and "usd" not in saved.contracts
    (in_flight,) = saved.pending["usd"]

    monkeypatch.setattr("tokenizer.chain.client.RECEIPT_TIMEOUT_S", 30.0)
    resumed = execute(chain_on(testnet, artifacts, deployer), plan, saved, deployer)
    assert resumed.contracts["usd"]["tx"] == in_flight  # waited for, not sent again
    assert resumed.pending == {}
    assert chain.nonce(deployer.address) == first_nonce + 1  # one contract, deployed once
    assert chain.code_at(resumed.contracts["usd"]["address"])
