"""Asset kinds as plug-ins: one module per kind of revenue stream, registered by ``kind``.

See :mod:`tokenizer.assets.kind` for what a kind provides and :mod:`tokenizer.assets.registry`
for how kinds are found. The kinds shipped today are the hospitality venues of the worked
example: ``hotel``, ``hot_spring`` and ``ice_snow``.
"""

from tokenizer.assets.kind import (
    AssetKind,
    Draw,
    Labels,
    Month,
    MonthGrid,
    StreamContext,
    StreamFields,
)
from tokenizer.assets.registry import discover, kind_of, kinds, register, unregister

__all__ = [
    "AssetKind",
    "Draw",
    "Labels",
    "Month",
    "MonthGrid",
    "StreamContext",
    "StreamFields",
    "discover",
    "kind_of",
    "kinds",
    "register",
    "unregister",
]
