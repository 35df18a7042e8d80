"""The bench.json document as the table ``rwa bench`` prints: figure, value, goal, baseline."""

from __future__ import annotations

import json
from typing import Any

Row = tuple[str, str, str, str]
HEAD: Row = ("figure", "value", "goal", "ratio / baseline")


def _n(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def _goal(goals: dict[str, Any], name: str) -> str:
    g = goals[name]
    return f"{g['goal']} [{'met' if g['met'] else 'MISSED'}]"


def _distribute_rows(gas: dict[str, Any], goals: dict[str, Any]) -> list[Row]:
    biggest = str(max(map(int, gas["distribute"])))
    rows: list[Row] = [
        (
            f"distribute gas, {int(n):,} holders (steady)",
            _n(value),
            _goal(goals, "distribute_gas") if n == biggest else "",
            "",
        )
        for n, value in gas["distribute"].items()
    ]
    rows.append(
        (
            "distribute spread across holder counts",
            f"{gas['distribute_spread']:.4%}",
            _goal(goals, "distribute_flat"),
            "",
        )
    )
    rows.append(("distribute gas, first period", _n(gas["distribute_first"]), "", ""))
    return rows


def _holder_rows(gas: dict[str, Any], goals: dict[str, Any]) -> list[Row]:
    plain = gas["transfer_plain_erc20"]
    return [
        (
            "claim gas, second claim",
            _n(gas["claim"]),
            _goal(goals, "claim_gas"),
            f"first claim {_n(gas['claim_first'])}",
        ),
        (
            "transfer gas, every compliance rule on (repeat)",
            _n(gas["transfer_compliant"]),
            _goal(goals, "transfer_ratio"),
            f"{gas['transfer_compliant'] / plain:.2f}x plain {_n(plain)}",
        ),
        (
            "transfer gas, every compliance rule on (first after revenue)",
            _n(gas["transfer_compliant_first"]),
            "",
            f"{gas['transfer_compliant_first'] / plain:.2f}x plain",
        ),
    ]


def _onboarding_rows(gas: dict[str, Any]) -> list[Row]:
    return [
        ("registration gas, single", _n(gas["onboard_register_single"]), "", ""),
        (
            "registration gas per investor, batch of 100",
            _n(gas["onboard_register_per_investor_batch100"]),
            "",
            "",
        ),
        (
            "mint gas per investor (issuance)",
            _n(gas["onboard_mint"]),
            "",
            f"first mint {_n(gas['onboard_mint_first'])}",
        ),
        (
            "purchase gas in the sale (buy, a later buyer)",
            _n(gas["onboard_purchase"]),
            "",
            f"sale's first buyer {_n(gas['onboard_purchase_first_buyer'])}; "
            f"approve {_n(gas['onboard_approve'])}",
        ),
        (
            "onboarding gas per investor (batched KYC + approve + buy)",
            _n(gas["onboard_per_investor_batched"]),
            "",
            "",
        ),
    ]


def _push_rows(gas: dict[str, Any]) -> list[Row]:
    hi_dist = gas["distribute"][str(max(map(int, gas["distribute"])))]
    rows: list[Row] = [
        (
            f"push distribution gas, {int(n):,} holders (repeat)",
            _n(value),
            "",
            f"{value / hi_dist:,.0f}x distribute; first {_n(gas['push_distribution_first'][n])}",
        )
        for n, value in gas["push_distribution"].items()
    ]
    rows.append(
        (
            "push: holders that fit in 30 M gas (linear extrapolation)",
            _n(gas["push_max_holders_30m"]),
            "",
            f"first-time payout: {_n(gas['push_max_holders_30m_first'])}",
        )
    )
    return rows


def _speed_rows(doc: dict[str, Any]) -> list[Row]:
    tp, sec, goals = doc["throughput"], doc["seconds"], doc["goals"]
    sim, mc = doc["simulation"], doc["montecarlo"]
    return [
        (
            f"onboarding txs, one at a time ({tp['transactions']} txs)",
            f"{tp['onboard_tx_per_s_sequential']:,.0f} tx/s",
            "",
            "",
        ),
        (
            "onboarding txs, send_many batched",
            f"{tp['onboard_tx_per_s_batched']:,.0f} tx/s",
            _goal(goals, "batched_onboarding"),
            f"{tp['batched_over_sequential']:.1f}x sequential",
        ),
        (
            f"simulation {sim['investors']:,} investors x {sim['periods']} periods",
            f"{sim['seconds']:.2f} s",
            _goal(goals, "simulate"),
            f"{sim['buyers']} buyers, mismatches {sim['mismatches']}",
        ),
        (
            f"Monte Carlo {mc['paths']:,} x {mc['periods']} (vectorised)",
            f"{mc['montecarlo']:.3f} s",
            _goal(goals, "montecarlo"),
            f"{mc['python_over_vectorised']:,.0f}x faster than plain Python",
        ),
        (
            f"Monte Carlo plain Python, per path ({mc['reference_paths']} paths)",
            f"{sec['montecarlo_python_per_path'] * 1000:.1f} ms",
            "",
            "",
        ),
        ("compile, cold (force)", f"{sec['compile_cold']:.2f} s", "", ""),
        (
            "compile, cached",
            f"{sec['compile_cached'] * 1000:.1f} ms",
            _goal(goals, "compile_cached"),
            "",
        ),
    ]


def _layout(rows: list[Row]) -> list[str]:
    """Columns padded to their widest cell; the header keeps its padding, rows are stripped."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEAD)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEAD, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return lines


def _kind_rows(by_kind: dict[str, Any]) -> list[Row]:
    """One row per asset kind: its Monte Carlo time and the ratio to the plain loop."""
    rows: list[Row] = []
    for name, m in by_kind.items():
        if m.get("seed") is None:
            rows.append((f"Monte Carlo, kind {name}", "no seed stream", "", ""))
            continue
        rows.append(
            (
                f"Monte Carlo, kind {name}, {m['paths']:,} paths x {m['months']} months (s)",
                _n(m["seconds"]),
                "<= 1 s " + ("[met]" if m["seconds"] <= 1.0 else "[MISSED]"),
                f"{m['reference_over_vectorised']:,.0f}x faster than the plain loop ({m['seed']})",
            )
        )
    return rows


def _waterfall_rows(waterfall: dict[str, Any] | None, goals: dict[str, Any]) -> list[Row]:
    """Gas of one waterfall period of the tranched seed and of the issue's 3-tranche deal."""
    if not waterfall:
        return []
    rows: list[Row] = []
    for key, w in (
        ("waterfall_period_gas", waterfall),
        ("waterfall_period_gas_three", waterfall.get("three_tranches")),
    ):
        if w:
            rows.append(
                (
                    f"waterfall period gas, {w['tranches']} tranches (steady)",
                    f"{w['steady']:,}",
                    _goal(goals, key),
                    f"first {w['first']:,}, most {w['max']:,} ({w['seed']})",
                )
            )
    return rows


def _disclosure_rows(disclosure: dict[str, Any] | None, goals: dict[str, Any]) -> list[Row]:
    """Gas of an attested distribution (ReportGate) and of registering a document."""
    if not disclosure:
        return []
    attested = disclosure["attested_distribute"]
    lo_n, hi_n = min(attested, key=int), max(attested, key=int)
    return [
        (
            f"attested distribute gas, {int(hi_n):,} holders (steady)",
            f"{attested[hi_n]:,}",
            _goal(goals, "attested_distribute_gas"),
            "servicer + auditor EIP-712 signatures, sources recorded, then distribute",
        ),
        (
            f"attested distribute spread {lo_n} -> {hi_n} holders (%)",
            f"{disclosure['attested_distribute_spread'] * 100:.3f}",
            _goal(goals, "attested_distribute_flat"),
            f"{attested[lo_n]:,} at {lo_n}",
        ),
        (
            "register a document gas",
            f"{disclosure['register_document']:,}",
            _goal(goals, "register_document_gas"),
            "first version of its series, about a registered asset",
        ),
    ]


def _risk_rows(risk: dict[str, Any] | None, goals: dict[str, Any]) -> list[Row]:
    """``rwa risk`` end to end: paths, waterfall, analytics, breakevens, stresses."""
    if not risk:
        return []
    size = f"{risk['paths']:,} paths x {risk['months']} months"
    rows: list[Row] = [
        (
            f"rwa risk, single class, {size}",
            f"{risk['single_class_seconds']:.2f} s",
            "",
            risk["seed"],
        ),
        (
            f"rwa risk, three tranches, {size}",
            f"{risk['three_tranche_seconds']:.2f} s",
            _goal(goals, "risk_three_tranche"),
            "exact waterfall, breakevens, stresses",
        ),
    ]
    if "mirror" in risk:
        m = risk["mirror"]
        rows.append(
            (
                f"waterfall mirror, {m['paths']:,} paths x {m['periods']} x {m['tranches']} "
                "tranches: vectorised / scalar (estimated)",
                f"{m['vectorised_seconds']:.2f} s / {m['scalar_seconds_estimated']:,.1f} s",
                _goal(goals, "waterfall_mirror"),
                f"{m['speedup']}x; equal on {m['sample']} sampled paths: {m['equal_on_sample']}",
            )
        )
    if "three_tranche_big_seconds" in risk:
        rows.append(
            (
                f"rwa risk, three tranches, {risk['big_paths']:,} paths",
                f"{risk['three_tranche_big_seconds']:.2f} s",
                _goal(goals, "risk_three_tranche_big"),
                f"peak {risk['three_tranche_big_peak_bytes'] / 2**20:,.0f} MiB traced",
            )
        )
    return rows


def _scale_rows(scale: dict[str, Any] | None, goals: dict[str, Any]) -> list[Row]:
    """The retail deal end to end at each size, and the biggest one's stages."""
    if not scale:
        return []
    rows: list[Row] = []
    biggest = str(scale["holders"])
    for n, run in scale["by_holders"].items():
        rows.append(
            (
                f"retail deal end to end, {int(n):,} holders x {run['periods']} periods",
                f"{run['seconds']:.1f} s",
                _goal(goals, "scale_end_to_end") if n == biggest else "",
                f"{run['floor_ratio']:.2f}x floor {run['floor_seconds']:.1f} s "
                f"({run['transactions']:,} txs at {run['tx_per_s_batched']:,.0f} tx/s); "
                f"{run['buyers']:,} buyers, mismatches {run['mismatches']}",
            )
        )
    shares = ", ".join(f"{k} {v:.0%}" for k, v in scale["stage_share"].items())
    rows += [
        (
            f"retail deal, {scale['holders']:,} holders: time against its floor",
            f"{scale['floor_ratio']:.2f}x",
            _goal(goals, "scale_floor_ratio"),
            shares,
        ),
        (
            f"retail deal, {scale['holders']:,} holders: peak memory",
            f"{scale['peak_memory_mb']:,.0f} MB",
            _goal(goals, "scale_memory"),
            f"Anvil {scale['anvil_peak_memory_mb']:,.0f} MB",
        ),
        (
            f"retail deal, {scale['holders']:,} holders: blocks mined",
            f"{scale['blocks']:,}",
            "",
            f"an empty block costs {scale['empty_block_ms_at_end']:,.0f} ms at the final state "
            f"({scale['blocks'] * scale['empty_block_ms_at_end'] / 1000:,.1f} s for them all)",
        ),
        (
            f"reconciliation alone, {scale['holders']:,} holders x {scale['periods']}",
            f"{scale['reconcile_seconds']:.2f} s",
            _goal(goals, "scale_reconcile"),
            "every holder to the unit, read at one block",
        ),
    ]
    return rows


def table(doc: dict[str, Any]) -> str:
    gas, goals = doc["gas"], doc["goals"]
    rows = [
        *_distribute_rows(gas, goals),
        *_holder_rows(gas, goals),
        *_onboarding_rows(gas),
        *_push_rows(gas),
        *_speed_rows(doc),
        *_kind_rows(doc.get("montecarlo_by_kind", {})),
        *_risk_rows(doc.get("risk"), goals),
        *_waterfall_rows(doc.get("waterfall"), goals),
        *_disclosure_rows(doc.get("disclosure"), goals),
        *_scale_rows(doc.get("scale"), goals),
    ]
    lines = _layout(rows)
    met = sum(1 for g in goals.values() if g["met"])
    lines.append("")
    lines.append(f"Goals met: {met} of {len(goals)}. Sizes: {json.dumps(doc['sizes'])}")
    lines.append("Steady state: " + doc["steady_state"] + ".")
    return "\n".join(lines)
