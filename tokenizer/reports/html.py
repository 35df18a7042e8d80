"""``report.html``: one self-contained page about a deal that a presenter can hand out.

:func:`render_html` is a pure function of the typed run (:class:`~tokenizer.reports.model.
RunReport`, or None for ``rwa risk`` without a chain run), the spec and, when there is one, a
Monte Carlo result (:class:`RiskView`). The page needs no server and loads nothing: the CSS is
inline and every chart is a PNG drawn with matplotlib's Agg backend, embedded as a base64 data
URI. Every text that comes from a spec or a run goes through :func:`html.escape`.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from tokenizer.reports.format import fmt_pct, fmt_units
from tokenizer.reports.model import RunReport
from tokenizer.risk.analysis import RiskReport
from tokenizer.risk.fan import PathCharts
from tokenizer.risk.tranches import ClassRisk
from tokenizer.spec import DealSpec

__all__ = ["RiskView", "band_view", "render_html", "risk_view", "write_html"]

_URL = re.compile(r"https?://[^\s<>\"')]+")
_COMMON = {"name", "start_year", "ramp_years", "growth_bps", "shocks"}

CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:960px;margin:2em auto;
padding:0 1em;color:#1a202c;line-height:1.45}
h1{border-bottom:3px solid #2b6cb0;padding-bottom:.2em}h2{margin-top:1.8em;color:#2b6cb0}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #cbd5e0;padding:.3em .6em;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#edf2f7}
.band{background:#ebf8ff;border-left:4px solid #2b6cb0;padding:.6em 1em;margin:1em 0}
.note{color:#4a5568;font-size:.9em}img{max-width:100%}code{font-size:.88em}
figure{margin:1em 0}figcaption{color:#4a5568;font-size:.9em}
"""


@dataclass(frozen=True)
class RiskView:
    """A Monte Carlo result as the page shows it."""

    paths: int
    seed: int
    classes: tuple[ClassRisk, ...]
    charts: PathCharts | None
    dates: str  # how the returns are dated, in words


def band_view(spec: DealSpec) -> RiskView:
    """The demo's band (:func:`tokenizer.risk.band.band`: the run the story and ``report.md``
    already quote, cached, so no second Monte Carlo), as the page shows it."""
    from tokenizer.risk.band import BAND_PATHS, band, band_charts, simulation_timing

    return RiskView(
        paths=BAND_PATHS,
        seed=0,
        classes=band(spec),
        charts=band_charts(spec),
        dates=simulation_timing(spec).describe() + " (as in the simulation)",
    )


