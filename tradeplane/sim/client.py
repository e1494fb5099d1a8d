"""Settings that point an unchanged ccxt binance client (REST and ccxt.pro) at a simulator.

The simulator does not import ccxt (only the exchange gateway does); this module returns
plain dictionaries that `ccxt.async_support.binance(...)` and `ccxt.pro.binance(...)`
accept as constructor config.
"""

from __future__ import annotations

from typing import Any, Protocol

# ccxt binance `urls['api']` keys -> Binance path prefix. Every REST product line points at
# the simulator so that no call can leave the machine, even ones the simulator lacks.
REST_PATHS = {
    "public": "/api/v3",
    "private": "/api/v3",
    "v1": "/api/v1",
    "sapi": "/sapi/v1",
    "sapiV2": "/sapi/v2",
    "sapiV3": "/sapi/v3",
    "sapiV4": "/sapi/v4",
    "fapiPublic": "/fapi/v1",
    "fapiPublicV2": "/fapi/v2",
    "fapiPublicV3": "/fapi/v3",
    "fapiPrivate": "/fapi/v1",
    "fapiPrivateV2": "/fapi/v2",
    "fapiPrivateV3": "/fapi/v3",
    "fapiData": "/futures/data",
    "dapiPublic": "/dapi/v1",
    "dapiPrivate": "/dapi/v1",
    "dapiPrivateV2": "/dapi/v2",
    "dapiData": "/futures/data",
    "eapiPublic": "/eapi/v1",
    "eapiPrivate": "/eapi/v1",
    "papi": "/papi/v1",
    "papiV2": "/papi/v2",
}
WS_TYPES = (
    "spot",
    "margin",
    "linear",
    "inverse",
    "stock",
    "option",
    "optionMarket",
    "optionPrivate",
    "papi",
)

# Options ccxt itself supports that keep `load_markets()` to one request (spot
# exchangeInfo): no futures/options market lists, no margin pair lists, no wallet coin list
# (currencies are then derived from the markets).
CLIENT_OPTIONS: dict[str, Any] = {
    "defaultType": "spot",
    "fetchMarkets": {"types": ["spot"]},
    "fetchMargins": False,
    "fetchCurrencies": False,
}


class SimulatorAddress(Protocol):
    @property
    def rest_url(self) -> str: ...

    @property
    def ws_url(self) -> str: ...


def client_overrides(simulator: SimulatorAddress, *, credentials: bool = True) -> dict[str, Any]:
    """ccxt binance constructor config for `simulator`: URLs, options and (by default) the
    API key and secret. Merge it into the rest of the config, e.g.
    `ccxt.pro.binance({**client_overrides(sim), "enableRateLimit": False})`."""
    api: dict[str, Any] = {key: simulator.rest_url + path for key, path in REST_PATHS.items()}
    api["ws"] = dict.fromkeys(WS_TYPES, simulator.ws_url)
    api["ws"]["ws-api"] = {
        "spot": simulator.ws_url,
        "linear": simulator.ws_url,
        "inverse": simulator.ws_url,
    }
    config: dict[str, Any] = {"urls": {"api": api}, "options": dict(CLIENT_OPTIONS)}
    if credentials:
        config["apiKey"] = getattr(simulator, "api_key", None)
        config["secret"] = getattr(simulator, "api_secret", None)
    return config
