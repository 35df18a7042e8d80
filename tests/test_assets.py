"""Asset kinds are plug-ins: found by ``kind``, each one module, a new one needs nothing else."""

from __future__ import annotations

import dataclasses
import importlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
import yaml

import tokenizer.assets
from tokenizer import revenue
from tokenizer.assets import (
    AssetKind,
    Labels,
    Month,
    MonthGrid,
    StreamContext,
    StreamFields,
    discover,
    kind_of,
    kinds,
    register,
    unregister,
)
from tokenizer.errors import SpecError
from tokenizer.spec import DealSpec, StreamSpec, load_spec
from tokenizer.spec.fields import Section

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "xiaoping_island.yaml"
SHIPPED = ("hot_spring", "hotel", "ice_snow")


@pytest.fixture(scope="module")
def deal() -> DealSpec:
    return load_spec(SEED)


def seed_with_stream(tmp_path: Path, stream: dict[str, Any]) -> Path:
    """The seed deal with its first stream replaced by ``stream``, and no revenue-wide shocks."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["revenue"]["streams"][0] = stream
    del data["revenue"]["shocks"]
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def load_error(path: Path) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return info.value


# --------------------------------------------------------------------------------------------
# The shipped kinds.
# --------------------------------------------------------------------------------------------


def test_the_shipped_kinds_are_registered_by_name() -> None:
    assert set(SHIPPED) <= set(kinds())
    for name in SHIPPED:
        kind = kinds()[name]
        assert kind.name == name == kind.stream_type.kind
        assert type(kind).__module__ == f"tokenizer.assets.{name}"


def test_every_stream_of_the_seed_is_modelled_by_its_kind(deal: DealSpec) -> None:
    for stream in deal.revenue.streams:
        assert kind_of(stream).name == stream.kind


@pytest.mark.parametrize("name", SHIPPED)
def test_every_kind_has_labels_for_reports(name: str) -> None:
    labels = kinds()[name].labels
    assert labels.title and labels.description and labels.driver


@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize("start_month", [1, 7])
def test_vectorised_base_of_each_kind_equals_its_plain_reference(
    deal: DealSpec, index: int, start_month: int
) -> None:
    stream = deal.revenue.streams[index]
    kind = kind_of(stream)
    months = 60
    k = np.arange(months)
    calendar = (start_month - 1 + k) % 12
    days = np.array(revenue.DAYS_IN_MONTH, dtype=np.float64)[calendar]
    ramp = np.linspace(0.3, 1.0, months)
    growth = 1.02 ** (k // 12)
    grid = MonthGrid(calendar=calendar, days=days, ramp=ramp, growth=growth, unit=100.0)
    vectorised = kind.monthly_base(stream, grid)
    reference = [
        kind.month_base(
            stream,
            Month(
                calendar=int(calendar[m]),
                days=revenue.DAYS_IN_MONTH[int(calendar[m])],
                ramp=float(ramp[m]),
                growth=float(growth[m]),
                unit=100.0,
            ),
        )
        for m in range(months)
    ]
    assert vectorised.shape == (months,)
    np.testing.assert_allclose(vectorised, reference, rtol=1e-12, atol=0)


def test_a_stream_of_an_unregistered_kind_is_refused_by_the_model(deal: DealSpec) -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class CasinoStream(StreamSpec):
        kind: ClassVar[str] = "casino"

    casino = CasinoStream(name="casino")
    with pytest.raises(TypeError, match="unknown stream type CasinoStream"):
        kind_of(casino)
    model = dataclasses.replace(deal.revenue, streams=(casino,))
    with pytest.raises(TypeError, match="unknown stream type CasinoStream"):
        revenue.simulate_gross(model, 12, 1, seed=0)


def test_the_engine_and_the_spec_loader_name_no_kind() -> None:
    """Kind-specific code lives in the kind's module only: no branch per kind elsewhere.

    ``tokenizer/spec/__init__.py`` is left out: it re-exports the old kinds' names (lazily).
    """
    spec_modules = sorted((ROOT / "tokenizer" / "spec").glob("*.py"))
    common = [ROOT / "tokenizer" / "revenue.py", *(p for p in spec_modules if p.stem != "__init__")]
    banned = [
        *(f'"{name}"' for name in SHIPPED),
        "HotelStream", "HotSpringStream", "IceSnowStream", "isinstance(stream",
    ]  # fmt: skip
    for path in common:
        code = path.read_text(encoding="utf-8")
        assert [b for b in banned if b in code] == [], path.name


@pytest.mark.parametrize(
    "module",
    ["tokenizer.assets.hotel", "tokenizer.assets", "tokenizer.spec.fields", "tokenizer.revenue"],
)
def test_each_module_imports_first_without_a_cycle(module: str) -> None:
    """Kinds build on the spec, the spec finds kinds through the registry: any may come first."""
    code = f"import {module}; from tokenizer.spec import load_spec; load_spec({str(SEED)!r})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


# --------------------------------------------------------------------------------------------
# A new kind is one module: written next to the others, it is discovered, read and modelled.
# --------------------------------------------------------------------------------------------

TOLL_ROAD = '''
"""Kind ``toll_road``: vehicles a day x days x toll, with traffic randomness of its own."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from tokenizer.assets import AssetKind, Labels, register
from tokenizer.spec.model import StreamSpec