def risk_view(result: RiskReport) -> RiskView:
    """``rwa risk``'s result as the page shows it."""
    return RiskView(
        paths=result.paths,
        seed=result.seed,
        classes=result.classes,
        charts=result.charts,
        dates=result.timing.describe(),
    )


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: int = 1) -> str:
    """A table; cells are already HTML; columns from ``numeric`` on are right-aligned."""

    def cls(i: int) -> str:
        return ' class="n"' if i >= numeric else ""

    out = ["<table><tr>"]
    out += [f"<th{cls(i)}>{_e(h)}</th>" for i, h in enumerate(head)]
    out.append("</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _pairs(rows: Sequence[tuple[str, str]]) -> str:
    return _table(["", ""], [[_e(k), _e(v)] for k, v in rows], numeric=9)


def _bps(v: int) -> str:
    return f"{v / 100:g} %"


def _terms(spec: DealSpec) -> str:
    s, o, t = spec.settlement, spec.offering, spec.token
    dec, sym = s.decimals, s.symbol
    rows = [
        ("token", f"{t.name} ({t.symbol})"),
        ("term", f"{t.term_years} years, {spec.revenue.periods_per_year} payouts a year"),
        (
            "holders' share",
            f"{_bps(t.revenue_share_bps)} of the {spec.revenue.pledged.replace('_', ' ')}",
        ),
        ("settlement", f"{s.name} ({sym}); {s.fx_per_unit} {s.revenue_currency} per {sym}"),
        ("price per token", fmt_units(o.price, dec, sym, 4)),
        (
            "soft cap / hard cap",
            f"{fmt_units(o.soft_cap, dec, sym)} / {fmt_units(o.hard_cap, dec, sym)}",
        ),
        (
            "purchase, min / max",
            f"{fmt_units(o.min_purchase, dec, sym)} / {fmt_units(o.max_purchase, dec, sym)}",
        ),
        ("sale window", f"{o.duration_days} days"),
        ("lock-up after purchase", f"{spec.compliance.lockup_days} days"),
        ("who may hold", ", ".join(spec.compliance.allowed_countries)),
        ("blocked", ", ".join(spec.compliance.blocked_countries) or "none"),
    ]
    return "<h2>Terms</h2>" + _pairs(rows)


def _value(v: Any) -> str:
    if isinstance(v, tuple | list):
        return ", ".join(_value(x) for x in v)
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return "; ".join(f"{f.name} {_value(getattr(v, f.name))}" for f in dataclasses.fields(v))
    return str(v)


def _assets(spec: DealSpec) -> str:
    from tokenizer.assets import kind_of

    rows = []
    for stream in spec.revenue.streams:
        labels = kind_of(stream).labels
        own = "; ".join(
            f"{f.name} = {_value(getattr(stream, f.name))}"
            for f in dataclasses.fields(stream)
            if f.name not in _COMMON
        )
        shocks = "; ".join(
            f"years {x.from_year}-{x.to_year}: -{_bps(x.haircut_bps)} at {_bps(x.probability_bps)}"
            + (f" ({x.reason})" if x.reason else "")
            for x in stream.shocks
        )
        rows.append(
            [
                _e(stream.name),
                _e(labels.title),
                _e(f"{labels.description} (counts {labels.driver})"),
                _e(
                    f"opens year {stream.start_year}, ramp {stream.ramp_years} y, "
                    f"prices +{_bps(stream.growth_bps)} a year"
                    + (f"; {own}" if own else "")
                    + (f"; shocks {shocks}" if shocks else "")
                ),
            ]
        )
    r = spec.revenue
    assumptions = [
        ("revenue currency", r.currency),
        ("net margin", _bps(r.net_margin_bps)),
        ("pledged", r.pledged.replace("_", " ")),
        ("noise per period (sigma)", _bps(r.volatility_bps)),
        ("yearly demand walk (sigma)", _bps(r.annual_volatility_bps)),
        ("first period's calendar month", str(r.start_month)),
    ]
    assumptions += [
        (
            f"shock, years {x.from_year}-{x.to_year}",
            f"-{_bps(x.haircut_bps)} with probability {_bps(x.probability_bps)} a year"
            + (f" ({x.reason})" if x.reason else ""),
        )
        for x in r.shocks
    ]
    return (
        "<h2>Underlying assets</h2>"
        + _table(["stream", "kind", "how revenue is computed", "assumptions"], rows, numeric=9)
        + "<h2>Key assumptions</h2>"
        + _pairs(assumptions)
    )


def _band(risk: RiskView, spec: DealSpec) -> str:
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    lines = []
    for c in risk.classes:
        lo, mid, hi = c.irr
        lines.append(
            f"<p><b>{_e(c.name)}</b>: median IRR {_e(fmt_pct(mid))}; 90 % of paths between "
            f"{_e(fmt_pct(lo))} and {_e(fmt_pct(hi))}; chance of losing money "
            f"{_e(fmt_pct(c.p_loss, 1))}.</p>"
        )
    rows = [
        [
            _e(c.name),
            _e(fmt_units(c.invested, dec, sym, 0)),
            _e(fmt_pct(c.irr[0])),
            _e(fmt_pct(c.irr[1])),
            _e(fmt_pct(c.irr[2])),
            _e(fmt_pct(c.p_loss, 1)),
            _e(fmt_units(c.expected_loss, dec, sym, 0)),
            _e(" / ".join(fmt_units(v, dec, "", 0) for v in c.cash_back)),
            _e(" / ".join(fmt_units(v, dec, "", 0) for v in c.profit)),
        ]
        for c in risk.classes
    ]
    return (
        f'<h2>Risk band</h2><div class="band">{"".join(lines)}</div>'
        + _table(
            [
                "class",
                "paid in",
                "IRR P5",
                "IRR P50",
                "IRR P95",
                "chance of loss",
                "expected loss",
                f"cash back P5 / P50 / P95 ({sym})",
                f"profit P5 / P50 / P95 ({sym})",
            ],
            rows,
        )
        + f'<p class="note">{risk.paths:,} paths of the revenue model, seed {risk.seed}; '
        f"{_e(risk.dates)}. Cash back includes the investor's own capital coming back; "
        "profit is cash back minus what was paid. These are ranges from a model, not a "
        "promise.</p>"
    )


def _tranches(spec: DealSpec) -> str:
    if spec.structure is None:
        return ""
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    rows = [
        [
            _e(t.name),
            _e(t.symbol),
            _e(fmt_units(t.size, dec, sym, 0)),
            _e("residual" if t.residual else _bps(t.coupon_bps)),
            _e(t.amortisation or "-"),
            _e(t.min_investor_class or "any"),
        ]
        for t in spec.structure.tranches
    ]
    st = spec.structure
    extra = []
    if st.fees:
        extra.append(
            "fees: "
            + ", ".join(
                f"{f.name} "
                + (
                    _bps(f.bps_per_year) + " a year"
                    if f.bps_per_year
                    else fmt_units(f.amount_per_year, dec, sym, 0) + " a year"
                )
                for f in st.fees
            )
        )
    if st.reserve is not None:
        r = st.reserve
        extra.append(
            f"reserve: target {_bps(r.target_bps_of_senior)} of the senior"
            if r.target_bps_of_senior
            else f"reserve: target {fmt_units(r.target, dec, sym, 0)}"
        )
    extra += [
        f"guarantor {g.name}: covers {st.tranches[g.covers].name}, up to "
        f"{fmt_units(g.per_period_limit, dec, sym, 0)} a period, "
        f"{fmt_units(g.total_limit, dec, sym, 0)} in all" + (", repaid" if g.repaid else "")
        for g in st.guarantors
    ]
    extra += [
        f"trigger: {t.metric} below {t.below_bps / 10_000:.2f}x for {t.periods} periods -> "
        f"{t.action.replace('_', ' ')}"
        for t in st.triggers
    ]
    return (
        "<h2>Tranches (most senior first)</h2>"
        + _table(["tranche", "token", "size", "coupon", "amortisation", "investors"], rows, 2)
        + "".join(f'<p class="note">{_e(x)}</p>' for x in extra)
    )


def _png(draw: Callable[[Any, Any], None]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.8))
    draw(fig, ax)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(title: str, uri: str) -> str:
    return (
        f'<figure><img alt="{_e(title)}" src="{uri}"><figcaption>{_e(title)}</figcaption></figure>'
    )


