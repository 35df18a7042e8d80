"""``rwa node``, and opening the chain a command talks to (``--rpc-url`` or an embedded Anvil)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tokenizer.cli.options import port_number
from tokenizer.errors import ChainError, TokenizerError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from tokenizer.chain import Chain


def add_node(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("node", help="run a local Anvil in the foreground (Ctrl-C stops it)")
    p.add_argument("--port", type=port_number("--port"), default=8545, help="port (default 8545)")
    p.add_argument("--state", type=Path, help="load and save the chain state in this file")
    p.set_defaults(handler=cmd_node)


def cmd_node(args: argparse.Namespace) -> int:
    from tokenizer.chain import AnvilNode

    node = AnvilNode(port=args.port, state_path=args.state)
    node.start()
    print(f"Anvil is listening on {node.url} (chain id 31337). Ctrl-C stops it.", flush=True)
    try:
        while node.process is not None and node.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    finally:
        node.stop()
    # Anvil stopped by itself: a crash, or another program took the port after the check.
    process = node.process
    code = process.returncode if process is not None else None
    if process is not None and code:
        message = process.stderr.read().decode().strip() if process.stderr else ""
        first = message.splitlines()[0] if message else "no message"
        raise ChainError(f"Anvil on port {args.port} stopped with exit code {code}: {first}")
    return 0


def open_chain_for(
    args: argparse.Namespace, read_only: bool = False
) -> AbstractContextManager[Chain]:
    """The chain the command's options name: ``--network``, ``--rpc-url``, or an embedded
    Anvil; a ``read_only`` command needs no keystore."""
    from tokenizer.chain import open_chain
    from tokenizer.chain.networks import network as named
    from tokenizer.compiler import compile_contracts

    rpc_url = getattr(args, "rpc_url", None)
    state = getattr(args, "state", None)
    name = getattr(args, "network", None)
    network = named(name) if name else None
    if state is not None and (rpc_url is not None or (network and not network.embedded)):
        raise TokenizerError(
            "--state is for the embedded Anvil: leave out --rpc-url and --network, or use "
            "`rwa node --state FILE` and point --rpc-url at it"
        )
    return open_chain(
        compile_contracts(),
        rpc_url=rpc_url,
        keystore=getattr(args, "keystore", None),
        expected_chain_id=getattr(args, "chain_id", None),
        state_path=state,
        network=network,
        read_only=read_only,
    )
