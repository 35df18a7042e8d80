"""Serving the web app with uvicorn: in the foreground (``rwa web``) or in a thread (tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from tokenizer.errors import TokenizerError
from tokenizer.web.app import create_app
from tokenizer.web.session import WebDeal

HOST = "127.0.0.1"  # the app hands out development keys on a local chain: loopback only


def _server(web: WebDeal, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(web), host=HOST, port=port, log_level="warning", access_log=False
    )
    return uvicorn.Server(config)


def serve(web: WebDeal, port: int) -> None:
    """Serve until Ctrl-C."""
    _server(web, port).run()


@contextmanager
def serving(web: WebDeal, port: int, timeout: float = 10.0) -> Iterator[str]:
    """Serve in a background thread for the block; yields the page's URL."""
    server = _server(web, port)
    thread = threading.Thread(target=server.run, name="rwa-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise TokenizerError(f"the web app did not start on {HOST}:{port}")
        time.sleep(0.05)
    try:
        yield f"http://{HOST}:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
