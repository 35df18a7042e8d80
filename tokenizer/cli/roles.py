"""``rwa roles``: who may call each state-changing function, as the README shows it."""

from __future__ import annotations

import argparse


def add_roles(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("roles", help="print who may call each state-changing function (Markdown)")
    p.set_defaults(handler=cmd_roles)


def cmd_roles(args: argparse.Namespace) -> int:
    from tokenizer.access import markdown_table

    print(markdown_table())
    return 0
