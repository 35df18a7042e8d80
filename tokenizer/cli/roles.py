"""``rwa roles``: who may call each state-changing function, as the README shows it."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_roles(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("roles", help="print who may call each state-changing function (Markdown)")
    p.add_argument(
        "spec",
        type=Path,
        nargs="?",
        default=None,
        help="only the contracts this deal deploys (the waterfall for a deal with structure:)",
    )
    p.set_defaults(handler=cmd_roles)


def cmd_roles(args: argparse.Namespace) -> int:
    from tokenizer.access import markdown_table

    structured = True
    if args.spec is not None:
        from tokenizer.spec import load_spec

        structured = load_spec(args.spec).structure is not None
    print(markdown_table(structured=structured))
    return 0