def _charts(report: RunReport | None, spec: DealSpec, risk: RiskView | None) -> str:
    out: list[str] = []
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    scale = 10**dec
    charts = None if risk is None else risk.charts
    if charts is not None and charts.revenue_per_year:
        years = list(range(1, len(charts.revenue_per_year) + 1))
        lo = [b[0] / 1e6 for b in charts.revenue_per_year]
        mid = [b[1] / 1e6 for b in charts.revenue_per_year]
        hi = [b[2] / 1e6 for b in charts.revenue_per_year]

        def fan(fig: Any, ax: Any) -> None:
            ax.fill_between(years, lo, hi, color="#90cdf4", alpha=0.6, label="P5-P95")
            ax.plot(years, mid, color="#2b6cb0", label="median")
            ax.set_xlabel("term year")
            ax.set_ylabel(f"gross revenue (million {spec.revenue.currency})")
            ax.legend()

        out.append(_figure(f"Gross revenue per year over {charts.paths:,} paths", _png(fan)))

        def losses(fig: Any, ax: Any) -> None:
            from tokenizer.risk.fan import LOSS_PERCENTILES

            for name, q in charts.loss_share.items():
                ax.step(
                    [v * 100 for v in q],
                    [100 * (1 - p) for p in LOSS_PERCENTILES],
                    label=name,
                    where="post",
                )
            ax.set_xlabel("loss, % of what the class paid in")
            ax.set_ylabel("% of paths losing at least this")
            ax.set_xlim(0, 100)
            ax.set_ylim(0, 100)
            ax.legend()

        out.append(
            _figure(
                "Loss distribution per class (share of paths losing at least x %)", _png(losses)
            )
        )
    if report is not None and report.disclosure is not None and report.disclosure.periods:
        ds = report.disclosure
        per = [p.period for p in ds.periods]

        def by_source(fig: Any, ax: Any) -> None:
            bottom = [0.0] * len(per)
            for source in ("operations", "reserve", "guarantor", "other"):
                vals = [p.paid[source] / scale / 1e6 for p in ds.periods]
                ax.bar(per, vals, bottom=bottom, label=f"from {source}")
                bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
            ax.set_xlabel("period")
            ax.set_ylabel(f"paid out (million {sym})")
            ax.legend(fontsize=7)

        out.append(
            _figure(
                "Payouts by source of funds, per attested period (from the ReportGate)",
                _png(by_source),
            )
        )
    if report is not None and report.waterfall is not None:
        wf = report.waterfall
        yrs = [y.year for y in wf.years]
        rated = wf.tranches[:-1]

        def waterfall(fig: Any, ax: Any) -> None:
            parts: list[tuple[str, list[float]]] = [
                ("fees", [y.fees / scale / 1e6 for y in wf.years])
            ]
            for i, n in enumerate(rated):
                parts.append((f"{n} interest", [y.interest[i] / scale / 1e6 for y in wf.years]))
                parts.append((f"{n} principal", [y.principal[i] / scale / 1e6 for y in wf.years]))
            parts.append(
                (f"{wf.tranches[-1]} (residual)", [y.residual / scale / 1e6 for y in wf.years])
            )
            parts.append(("reserve filled", [y.reserve_filled / scale / 1e6 for y in wf.years]))
            parts.append(
                ("guarantors repaid", [y.guarantor_repaid / scale / 1e6 for y in wf.years])
            )
            bottom = [0.0] * len(yrs)
            for label, vals in parts:
                ax.bar(yrs, vals, bottom=bottom, label=label)
                bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
            ax.plot(
                yrs, [y.collections / scale / 1e6 for y in wf.years], "k.-", label="collections in"
            )
            ax.set_xlabel("term year")
            ax.set_ylabel(f"million {sym}")
            ax.legend(fontsize=7, ncol=2)

        out.append(
            _figure(
                "The simulated path's waterfall per year: where the money went", _png(waterfall)
            )
        )

        def sources(fig: Any, ax: Any) -> None:
            c = [y.from_collections / scale / 1e6 for y in wf.years]
            r = [y.from_reserve / scale / 1e6 for y in wf.years]
            g = [y.from_guarantors / scale / 1e6 for y in wf.years]
            ax.bar(yrs, c, label="collections")
            ax.bar(yrs, r, bottom=c, label="reserve")
            ax.bar(yrs, g, bottom=[a + b for a, b in zip(c, r, strict=True)], label="guarantors")
            ax.set_xlabel("term year")
            ax.set_ylabel(f"paid out (million {sym})")
            ax.legend()

        out.append(
            _figure("Payouts by source of funds, per year (the simulated path)", _png(sources))
        )
    elif report is not None and report.revenue.paid_to_holders_per_year:
        per_year = report.revenue.paid_to_holders_per_year

        def paid(fig: Any, ax: Any) -> None:
            ax.bar(
                range(1, len(per_year) + 1),
                [a / scale / 1e6 for a in per_year],
                label="collections",
            )
            ax.set_xlabel("term year")
            ax.set_ylabel(f"paid to holders (million {sym})")
            ax.legend()

        out.append(
            _figure(
                "Payouts by source of funds per year "
                "(all from collections: no reserve or guarantor)",
                _png(paid),
            )
        )
    return "<h2>Charts</h2>" + "".join(out) if out else ""


