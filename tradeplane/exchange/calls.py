"""The path every REST call of the gateway takes, and what it does with each outcome.

    circuit breaker -> shared weight limiter -> the ccxt call (a `ResponseProbe` records
    status and headers) -> used-weight header back to the limiter -> ccxt errors mapped ->
    breaker updated -> retry decision (Retry-After pauses the whole account)

Outcomes and the breaker: network errors, timeouts, 5xx and malformed answers are
failures; 429/418 leave the breaker alone (the limiter deals with them); any other answer,
even a refusal (bad symbol, auth), shows the exchange is up and counts as a success.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import ccxt

from tradeplane.exchange import errors, metrics
from tradeplane.exchange.breaker import BreakerBoard, CircuitBreaker
from tradeplane.exchange.capabilities import Capabilities
from tradeplane.exchange.client import PROBE, ResponseProbe, parse_retry_after
from tradeplane.exchange.limiter import Permit, Sleep, WeightLimiter
from tradeplane.exchange.mapping import map_ccxt_error
from tradeplane.exchange.redact import Redactor
from tradeplane.exchange.retry import RetryPolicy
from tradeplane.exchange.validation import MALFORMED, Validator

logger = logging.getLogger(__name__)

R = TypeVar("R")
# What ccxt raises when it trips over a payload it did not expect.
_PARSE_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError)


class CallPath:
    """Runs one gateway call with limits, breaker, error mapping and retries."""

    def __init__(
        self,
        *,
        name: str,
        capabilities: Capabilities,
        limiter: WeightLimiter,
        breakers: BreakerBoard,
        policy: RetryPolicy,
        validator: Validator,
        redact: Redactor,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.name = name
        self.capabilities = capabilities
        self.limiter = limiter
        self.breakers = breakers
        self.policy = policy
        self.validator = validator
        self.redact = redact
        self._sleep = sleep

    async def __call__(
        self,
        endpoint: str,
        operation: Callable[[], Awaitable[R]],
        *,
        weight: int | None = None,
        idempotent: bool = True,
    ) -> R:
        breaker = self.breakers.breaker(self.name, endpoint)
        cost = self.capabilities.weight(endpoint) if weight is None else weight
        attempt = 0
        while True:
            attempt += 1
            breaker.before_call()
            permit = await self.limiter.acquire(
                cost, endpoint=endpoint, max_wait=self.policy.max_retry_after_seconds
            )
            probe = ResponseProbe()
            token = PROBE.set(probe)
            started = time.perf_counter()
            try:
                result = await operation()
                if probe.malformed:  # ccxt returned whatever it made of a truncated body
                    raise self._malformed(endpoint, "the response body is not valid JSON")
            except errors.ExchangeError as error:
                cause, failure = error.__cause__, error
            except ccxt.BaseError as error:
                cause, failure = error, self.map_error(error, endpoint, probe)
            except _PARSE_ERRORS as error:
                if not probe.responses:
                    raise  # not the exchange's answer: a bug of ours
                detail = "invalid JSON" if probe.malformed else self.redact(repr(error))
                cause, failure = error, self._malformed(endpoint, f"ccxt failed on it: {detail}")
            else:
                self._observe(probe, permit)
                breaker.record_success()
                self._count(endpoint, "ok", started)
                return result
            finally:
                PROBE.reset(token)
            self._observe(probe, permit)
            self._count(endpoint, type(failure).__name__, started)
            self._settle(failure, breaker, probe, attempt)
            delay = self.policy.decide(failure, attempt, idempotent=idempotent)
            if delay is None:
                raise failure from cause
            self._retrying(endpoint, failure, attempt, delay)
            await self._sleep(delay)

    def map_error(
        self, error: ccxt.BaseError, endpoint: str, probe: ResponseProbe | None = None
    ) -> errors.ExchangeError:
        probe = probe or ResponseProbe()
        return map_ccxt_error(
            error,
            exchange=self.name,
            endpoint=endpoint,
            redact=self.redact,
            status=probe.status,
            retry_after=parse_retry_after(probe.header(self.capabilities.retry_after_header)),
        )

    def _settle(
        self,
        failure: errors.ExchangeError,
        breaker: CircuitBreaker,
        probe: ResponseProbe,
        attempt: int,
    ) -> None:
        if isinstance(failure, errors.RateLimited):
            if failure.retry_after is None:  # no Retry-After header: our own backoff
                failure.retry_after = self.policy.backoff(attempt)
            self.limiter.pause(failure.retry_after, status=probe.status or 429)
            breaker.record_neutral()
        elif isinstance(failure, errors.ExchangeUnavailable | errors.MalformedResponse):
            breaker.record_failure()
            if isinstance(failure, errors.MalformedResponse):
                self.validator.reject(failure.endpoint, MALFORMED)
        else:
            breaker.record_success()  # the exchange answered; the request was wrong

    def _malformed(self, endpoint: str, detail: str) -> errors.MalformedResponse:
        return errors.MalformedResponse(
            f"{self.name} {endpoint}: {detail}", exchange=self.name, endpoint=endpoint
        )

    def _observe(self, probe: ResponseProbe, permit: Permit) -> None:
        header = self.capabilities.used_weight_header
        used = probe.header(header) if header else None
        if used is not None and used.isdigit():
            self.limiter.observe_used(int(used), permit)

    def _count(self, endpoint: str, outcome: str, started: float) -> None:
        metrics.REQUESTS.labels(exchange=self.name, endpoint=endpoint, outcome=outcome).inc()
        metrics.REQUEST_SECONDS.labels(exchange=self.name, endpoint=endpoint).observe(
            time.perf_counter() - started
        )

    def _retrying(
        self, endpoint: str, failure: errors.ExchangeError, attempt: int, delay: float
    ) -> None:
        reason = type(failure).__name__
        metrics.RETRIES.labels(exchange=self.name, endpoint=endpoint, reason=reason).inc()
        logger.info(
            "retrying exchange request",
            extra={
                "exchange": self.name,
                "endpoint": endpoint,
                "attempt": attempt,
                "error": str(failure),
                "delay_seconds": round(delay, 3),
            },
        )
