"""``report.md`` for people (with the charts) and ``report.json`` for machines."""

from __future__ import annotations

import json
from pathlib import Path

from tokenizer.reports.charts import draw_charts
from tokenizer.reports.format import fmt_pct, fmt_units
from tokenizer.reports.model import RunReport
from tokenizer.spec import DealSpec


def write_json(report: RunReport, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report.to_dict(), indent=2, sort_keys=False) + "\n")
    tmp.replace(path)
    return path


def _refused(by_rule: dict[str, int]) -> str:
    if not by_rule:
        return "0"
    detail = ", ".join(f"{rule}: {n}" for rule, n in sorted(by_rule.items(), key=lambda r: -r[1]))
    return f"{sum(by_rule.values())} ({detail})"


def _return_rows(report: RunReport, spec: DealSpec) -> list[str]:
    """The returns, honestly: this path's dated IRR next to the band, cash back apart from
    profit (the average cash paid out includes the investor's own capital coming back)."""
    from tokenizer.risk.band import BAND_PATHS, band, path_irr

    ret = report.returns
    irr = path_irr(spec, spec.offering.price, report.revenue.per_period, report.sale.tokens_sold)
    rows = [
        f"| IRR per token on this simulated path, from the dates the money moved | {fmt_pct(irr)} |"
    ]
    for c in band(spec):
        who = "" if spec.structure is None else f" ({c.name})"
        rows += [
            f"| IRR over {BAND_PATHS:,} paths of the revenue model{who}: P5 / median / P95 | "
            f"{fmt_pct(c.irr[0])} / {fmt_pct(c.irr[1])} / {fmt_pct(c.irr[2])} |",
            f"| chance of losing money over {BAND_PATHS:,} paths{who} | {fmt_pct(c.p_loss, 1)} |",
        ]
    back = sum(ret.yield_per_year)
    rows += [
        "| cash paid out per year, average (your own capital coming back included: not a yield) "
        f"| {fmt_pct(ret.average_yield)} |",
        f"| cash back on this path, per unit of the price (capital and profit) | {back:.2f}x |",
        f"| profit on this path, per unit of the price | {back - 1:+.2%} |",
    ]
    return rows


def write_markdown(report: RunReport, spec: DealSpec, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    sale, rec, ret = report.sale, report.reconciliation, report.returns
    revenue, activity = report.revenue, report.activity
    lines = [
        f"# {spec.name}",
        "",
        spec.summary.strip(),
        "",
        "## Deployment",
        "",
        f"Chain id {report.chain.chain_id} ({report.chain.client}).",
        "",
        "| contract | address | deploy gas |",
        "|---|---|---:|",
    ]
    for key, c in report.contracts.items():
        lines.append(f"| {c['name']} ({key}) | `{c['address']}` | {c.get('gas', 0):,} |")
    lines += [
        "",
        "## Primary sale",
        "",
        "| | |",
        "|---|---|",
        f"| price per token | {fmt_units(sale.price, dec, sym, 4)} |",
        f"| soft cap / hard cap | {fmt_units(sale.soft_cap, dec, sym)} / "
        f"{fmt_units(sale.hard_cap, dec, sym)} |",
        f"| raised | {fmt_units(sale.raised, dec, sym)} |",
        f"| buyers | {sale.buyers} of {report.investors.registered} registered |",
        f"| outcome | {sale.status} |",
        "",
        "## Revenue and returns",
        "",
        "| | |",
        "|---|---|",
        f"| periods distributed | {revenue.periods_distributed} of {revenue.periods} |",
        f"| paid to holders | {fmt_units(revenue.paid_to_holders, dec, sym)} |",
        *_return_rows(report, spec),
        f"| payback | {ret.payback_years or 'not within the term'} years |",
        f"| secondary trades settled (delivery versus payment) | {activity.trades} |",
        f"| secondary trades refused by compliance | {_refused(activity.trades_refused)} |",
        f"| claims | {activity.claims} |",
        "",
        "## Reconciliation (stablecoin smallest units)",
        "",
        "Every holder's entitlement was recomputed from the token's event history and compared "
        "with the chain.",
        "",
        "| distributed | claimed | claimable | dust | dust returned | held by token | mismatches |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {rec.distributed} | {rec.claimed} | {rec.claimable} | {rec.dust} | {rec.swept} "
        f"| {rec.held_by_token} | {rec.mismatches} |",
        "",
    ]
    if report.waterfall is not None:
        from tokenizer.reports.waterfall import table

        names = " > ".join(report.waterfall.tranches)
        lines += [
            "## Waterfall, per year (whole " + sym + ")",
            "",
            f"Each period the servicer deposited the period's collections into the waterfall "
            f"with its report's hash; the waterfall paid, in order, the fees, each rated "
            f"tranche's interest then principal (the reserve filled after the senior), guarantor "
            f"repayments, then the residual ({names}). Every payment names its source "
            f"(collections, reserve, guarantor); the reconciliation checked each one against "
            f"the exact mirror. Tranches per tranche token:",
            "",
            "| tranche | distributed | claimed | claimable | holders | mismatches |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, t in rec.tranches.items():
            lines.append(
                f"| {name} | {fmt_units(t['distributed'], dec, sym)} | "
                f"{fmt_units(t['claimed'], dec, sym)} | {fmt_units(t['claimable'], dec, sym)} "
                f"| {t['holders']} | {t['mismatches']} |"
            )
        lines += ["", *table(report.waterfall, spec), ""]
        if report.waterfall.lowest_dscr_bps is not None:
            lines += [
                f"Lowest DSCR of a period: {report.waterfall.lowest_dscr_bps / 10_000:.2f}x; "
                f"periods with a trigger on: {report.waterfall.periods_with_trigger_on}.",
                "",
            ]
    if report.disclosure is not None:
        from tokenizer.reports.disclosure import markdown

        lines += markdown(report.disclosure, dec, sym)
    try:
        charts = draw_charts(report, spec, folder)
    except ImportError:
        charts = []
    if charts:
        lines += ["## Charts", ""]
        for title, name in charts:
            lines += [f"![{title}]({name})", ""]
    if spec.sources:
        lines += ["## Sources", ""] + [f"- {s}" for s in spec.sources] + [""]
    path = folder / "report.md"
    path.write_text("\n".join(lines))
    return path
