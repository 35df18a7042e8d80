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
