"""Binance spot REST API over aiohttp: public market data and signed account endpoints.

A middleware charges each API request its weight (429/418 past the limit), injects
configured faults, turns `ApiError` into Binance's error JSON and adds the
`X-MBX-USED-WEIGHT-1M` header. Requests are logged without query strings or headers, so
keys and signatures never reach the logs.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from tradeplane.sim import account_api, errors, market_api
from tradeplane.sim.auth import verify_signed
from tradeplane.sim.config import FaultKind
from tradeplane.sim.faults import API_PREFIXES
from tradeplane.sim.state import SimState
from tradeplane.sim.weights import request_weight

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
EndpointHandler = Callable[[web.Request, SimState, dict[str, str]], Any]
PARAMS = web.RequestKey("tradeplane.sim.params", tuple)
STATE = web.AppKey("tradeplane.sim.state", SimState)


def json_response(data: Any, *, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(data, separators=(",", ":")), status=status, content_type="application/json"
    )


def error_response(
    error: errors.ApiError, headers: Mapping[str, str] | None = None
) -> web.Response:
    response = json_response(error.payload(), status=error.status)
    response.headers.update(headers or {})
    return response


async def _params(request: web.Request) -> tuple[dict[str, str], str]:
    """Query and form body merged (body wins), and the raw body text."""
    raw_body = await request.text() if request.can_read_body else ""
    params = dict(request.query)
    if raw_body:
        params.update(dict(await request.post()))  # type: ignore[arg-type]
    return params, raw_body


def _fault_response(kind: FaultKind, retry_after: int) -> web.Response:
    headers = {"Retry-After": str(retry_after)}
    if kind is FaultKind.RATE_LIMITED:
        return error_response(
            errors.too_many_requests("Too many requests; current limit is exceeded (injected)."),
            headers,
        )
    if kind is FaultKind.BANNED:
        error = errors.ApiError(-1003, "Way too many requests; IP banned (injected).", status=418)
        return error_response(error, headers)
    texts = {
        FaultKind.SERVER_ERROR: "Internal Server Error",
        FaultKind.BAD_GATEWAY: "Bad Gateway",
        FaultKind.UNAVAILABLE: "Service Unavailable",
        FaultKind.GATEWAY_TIMEOUT: "Gateway Timeout",
    }
    return web.Response(text=texts[kind], status=int(kind.value), content_type="text/html")


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIXES):
        return await handler(request)
    state = request.app[STATE]
    params, raw_body = await _params(request)
    request[PARAMS] = (params, raw_body)
    caller = request.remote or "unknown"
    admission = state.weights.admit(caller, request_weight(request.method, request.path, params))
    used = {"X-MBX-USED-WEIGHT-1M": str(admission.used), "X-MBX-USED-WEIGHT": str(admission.used)}
    if admission.status != 200:
        logger.warning(
            "request refused for weight", extra={"path": request.path, "status": admission.status}
        )
        if admission.status == 429:
            error = errors.too_many_requests(
                f"Too many requests; current limit of IP({caller}) request weight "
                f"{state.config.weight_limit} is exceeded. Please use WebSocket Streams."
            )
        else:
            error = errors.ApiError(
                -1003,
                f"Way too much request weight used; IP({caller}) banned until later.",
                status=418,
            )
        return error_response(error, {**used, "Retry-After": str(admission.retry_after)})
    fault = state.faults.draw(request.path)
    if fault is FaultKind.TIMEOUT:
        await asyncio.sleep(state.faults.config.timeout_seconds)
        return web.Response(text="Gateway Timeout", status=504)
    if fault is not None and fault is not FaultKind.MALFORMED:
        return _fault_response(fault, state.faults.config.retry_after_seconds)
    try:
        response = await handler(request)
    except errors.ApiError as error:
        response = error_response(error)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
        response = not_found(request)
    except web.HTTPException:
        raise
    except Exception:
        logger.exception("request failed", extra={"path": request.path})
        response = error_response(errors.unknown_error())
    if fault is FaultKind.MALFORMED and isinstance(response, web.Response) and response.text:
        response.text = response.text[: max(1, len(response.text) // 2)]
    response.headers.update(used)
    logger.debug(
        "request", extra={"method": request.method, "path": request.path, "status": response.status}
    )
    return response


def _signed(handler: EndpointHandler) -> Handler:
    async def checked(request: web.Request) -> web.Response:
        state = request.app[STATE]
        params, raw_body = request[PARAMS]
        verify_signed(
            api_key_header=request.headers.get("X-MBX-APIKEY"),
            raw_query=request.rel_url.raw_query_string,
            raw_body=raw_body,
            params=params,
            api_key=state.api_key,
            api_secret=state.api_secret,
            now_ms=state.wall_ms(),
            recv_window_max_ms=state.config.recv_window_max_ms,
        )
        return json_response(handler(request, state, params))

    return checked


def _public(handler: EndpointHandler) -> Handler:
    async def run(request: web.Request) -> web.Response:
        result = handler(request, request.app[STATE], request[PARAMS][0])
        return result if isinstance(result, web.Response) else json_response(result)

    return run


def _ping(request: web.Request, state: SimState, query: dict[str, str]) -> Any:
    return {}


def _time(request: web.Request, state: SimState, query: dict[str, str]) -> Any:
    return {"serverTime": state.wall_ms()}


def _system_status(request: web.Request, state: SimState, query: dict[str, str]) -> Any:
    return {"status": 0, "msg": "normal"}


def _no_margin_pairs(request: web.Request, state: SimState, query: dict[str, str]) -> Any:
    return []


PUBLIC: dict[str, EndpointHandler] = {
    "/api/v3/ping": _ping,
    "/api/v1/ping": _ping,
    "/api/v3/time": _time,
    "/api/v3/exchangeInfo": market_api.exchange_info,
    "/api/v3/ticker/24hr": market_api.ticker_24hr,
    "/api/v3/ticker/price": market_api.ticker_price,
    "/api/v3/ticker/bookTicker": market_api.book_ticker,
    "/api/v3/depth": market_api.depth,
    "/api/v3/klines": market_api.klines,
    "/api/v3/uiKlines": market_api.klines,
    "/api/v3/trades": market_api.trades,
    "/api/v3/aggTrades": market_api.trades,
    "/api/v3/avgPrice": market_api.avg_price,
    "/sapi/v1/system/status": _system_status,
    "/fapi/v1/exchangeInfo": market_api.empty_exchange_info,
    "/dapi/v1/exchangeInfo": market_api.empty_exchange_info,
}
SIGNED: list[tuple[str, str, EndpointHandler]] = [
    ("GET", "/api/v3/account", account_api.account),
    ("POST", "/api/v3/order", account_api.new_order),
    ("POST", "/api/v3/order/test", account_api.new_order),
    ("GET", "/api/v3/order", account_api.query_order),
    ("DELETE", "/api/v3/order", account_api.cancel_order),
    ("GET", "/api/v3/openOrders", account_api.open_orders),
    ("DELETE", "/api/v3/openOrders", account_api.cancel_open_orders),
    ("GET", "/api/v3/allOrders", account_api.all_orders),
    ("GET", "/api/v3/myTrades", account_api.my_trades),
    ("GET", "/sapi/v1/capital/config/getall", market_api.coins),
    ("GET", "/sapi/v1/margin/allPairs", _no_margin_pairs),
    ("GET", "/sapi/v1/margin/isolated/allPairs", _no_margin_pairs),
]


def routes() -> list[web.RouteDef]:
    table = [web.get(path, _public(handler)) for path, handler in PUBLIC.items()]
    table += [web.route(method, path, _signed(handler)) for method, path, handler in SIGNED]
    return table


def not_found(request: web.Request) -> web.Response:
    """Binance answers unknown API paths with a JSON error too."""
    return json_response(
        {"code": -5000, "msg": f"Path {request.path}, Method {request.method} is invalid"},
        status=404,
    )
