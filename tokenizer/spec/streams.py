"""One entry of ``revenue.streams``: the common fields here, the rest by the stream's kind.

The kind's own fields, checks and dataclass live in its plug-in module under
:mod:`tokenizer.assets`; this module only finds the kind and reads what every stream has.
"""

from __future__ import annotations

from tokenizer.assets.kind import STREAM_COMMON_FIELDS, StreamContext, StreamFields
from tokenizer.assets.registry import kinds
from tokenizer.spec.fields import Section
from tokenizer.spec.model import StreamSpec
from tokenizer.spec.shocks import read_shocks

__all__ = ["read_stream"]


def read_stream(source: str, path: str, raw: object, ctx: StreamContext) -> StreamSpec:
    """The stream at dotted ``path`` (``revenue.streams[0]``) of the file ``source``."""
    known = kinds()
    # The kind decides which fields are allowed, so a mis-typed kind is refused first, with the
    # list of kinds, before any of its fields is looked at.
    if isinstance(raw, dict) and "kind" in raw:
        head = Section(source, path, {"kind": raw["kind"]}, ("kind",))
        name = head.text("kind")
        if name not in known:
            head.fail("kind", f"unknown stream kind {name!r} (expected one of: {', '.join(known)})")
    # Then admit the fields of every kind, so that a typo gets a "did you mean" over all of
    # them; then only the fields of this stream's kind.
    any_kind = sorted({field for kind in known.values() for field in kind.fields})
    probe = Section(source, path, raw, (*STREAM_COMMON_FIELDS, *any_kind))
    name = probe.text("kind")
    if name not in known:
        probe.fail("kind", f"unknown stream kind {name!r} (expected one of: {', '.join(known)})")
    kind = known[name]
    s = Section(source, path, raw, (*STREAM_COMMON_FIELDS, *kind.fields))
    common = StreamFields(
        name=s.slug("name"),
        start_year=s.integer("start_year", 1, ctx.term_years, default=1),
        ramp_years=s.integer("ramp_years", 0, ctx.term_years, default=0),
        growth_bps=s.bps("growth_bps", -2_000, 2_000, default=0),
        shocks=read_shocks(s, ctx.term_years),
    )
    stream: StreamSpec = kind.read(s, common, ctx)
    return stream
