"""What only a local development chain can do: move its clock, take snapshots, mint gas coin.

Each of these refuses a chain that is not local (Anvil, a Hardhat node, Ganache) with one line:
on a public testnet there is no time travel, and native coin is never sent to made-up wallets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from eth_account.signers.local import LocalAccount

from tokenizer.chain.rpc import RpcClient
from tokenizer.errors import ChainError

if TYPE_CHECKING:
    from tokenizer.chain.client import Receipt, TxRequest


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
