"""The commands about one deal: validate, deploy, simulate, check-transfer, demo.

Each handler imports what it needs when it runs, so that building the parser stays light.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tokenizer.cli.chain import open_chain_for
from tokenizer.cli.options import chain_options, simulation_options
from tokenizer.cli.output import address, confirm, print_json, progress
from tokenizer.errors import TokenizerError
from tokenizer.units import ZERO_ADDRESS

if TYPE_CHECKING:
    from tokenizer.chain import Chain
    from tokenizer.spec import DealSpec

DEFAULT_SPEC = Path("seeds") / "xiaoping_island.yaml"
#: What `rwa demo` runs without a SPEC: the Xiaoping deal with its documents on chain and every
#: period's report attested, and one period in which the operator over-reports and is caught.
DEMO_SPEC = Path("seeds") / "xiaoping_island_disclosed.yaml"
DEMO_DISHONEST_PERIOD = 30
EXIT_REFUSED = 3  # check-transfer: the rules refuse the transfer


def _spec_argument(parser: argparse.ArgumentParser, help: str = "deal spec (YAML)") -> None:
    parser.add_argument("spec", type=Path, help=help)


def add_validate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("validate", help="check a deal spec and print a summary")
    _spec_argument(p)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=cmd_validate)


def add_deploy(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("deploy", help="deploy a deal's contracts (reuses a recorded deployment)")
    _spec_argument(p)
    p.add_argument("--json", action="store_true", help="print the deployment record as JSON")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="rehearse on a fork of the chain: print every transaction, its gas and cost, and "
        "the deployer's balance; send nothing",
    )
    p.add_argument("--yes", action="store_true", help="on a non-local network, send without asking")
    p.add_argument(
        "--redeploy",
        action="store_true",
        help="deploy afresh when the recorded deployment is of an earlier version of the deal",
    )
    chain_options(p)
    p.set_defaults(handler=cmd_deploy)


def add_simulate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "simulate",
        help="deploy, onboard investors, sell, distribute every period, claim, reconcile, report",
    )
    _spec_argument(p)
    simulation_options(p)
    chain_options(p)
    p.set_defaults(handler=cmd_simulate)


def add_check_transfer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check-transfer",
        help="would a transfer pass the deal's compliance rules, and if not, which rule stops it",
    )
    _spec_argument(p, "deal spec (YAML) of a deployed deal")
    p.add_argument(
        "sender", metavar="FROM", help=f"sender address ({ZERO_ADDRESS} asks for a mint)"
    )
    p.add_argument("receiver", metavar="TO", help="receiver address")
    p.add_argument("amount", metavar="AMOUNT", help='whole tokens, decimals allowed ("12.5")')
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    chain_options(p)
    p.set_defaults(handler=cmd_check_transfer)


def add_demo(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="the Xiaoping Island story on an embedded Anvil")
    p.add_argument(
        "spec",
        type=Path,
        nargs="?",
        default=None,
        help=f"default {DEMO_SPEC}, with --dishonest-period {DEMO_DISHONEST_PERIOD} unless "
        "another is given",
    )
    simulation_options(p)
    p.set_defaults(handler=cmd_demo)


def cmd_validate(args: argparse.Namespace) -> int:
    from tokenizer.expectation import LABEL, expect
    from tokenizer.reports.format import fmt_units
    from tokenizer.spec import load_spec

    spec = load_spec(args.spec)
    s, dec = spec.settlement.symbol, spec.settlement.decimals
    expected = expect(spec)
    summary = {
        "id": spec.id,
        "name": spec.name,
        "periods": spec.periods,
        "supply": spec.token.supply,
        "price": spec.offering.price,
        "hard_cap": spec.offering.hard_cap,
        "investors": spec.investors.count,
        "pledged": spec.revenue.pledged,
        "expected": expected.as_dict(),
    }
    if args.json:
        print_json(summary)
        return 0
    print(
        f"{spec.path.name}: {spec.name} is valid: {spec.token.term_years} years in "
        f"{spec.periods} periods, price {fmt_units(spec.offering.price, dec, s, 4)}, hard cap "
        f"{fmt_units(spec.offering.hard_cap, dec, s)}, {spec.investors.count} investors."
    )
    cur = spec.revenue.currency
    print(f"\nExpected collections per year ({LABEL}):")
    print(f"  {'year':>4}  {'gross (M ' + cur + ')':>14}  {'to holders':>22}  {'of the raise':>12}")
    for y in expected.years:
        print(
            f"  {y.year:>4}  {y.gross / 1e6:>14,.2f}  {fmt_units(y.to_holders, dec, s):>22}  "
            f"{y.yield_on_raise:>11.2%}"
        )
    rate = "n/a" if expected.irr is None else f"{expected.irr:.2%} a year"
    print(
        f"  total to holders {fmt_units(expected.to_holders, dec, s)}, "
        f"{expected.multiple:.2f}x the raise (cash back, not profit: "
        f"{expected.multiple - 1:+.2%} over the term); implied yield (IRR of the expected cash "
        f"flows) {rate}."
    )
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from tokenizer.deploy import deploy_deal
    from tokenizer.spec import load_spec
    from tokenizer.workspace import Workspace

    spec = load_spec(args.spec)
    quiet = args.json
    with open_chain_for(args) as chain:
        if chain.node is not None and not quiet and not args.dry_run:
            print(
                "No --network or --rpc-url: deploying to an embedded Anvil that stops when this "
                "command ends."
            )
        if (args.dry_run or not chain.is_local) and not _rehearsed(chain, spec, args):
            return 0 if args.dry_run else 1
        deal = deploy_deal(
            chain,
            spec,
            on_step=None
            if quiet
            else lambda step, reused: print(("reused " if reused else "") + step, flush=True),
            redeploy=args.redeploy,
        )
        if args.json:
            print(deal.deployment.record_file.read_text())
        else:
            print(f"Deployment record: {Workspace.current().relative(deal.deployment.record_file)}")
        if not args.dry_run:
            from tokenizer.deploy.rehearsal import party_lines

            for line in party_lines(chain, spec):
                print(line, file=sys.stderr if args.json else sys.stdout)
    return 0


def _rehearsed(chain: Chain, spec: DealSpec, args: argparse.Namespace) -> bool:
    """Rehearse the deployment and print its plan; True to go on and send it."""
    import sys

    from tokenizer.deploy.rehearsal import rehearse

    plan = rehearse(chain, spec)
    for line in plan.lines():
        print(line, file=sys.stderr if args.json else sys.stdout, flush=True)
    if args.dry_run:
        return False
    if not plan.steps:
        return True
    if not plan.affordable:
        raise TokenizerError(
            f"the deployer {plan.deployer} holds {plan.balance / 10**18:.6f} but the deployment "
            f"may cost {plan.most_cost / 10**18:.6f} on {plan.network}: fund it first; nothing "
            "was sent"
        )
    return args.yes or confirm(
        f"deploying to {plan.network} sends {len(plan.steps)} transactions",
        f"Send these {len(plan.steps)} transactions to {plan.network}?",
    )


def _report_folder(args: argparse.Namespace, spec: DealSpec) -> Path:
    """Where the run's reports go, proven writable before anything starts."""
    from tokenizer.workspace import Workspace

    folder: Path = args.out or Workspace.current().report_dir(spec.id)
    Workspace.ensure_writable(folder, "--out" if args.out else "the report folder")
    return folder


