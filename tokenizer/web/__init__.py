"""The investor web app (``rwa web``): the offering, an investor's wallet, revenue, holders and,
on a local chain, the operator's console.

* :mod:`~tokenizer.web.session` -- the deal served: views, checks before sending, local keys;
* :mod:`~tokenizer.web.local` -- local chains only: a ready deal, made-up investors, console;
* :mod:`~tokenizer.web.app` -- the FastAPI routes, the static page and the JSON-RPC relay;
* :mod:`~tokenizer.web.server` -- serving it with uvicorn (in the foreground or a thread);
* ``static/`` -- the page: HTML, CSS and a module that talks to the chain through ethers.
"""
