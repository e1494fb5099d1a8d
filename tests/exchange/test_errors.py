"""ccxt's exceptions map onto errors that say what to do; credentials never show."""

from __future__ import annotations

import logging

import ccxt
import pytest

from tradeplane.errors import ConfigError, TemporaryError
from tradeplane.exchange import errors
from tradeplane.exchange.config import ExchangeConfig
from tradeplane.exchange.mapping import map_ccxt_error
from tradeplane.exchange.redact import RedactingLogger, Redactor

KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"


@pytest.mark.parametrize(
    ("raised", "expected", "temporary"),
    [
        (ccxt.AuthenticationError, errors.AuthenticationFailed, False),
        (ccxt.PermissionDenied, errors.AuthenticationFailed, False),
        (ccxt.BadSymbol, errors.BadSymbol, False),
        (ccxt.InsufficientFunds, errors.InsufficientFunds, False),
        (ccxt.OrderNotFound, errors.OrderNotFound, False),
        (ccxt.InvalidOrder, errors.InvalidOrder, False),
        (ccxt.NotSupported, errors.NotSupported, False),
        (ccxt.BadRequest, errors.ExchangeRejected, False),
        (ccxt.RateLimitExceeded, errors.RateLimited, True),
        (ccxt.DDoSProtection, errors.RateLimited, True),
        (ccxt.RequestTimeout, errors.ExchangeTimeout, True),
        (ccxt.ExchangeNotAvailable, errors.ExchangeUnavailable, True),
        (ccxt.OnMaintenance, errors.ExchangeUnavailable, True),
        (ccxt.NetworkError, errors.ExchangeUnavailable, True),
        (ccxt.InvalidNonce, errors.ExchangeUnavailable, True),
        (ccxt.BadResponse, errors.MalformedResponse, True),
        (ccxt.NullResponse, errors.MalformedResponse, True),
    ],
)
def test_each_ccxt_error_maps_to_the_action_the_caller_must_take(
    raised: type[Exception], expected: type[Exception], temporary: bool
) -> None:
    mapped = map_ccxt_error(
        raised("binance said no"), exchange="binance", endpoint="tickers", redact=Redactor()
    )
    assert type(mapped) is expected
    assert isinstance(mapped, TemporaryError) is temporary
    assert mapped.exchange == "binance" and mapped.endpoint == "tickers"
    assert "binance said no" in str(mapped)


def test_rate_limits_carry_retry_after_and_whether_it_is_a_ban() -> None:
    mapped = map_ccxt_error(
        ccxt.DDoSProtection("418"),
        exchange="b",
        endpoint="t",
        redact=Redactor(),
        status=418,
        retry_after=120.0,
    )
    assert isinstance(mapped, errors.RateLimited)
    assert mapped.retry_after == 120.0 and mapped.banned


def test_configuration_errors_are_config_errors() -> None:
    assert issubclass(errors.AuthenticationFailed, ConfigError)
    assert issubclass(errors.NotSupported, ConfigError)
    assert not issubclass(errors.ExchangeRejected, TemporaryError)


def test_messages_lose_credentials_and_signatures() -> None:
    message = (
        f"binance GET http://x/api/v3/account?timestamp=1&signature=0015b41ea9 500 "
        f"{{'X-MBX-APIKEY': '{KEY}'}} secret={SECRET}"
    )
    mapped = map_ccxt_error(
        ccxt.ExchangeNotAvailable(message),
        exchange="b",
        endpoint="balances",
        redact=Redactor([KEY, SECRET]),
    )
    text = str(mapped)
    assert KEY not in text and SECRET not in text and "0015b41ea9" not in text
    assert "signature=***" in text and "/api/v3/account" in text


def test_the_ccxt_logger_renders_then_redacts(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logger = RedactingLogger(logging.getLogger("unit.ccxt"), Redactor([KEY]))
    logger.debug("%s %s, Request: %s %s", "GET", "http://x", {"X-MBX-APIKEY": KEY}, None)
    (record,) = caplog.records
    assert KEY not in record.getMessage() and not record.args
    assert "X-MBX-APIKEY': '***'" in record.getMessage()


def test_config_keeps_secrets_out_of_its_repr_and_options() -> None:
    config = ExchangeConfig(client_options={"apiKey": KEY, "secret": SECRET, "verbose": True})
    assert KEY not in repr(config) and SECRET not in repr(config)
    assert config.client_options == {}  # credentials moved, verbose dropped
    assert config.credentials({}) == {"apiKey": KEY, "secret": SECRET}
    from_env = ExchangeConfig(api_key_env="MY_KEY", api_secret_env="MY_SECRET")
    assert from_env.credentials({"MY_KEY": "k" * 8, "MY_SECRET": "s" * 8}) == {
        "apiKey": "k" * 8,
        "secret": "s" * 8,
    }
    assert from_env.credentials({}) == {}


def test_an_unknown_exchange_id_is_a_config_error() -> None:
    from tradeplane.exchange import ExchangeGateway

    with pytest.raises(errors.ExchangeConfigError, match="unknown exchange id 'nope'"):
        ExchangeGateway(ExchangeConfig(exchange_id="nope"))
