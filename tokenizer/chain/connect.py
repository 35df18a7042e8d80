"""Opening a chain for a command: an embedded Anvil, or a node by URL with the right accounts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eth_account.signers.local import LocalAccount

from tokenizer.chain.accounts import dev_accounts, keystore_account
from tokenizer.chain.client import Chain
from tokenizer.chain.networks import Network
from tokenizer.chain.node import RECENT_STATES_ONLY, AnvilNode
from tokenizer.compiler import Artifacts
from tokenizer.errors import ChainError


@contextmanager
def open_chain(
    artifacts: Artifacts,
    rpc_url: str | None = None,
    keystore: Path | None = None,
    expected_chain_id: int | None = None,
    state_path: Path | None = None,
    network: Network | None = None,
    read_only: bool = False,
) -> Iterator[Chain]:
    """Connect to ``network`` or ``rpc_url``, or start an embedded Anvil for the block.

    On a chain that is not a local development chain a command that signs needs ``keystore``;
    a ``read_only`` one connects without keys.
    """
    if network is not None and rpc_url is not None:
        raise ChainError("give --network or --rpc-url, not both")
    node: AnvilNode | None = None
    if network is not None and not network.embedded:
        rpc_url = network.rpc_url()
    if rpc_url is None:
        # An ephemeral node answers for the latest blocks only; one saved to a file keeps all.
        extra = () if state_path is not None else RECENT_STATES_ONLY
        node = AnvilNode(state_path=state_path, extra_args=extra).start()
        rpc_url = node.url
        network = network or Network(name="local", chain_id=31337, embedded=True, local=True)
    try:
        expected = expected_chain_id or (network.chain_id if network else None)
        probe_accounts: list[LocalAccount] = []
        chain = Chain(rpc_url, artifacts, probe_accounts, node=node, network=network)
        if expected is not None and chain.chain_id != expected:
            raise ChainError(
                f"wrong chain: expected chain id {expected}, the node at {rpc_url} reports "
                f"{chain.chain_id}"
            )
        if keystore is not None:
            chain.accounts = [keystore_account(keystore)]
        elif network is not None and network.roles:
            loaded: dict[str, LocalAccount] = {}
            for alias in network.role_aliases():
                if alias not in loaded:
                    loaded[alias] = keystore_account(Path(alias))
            chain.accounts = [loaded[alias] for alias in network.role_aliases()]
        elif chain.is_local:
            chain.accounts = dev_accounts()
        elif not read_only:
            raise ChainError(
                f"chain {chain.chain_id} is not a local development chain: pass --keystore "
                "(a keystore file or an account alias) or name the roles' aliases for the "
                "network in networks.yaml"
            )
        yield chain
    finally:
        if node is not None:
            node.stop()
