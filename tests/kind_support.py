"""Helpers the tests of the asset kinds share: seeds changed in place, the kind's own draws,
and a whole ``rwa simulate`` run of a seed on the session's Anvil."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from tokenizer import revenue
from tokenizer.assets import Draw, kind_of
from tokenizer.cli import main
from tokenizer.errors import SpecError
from tokenizer.spec import DealSpec, RevenueSpec, StreamSpec, load_spec

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def seed_data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(yaml.safe_load((SEEDS / name).read_text()))
    return data


def write_changed(folder: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    """The seed ``name`` with ``change`` applied to its parsed YAML, written to ``folder``."""
    data = seed_data(name)
    change(data)
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def load_error(folder: Path, name: str, change: Callable[[dict[str, Any]], None]) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_spec(write_changed(folder, name, change))
    return info.value


def draws(seed: int) -> Draw:
    """A kind's draw factory of its own, as the engine hands one over."""
    return lambda j: np.random.default_rng([seed, 99, 0, j])


def with_stream(model: RevenueSpec, stream: StreamSpec) -> RevenueSpec:
    """``model`` with ``stream`` as its only stream."""
    return dataclasses.replace(model, streams=(stream,))


def factor(
    model: RevenueSpec, periods: int, paths: int, seed: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The first stream's own factor, vectorised and by the plain reference."""
    stream = model.streams[0]
    kind = kind_of(stream)
    fast = kind.path_factor(stream, model, periods, paths, draws(seed))
    slow = kind.path_factor_reference(stream, model, periods, paths, draws(seed))
    return np.asarray(fast), np.asarray(slow)


def fast_factor(model: RevenueSpec, periods: int, paths: int, seed: int) -> np.ndarray[Any, Any]:
    """The first stream's own factor, vectorised only (for many paths)."""
    stream = model.streams[0]
    return np.asarray(kind_of(stream).path_factor(stream, model, periods, paths, draws(seed)))


def expected_factor(model: RevenueSpec, periods: int) -> np.ndarray[Any, Any]:
    """The first stream's expected own factor per period (the kind must define one)."""
    stream = model.streams[0]
    mean = kind_of(stream).expected_path_factor(stream, model, periods)
    assert mean is not None
    return np.asarray(mean)


def assert_engine_matches_reference(spec: DealSpec, periods: int, paths: int) -> None:
    fast = revenue.simulate_gross(spec.revenue, periods, paths, seed=5)
    slow = np.array(revenue.simulate_gross_reference(spec.revenue, periods, paths, seed=5))
    np.testing.assert_allclose(slow, fast, rtol=1e-10, atol=1e-6)


def assert_prefix_stable_and_deterministic(spec: DealSpec, periods: int) -> None:
    few = revenue.simulate_gross(spec.revenue, periods, 3, seed=11)
    many = revenue.simulate_gross(spec.revenue, periods, 40, seed=11)
    again = revenue.simulate_gross(spec.revenue, periods, 40, seed=11)
    other = revenue.simulate_gross(spec.revenue, periods, 40, seed=12)
    assert np.array_equal(few, many[:3])
    assert np.array_equal(many, again)
    assert not np.array_equal(many, other)


def simulate_seed(capsys: pytest.CaptureFixture[str], rpc_url: str, seed: Path, out: Path) -> Any:
    """``rwa simulate SEED --periods 12 --investors 60 --json`` on the node at ``rpc_url``."""
    capsys.readouterr()
    argv = ["simulate", str(seed), "--periods", "12", "--investors", "60"]
    code = main([*argv, "--rpc-url", rpc_url, "--out", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def validate_seed(capsys: pytest.CaptureFixture[str], seed: Path) -> str:
    capsys.readouterr()
    code = main(["validate", str(seed)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out
