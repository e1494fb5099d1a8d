"""Admin endpoints for tests and demos (not part of Binance's API).

All require the simulator's API key in `X-MBX-APIKEY` (no signature):
- `POST /admin/step` `{"ticks": n}` or `{"bars": n}`: advance the market (manual clock).
- `GET|POST|DELETE /admin/faults`: show, set (a `FaultConfig` as JSON) or clear faults.
- `POST /admin/price` `{"symbol", "price"}`: the symbol's next tick trades at that price.
- `POST /admin/balance` `{"asset", "free"}`: set a free balance.
- `POST /admin/weights/reset`: forget the request weight used so far.
- `POST /admin/ws/disconnect`: close every websocket connection.
- `GET /admin/state`: market time, tick count and the API weight limit.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from aiohttp import web
from pydantic import ValidationError

from tradeplane.sim import errors
from tradeplane.sim.auth import check_api_key
from tradeplane.sim.config import FaultConfig
from tradeplane.sim.rest import error_response, json_response

if TYPE_CHECKING:
    from tradeplane.sim.server import Simulator

AdminHandler = Callable[["Simulator", dict[str, Any]], Awaitable[Any]]


def _body_error(message: str) -> errors.ApiError:
    return errors.ApiError(-1104, message)


def _wrap(
    simulator: Simulator, handler: AdminHandler
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def run(request: web.Request) -> web.Response:
        try:
            check_api_key(request.headers.get("X-MBX-APIKEY"), simulator.api_key)
            body: dict[str, Any] = {}
            if request.can_read_body:
                body = json.loads(await request.text() or "{}")
            return json_response(await handler(simulator, body))
        except errors.ApiError as error:
            return error_response(error)
        except (json.JSONDecodeError, ValidationError, InvalidOperation, ValueError) as error:
            return error_response(_body_error(f"Invalid admin request: {error}"))

    return run


async def _step(simulator: Simulator, body: dict[str, Any]) -> Any:
    ticks = int(body.get("ticks", 0)) + int(body.get("bars", 0)) * simulator.ticks_per_bar
    done = await simulator.step(max(ticks, 0) or 1)
    market = simulator.state.market
    return {"ticks": done, "time": market.now_ms, "tick": market.tick_count}


async def _faults(simulator: Simulator, body: dict[str, Any]) -> Any:
    injector = simulator.state.faults
    return {
        "config": injector.config.model_dump(mode="json"),
        "injected": {kind.value: n for kind, n in injector.injected.items()},
    }


async def _set_faults(simulator: Simulator, body: dict[str, Any]) -> Any:
    simulator.set_faults(FaultConfig.model_validate(body))
    return await _faults(simulator, body)


async def _clear_faults(simulator: Simulator, body: dict[str, Any]) -> Any:
    simulator.set_faults(FaultConfig())
    return await _faults(simulator, body)


async def _price(simulator: Simulator, body: dict[str, Any]) -> Any:
    if str(body.get("symbol", "")).upper() not in simulator.state.universe.index:
        raise errors.invalid_symbol()
    simulator.set_price(str(body["symbol"]).upper(), float(Decimal(str(body["price"]))))
    return {}


async def _balance(simulator: Simulator, body: dict[str, Any]) -> Any:
    account = simulator.state.account
    asset = str(body["asset"]).upper()
    account.free[asset] = Decimal(str(body["free"]))
    account.locked.setdefault(asset, Decimal(0))
    return {"asset": asset, "free": str(account.free[asset])}


async def _reset_weights(simulator: Simulator, body: dict[str, Any]) -> Any:
    simulator.state.weights.reset()
    return {}


async def _disconnect(simulator: Simulator, body: dict[str, Any]) -> Any:
    return {"closed": await simulator.hub.disconnect_all()}


async def _state(simulator: Simulator, body: dict[str, Any]) -> Any:
    market = simulator.state.market
    return {
        "time": market.now_ms,
        "tick": market.tick_count,
        "symbols": len(market.universe),
        "exhausted": market.exhausted,
        "weightLimit": simulator.config.weight_limit,
    }


def routes(simulator: Simulator) -> list[web.RouteDef]:
    table: list[tuple[str, str, AdminHandler]] = [
        ("POST", "/admin/step", _step),
        ("GET", "/admin/faults", _faults),
        ("POST", "/admin/faults", _set_faults),
        ("DELETE", "/admin/faults", _clear_faults),
        ("POST", "/admin/price", _price),
        ("POST", "/admin/balance", _balance),
        ("POST", "/admin/weights/reset", _reset_weights),
        ("POST", "/admin/ws/disconnect", _disconnect),
        ("GET", "/admin/state", _state),
    ]
    return [web.route(method, path, _wrap(simulator, handler)) for method, path, handler in table]
