"""ccxt's exceptions -> the gateway's errors, sorted by what the caller must do (pure).

Order matters: ccxt's classes nest (`BadSymbol` is a `BadRequest`, `OrderNotFound` an
`InvalidOrder`), so the most specific come first.
"""

from __future__ import annotations

from collections.abc import Callable

import ccxt

from tradeplane.exchange import errors

_TABLE: tuple[tuple[type[BaseException], type[errors.ExchangeError]], ...] = (
    (ccxt.AuthenticationError, errors.AuthenticationFailed),
    (ccxt.BadSymbol, errors.BadSymbol),
    (ccxt.InsufficientFunds, errors.InsufficientFunds),
    (ccxt.OrderNotFound, errors.OrderNotFound),
    (ccxt.InvalidOrder, errors.InvalidOrder),
    (ccxt.NotSupported, errors.NotSupported),
    (ccxt.RateLimitExceeded, errors.RateLimited),
    (ccxt.DDoSProtection, errors.RateLimited),
    (ccxt.RequestTimeout, errors.ExchangeTimeout),
    (ccxt.BadResponse, errors.MalformedResponse),  # NullResponse included
    (ccxt.InvalidNonce, errors.ExchangeUnavailable),  # clock skew: retry
    (ccxt.NetworkError, errors.ExchangeUnavailable),  # ExchangeNotAvailable, OnMaintenance
    (ccxt.OperationFailed, errors.ExchangeUnavailable),
    (ccxt.ExchangeClosedByUser, errors.ExchangeUnavailable),
    (ccxt.ExchangeError, errors.ExchangeRejected),  # BadRequest, OperationRejected, ...
)


def error_class(error: BaseException) -> type[errors.ExchangeError]:
    for ccxt_class, ours in _TABLE:
        if isinstance(error, ccxt_class):
            return ours
    return errors.ExchangeRejected


def map_ccxt_error(
    error: BaseException,
    *,
    exchange: str,
    endpoint: str,
    redact: Callable[[object], str],
    status: int | None = None,
    retry_after: float | None = None,
) -> errors.ExchangeError:
    """Our error for a ccxt exception; the message is redacted of secrets and signatures."""
    ours = error_class(error)
    message = f"{exchange} {endpoint}: {redact(error)}"
    if ours is errors.RateLimited:
        return errors.RateLimited(
            message,
            exchange=exchange,
            endpoint=endpoint,
            retry_after=retry_after,
            banned=status == 418,
        )
    return ours(message, exchange=exchange, endpoint=endpoint)
