"""The screener's configuration section, validated as the host hands it over."""

from __future__ import annotations

import pytest

from tradeplane.config import load_settings, service_section
from tradeplane.errors import ConfigError
from tradeplane.services.screener.config import ScreenerConfig


def test_defaults_and_a_section_from_settings() -> None:
    settings = load_settings(
        screener={
            "universe": "majors",
            "exchange": "binance",
            "stages": {"scoring": {"selection": {"topN": 3}}},
        }
    )
    config = service_section(settings, "screener", ScreenerConfig)
    assert config.screening().scoring.selection.top_n == 3
    assert config.durable("candles") == "screener-majors-candles"
    assert config.triggers == ("candles", "indicators")
    assert ScreenerConfig().screening().scoring.selection.top_n == 5


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            {"stages": {"universe": {"quoteVolume": {"minUsd": -1}}}},
            "stages.universe.quoteVolume.minUsd",
        ),
        ({"universe": "a.b"}, "cannot be a NATS subject token"),
        ({"triggers": ["candles", "candles"]}, "triggers are listed twice"),
        ({"triggers": ["trades"]}, "screener.triggers.0"),
        ({"debounce": 1}, "screener.debounce"),
    ],
)
def test_bad_values_name_the_field(section: dict, message: str) -> None:
    settings = load_settings(screener=section)
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        service_section(settings, "screener", ScreenerConfig)