def _run(report: RunReport, spec: DealSpec) -> str:
    from tokenizer.risk.band import path_irr

    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    sale, ret = report.sale, report.returns
    irr = path_irr(spec, spec.offering.price, report.revenue.per_period, report.sale.tokens_sold)
    back = sum(ret.yield_per_year)
    rows = [
        (
            "sale",
            f"{sale.status}: raised {fmt_units(sale.raised, dec, sym)} from {sale.buyers} buyers "
            f"of {report.investors.registered} registered",
        ),
        (
            "periods distributed",
            f"{report.revenue.periods_distributed} of {report.revenue.periods}",
        ),
        ("paid to holders", fmt_units(report.revenue.paid_to_holders, dec, sym)),
        ("IRR on this one simulated path (dated)", fmt_pct(irr)),
        ("cash back on this path, per unit of the price (capital included)", f"{back:.2f}x"),
        ("profit on this path, per unit of the price", f"{back - 1:+.2%}"),
        (
            "secondary trades settled / refused",
            f"{report.activity.trades} / {sum(report.activity.trades_refused.values())}",
        ),
    ]
    return "<h2>The simulated run (one path)</h2>" + _pairs(rows)


def _disclosure(report: RunReport, spec: DealSpec) -> str:
    ds = report.disclosure
    if ds is None:
        return ""
    from tokenizer.reports.disclosure import story_lines

    text = story_lines(ds, spec.settlement.decimals, spec.settlement.symbol)
    rows = "".join(f"<p>{_e(line)}</p>" for line in text.splitlines())
    docs = "".join(
        f"<tr><td>{_e(d['kind'])}</td><td>{d['asset']}</td><td>{d['version']}</td>"
        f"<td>{_e(d['status'])}</td><td>{_e(', '.join(d['attesters']) or 'nobody')}</td></tr>"
        for d in ds.documents
    )
    return (
        "<h2>Disclosure: documents and attested reports</h2>"
        + rows
        + "<table><tr><th>document</th><th>asset</th><th>version</th><th>status</th>"
        + "<th>attested by</th></tr>"
        + docs
        + "</table><p>The chain proves who signed which figures and that the money paid "
        + "matches them; it cannot prove the figures are true.</p>"
    )


