"""The web app: FastAPI routes over a :class:`~tokenizer.web.session.WebDeal`, the static page,
ethers from the project's node_modules, and a JSON-RPC relay to the deal's chain.

A refused action answers HTTP 200 with ``{"allowed": false, "message": ...}`` (a check) or 400
with ``{"error": one line}`` (bad input, a refused console action). The console routes and the
development keys exist only on a local chain; elsewhere they answer 403.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from tokenizer.errors import TokenizerError
from tokenizer.web import local
from tokenizer.web.session import WebDeal, checked
from tokenizer.workspace import Workspace

STATIC = Path(__file__).parent / "static"
JsonBody = Annotated[dict[str, Any], Body()]
AnyBody = Annotated[Any, Body()]
SAFE_INT = 2**53 - 1  # larger integers go to the page as strings (JavaScript numbers are doubles)


def jsonable(value: Any) -> Any:
    """``value`` with every integer beyond JavaScript's safe range as a decimal string."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) > SAFE_INT else value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _units(text: Any, what: str) -> int:
    """An amount the page sends in smallest units, as a decimal string of digits."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if not isinstance(text, str) or not text.isdigit():
        raise TokenizerError(f"{what}: expected a whole number of smallest units, got {text!r}")
    return int(text)


def create_app(web: WebDeal) -> FastAPI:
    """The app serving ``web``."""
    app = FastAPI(title=f"rwa web: {web.spec.name}", docs_url=None, redoc_url=None)
    ethers = Workspace.current().node_modules / "ethers" / "dist" / "ethers.min.js"

    @app.exception_handler(TokenizerError)
    async def refused(_request: Request, exc: TokenizerError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    def answer(job: Any) -> JSONResponse:
        return JSONResponse(jsonable(web.locked(job)))

    def local_only() -> None:
        if not web.local:
            raise _Forbidden(
                f"{web.chain.network.name} is not a local chain: the console and development "
                "keys exist only on a local chain"
            )

    @app.exception_handler(_Forbidden)
    async def forbidden(_request: Request, exc: _Forbidden) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=403)

    @app.get("/")
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/vendor/ethers.js")
    def vendor_ethers() -> Response:
        if not ethers.is_file():
            return JSONResponse({"error": f"{ethers} is missing: run `make install`"}, 500)
        return FileResponse(ethers, media_type="text/javascript")

    @app.post("/rpc")
    def rpc(payload: AnyBody) -> JSONResponse:
        return JSONResponse(web.chain.relay(payload))

    @app.get("/api/config")
    def config() -> JSONResponse:
        return answer(web.config)

    @app.get("/api/offering")
    def offering() -> JSONResponse:
        return answer(web.offering)

    @app.get("/api/band")
    def band() -> JSONResponse:
        return JSONResponse(jsonable(web.band()))

    @app.get("/api/what-if")
    def what_if(amount: str) -> JSONResponse:
        return JSONResponse(jsonable(web.what_if(_units(amount, "amount"))))

    @app.get("/api/wallet/{address}")
    def wallet(address: str) -> JSONResponse:
        return answer(lambda: web.wallet(address))

    @app.get("/api/holders")
    def holders() -> JSONResponse:
        return answer(web.holders)

    @app.get("/api/revenue")
    def revenue() -> JSONResponse:
        return answer(web.revenue)

    @app.get("/api/offers")
    def offers() -> JSONResponse:
        return answer(web.offers)

    @app.post("/api/check/buy")
    def check_buy(body: JsonBody) -> JSONResponse:
        amount = _units(body.get("amount"), "amount")
        return answer(lambda: web.check_buy(str(body.get("wallet")), amount))

    @app.post("/api/check/transfer")
    def check_transfer(body: JsonBody) -> JSONResponse:
        amount = _units(body.get("amount"), "amount")
        return answer(
            lambda: web.check_transfer(str(body.get("from")), str(body.get("to")), amount)
        )

    @app.post("/api/check/take")
    def check_take(body: JsonBody) -> JSONResponse:
        offer = _units(body.get("offer"), "offer")
        return answer(lambda: web.check_take(offer, str(body.get("wallet"))))

    @app.post("/api/explain")
    def explain(body: JsonBody) -> JSONResponse:
        data = body.get("data")
        return answer(lambda: web.explain(data if isinstance(data, str) else None))

    # ---------------------------------------------------------------- local chain only

    @app.get("/api/local/investors")
    def investors() -> JSONResponse:
        local_only()
        return answer(web.investors)

    @app.get("/api/local/key/{address}")
    def dev_key(address: str) -> JSONResponse:
        local_only()
        return answer(lambda: {"address": checked(address), "key": web.dev_key(address)})

    @app.post("/api/local/investors")
    def create_investor(body: JsonBody) -> JSONResponse:
        local_only()

        def job() -> dict[str, Any]:
            inv = local.create_investor(
                web.chain,
                web.deal,
                web.spec,
                str(body.get("country", "")),
                str(body.get("class", "")),
                web.spec.offering.max_purchase,
            )
            return {"address": inv.address, "label": inv.label}

        return answer(job)

    @app.get("/api/local/next-period")
    def next_period() -> JSONResponse:
        local_only()

        def job() -> dict[str, Any]:
            from tokenizer.operations import revenue as servicer

            period = servicer.last_period(web.chain, web.deal) + 1
            return {"period": period, "model_amount": local.model_amount(web.spec, period)}

        return answer(job)

    @app.post("/api/local/close-sale")
    def close_sale() -> JSONResponse:
        local_only()

        def job() -> dict[str, Any]:
            local.close_sale(web.chain, web.deal)
            return {"ok": True}

        return answer(job)

    @app.post("/api/local/distribute")
    def distribute(body: JsonBody) -> JSONResponse:
        local_only()
        amount = _units(body.get("amount"), "amount")
        return answer(
            lambda: {"period": local.distribute_next(web.chain, web.deal, web.spec, amount)}
        )

    @app.post("/api/local/freeze")
    def freeze(body: JsonBody) -> JSONResponse:
        local_only()
        wallet = checked(str(body.get("wallet")))
        frozen = bool(body.get("frozen", True))

        def job() -> dict[str, Any]:
            local.set_frozen(web.chain, web.deal, wallet, frozen)
            return {"ok": True}

        return answer(job)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


class _Forbidden(TokenizerError):
    """A local-only route asked of a chain that is not local."""
