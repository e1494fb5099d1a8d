"""The service's configuration section: validation and where it is read from."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tradeplane.config import load_settings, service_section
from tradeplane.errors import ConfigError
from tradeplane.kernels import DEFAULT_OUTPUTS, Suite
from tradeplane.services.indicators import IndicatorsConfig


def test_defaults_compute_the_screeners_suite_on_three_timeframes() -> None:
    config = IndicatorsConfig()
    assert config.timeframes == ("5m", "15m", "1h")
    assert config.suite == Suite() and config.suite.outputs == DEFAULT_OUTPUTS
    assert config.durable("15m") == "indicators-default-15m"
    assert config.step_ms("1h") == 3_600_000


def test_the_suite_is_read_from_plain_data_and_checked_by_the_kernels() -> None:
    config = IndicatorsConfig.model_validate(
        {"suite": {"outputs": ["rsi", "atr"], "rsi_period": 7}, "timeframes": ["5m"]}
    )
    assert config.suite == Suite(outputs=("rsi", "atr"), rsi_period=7)
    with pytest.raises(ValidationError, match="rsi_period: must be between 2"):
        IndicatorsConfig.model_validate({"suite": {"rsi_period": 1}})
    with pytest.raises(ValidationError, match=r"unknown output\(s\) \['nope'\]"):
        IndicatorsConfig.model_validate({"suite": {"outputs": ["nope"]}})


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"timeframes": ["7m"]}, "unknown timeframe"),
        ({"timeframes": ["5m", "5m"]}, "listed twice"),
        ({"universe": "a.b"}, "cannot be a NATS subject token"),
        ({"symbols": ["A/USDT", "A/USDT"]}, "a symbol is listed twice"),
        ({"window_bars": 1}, "greater than or equal to 2"),
        ({"backend": "tpu"}, "'auto', 'cpu' or 'gpu'"),
        ({"speed": 1}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_sections_are_refused(section: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        IndicatorsConfig.model_validate(section)


def test_the_section_comes_from_settings() -> None:
    settings = load_settings(**{"indicators.universe": "majors", "indicators.timeframes": ["1h"]})
    assert service_section(settings, "indicators", IndicatorsConfig) == IndicatorsConfig(
        universe="majors", timeframes=("1h",)
    )
    assert service_section(load_settings(), "indicators", IndicatorsConfig) == IndicatorsConfig()
    bad = load_settings(**{"indicators.backend": "tpu"})
    with pytest.raises(ConfigError, match=r"indicators\.backend"):
        service_section(bad, "indicators", IndicatorsConfig)
