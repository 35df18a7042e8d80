"""Shared by the scripts: which RPC URL to use when Brownie is (or is not) driving them."""

from __future__ import annotations


def brownie_rpc_url() -> str | None:
    """The RPC URL of Brownie's active network, or None outside Brownie (embedded Anvil)."""
    try:
        from brownie import network, web3  # type: ignore[import-not-found]
    except ImportError:
        return None
    if not network.is_connected():
        return None
    url: str | None = getattr(web3.provider, "endpoint_uri", None)
    return url
