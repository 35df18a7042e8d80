"""``rwa compile``: the contracts, compiled or read from the cache."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from tokenizer.cli.output import print_json


def add_compile(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("compile", help="compile the contracts (cached)")
    p.add_argument("--force", action="store_true", help="ignore the cache")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_compile)


def cmd_compile(args: argparse.Namespace) -> int:
    from tokenizer.compiler import compile_contracts

    t = time.perf_counter()
    artifacts = compile_contracts(force=args.force)
    seconds = time.perf_counter() - t
    sizes = {n: a.deployed_size for n, a in sorted(artifacts.contracts.items())}
    summary: dict[str, Any] = {
        "compiler": artifacts.compiler_version,
        "from_cache": artifacts.from_cache,
        "seconds": round(seconds, 3),
        "contracts": sizes,
        "warnings": list(artifacts.warnings),
    }
    if args.json:
        print_json(summary)
        return 0
    origin = (
        "from the cache" if artifacts.from_cache else f"with solc-js {artifacts.compiler_version}"
    )
    print(f"Compiled {len(artifacts.contracts)} contracts {origin} in {seconds:.2f} s:")
    for name, size in sizes.items():
        print(f"  {name:<20} {size:>6,} bytes deployed")
    for warning in artifacts.warnings:
        print(f"warning: {warning.splitlines()[0]}", file=sys.stderr)
    return 0
