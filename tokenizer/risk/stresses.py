"""Stress scenarios: the deal run again under bad assumptions, next to the base.

Each scenario is the deal's spec changed in one way (and, for the revenue cuts, a uniform
haircut); it is run on the same paths as the base (the same seed: common random numbers), so a
difference between two rows is the stress, not sampling noise.

* **revenue -10 % ... -50 %**: every period's revenue cut by that share;
* **a pandemic-like year**: revenue down 60 % for the whole of term year 2, on every path, on top
  of the model (assumption: close to the fall of Chinese domestic tourism revenue in 2020,
  about 60 %; year 2 because a deal is most fragile before its assets are run in);
* **the guarantors gone**: the structure without its guarantors (a guarantor that cannot pay);
* **the operator defaults**: for kinds that model an operator's default
  (``operator_default_bps_per_year``, e.g. ``transit``), a default in the first period on every
  path, with the deal's own standstill, recovery and diversion.

Scenarios that do not apply to a deal (no guarantor, no operator default modelled) are left out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tokenizer.spec import DealSpec, ShockSpec

__all__ = ["HAIRCUTS", "PANDEMIC_CUT_BPS", "PANDEMIC_YEAR", "Scenario", "scenarios"]

HAIRCUTS = (0.10, 0.20, 0.30, 0.40, 0.50)
PANDEMIC_YEAR = 2
PANDEMIC_CUT_BPS = 6_000
_OPERATOR_DEFAULT = "operator_default_bps_per_year"


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    spec: DealSpec
    haircut: float = 0.0


def _pandemic(spec: DealSpec) -> DealSpec:
    year = min(PANDEMIC_YEAR, spec.token.term_years)
    shock = ShockSpec(
        from_year=year,
        to_year=year,
        haircut_bps=PANDEMIC_CUT_BPS,
        reason="a pandemic-like year",
    )
    revenue = dataclasses.replace(spec.revenue, shocks=(*spec.revenue.shocks, shock))
    return dataclasses.replace(spec, revenue=revenue)


def _operator_defaults(spec: DealSpec) -> DealSpec | None:
    streams = []
    changed = False
    for stream in spec.revenue.streams:
        if hasattr(stream, _OPERATOR_DEFAULT):
            changes: dict[str, Any] = {_OPERATOR_DEFAULT: 10_000}
            stream = dataclasses.replace(stream, **changes)
            changed = True
        streams.append(stream)
    if not changed:
        return None
    revenue = dataclasses.replace(spec.revenue, streams=tuple(streams))
    return dataclasses.replace(spec, revenue=revenue)


def scenarios(spec: DealSpec) -> tuple[Scenario, ...]:
    """The base and every stress that applies to ``spec``, in the order reports list them."""
    out = [Scenario("base", "base case (the model as specified)", spec)]
    for h in HAIRCUTS:
        out.append(Scenario(f"revenue_-{h:.0%}", f"revenue {-h:.0%} every period", spec, h))
    year = min(PANDEMIC_YEAR, spec.token.term_years)
    out.append(
        Scenario(
            "pandemic_year",
            f"a pandemic-like year: revenue -{PANDEMIC_CUT_BPS // 100} % in term year {year}",
            _pandemic(spec),
        )
    )
    if spec.structure is not None and spec.structure.guarantors:
        gone = dataclasses.replace(spec.structure, guarantors=())
        out.append(
            Scenario(
                "no_guarantor", "the guarantors gone", dataclasses.replace(spec, structure=gone)
            )
        )
    defaulted = _operator_defaults(spec)
    if defaulted is not None:
        out.append(
            Scenario("operator_default", "the operator defaults in the first period", defaulted)
        )
    return tuple(out)