def _appendix(report: RunReport, spec: DealSpec) -> str:
    sym, dec = spec.settlement.symbol, spec.settlement.decimals
    rec = report.reconciliation
    contracts = [
        [
            _e(f"{c.get('name', key)} ({key})"),
            f"<code>{_e(c.get('address', ''))}</code>",
            _e(f"{int(c.get('gas', 0)):,}"),
        ]
        for key, c in report.contracts.items()
    ]
    total_gas = sum(int(c.get("gas", 0)) for c in report.contracts.values())

    def u(v: int) -> str:
        return _e(fmt_units(v, dec, sym))

    recon = [
        [
            u(rec.distributed),
            u(rec.claimed),
            u(rec.claimable),
            u(rec.dust),
            u(rec.swept),
            u(rec.held_by_token),
            _e(rec.mismatches),
        ]
    ]
    parts = [
        "<h2>Appendix</h2>",
        f"<h3>Contracts (chain id {_e(report.chain.chain_id)}, {_e(report.chain.client)})</h3>",
        _table(["contract", "address", "deploy gas"], contracts, numeric=2),
        f"<p>Deployment gas in all: {total_gas:,}.</p>",
        f"<h3>Reconciliation at block {_e(rec.block)} ({_e(sym)})</h3>",
        "<p class=\"note\">Every holder's entitlement was recomputed from the token's events and "
        "compared with the chain"
        + ("; the waterfall's every payment against its exact mirror" if rec.tranches else "")
        + f"; {_e(rec.mismatches)} mismatches.</p>",
    ]
    if not rec.tranches:  # a structured deal's figures are per tranche token
        parts.append(
            _table(
                [
                    "distributed",
                    "claimed",
                    "claimable",
                    "dust",
                    "dust returned",
                    "held by token",
                    "mismatches",
                ],
                recon,
                0,
            )
        )
    else:
        parts.append(
            _table(
                ["tranche", "distributed", "claimed", "claimable", "holders", "mismatches"],
                [
                    [
                        _e(n),
                        u(t["distributed"]),
                        u(t["claimed"]),
                        u(t["claimable"]),
                        _e(t["holders"]),
                        _e(t["mismatches"]),
                    ]
                    for n, t in rec.tranches.items()
                ],
            )
        )
    return "".join(parts)


def _sources(spec: DealSpec) -> str:
    if not spec.sources:
        return ""
    items = []
    for s in spec.sources:
        text, last = [], 0
        for m in _URL.finditer(s):
            text.append(_e(s[last : m.start()]))
            text.append(f'<a href="{_e(m.group(0))}">{_e(m.group(0))}</a>')
            last = m.end()
        text.append(_e(s[last:]))
        items.append(f"<li>{''.join(text)}</li>")
    return f"<h2>Sources</h2><ul>{''.join(items)}</ul>"


def render_html(report: RunReport | None, spec: DealSpec, risk: RiskView | None = None) -> str:
    """The whole page as a string: the same inputs give the same bytes."""
    body = [
        f"<h1>{_e(spec.name)}</h1>",
        f"<p>{_e(spec.summary.strip())}</p>",
        _terms(spec),
        _assets(spec),
        _tranches(spec),
        _band(risk, spec) if risk is not None else "",
        _run(report, spec) if report is not None else "",
        _disclosure(report, spec) if report is not None else "",
        _charts(report, spec, risk),
        _appendix(report, spec) if report is not None else "",
        _sources(spec),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(spec.name)}</title><style>{CSS}</style></head><body>"
        + "\n".join(b for b in body if b)
        + "</body></html>\n"
    )


def write_html(
    report: RunReport | None, spec: DealSpec, folder: Path, risk: RiskView | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.html"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(render_html(report, spec, risk), encoding="utf-8")
    tmp.replace(path)
    return path
