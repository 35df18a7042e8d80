"""``rwa bench``: its options here; the measurements live in :mod:`tokenizer.bench`.

The help text states the quick sizes without importing the bench (a test keeps the two in step).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tokenizer.errors import TokenizerError

QUICK_HELP = (
    "small sizes (holders 10/100/1000, push 100/300, simulation 100x24, "
    "Monte Carlo 1000x240, retail deal 25/50/100x12); finishes in about a minute"
)


def add_bench(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("bench", help="measure gas, throughput and speed, with baselines")
    p.add_argument("--quick", action="store_true", help=QUICK_HELP)
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write bench.json (default: out/bench.json)",
    )
    p.set_defaults(handler=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    from tokenizer.bench import run
    from tokenizer.workspace import Workspace

    path: Path = args.out or Workspace.current().out / "bench.json"
    if path.is_dir():
        raise TokenizerError(f"--out {path}: is a folder; give the file to write (bench.json)")
    Workspace.ensure_writable(path.parent, "--out")
    return run(quick=args.quick, out=path)
