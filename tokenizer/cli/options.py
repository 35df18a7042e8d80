"""Options several commands share, and argument types that refuse bad values at parse time.

Nothing heavy is imported here (no web3, no NumPy): building the parser must stay fast.
A bad value raises :class:`BadArgument`, a :class:`TokenizerError`, so it reaches the user as
one ``error:`` line before any command starts (argparse's own type errors would print usage).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from tokenizer.errors import TokenizerError

ArgType = Callable[[str], int]


class BadArgument(TokenizerError):
    """A command-line value that cannot be used; names the option."""

    exit_code = 2


def _whole_number(flag: str, text: str, low: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise BadArgument(f"{flag} must be {what}, got {text!r}") from None
    if value < low:
        raise BadArgument(f"{flag} must be {what}, got {value}")
    return value


def positive_int(flag: str) -> ArgType:
    """A type for ``flag``: a whole number of at least 1."""

    def parse(text: str) -> int:
        return _whole_number(flag, text, 1, "a positive whole number")

    return parse


def non_negative_int(flag: str) -> ArgType:
    """A type for ``flag``: a whole number of at least 0."""

    def parse(text: str) -> int:
        return _whole_number(flag, text, 0, "a whole number, 0 or more")

    return parse


def port_number(flag: str) -> ArgType:
    """A type for ``flag``: a TCP port, 1 to 65535."""

    def parse(text: str) -> int:
        value = _whole_number(flag, text, 1, "a port number from 1 to 65535")
        if value > 65_535:
            raise BadArgument(f"{flag} must be a port number from 1 to 65535, got {value}")
        return value

    return parse


def chain_options(parser: argparse.ArgumentParser) -> None:
    """Which chain a command talks to, and how it signs."""
    parser.add_argument(
        "--network",
        help="a network named in networks.yaml (local, anvil, hardhat, ganache, sepolia, ...); "
        "default: local, an embedded Anvil for this command",
    )
    parser.add_argument(
        "--rpc-url",
        help="JSON-RPC URL of a node (Anvil, Ganache, Hardhat, a testnet); "
        "default: start an embedded Anvil for this command",
    )
    parser.add_argument(
        "--keystore",
        type=Path,
        help="encrypted keystore (eth-account JSON) for a non-local chain; the password is read "
        "from RWA_KEYSTORE_PASSWORD or asked for",
    )
    parser.add_argument("--chain-id", type=int, help="refuse to run unless the node has this id")
    parser.add_argument(
        "--state",
        type=Path,
        help="without --rpc-url: the embedded Anvil loads its chain from this file and saves it "
        "every second and on exit, so an interrupted run can be resumed",
    )


def simulation_options(parser: argparse.ArgumentParser) -> None:
    """The sizes, seed and report folder of a simulated run."""
    parser.add_argument(
        "--periods",
        type=positive_int("--periods"),
        help="revenue periods to run (default: the term)",
    )
    parser.add_argument(
        "--investors",
        type=positive_int("--investors"),
        help="investors to simulate (default: the spec)",
    )
    parser.add_argument(
        "--seed", type=non_negative_int("--seed"), default=0, help="random seed (default 0)"
    )
    parser.add_argument("--out", type=Path, help="report folder (default out/<deal>/)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--dishonest-period",
        type=positive_int("--dishonest-period"),
        action="append",
        default=[],
        metavar="N",
        help="a deal with disclosure: the operator over-reports period N's collections, the "
        "auditor refuses it and the chain refuses the deposit (repeatable)",
    )