@dataclass(frozen=True, kw_only=True)
class TollRoadStream(StreamSpec):
    kind: ClassVar[str] = "toll_road"
    vehicles_per_day: int
    toll: int
    traffic_volatility_bps: int = 0


@register
class TollRoad(AssetKind[TollRoadStream]):
    stream_type = TollRoadStream
    fields = ("vehicles_per_day", "toll", "traffic_volatility_bps")
    labels = Labels(title="Toll road", description="vehicles x days x toll", driver="vehicles")

    def read(self, s, common, ctx):
        return TollRoadStream(
            **common,
            vehicles_per_day=s.integer("vehicles_per_day", 1, 1_000_000),
            toll=s.amount("toll", ctx.decimals, ctx.money),
            traffic_volatility_bps=s.bps("traffic_volatility_bps", 0, 5000, default=0),
        )

    def opening_level(self, stream):
        return 1.0

    def monthly_base(self, stream, grid):
        price = stream.toll / grid.unit
        return stream.vehicles_per_day * grid.days * price * grid.ramp * grid.growth

    def month_base(self, stream, month):
        price = stream.toll / month.unit
        return stream.vehicles_per_day * month.days * price * month.ramp * month.growth

    def path_factor(self, stream, revenue, periods, paths, draw):
        s = stream.traffic_volatility_bps / 10_000
        if s == 0:
            return None
        return np.exp(s * draw(0).standard_normal((paths, periods)) - s * s / 2)

    def path_factor_reference(self, stream, revenue, periods, paths, draw):
        s = stream.traffic_volatility_bps / 10_000
        if s == 0:
            return None
        rows = draw(0).standard_normal((paths, periods)).tolist()
        return [[math.exp(s * z - s * s / 2) for z in row] for row in rows]
