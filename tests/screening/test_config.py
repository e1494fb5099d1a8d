"""ScreeningConfig: generated from the declarations, errors naming the field."""

import pytest

from tradeplane.screening import (
    InvalidScreeningConfig,
    ScreeningConfig,
    ScreeningPipeline,
    load_config,
)


def test_defaults() -> None:
    config = load_config()
    assert config.universe.quote_volume.min_usd == 50_000_000.0
    assert config.universe.spread.max_percent == 0.05
    assert config.volatility_momentum.volume_surge.min_ratio == 2.0
    assert config.volatility_momentum.ranking.keep_top == 50
    assert config.scoring.selection.top_n == 5
    assert config.scoring.selection.max_correlation == 0.8
    assert config.scoring.selection.max_per_base == 1


def test_camel_case_and_snake_case_keys_both_validate() -> None:
    camel = load_config({"universe": {"quoteVolume": {"minUsd": 1e6}}})
    snake = load_config({"universe": {"quote_volume": {"min_usd": 1e6}}})
    assert camel == snake
    assert camel.universe.quote_volume.min_usd == 1e6
    assert load_config(camel) is camel
    assert isinstance(camel, ScreeningConfig)


def test_errors_name_the_dotted_field() -> None:
    cases = {
        "stages.universe.spread.maxPercent": {"universe": {"spread": {"maxPercent": -1}}},
        "stages.scoring.selection.topN": {"scoring": {"selection": {"topN": 0}}},
        "stages.volatilityMomentum.velocity.lookbacks.1": {
            "volatilityMomentum": {"velocity": {"lookbacks": [3, 0]}}
        },
        "stages.universe.quoteVolume.minUSD": {"universe": {"quoteVolume": {"minUSD": 1}}},
        "stages.scoring.regime.timeframe": {"scoring": {"regime": {"timeframe": 60}}},
    }
    for field, data in cases.items():
        with pytest.raises(InvalidScreeningConfig) as raised:
            load_config(data)
        assert raised.value.field == field, str(raised.value)
        assert str(raised.value).startswith(field)


def test_top_n_may_not_exceed_the_stage_two_keep_count() -> None:
    with pytest.raises(InvalidScreeningConfig) as raised:
        load_config({"volatilityMomentum": {"ranking": {"keepTop": 3}}})
    assert raised.value.field == "stages.scoring.selection.topN"
    assert str(raised.value) == (
        "stages.scoring.selection.topN: Value error, scoring.selection.topN (5) must be at "
        "most volatilityMomentum.ranking.keepTop (3)"
    )
    config = {
        "volatilityMomentum": {"ranking": {"keepTop": 3}},
        "scoring": {"selection": {"topN": 3}},
    }
    assert load_config(config).scoring.selection.top_n == 3


def test_config_is_frozen_and_feeds_the_pipeline() -> None:
    config = load_config({"scoring": {"selection": {"topN": 3}}})
    with pytest.raises(Exception, match="frozen"):
        config.scoring.selection.top_n = 4  # type: ignore[misc]
    pipeline = ScreeningPipeline(config)
    pipeline.warmup()
    assert pipeline.selection.top_n == 3
    assert pipeline.timeframes() == ("5m", "15m", "1h")
