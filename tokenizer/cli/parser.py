"""The ``rwa`` argument parser: every command, its options and its handler.

Only light modules are imported here (argparse and the command modules, whose handlers import
the chain, the bench, NumPy and web3 when they run), so ``rwa --help`` answers at once.
"""

from __future__ import annotations

import argparse

from tokenizer.cli.account import add_account
from tokenizer.cli.bench import add_bench
from tokenizer.cli.chain import add_node
from tokenizer.cli.contracts import add_compile
from tokenizer.cli.deals import add_check_transfer, add_demo, add_deploy, add_simulate, add_validate
from tokenizer.cli.export import add_export
from tokenizer.cli.operate import (
    add_claim_for,
    add_distribute,
    add_freeze,
    add_holders,
    add_position,
    add_recover,
)
from tokenizer.cli.risk import add_compare, add_invest, add_risk
from tokenizer.cli.roles import add_roles
from tokenizer.cli.web import add_web

# In the order `rwa --help` lists them.
COMMANDS = (
    add_compile,
    add_node,
    add_validate,
    add_deploy,
    add_simulate,
    add_risk,
    add_compare,
    add_invest,
    add_check_transfer,
    add_distribute,
    add_claim_for,
    add_freeze,
    add_recover,
    add_holders,
    add_position,
    add_account,
    add_roles,
    add_export,
    add_bench,
    add_demo,
    add_web,
)


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's, with room for the longest command name (check-transfer) on its line."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog)
        self._action_max_length = 20


def build_parser() -> argparse.ArgumentParser:
    """The parser; each command sets ``handler`` (Namespace -> exit code) in its defaults."""
    parser = argparse.ArgumentParser(
        prog="rwa",
        description="Tokenise the future revenue of real-world assets on an EVM chain.",
        formatter_class=_HelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser
