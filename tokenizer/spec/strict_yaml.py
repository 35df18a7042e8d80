"""Read a deal file as YAML, strictly: duplicate keys are errors, every failure is a SpecError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tokenizer.errors import SpecError

__all__ = ["read_yaml"]


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys (YAML would silently keep the last one)."""


def _construct_unique_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:  # an unhashable key; construct_mapping reports it
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_unique_mapping,
)


def read_yaml(path: Path, source: str) -> object:
    """The parsed document at ``path``; ``source`` names the file in errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("file", "does not exist", source) from None
    except IsADirectoryError:
        raise SpecError("file", "is a directory, not a deal file", source) from None
    except UnicodeDecodeError:
        raise SpecError("file", "is not UTF-8 text", source) from None
    except OSError as exc:
        raise SpecError("file", f"cannot be read ({exc.strerror or exc})", source) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise SpecError("file", f"is not valid YAML: {problem}{where}", source) from None
