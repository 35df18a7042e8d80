"""``rwa export``: ABIs, address books, TypeScript and Python modules, cast signatures and
block-explorer verification files, in the layout :mod:`tokenizer.export` documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tokenizer.cli.output import print_json
from tokenizer.errors import TokenizerError

if TYPE_CHECKING:
    from tokenizer.export import NetworkRecords


def add_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="write ABIs, addresses, TS/Python modules, cast signatures, verification files",
    )
    p.add_argument(
        "--network",
        help="only this network's records (a name from networks.yaml); checked on its node when "
        "it has one; default: every network with a record under deployments/",
    )
    p.add_argument(
        "--rpc-url",
        help="only the records of the node at this URL (by its chain id), checked on it",
    )
    p.add_argument("--out", type=Path, help="folder to write (default out/export/)")
    p.add_argument(
        "--cast-cache",
        action="store_true",
        help="also merge the signatures into ~/.foundry/cache/signatures, so cast names the "
        "project's errors",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from tokenizer.compiler import compile_contracts
    from tokenizer.export import NetworkRecords, export
    from tokenizer.export.layout import recorded_networks
    from tokenizer.workspace import Workspace

    if args.network and args.rpc_url:
        raise TokenizerError("give --network or --rpc-url, not both")
    ws = Workspace.current()
    out: Path = args.out or ws.out / "export"
    artifacts = compile_contracts()
    if args.network or args.rpc_url:
        networks = [_checked_records(args)]
    else:
        from tokenizer.chain.networks import load_networks

        known = load_networks()
        networks = []
        for key in recorded_networks():
            net = known.get(key)
            chain_id = net.chain_id if net else (int(key) if key.isdigit() else None)
            networks.append(NetworkRecords.load(key, chain_id, net.explorer if net else None))
    result = export(artifacts, networks, out, cast_cache=args.cast_cache)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print_json(
            {
                "out": str(result.out),
                "contracts": result.contracts,
                "networks": result.networks,
                "files": len(result.files),
                "cast_cache": str(result.cast_cache) if result.cast_cache else None,
                "warnings": result.warnings,
            }
        )
        return 0
    deals = sum(len(d) for d in result.networks.values())
    print(
        f"Exported {len(result.contracts)} ABIs and {deals} deployment(s) on "
        f"{len(result.networks)} network(s) to {ws.relative(result.out)}/ "
        f"({len(result.files)} files; the layout is in its README.md)"
    )
    for key, names in result.networks.items():
        print(f"  {key}: {', '.join(names) if names else 'no deployment'}")
    if result.cast_cache:
        print(f"cast: {result.cast_entries_added} signature(s) added to {result.cast_cache}")
    return 0


def _checked_records(args: argparse.Namespace) -> NetworkRecords:
    """The records of the one network the options name, checked on its node (read-only) when
    it has one: every recorded contract must have code there."""
    from tokenizer.chain.networks import network as named
    from tokenizer.cli.chain import open_chain_for
    from tokenizer.export import NetworkRecords
    from tokenizer.export.layout import check_deployed

    if args.network:
        net = named(args.network)
        if net.embedded:  # the embedded Anvil is gone with its command: nothing to check
            return NetworkRecords.load(net.record_key, net.chain_id, net.explorer)
    with open_chain_for(args, read_only=True) as chain:
        records = NetworkRecords.load(chain.record_key, chain.chain_id, chain.network.explorer)
        check_deployed(records, chain.code_at)
        return records
