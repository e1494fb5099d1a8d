"""The exchange gateway's errors, sorted by what the caller must do next.

- Retry soon (`ExchangeTemporaryError`, a core `TemporaryError`):
  - `ExchangeUnavailable`: network failure, timeout or 5xx; the gateway already retried
    with backoff, so the caller retries later or serves cached data.
  - `MalformedResponse`: the exchange answered with a payload that does not parse or holds
    impossible values; counted, then treated like an outage.
- Back off (`retry_after` seconds, also temporary):
  - `RateLimited`: 429/418 from the exchange, or our own weight budget is spent.
  - `CircuitOpen`: too many recent failures on this endpoint; calls fail fast until the
    breaker lets a probe through.
- Give up on this request (`ExchangeRejected`): the exchange refused it and will refuse it
  again (`BadSymbol`, `InvalidOrder`, `InsufficientFunds`, `OrderNotFound`).
- Fix the configuration (`ExchangeConfigError`, a core `ConfigError`): bad or missing
  credentials (`AuthenticationFailed`), an unknown exchange id, a call the venue lacks
  (`NotSupported`).

ccxt's exceptions are mapped into these by `tradeplane.exchange.mapping` with
`raise X(...) from error`; messages are redacted of credentials and request signatures.
"""

from __future__ import annotations

from tradeplane.errors import ConfigError, TemporaryError, TradeplaneError


class ExchangeError(TradeplaneError):
    """Base of every error raised by the exchange gateway."""

    def __init__(self, message: str, *, exchange: str = "", endpoint: str = "") -> None:
        super().__init__(message)
        self.exchange = exchange
        self.endpoint = endpoint


class ExchangeTemporaryError(ExchangeError, TemporaryError):
    """The request may succeed later; `retry_after` (seconds) says when, if known."""

    def __init__(
        self,
        message: str,
        *,
        exchange: str = "",
        endpoint: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, exchange=exchange, endpoint=endpoint)
        self.retry_after = retry_after


class ExchangeUnavailable(ExchangeTemporaryError):
    """Network failure, timeout or server error (5xx); retried with backoff."""


class ExchangeTimeout(ExchangeUnavailable):
    """The exchange did not answer in time (the request may or may not have been applied)."""


class MalformedResponse(ExchangeTemporaryError):
    """The exchange's answer did not parse or held impossible values."""


class RateLimited(ExchangeTemporaryError):
    """429 (slow down) or 418 (IP banned); wait `retry_after` seconds before calling again."""

    def __init__(
        self,
        message: str,
        *,
        exchange: str = "",
        endpoint: str = "",
        retry_after: float | None = None,
        banned: bool = False,
    ) -> None:
        super().__init__(message, exchange=exchange, endpoint=endpoint, retry_after=retry_after)
        self.banned = banned


class CircuitOpen(ExchangeTemporaryError):
    """The endpoint's circuit breaker is open; no request was sent."""


class ExchangeRejected(ExchangeError):
    """The exchange refused the request and would refuse it again; do not retry."""


class BadSymbol(ExchangeRejected):
    """The symbol is not listed (or not trading) on this exchange."""


class InvalidOrder(ExchangeRejected):
    """The order breaks the market's rules (size, price, notional, type)."""


class InsufficientFunds(InvalidOrder):
    """The account's free balance does not cover the order."""


class OrderNotFound(ExchangeRejected):
    """No order with that id exists for the account."""


class ExchangeConfigError(ExchangeError, ConfigError):
    """The gateway's configuration is wrong; retrying will not help."""


class AuthenticationFailed(ExchangeConfigError):
    """The API key or secret is missing, wrong or lacks the permission for this call."""


class NotSupported(ExchangeConfigError):
    """The exchange (or its ccxt client) does not offer this call."""