def cmd_simulate(args: argparse.Namespace) -> int:
    from tokenizer.simulation.pipeline import RunSettings, run_deal
    from tokenizer.simulation.runner import SimulationOptions
    from tokenizer.spec import load_spec
    from tokenizer.workspace import Workspace

    spec = load_spec(args.spec or Workspace.current().root / DEFAULT_SPEC)
    # --periods, --investors and --seed were checked by their argument types.
    if args.periods is not None and args.periods > spec.periods:
        raise TokenizerError(
            f"--periods {args.periods} is longer than the term ({spec.periods} periods)"
        )
    dishonest = frozenset(getattr(args, "dishonest_period", []) or [])
    if dishonest and spec.disclosure is None:
        raise TokenizerError("--dishonest-period: the deal has no disclosure: section")
    settings = RunSettings(
        investors=args.investors,
        periods=args.periods,
        seed=args.seed,
        out_dir=_report_folder(args, spec),
        quiet=args.json,
        options=SimulationOptions(dishonest_periods=dishonest),
    )
    with open_chain_for(args) as chain:
        report = run_deal(chain, spec, settings, progress(args.json))
    if args.json:
        print_json(report.to_dict())
    return 1 if report.reconciliation.mismatches else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from tokenizer.workspace import Workspace

    if args.spec is None:
        args.spec = Workspace.current().root / DEMO_SPEC
        short = args.periods is not None and args.periods < DEMO_DISHONEST_PERIOD
        if not args.dishonest_period and not short:
            args.dishonest_period = [DEMO_DISHONEST_PERIOD]
    if not args.json:
        import textwrap

        from tokenizer.spec import load_spec

        spec = load_spec(args.spec)
        print(spec.name, flush=True)
        print(textwrap.fill(" ".join(spec.summary.split()), width=96), flush=True)
        print("Running the whole deal on an embedded Anvil...\n", flush=True)
    args.rpc_url = None
    return cmd_simulate(args)


def cmd_check_transfer(args: argparse.Namespace) -> int:
    from tokenizer.compliance.check import check_transfer
    from tokenizer.deploy import recorded_deal
    from tokenizer.spec import load_spec, parse_amount

    spec = load_spec(args.spec)
    sender, receiver = address(args.sender, "FROM"), address(args.receiver, "TO")
    try:
        amount = parse_amount(args.amount, spec.token.decimals, "the token")
    except ValueError as exc:
        raise TokenizerError(f"AMOUNT: {exc}") from None
    with open_chain_for(args, read_only=True) as chain:
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
        print_json(answer)
    elif verdict.allowed:
        print(f"allowed: {what} of {tokens} from {sender} to {receiver} passes every rule.")
    else:
        rule = f"the {verdict.rule} rule" if verdict.rule else "the token"
        print(
            f"refused by {rule}: {what} of {tokens} from {sender} to {receiver}: "
            f"{verdict.explanation}"
        )
    return 0 if verdict.allowed else EXIT_REFUSED
