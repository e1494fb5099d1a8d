"""The gateway's configuration (frozen, typed); credentials only from here or the environment.

The API key and secret are `SecretStr` (their repr is `**********`). Leave them unset
and name environment variables instead (`api_key_env`, `api_secret_env`, by default
`TRADEPLANE_EXCHANGE_API_KEY` / `TRADEPLANE_EXCHANGE_API_SECRET`, which a Kubernetes
Secret maps into the pod). `client_options` is passed to the ccxt constructor as is
(URLs, options; e.g. `tradeplane.sim.client_overrides(sim, credentials=False)`); any
`apiKey`/`secret` found there is moved into the secret fields.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from tradeplane.exchange.breaker import BreakerSettings
from tradeplane.exchange.retry import RetryPolicy

_CREDENTIAL_OPTIONS = {"apiKey": "api_key", "secret": "api_secret", "password": "password"}
# ccxt settings the gateway owns: its own limiter replaces ccxt's throttle, and verbose
# mode would print signed requests with the API key.
_OWNED_OPTIONS = frozenset({"enableRateLimit", "verbose", "logger", "timeout"})


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetryConfig(_Section):
    max_attempts: int = Field(4, ge=1, description="Attempts per call, the first included.")
    initial_delay_seconds: float = Field(0.5, ge=0, description="First backoff pause.")
    max_delay_seconds: float = Field(10.0, ge=0, description="Longest backoff pause.")
    max_retry_after_seconds: float = Field(
        60.0, ge=0, description="Longer Retry-After (a ban) fails the call instead of waiting."
    )

    def policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.max_attempts,
            initial_delay_seconds=self.initial_delay_seconds,
            max_delay_seconds=self.max_delay_seconds,
            max_retry_after_seconds=self.max_retry_after_seconds,
        )


class BreakerConfig(_Section):
    failure_threshold: int = Field(5, ge=1, description="Consecutive failures that open it.")
    error_rate_threshold: float = Field(0.5, gt=0, le=1, description="Failure share that opens.")
    window_size: int = Field(20, ge=1, description="Calls the failure share is taken over.")
    minimum_calls: int = Field(10, ge=1, description="Calls needed before the share counts.")
    open_seconds: float = Field(30.0, ge=0, description="Open this long before a probe.")

    def settings(self) -> BreakerSettings:
        return BreakerSettings(**self.model_dump())


class ExchangeConfig(_Section):
    exchange_id: str = Field("binance", description="ccxt exchange id.")
    name: str | None = Field(
        None, description="Label for metrics, cache keys and the shared limiter; default the id."
    )
    account: str = Field("default", description="Account whose weight budget calls spend.")
    api_key: SecretStr | None = None
    api_secret: SecretStr | None = None
    password: SecretStr | None = None
    api_key_env: str = "TRADEPLANE_EXCHANGE_API_KEY"
    api_secret_env: str = "TRADEPLANE_EXCHANGE_API_SECRET"
    client_options: dict[str, Any] = Field(
        default_factory=dict, description="Extra ccxt constructor config (urls, options)."
    )
    timeout_seconds: float = Field(10.0, gt=0, description="One HTTP request.")
    weight_limit: int | None = Field(
        None, ge=1, description="Override the venue's weight per window (capabilities table)."
    )
    weight_safety_margin: float | None = Field(
        None, gt=0, le=1, description="Share of the weight limit this process may use."
    )
    max_clock_skew_seconds: float = Field(
        5.0, ge=0, description="Records stamped further in the future are rejected."
    )
    ohlcv_page_limit: int | None = Field(None, ge=1, description="Candles per backfill request.")
    retry: RetryConfig = RetryConfig()
    breaker: BreakerConfig = BreakerConfig()

    @model_validator(mode="before")
    @classmethod
    def _credentials_out_of_options(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or not isinstance(data.get("client_options"), Mapping):
            return data
        data = dict(data)
        options = dict(data["client_options"])
        for option, field_name in _CREDENTIAL_OPTIONS.items():
            value = options.pop(option, None)
            if value is not None and data.get(field_name) is None:
                data[field_name] = value
        for option in _OWNED_OPTIONS & set(options):
            options.pop(option)
        data["client_options"] = options
        return data

    @property
    def label(self) -> str:
        return self.name or self.exchange_id

    def credentials(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """ccxt's `apiKey`/`secret`/`password`, from the config or else the environment."""
        environ = os.environ if environ is None else environ
        found: dict[str, str] = {}
        key = self.api_key.get_secret_value() if self.api_key else environ.get(self.api_key_env)
        secret = (
            self.api_secret.get_secret_value()
            if self.api_secret
            else environ.get(self.api_secret_env)
        )
        if key:
            found["apiKey"] = key
        if secret:
            found["secret"] = secret
        if self.password:
            found["password"] = self.password.get_secret_value()
        return found
