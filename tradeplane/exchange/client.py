"""Building the ccxt client, and seeing each response's status and headers per call.

ccxt keeps only the *last* response's headers on the client (`last_response_headers`),
which concurrent calls overwrite, and it silently returns garbage for a truncated JSON
body. The gateway therefore hooks ccxt's own response hooks (`on_rest_response`,
`on_json_response`) on its client instance: they record status, headers and a parse
failure into a `ResponseProbe` held in a context variable, so every call reads the
used-weight and Retry-After headers of its own response.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import ccxt.async_support
import ccxt.pro

from tradeplane.exchange.config import ExchangeConfig
from tradeplane.exchange.errors import ExchangeConfigError
from tradeplane.exchange.redact import RedactingLogger, Redactor

CCXT_LOGGER = "tradeplane.exchange.ccxt"


@dataclass
class ResponseProbe:
    """What the responses of one gateway call looked like (the last one wins)."""

    responses: int = 0
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    malformed: bool = False

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None


PROBE: ContextVar[ResponseProbe | None] = ContextVar("tradeplane_exchange_probe", default=None)


def create_client(
    config: ExchangeConfig,
    credentials: Mapping[str, str],
    redactor: Redactor,
    *,
    venue_options: Mapping[str, Any] | None = None,
) -> Any:
    """A ccxt.pro client (REST and websockets) when the venue has one, else async ccxt.

    ccxt `options` are merged: ours, then the venue's defaults (capabilities table), then
    the config's `client_options["options"]`."""
    exchange_id = config.exchange_id
    module: Any = ccxt.pro if exchange_id in ccxt.pro.exchanges else ccxt.async_support
    exchange_class = getattr(module, exchange_id, None)
    if exchange_id not in ccxt.exchanges or exchange_class is None:
        raise ExchangeConfigError(
            f"unknown exchange id {exchange_id!r}; ccxt {ccxt.__version__} knows e.g. "
            "binance, kraken, okx, bybit, coinbase",
            exchange=exchange_id,
        )
    options = {
        # the limiter charges the all-symbols weight itself; ccxt would refuse the call
        "warnOnFetchOpenOrdersWithoutSymbol": False,
        **(venue_options or {}),
        **config.client_options.get("options", {}),
    }
    client = exchange_class(
        {
            **config.client_options,
            "options": options,
            **credentials,
            "enableRateLimit": False,  # the gateway's weight limiter replaces ccxt's throttle
            "verbose": False,  # verbose prints signed requests with the API key
            "timeout": int(config.timeout_seconds * 1000),
        }
    )
    client.logger = RedactingLogger(logging.getLogger(CCXT_LOGGER), redactor)
    _install_probe(client)
    return client


def _install_probe(client: Any) -> None:
    rest_hook = client.on_rest_response
    json_hook = client.on_json_response

    def on_rest_response(
        code: Any,
        reason: Any,
        url: Any,
        method: Any,
        response_headers: Any,
        response_body: Any,
        request_headers: Any,
        request_body: Any,
    ) -> Any:
        probe = PROBE.get()
        if probe is not None:
            probe.responses += 1
            probe.status = int(code) if code is not None else None
            probe.headers = dict(response_headers or {})
            probe.malformed = False
        return rest_hook(
            code, reason, url, method, response_headers, response_body, request_headers,
            request_body,
        )  # fmt: skip

    def on_json_response(text: Any) -> Any:
        try:
            return json_hook(text)
        except ValueError:
            probe = PROBE.get()
            if probe is not None:
                probe.malformed = True
            raise

    client.on_rest_response = on_rest_response
    client.on_json_response = on_json_response


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (Binance sends seconds; dates are not used)."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
