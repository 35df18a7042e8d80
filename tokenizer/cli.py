"""The ``rwa`` command line."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tokenizer.errors import TokenizerError
from tokenizer.workspace import Workspace

DEFAULT_SPEC = Path("seeds") / "xiaoping_island.yaml"
ZERO_ADDRESS = "0x" + "0" * 40
EXIT_REFUSED = 3  # check-transfer: the rules refuse the transfer


def _chain_options(parser: argparse.ArgumentParser) -> None:
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


def _sim_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--periods", type=int, help="revenue periods to run (default: the term)")
    parser.add_argument("--investors", type=int, help="investors to simulate (default: the spec)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, help="report folder (default out/<deal>/)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's, with room for the longest command name (check-transfer) on its line."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog)
        self._action_max_length = 20


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rwa",
        description="Tokenise the future revenue of real-world assets on an EVM chain.",
        formatter_class=_HelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("compile", help="compile the contracts (cached)")
    p.add_argument("--force", action="store_true", help="ignore the cache")
    p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = sub.add_parser("node", help="run a local Anvil in the foreground (Ctrl-C stops it)")
    p.add_argument("--port", type=int, default=8545, help="port (default 8545)")
    p.add_argument("--state", type=Path, help="load and save the chain state in this file")

    p = sub.add_parser("validate", help="check a deal spec and print a summary")
    p.add_argument("spec", type=Path, help="deal spec (YAML)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = sub.add_parser("deploy", help="deploy a deal's contracts (reuses a recorded deployment)")
    p.add_argument("spec", type=Path, help="deal spec (YAML)")
    p.add_argument("--json", action="store_true", help="print the deployment record as JSON")
    _chain_options(p)

    p = sub.add_parser(
        "simulate",
        help="deploy, onboard investors, sell, distribute every period, claim, reconcile, report",
    )
    p.add_argument("spec", type=Path, help="deal spec (YAML)")
    _sim_options(p)
    _chain_options(p)

    p = sub.add_parser(
        "check-transfer",
        help="would a transfer pass the deal's compliance rules, and if not, which rule stops it",
    )
    p.add_argument("spec", type=Path, help="deal spec (YAML) of a deployed deal")
    p.add_argument(
        "sender", metavar="FROM", help=f"sender address ({ZERO_ADDRESS} asks for a mint)"
    )
    p.add_argument("receiver", metavar="TO", help="receiver address")
    p.add_argument("amount", metavar="AMOUNT", help='whole tokens, decimals allowed ("12.5")')
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    _chain_options(p)

    sub.add_parser("roles", help="print who may call each state-changing function (Markdown)")

    p = sub.add_parser("bench", help="measure gas, throughput and speed, with baselines")
    from tokenizer import bench

    bench.add_arguments(p)

    p = sub.add_parser("demo", help="the Xiaoping Island story on an embedded Anvil")
    p.add_argument("spec", type=Path, nargs="?", default=None, help=f"default {DEFAULT_SPEC}")
    _sim_options(p)
    return parser


def _say(quiet: bool) -> Any:
    def say(text: str) -> None:
        if not quiet:
            print(text, flush=True)

    return say


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
        print(json.dumps(summary, indent=2))
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


def cmd_node(args: argparse.Namespace) -> int:
    from tokenizer.chain import AnvilNode

    node = AnvilNode(port=args.port, state_path=args.state)
    node.start()
    print(f"Anvil is listening on {node.url} (chain id 31337). Ctrl-C stops it.", flush=True)
    try:
        while node.process is not None and node.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        node.stop()
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from tokenizer.reports.format import fmt_units
    from tokenizer.spec import load_spec

    spec = load_spec(args.spec)
    s, dec = spec.settlement.symbol, spec.settlement.decimals
    summary = {
        "id": spec.id,
        "name": spec.name,
        "periods": spec.periods,
        "supply": spec.token.supply,
        "price": spec.offering.price,
        "hard_cap": spec.offering.hard_cap,
        "investors": spec.investors.count,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"{spec.path.name}: {spec.name} is valid: {spec.token.term_years} years in "
            f"{spec.periods} periods, price {fmt_units(spec.offering.price, dec, s, 4)}, hard cap "
            f"{fmt_units(spec.offering.hard_cap, dec, s)}, {spec.investors.count} investors."
        )
    return 0


def _open(args: argparse.Namespace) -> Any:
    from tokenizer.chain import open_chain
    from tokenizer.compiler import compile_contracts

    rpc_url = getattr(args, "rpc_url", None)
    state = getattr(args, "state", None)
    if state is not None and rpc_url is not None:
        raise TokenizerError(
            "--state is for the embedded Anvil: leave out --rpc-url, or use "
            "`rwa node --state FILE` and point --rpc-url at it"
        )
    return open_chain(
        compile_contracts(),
        rpc_url=rpc_url,
        keystore=getattr(args, "keystore", None),
        expected_chain_id=getattr(args, "chain_id", None),
        state_path=state,
    )


def cmd_deploy(args: argparse.Namespace) -> int:
    from tokenizer.deploy import deploy_deal
    from tokenizer.spec import load_spec

    spec = load_spec(args.spec)
    quiet = args.json
    with _open(args) as chain:
        if chain.node is not None and not quiet:
            print("No --rpc-url: deploying to an embedded Anvil that stops when this command ends.")
        deal = deploy_deal(
            chain,
            spec,
            on_step=None
            if quiet
            else lambda step, reused: print(("reused " if reused else "") + step, flush=True),
        )
        if args.json:
            print(deal.deployment.record_file.read_text())
        else:
            print(f"Deployment record: {Workspace.current().relative(deal.deployment.record_file)}")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from tokenizer.simulation.pipeline import RunSettings, run_deal
    from tokenizer.spec import load_spec

    spec_path = args.spec or Workspace.current().root / DEFAULT_SPEC
    spec = load_spec(spec_path)
    for name in ("periods", "investors"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            raise TokenizerError(f"--{name} must be a positive whole number, got {value}")
    if args.periods is not None and args.periods > spec.periods:
        raise TokenizerError(
            f"--periods {args.periods} is longer than the term ({spec.periods} periods)"
        )
    settings = RunSettings(
        investors=args.investors,
        periods=args.periods,
        seed=args.seed,
        out_dir=args.out,
        quiet=args.json,
    )
    with _open(args) as chain:
        report = run_deal(chain, spec, settings, _say(args.json))
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    return 1 if report.reconciliation.mismatches else 0


def cmd_demo(args: argparse.Namespace) -> int:
    if not args.json:
        import textwrap

        from tokenizer.spec import load_spec

        spec = load_spec(args.spec or Workspace.current().root / DEFAULT_SPEC)
        print(spec.name, flush=True)
        print(textwrap.fill(" ".join(spec.summary.split()), width=96), flush=True)
        print("Running the whole deal on an embedded Anvil...\n", flush=True)
    args.rpc_url = None
    return cmd_simulate(args)


def _address(text: str, name: str) -> str:
    from eth_utils.address import is_address, to_checksum_address

    if not is_address(text):
        raise TokenizerError(f"{name}: not an address: {text!r} (0x and 40 hex digits)")
    return str(to_checksum_address(text))


def cmd_check_transfer(args: argparse.Namespace) -> int:
    from tokenizer.compliance.check import check_transfer
    from tokenizer.deploy import recorded_deal
    from tokenizer.spec import load_spec, parse_amount

    spec = load_spec(args.spec)
    sender, receiver = _address(args.sender, "FROM"), _address(args.receiver, "TO")
    try:
        amount = parse_amount(args.amount, spec.token.decimals, "the token")
    except ValueError as exc:
        raise TokenizerError(f"AMOUNT: {exc}") from None
    with _open(args) as chain:
        deal = recorded_deal(chain, spec)
        verdict = check_transfer(chain, deal.token, sender, receiver, amount)
    what = "a mint" if sender == ZERO_ADDRESS else "a transfer"
    tokens = f"{args.amount} {spec.token.symbol}"
    if args.json:
        answer = {
            "deal": spec.id,
            "token": deal.token.address,
            "from": sender,
            "to": receiver,
            "amount": amount,
            **verdict.as_dict(),
        }
        print(json.dumps(answer, indent=2))
    elif verdict.allowed:
        print(f"allowed: {what} of {tokens} from {sender} to {receiver} passes every rule.")
    else:
        rule = f"the {verdict.rule} rule" if verdict.rule else "the token"
        print(
            f"refused by {rule}: {what} of {tokens} from {sender} to {receiver}: "
            f"{verdict.explanation}"
        )
    return 0 if verdict.allowed else EXIT_REFUSED


def cmd_roles(args: argparse.Namespace) -> int:
    from tokenizer.access import markdown_table

    print(markdown_table())
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from tokenizer import bench

    return bench.run(args)


COMMANDS = {
    "bench": cmd_bench,
    "roles": cmd_roles,
    "compile": cmd_compile,
    "node": cmd_node,
    "validate": cmd_validate,
    "deploy": cmd_deploy,
    "check-transfer": cmd_check_transfer,
    "simulate": cmd_simulate,
    "demo": cmd_demo,
}


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds, so an embedded Anvil is stopped on the way out


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        return COMMANDS[args.command](args)
    except TokenizerError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