'''

TOLL_STREAM: dict[str, Any] = {
    "name": "harbour_bridge",
    "kind": "toll_road",
    "vehicles_per_day": 1000,
    "toll": "12.50",
    "traffic_volatility_bps": 1500,
}


@pytest.fixture
def toll_road(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A kind module dropped into the package's search path, as a new file would be."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "toll_road.py").write_text(textwrap.dedent(TOLL_ROAD), encoding="utf-8")
    monkeypatch.setattr(tokenizer.assets, "__path__", [*tokenizer.assets.__path__, str(folder)])
    importlib.invalidate_caches()
    discover()
    yield
    unregister("toll_road")
    sys.modules.pop("tokenizer.assets.toll_road", None)
    vars(tokenizer.assets).pop("toll_road", None)


@pytest.mark.usefixtures("toll_road")
def test_a_new_kind_module_is_discovered_without_editing_anything() -> None:
    assert "toll_road" in kinds()
    assert type(kinds()["toll_road"]).__module__ == "tokenizer.assets.toll_road"


@pytest.mark.usefixtures("toll_road")
def test_a_deal_with_the_new_kind_loads_and_is_modelled(tmp_path: Path) -> None:
    spec = load_spec(seed_with_stream(tmp_path, TOLL_STREAM))
    stream = spec.revenue.streams[0]
    assert type(stream).__name__ == "TollRoadStream"
    assert stream.name == "harbour_bridge"
    assert dataclasses.asdict(stream)["toll"] == 1250  # exact, in fen
    expected = revenue.expected_streams(spec.revenue, spec.periods)["harbour_bridge"]
    assert expected[0] == pytest.approx(1000 * 31 * 12.50)  # January, before any growth
    paid = revenue.holder_distributions(spec, seed=4)
    assert len(paid) == spec.periods and sum(paid) > 0


@pytest.mark.usefixtures("toll_road")
def test_the_new_kinds_own_draws_are_seeded_and_checked_by_the_reference(tmp_path: Path) -> None:
    spec = load_spec(seed_with_stream(tmp_path, TOLL_STREAM))
    model = spec.revenue
    few = revenue.simulate_streams(model, 36, 3, seed=9)["harbour_bridge"]
    many = revenue.simulate_streams(model, 36, 20, seed=9)["harbour_bridge"]
    assert np.array_equal(few, many[:3])
    calm_stream = dataclasses.replace(model.streams[0], traffic_volatility_bps=0)  # type: ignore[call-arg]
    calm = dataclasses.replace(model, streams=(calm_stream, *model.streams[1:]))
    assert not np.allclose(revenue.simulate_streams(calm, 36, 3, seed=9)["harbour_bridge"], few)
    reference = np.array(revenue.simulate_gross_reference(model, 36, 3, seed=9))
    np.testing.assert_allclose(reference, revenue.simulate_gross(model, 36, 3, seed=9), rtol=1e-9)


@pytest.mark.usefixtures("toll_road")
def test_a_misspelt_field_of_the_new_kind_names_its_path_and_the_spelling(tmp_path: Path) -> None:
    stream = {**TOLL_STREAM, "vehicles_per_dya": 1000}
    del stream["vehicles_per_day"]
    error = load_error(seed_with_stream(tmp_path, stream))
    assert error.field == "revenue.streams[0].vehicles_per_dya"
    assert error.problem == "unknown field (did you mean 'vehicles_per_day'?)"


@pytest.mark.usefixtures("toll_road")
def test_a_bad_value_of_the_new_kind_names_its_path(tmp_path: Path) -> None:
    error = load_error(seed_with_stream(tmp_path, {**TOLL_STREAM, "traffic_volatility_bps": 9000}))
    assert error.field == "revenue.streams[0].traffic_volatility_bps"
    assert error.problem == ("must be between 0 and 5000 basis points (0 % to 50 %), got 9000")
    error = load_error(seed_with_stream(tmp_path, {**TOLL_STREAM, "toll": "1.005"}))
    assert error.field == "revenue.streams[0].toll"
    assert "more decimal places" in error.problem


@pytest.mark.usefixtures("toll_road")
def test_a_field_of_another_kind_is_refused_on_the_new_kind(tmp_path: Path) -> None:
    error = load_error(seed_with_stream(tmp_path, {**TOLL_STREAM, "rooms": 10}))
    assert error.field == "revenue.streams[0].rooms"
    assert error.problem.startswith("unknown field")


@pytest.mark.usefixtures("toll_road")
def test_an_unknown_kind_lists_the_new_kind_among_the_known(tmp_path: Path) -> None:
    error = load_error(seed_with_stream(tmp_path, {**TOLL_STREAM, "kind": "ferry"}))
    assert error.field == "revenue.streams[0].kind"
    known = sorted(kinds())  # every registered kind, the new one among them, sorted by name
    assert "toll_road" in known and set(SHIPPED) <= set(known)
    assert error.problem == f"unknown stream kind 'ferry' (expected one of: {', '.join(known)})"


# --------------------------------------------------------------------------------------------
# The registry API: a kind defined anywhere can register; mistakes in a kind are caught early.
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class FlatStream(StreamSpec):
    kind: ClassVar[str] = "flat_fee"
    fee: int


class FlatFee(AssetKind[FlatStream]):
    """A fixed fee every month: the smallest kind there is."""

    stream_type = FlatStream
    fields = ("fee",)
    labels = Labels(title="Flat fee", description="the same fee every month", driver="months")

    def read(self, s: Section, common: StreamFields, ctx: StreamContext) -> FlatStream:
        return FlatStream(**common, fee=s.amount("fee", ctx.decimals, ctx.money))

    def opening_level(self, stream: FlatStream) -> float:
        return 1.0

    def monthly_base(self, stream: FlatStream, grid: MonthGrid) -> Any:
        return stream.fee / grid.unit * grid.ramp * grid.growth

    def month_base(self, stream: FlatStream, month: Month) -> float:
        return stream.fee / month.unit * month.ramp * month.growth


@pytest.fixture
def flat_fee() -> Iterator[None]:
    register(FlatFee)
    yield
    unregister("flat_fee")


@pytest.mark.usefixtures("flat_fee")
def test_a_kind_registered_through_the_api_is_read_and_modelled(tmp_path: Path) -> None:
    spec = load_spec(seed_with_stream(tmp_path, {"name": "rent", "kind": "flat_fee", "fee": "5"}))
    assert spec.revenue.streams[0] == FlatStream(name="rent", fee=500)
    assert revenue.expected_streams(spec.revenue, 3)["rent"].tolist() == [5.0, 5.0, 5.0]
    error = load_error(seed_with_stream(tmp_path, {"name": "rent", "kind": "flat_fee", "fe": 5}))
    assert (error.field, error.problem) == (
        "revenue.streams[0].fe",
        "unknown field (did you mean 'fee'?)",
    )


def test_unregistering_a_kind_makes_its_deals_unreadable(tmp_path: Path) -> None:
    register(FlatFee)
    unregister("flat_fee")
    error = load_error(seed_with_stream(tmp_path, {"name": "rent", "kind": "flat_fee", "fee": 5}))
    assert error.field == "revenue.streams[0].kind"  # refused before its fields
    assert error.problem.startswith("unknown stream kind 'flat_fee' (expected one of: ")


def test_a_mistyped_kind_is_refused_before_its_fields_with_the_list_of_kinds(
    tmp_path: Path,
) -> None:
    stream = {"name": "buses", "kind": "transt", "riders_per_yaer": 10, "average_fare": "2"}
    error = load_error(seed_with_stream(tmp_path, stream))
    assert error.field == "revenue.streams[0].kind"
    assert error.problem.startswith("unknown stream kind 'transt' (expected one of: ")
    for name in ("hotel", "office", "receivables", "transit"):
        assert name in error.problem


@pytest.mark.usefixtures("flat_fee")
def test_a_second_kind_under_a_taken_name_is_refused() -> None:
    class Impostor(FlatFee):
        pass

    with pytest.raises(TypeError, match="'flat_fee' is already registered by FlatFee"):
        register(Impostor)


def test_a_kind_that_redefines_a_common_field_is_refused() -> None:
    class Clash(FlatFee):
        fields = ("fee", "growth_bps")

    with pytest.raises(TypeError, match="redefines common stream fields: growth_bps"):
        register(Clash)
    assert "flat_fee" not in kinds()


def test_a_kind_with_only_half_of_its_own_randomness_is_refused() -> None:
    class HalfRandom(FlatFee):
        def path_factor(
            self, stream: FlatStream, revenue: Any, periods: int, paths: int, draw: Any
        ) -> Any:
            return np.ones((paths, periods))

    with pytest.raises(TypeError, match="overrides path_factor but not its twin"):
        register(HalfRandom)
    assert "flat_fee" not in kinds()
