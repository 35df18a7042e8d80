"""Opening a chain for a command: an embedded Anvil, or a node by URL with the right accounts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tokenizer.chain.accounts import dev_accounts, keystore_account
from tokenizer.chain.client import Chain
from tokenizer.chain.node import AnvilNode
from tokenizer.compiler import Artifacts
from tokenizer.errors import ChainError


@contextmanager
def open_chain(
    artifacts: Artifacts,
    rpc_url: str | None = None,
    keystore: Path | None = None,
    expected_chain_id: int | None = None,
    state_path: Path | None = None,
) -> Iterator[Chain]:
    """Connect to ``rpc_url``, or start an embedded Anvil for the duration of the block."""
    node: AnvilNode | None = None
    if rpc_url is None:
        node = AnvilNode(state_path=state_path).start()
        rpc_url = node.url
    try:
        accounts = [keystore_account(keystore)] if keystore else dev_accounts()
        chain = Chain(rpc_url, artifacts, accounts, node=node)
        if expected_chain_id is not None and chain.chain_id != expected_chain_id:
            raise ChainError(
                f"wrong chain: expected chain id {expected_chain_id}, the node at {rpc_url} "
                f"reports {chain.chain_id}"
            )
        if keystore is None and not chain.is_local:
            raise ChainError(
                f"chain {chain.chain_id} is not a local development chain: pass --keystore "
                "with an encrypted key for it"
            )
        yield chain
    finally:
        if node is not None:
            node.stop()
