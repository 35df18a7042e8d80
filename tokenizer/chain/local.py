"""What only a local development chain can do: move its clock, take snapshots, mint gas coin.

Each of these refuses a chain that is not local (Anvil, a Hardhat node, Ganache) with one line:
on a public testnet there is no time travel, and native coin is never sent to made-up wallets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eth_account.signers.local import LocalAccount

from tokenizer.chain.rpc import RpcClient
from tokenizer.errors import ChainError

INTRINSIC_GAS = 21_000  # what any transaction uses at least; a contract call uses more

if TYPE_CHECKING:
    from tokenizer.chain.client import Receipt, TxRequest
    from tokenizer.chain.contract import BoundCall


class LocalControls:
    """Mixed into :class:`~tokenizer.chain.client.Chain`; every method checks the chain first."""

    rpc: RpcClient
    is_local: bool
    chain_id: int
    client_version: str
    accounts: list[LocalAccount]
    _clock_floor: int

    if TYPE_CHECKING:

        def timestamp(self) -> int: ...
        def refresh_fees(self) -> None: ...
        def forget_nonces(self) -> None: ...
        def balances(self, addresses: Sequence[str]) -> list[int]: ...
        def send_many(self, reqs: Sequence[TxRequest], batch_size: int = ...) -> list[Receipt]: ...
        def sign(self, req: TxRequest, gas: int) -> str: ...
        def call_many(
            self, calls: Sequence[tuple[BoundCall, int | str]], action: str = ...
        ) -> list[Any]: ...
        def _await_receipts(
            self, reqs: Sequence[TxRequest], hashes: Sequence[str]
        ) -> list[Receipt]: ...

    def require_local(self, what: str) -> None:
        if not self.is_local:
            raise ChainError(
                f"{what} needs a local development chain (Anvil, Hardhat, Ganache); chain "
                f"{self.chain_id} is not one"
            )

    @property
    def _sets_block_time(self) -> bool:
        return "anvil" in self.client_version or "hardhat" in self.client_version

    def increase_time(self, seconds: int, mine: bool = True) -> None:
        """Move the clock forward; without ``mine`` the next transaction's block carries it."""
        self.require_local("moving time forward")
        self.rpc.call("evm_increaseTime", [seconds])
        if mine:
            self.rpc.call("evm_mine")
        self.refresh_fees()

    def advance_to(self, timestamp: int) -> None:
        """Mine a block at ``timestamp`` (no-op if the chain is already past it).

        Anvil and Hardhat set the block's timestamp directly; other local nodes move the clock.
        A block is mined so that estimates and calls see the new time too.
        """
        self.require_local("moving time forward")
        if timestamp <= self._clock_floor:
            return
        if self._sets_block_time:
            reply = self.rpc.request("evm_mine", [timestamp])  # one block, at that time
            if "error" not in reply:
                self._clock_floor = timestamp
                return
        now = self.timestamp()
        if timestamp > now:
            self.increase_time(timestamp - now)
        self._clock_floor = max(timestamp, now)

    def mine(self) -> None:
        """Mine one block now."""
        self.require_local("mining a block")
        self.rpc.call("evm_mine")

    def next_block_at(self, timestamp: int) -> None:
        """The next block mined is at ``timestamp``, and no block is mined now (a block costs
        a local node time that grows with its state); reads and estimates still see the
        latest block's time until then. Where the node cannot do that, a block is mined at
        ``timestamp`` (:meth:`advance_to`)."""
        self.require_local("moving time forward")
        if timestamp <= self._clock_floor:
            return
        if self._sets_block_time:
            reply = self.rpc.request("evm_setNextBlockTimestamp", [timestamp])
            if "error" not in reply:
                self._clock_floor = timestamp
                return
        self.advance_to(timestamp)

    def waive_base_fee(self) -> None:
        """The next block's base fee is 0, and so (nearly) every later one's: EIP-1559 moves it
        in proportion to itself, by at least 1 wei a full block. Thousands of simulated
        wallets filling blocks back to back would otherwise raise it 12.5 % a block, past any
        fee cap signed before and past the gas coin the wallets hold. A node that cannot set it
        (Ganache) keeps its own."""
        self.require_local("setting the base fee")
        if self._sets_block_time:
            prefix = "anvil" if "anvil" in self.client_version else "hardhat"
            self.rpc.request(f"{prefix}_setNextBlockBaseFeePerGas", ["0x0"])

    def snapshot(self) -> str:
        self.require_local("a snapshot")
        return str(self.rpc.call("evm_snapshot"))

    def revert_to(self, snapshot_id: str) -> None:
        self.require_local("going back to a snapshot")
        self.rpc.call("evm_revert", [snapshot_id])
        self._clock_floor = 0
        self.forget_nonces()
        self.refresh_fees()

    def send_one_per_block(
        self, reqs: Sequence[TxRequest], gas: int, reads: Sequence[BoundCall] = ()
    ) -> tuple[list[Receipt], list[list[Any]]]:
        """Send transactions that depend on each other (each needs the one before it: a run of
        waterfall periods) in one batch and mine them one per block, reading ``reads`` after
        each block; Anvil only. Returns the receipts and, per transaction, the answers.

        Nothing is estimated (a later transaction would fail against the state before the
        earlier ones): each is signed with ``gas``, and the block gas limit is held at ``gas``
        plus the intrinsic 21,000 while they are mined, so that no block has room for a second
        call. The reads run against the latest block, never a historical one (Anvil keeps a
        limited number of past states, and writes older ones to disk), each in its own request
        after the block's mining (sent in one request with the next block's mining, a read
        pinned to the newest block can see the next one's state). A transaction that
        reverts raises (:class:`TransactionReverted`); a block holding two of them raises too.
        The block gas limit and automining are restored afterwards.
        """
        self.require_local("mining one transaction per block")
        if "anvil" not in self.client_version:
            raise ChainError("mining one transaction per block needs Anvil")
        if not reqs:
            return [], []
        raws = [self.sign(req, gas) for req in reqs]
        block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
        limit = int(block["gasLimit"], 16)
        answers: list[list[Any]] = []
        self.rpc.call("evm_setAutomine", [False])
        try:
            self.rpc.call("evm_setBlockGasLimit", [hex(gas + INTRINSIC_GAS)])
            replies = self.rpc.batch([("eth_sendRawTransaction", [raw]) for raw in raws])
            for req, reply in zip(reqs, replies, strict=True):
                if "error" in reply:
                    self.forget_nonces()
                    message = reply["error"].get("message", reply["error"])
                    raise ChainError(f"{req.action}: the node refused the transaction: {message}")
            for _ in raws:
                self.rpc.call("evm_mine")
                if reads:
                    answers.append(self.call_many([(b, "latest") for b in reads]))
        finally:
            self.rpc.call("evm_setBlockGasLimit", [hex(limit)])
            self.rpc.call("evm_setAutomine", [True])
        receipts = self._await_receipts(reqs, [str(r["result"]) for r in replies])
        blocks = [r.block_number for r in receipts]
        if len(set(blocks)) != len(blocks):
            raise ChainError(f"{len(blocks)} transactions mined into {len(set(blocks))} blocks")
        return receipts, answers

    def fund(self, addresses: Sequence[str], wei: int, funder: LocalAccount | None = None) -> None:
        """Top up to ``wei`` of the native coin each address holding less than half of it.

        Uses ``anvil_setBalance``/``hardhat_setBalance`` where they exist, else transfers from
        ``funder`` (the first dev account by default).
        """
        self.require_local("funding wallets with gas coin")
        from tokenizer.chain.client import TxRequest

        held = self.balances(addresses)
        poor = [a for a, b in zip(addresses, held, strict=True) if b < wei // 2]
        if not poor:
            return
        if self._sets_block_time:
            method = "anvil_setBalance" if "anvil" in self.client_version else "hardhat_setBalance"
            replies = self.rpc.batch([(method, [a, hex(wei)]) for a in poor])
            if all("error" not in r for r in replies):
                return
        sender = funder or self.accounts[0]
        self.send_many([TxRequest(sender, a, "0x", f"funding {a[:10]}…", value=wei) for a in poor])
