"""``rwa web``: the investor web app for a recorded deployment, served on this machine.

Without ``--network``/``--rpc-url`` the app runs its own embedded Anvil whose chain is kept in
a file (``out/web/<deal>/chain.json``, or ``--state``): the first run deploys the deal and opens
its sale with the simulated investors in; later runs reopen the same chain. On any other
network it opens the deal as recorded there (``rwa deploy``) and the page signs with the
browser's wallet.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tokenizer.cli.options import port_number

DEFAULT_PORT = 8700


def add_web(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("web", help="the investor web app for a deployed deal (a local page)")
    p.add_argument("spec", type=Path, nargs="?", default=None, help="default the Xiaoping seed")
    p.add_argument(
        "--port", type=port_number("--port"), default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}"
    )
    p.add_argument(
        "--network",
        help="a network named in networks.yaml; default: the app's own embedded Anvil",
    )
    p.add_argument("--rpc-url", help="JSON-RPC URL of the node the deal is deployed on")
    p.add_argument(
        "--state",
        type=Path,
        help="the embedded Anvil's chain file (default out/web/<deal>/chain.json)",
    )
    p.set_defaults(handler=cmd_web)


def cmd_web(args: argparse.Namespace) -> int:
    from contextlib import suppress
    from dataclasses import replace
    from importlib.util import find_spec

    from tokenizer.errors import TokenizerError

    if find_spec("fastapi") is None or find_spec("uvicorn") is None:
        raise TokenizerError(
            "rwa web needs the web extra (FastAPI and uvicorn): pip install -e '.[web]' "
            "(`make install` includes it)"
        )

    from tokenizer.chain.node import ensure_port_free
    from tokenizer.cli.chain import open_chain_for
    from tokenizer.cli.deals import DEFAULT_SPEC
    from tokenizer.deploy import recorded_deal
    from tokenizer.spec import load_spec
    from tokenizer.web import local
    from tokenizer.web.server import HOST, serve
    from tokenizer.web.session import WebDeal
    from tokenizer.workspace import Workspace

    ws = Workspace.current()
    spec = load_spec(args.spec or ws.root / DEFAULT_SPEC)
    ensure_port_free(args.port, HOST)  # before a chain is started or anything is deployed
    own_chain = args.rpc_url is None and args.network in (None, "local") and args.state is None
    if own_chain:
        folder = ws.out / "web" / spec.id
        args.state = folder / "chain.json"
        ws = replace(ws, deployments=folder / "deployments")
    with ws.use(), open_chain_for(args, read_only=not own_chain) as chain:
        if own_chain:
            print(f"Preparing {spec.id} on the app's own chain ({ws.relative(args.state)})...")
            deal = local.prepare(chain, spec)
        else:
            deal = recorded_deal(chain, spec)
        web = WebDeal(chain, spec, deal)
        print(f"{spec.name}\nOpen http://{HOST}:{args.port}/  (Ctrl-C stops it)", flush=True)
        # uvicorn stops cleanly on Ctrl-C, then passes it on: the chain is saved on the way out.
        with suppress(KeyboardInterrupt):
            serve(web, args.port)
    if own_chain:
        print(f"Stopped; the chain is kept in {ws.relative(args.state)}.")
    return 0
