"""The registry of asset kinds, by the name deal files use in a stream's ``kind``.

Kinds register themselves: each plug-in module of :mod:`tokenizer.assets` decorates its
:class:`~tokenizer.assets.kind.AssetKind` subclass with :func:`register`. The package's modules
are discovered with :mod:`pkgutil` the first time the registry is read, so adding a kind means
adding one module (and its tests), with no list to edit.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any, TypeVar

from tokenizer.assets.kind import STREAM_COMMON_FIELDS, AssetKind

if TYPE_CHECKING:
    from tokenizer.spec.model import StreamSpec

__all__ = ["discover", "kind_of", "kinds", "register", "unregister"]

K = TypeVar("K", bound=type[AssetKind[Any]])

_KINDS: dict[str, AssetKind[Any]] = {}
_discovered = False


def register(cls: K) -> K:
    """Class decorator: make ``cls`` the model of streams of ``cls.stream_type.kind``.

    Refuses (``TypeError``) a kind without a name, a name taken by another kind, fields that
    repeat the common stream fields, or only one of the two draws of its own randomness.
    """
    kind = cls()
    name = kind.name
    if not name:
        raise TypeError(f"{cls.__name__}.stream_type has no kind name")
    taken = _KINDS.get(name)
    if taken is not None and type(taken) is not cls:
        raise TypeError(f"asset kind {name!r} is already registered by {type(taken).__name__}")
    clash = sorted(set(cls.fields) & set(STREAM_COMMON_FIELDS))
    if clash:
        raise TypeError(f"asset kind {name!r} redefines common stream fields: {', '.join(clash)}")
    own = [m for m in ("path_factor", "path_factor_reference") if m in _overridden(cls)]
    if len(own) == 1:
        raise TypeError(f"asset kind {name!r} overrides {own[0]} but not its twin")
    _KINDS[name] = kind
    return cls


def unregister(name: str) -> None:
    """Forget kind ``name`` (for tests that register a kind of their own)."""
    _KINDS.pop(name, None)


def discover() -> None:
    """Import every module of :mod:`tokenizer.assets` once, so that its kinds register."""
    global _discovered
    import tokenizer.assets as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    _discovered = True


def kinds() -> dict[str, AssetKind[Any]]:
    """Every registered kind by name, sorted by name."""
    if not _discovered:
        discover()
    return dict(sorted(_KINDS.items()))


def kind_of(stream: StreamSpec) -> AssetKind[Any]:
    """The kind that models ``stream`` (``TypeError`` for a stream of an unregistered kind)."""
    if not _discovered:
        discover()
    kind = _KINDS.get(type(stream).kind)
    if kind is None or not isinstance(stream, kind.stream_type):
        raise TypeError(f"unknown stream type {type(stream).__name__}")
    return kind


def _overridden(cls: type[AssetKind[Any]]) -> set[str]:
    return {
        name
        for name in ("path_factor", "path_factor_reference", "expected_path_factor")
        if getattr(cls, name) is not getattr(AssetKind, name)
    }
