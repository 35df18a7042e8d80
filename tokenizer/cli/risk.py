"""The risk commands: ``rwa risk``, ``rwa compare`` and ``rwa invest``.

The analytics live in :mod:`tokenizer.risk`; the handlers import them (and NumPy) when they
run, so building the parser stays light.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tokenizer.cli.options import BadArgument, non_negative_int, positive_int
from tokenizer.cli.output import print_json
from tokenizer.errors import TokenizerError

if TYPE_CHECKING:
    from tokenizer.spec import DealSpec

MAX_PATHS = 1_000_000


def _paths(text: str) -> int:
    value = positive_int("--paths")(text)
    if value > MAX_PATHS:
        raise BadArgument(f"--paths must be at most {MAX_PATHS:,}, got {value:,}")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--paths", type=_paths, default=10_000, help="paths of the revenue model (default 10000)"
    )
    p.add_argument(
        "--seed", type=non_negative_int("--seed"), default=0, help="random seed (default 0)"
    )
    p.add_argument(
        "--purchase-day",
        type=non_negative_int("--purchase-day"),
        default=None,
        help="the day of the sale window the buyer pays (0 = the day it opens; default: the "
        "day it closes); returns are computed from that date",
    )
    p.add_argument("--json", action="store_true", help="print the answer as JSON")


def add_risk(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "risk",
        help="Monte Carlo per tranche through the exact waterfall: losses, IRR bands, "
        "breakevens, stresses",
    )
    p.add_argument("spec", type=Path, help="deal spec (YAML)")
    _common(p)
    p.add_argument("--out", type=Path, help="folder for report.html (default out/<deal>/risk/)")
    p.set_defaults(handler=cmd_risk)


def add_compare(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("compare", help="deals side by side: a table per metric and one chart")
    p.add_argument("specs", type=Path, nargs="+", metavar="SPEC", help="deal specs (YAML)")
    _common(p)
    p.add_argument(
        "--out", type=Path, help="folder for the chart and tables (default out/compare/)"
    )
    p.set_defaults(handler=cmd_compare)


def add_invest(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("invest", help="what your own purchase could return: ranges, not a number")
    p.add_argument("spec", type=Path, help="deal spec (YAML)")
    p.add_argument(
        "--amount", required=True, help="what you would invest, in the settlement currency"
    )
    p.add_argument("--tranche", help="the tranche to buy (a deal with tranches)")
    _common(p)
    p.set_defaults(handler=cmd_invest)


def cmd_risk(args: argparse.Namespace) -> int:
    from tokenizer.reports.html import risk_view, write_html
    from tokenizer.risk.analysis import run_risk
    from tokenizer.risk.text import risk_lines
    from tokenizer.spec import load_spec
    from tokenizer.workspace import Workspace

    spec = load_spec(args.spec)
    ws = Workspace.current()
    folder: Path = args.out or ws.out / spec.id / "risk"
    Workspace.ensure_writable(folder, "--out" if args.out else "the risk report folder")
    report = run_risk(spec, args.paths, args.seed, paid_day=_day(spec, args.purchase_day))
    page = write_html(None, spec, folder, risk_view(report))
    if args.json:
        print_json(report.as_dict())
    else:
        print("\n".join(risk_lines(report)))
        print(f"Report: {ws.relative(page)}.")
    return 0


def _day(spec: DealSpec, day: int | None) -> int | None:
    days = spec.offering.duration_days
    if day is not None and day > days:
        raise BadArgument(
            f"--purchase-day must be a day of the {days}-day sale (0 to {days}), got {day}"
        )
    return day


def cmd_compare(args: argparse.Namespace) -> int:
    import json

    from tokenizer.risk.analysis import run_risk
    from tokenizer.risk.compare import compare_tables, draw_compare_chart
    from tokenizer.spec import load_spec
    from tokenizer.workspace import Workspace

    specs = [load_spec(path) for path in args.specs]
    seen: dict[str, Path] = {}
    for spec, path in zip(specs, args.specs, strict=True):
        if spec.id in seen:
            raise TokenizerError(f"{path}: deal {spec.id} is already compared ({seen[spec.id]})")
        seen[spec.id] = path
    ws = Workspace.current()
    folder: Path = args.out or ws.out / "compare"
    Workspace.ensure_writable(folder, "--out" if args.out else "the compare folder")
    reports = [
        run_risk(s, args.paths, args.seed, paid_day=_day(s, args.purchase_day), stresses=False)
        for s in specs
    ]
    tables = compare_tables(reports)
    chart = draw_compare_chart(reports, folder / "compare.png")
    md = [f"# Deals compared ({args.paths:,} paths each, seed {args.seed})", ""]
    for title, lines in tables:
        md += [f"## {title}", "", "```", *lines, "```", ""]
    md += ["![IRR bands and chances of loss](compare.png)", ""]
    (folder / "compare.md").write_text("\n".join(md))
    (folder / "compare.json").write_text(
        json.dumps([r.as_dict() for r in reports], indent=2) + "\n"
    )
    if args.json:
        print_json([r.as_dict() for r in reports])
        return 0
    for title, lines in tables:
        print(f"{title}:")
        print("\n".join(f"  {line}" for line in lines))
        print()
    print(f"Chart: {ws.relative(chart)}; tables: {ws.relative(folder / 'compare.md')}.")
    return 0


def cmd_invest(args: argparse.Namespace) -> int:
    from tokenizer.risk.invest import invest
    from tokenizer.spec import load_spec, parse_amount

    spec = load_spec(args.spec)
    try:
        amount = parse_amount(args.amount, spec.settlement.decimals, spec.settlement.symbol)
    except ValueError as exc:
        raise TokenizerError(f"--amount: {exc}") from None
    result = invest(
        spec,
        amount,
        args.tranche,
        paths=args.paths,
        seed=args.seed,
        paid_day=_day(spec, args.purchase_day),
    )
    if args.json:
        print_json(result.as_dict())
    else:
        print("\n".join(result.lines()))
    return 0
