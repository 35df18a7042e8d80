"""Monte Carlo runs of a deal: the asset model over many paths, through the exact waterfall.

For each path, the revenue model (:mod:`tokenizer.revenue`) gives the gross revenue; the holders'
slice of it is floored once into integer settlement units (as it is paid), optionally after a
uniform haircut; a deal with ``structure:`` sends those collections down the vectorised integer
waterfall (:func:`tokenizer.finance.waterfall.run_paths`), so every payment to every tranche is
exactly what the contracts would pay. A deal without a structure has one class, the holders,
who receive the collections as they are.

Paths are run in chunks of :data:`CHUNK` (memory stays flat however many paths are asked for).
Chunk 0 is the revenue model's own run under ``seed``, so the first 10,000 paths equal
``holder_distribution_paths(spec, 10_000, seed)``; later chunks use seeds derived from
``(seed, chunk)``. The same seed gives the same paths, and the first ``k`` paths of a run do not
depend on how many are run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from tokenizer.finance.waterfall import PathsResult, Terms, run_paths, terms_of
from tokenizer.revenue import holder_rate, quantise_array, simulate_gross
from tokenizer.spec import DealSpec

__all__ = ["CHUNK", "Chunk", "DealClass", "chunks", "classes_of", "collections_of", "pay"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Paths per chunk: 10,000 paths x 240 periods of float64 is 19 MB per array.
CHUNK: Final = 10_000
WATERFALL_BLOCK: Final = 2_000  # rows per pass of the vectorised waterfall
_CHUNK_TAG: Final = 0x5249534B  # "RISK"


@dataclass(frozen=True)
class DealClass:
    """One class of investors: a tranche, or the single revenue-share class."""

    name: str
    symbol: str
    invested: int  # what the class paid in, settlement smallest units (the sale fills)
    supply: int  # its token's supply, base units
    rated: bool  # a note with a principal (False: the residual or the single class)
    index: int  # its column in the paid array


def classes_of(spec: DealSpec) -> tuple[DealClass, ...]:
    """The deal's classes, most senior first (one class for a deal without ``structure:``)."""
    if spec.structure is None:
        return (
            DealClass(
                name="holders",
                symbol=spec.token.symbol,
                invested=spec.offering.hard_cap,
                supply=spec.token.supply,
                rated=False,
                index=0,
            ),
        )
    return tuple(
        DealClass(t.name, t.symbol, t.size, t.supply, not t.residual, i)
        for i, t in enumerate(spec.structure.tranches)
    )


def terms_for(spec: DealSpec) -> Terms | None:
    """The waterfall's integer terms, or None for a single class."""
    if spec.structure is None:
        return None
    return terms_of(spec.structure, spec.periods, spec.revenue.periods_per_year)


def chunk_seed(seed: int, chunk: int) -> int:
    """The revenue model's seed for chunk ``chunk`` (chunk 0 is ``seed`` itself)."""
    if chunk == 0:
        return seed
    state = np.random.SeedSequence([seed, _CHUNK_TAG, chunk]).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def collections_of(spec: DealSpec, gross: FloatArray, haircut: float = 0.0) -> IntArray:
    """The holders' slice of ``gross`` revenue, cut by ``haircut`` (0..1), floored once."""
    scale = float(holder_rate(spec)) * (1.0 - haircut)
    return quantise_array(gross * scale)


@dataclass
class Chunk:
    """The payments of one chunk of paths."""

    collections: IntArray  # [path, period]: what reached the holders' side (the waterfall's in)
    paid: IntArray  # [path, period, class]: what each class received
    waterfall: PathsResult | None  # every array of the waterfall, for a structured deal
    gross: FloatArray  # [path, period]: the model's gross revenue, in the revenue currency


def pay(terms: Terms | None, collections: IntArray) -> tuple[IntArray, PathsResult | None]:
    """What each class receives from ``collections``: through the waterfall, or as they are."""
    if terms is None:
        return collections[:, :, None], None
    if collections.shape[0] <= WATERFALL_BLOCK:
        result = run_paths(terms, collections)
        return _int64(result.tranche_paid), result
    # In blocks of rows whose arrays stay in the cache: quicker than one pass over them all.
    parts = [
        run_paths(terms, collections[i : i + WATERFALL_BLOCK])
        for i in range(0, collections.shape[0], WATERFALL_BLOCK)
    ]
    joined = PathsResult(
        **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(PathsResult)}
    )
    return _int64(joined.tranche_paid), joined


def _int64(values: npt.NDArray[Any]) -> IntArray:
    return values if values.dtype == np.int64 else values.astype(np.int64)


def chunks(
    spec: DealSpec,
    paths: int,
    seed: int,
    haircut: float = 0.0,
    chunk: int = CHUNK,
) -> Iterator[Chunk]:
    """The deal's ``paths`` paths, ``chunk`` at a time (the last chunk may be smaller)."""
    terms = terms_for(spec)
    for c, start in enumerate(range(0, paths, chunk)):
        n = min(chunk, paths - start)
        gross = simulate_gross(spec.revenue, spec.periods, n, chunk_seed(seed, c))
        cols = collections_of(spec, gross, haircut)
        paid, result = pay(terms, cols)
        yield Chunk(collections=cols, paid=paid, waterfall=result, gross=gross)
