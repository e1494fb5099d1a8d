"""The whole pipeline on the real candles, and its guarantees."""

import numpy as np
import pytest

from tradeplane import kernels
from tradeplane.screening import (
    CandleSet,
    InvalidMarketData,
    MarketSnapshot,
    Regime,
    ScreeningPipeline,
    UnknownSymbol,
    screen,
)

from . import realdata
from .helpers import make_candles, make_snapshot

SURGE_BAR = 5698  # 29 Jan 23:45 UTC: five of the eight pairs trade at least twice their volume
LOW_VOLUME = {"universe": {"quoteVolume": {"minUsd": 1_000_000}}}


def test_default_thresholds_drop_every_real_pair_on_converted_volume() -> None:
    snapshot, candles = realdata.inputs()
    result = ScreeningPipeline().run(snapshot, candles)
    assert result.counts.stage1 == 0 and result.selection == ()
    explanation = result.explain("ETH/BTC")
    assert explanation.dropped_at == 1 and explanation.stages_passed == 0
    # ETH/BTC traded 3,455 BTC over the last day: at 11,000 USD per BTC, 38.0 million USD
    assert explanation.reasons == (
        "quoteVolume: 24h quote volume is 38,004,396 USD, needs >= 50,000,000 USD",
    )
    # the run's drop counts: every pair on volume, ZEC/BTC also on stale data
    assert [(d.stage, d.check, d.symbols) for d in result.drops] == [
        (1, "quoteVolume", 8),
        (1, "candleLag", 1),
        (1, "tickerAge", 1),
    ]
    assert result.drops[0].example == (
        "ADA/BTC: quoteVolume: 24h quote volume is 22,955,773 USD, needs >= 50,000,000 USD"
    )
    assert str(result.drops[1]) == (
        "stage 1 candleLag: 1 (e.g. ZEC/BTC: candleLag: candle lag is 1 bars, needs <= 0 bars;"
        " worst on 5m)"
    )


def test_pipeline_on_real_candles_with_the_default_volume_surge() -> None:
    snapshot, candles = realdata.inputs(SURGE_BAR)
    result = ScreeningPipeline(LOW_VOLUME).run(snapshot, candles)
    counts = result.counts
    assert (counts.universe, counts.stage1, counts.stage2_checks, counts.stage2) == (8, 8, 4, 4)
    assert result.selected_symbols == ("XMR/BTC", "LTC/BTC", "DASH/BTC", "ADA/BTC")
    assert result.regime.regime is Regime.RANGE
    assert result.regime.breadth == 0.625 and result.regime.population == 8
    eth = result.explain("ETH/BTC")
    assert (eth.dropped_at, eth.stages_passed) == (2, 1)
    assert eth.reasons == ("volumeSurge: volume surge ratio is 1.01x, needs >= 2x",)
    assert str(eth).startswith("ETH/BTC: dropped in stage 2\n  - volumeSurge:")
    xmr = result.explain("XMR/BTC")
    assert (xmr.selected, xmr.rank, xmr.dropped_at, xmr.stages_passed) == (True, 1, None, 3)
    assert xmr.breakdown is not None
    assert xmr.breakdown.inputs["volume_surge"] == pytest.approx(3.41, abs=0.005)
    assert str(xmr).startswith("XMR/BTC: selected, rank 1; score 0.6139 (range weights)")


def test_selection_invariants_on_real_candles() -> None:
    snapshot, candles = realdata.inputs()
    config = {**LOW_VOLUME, "volatilityMomentum": {"volumeSurge": {"required": False}}}
    result = ScreeningPipeline(config).run(snapshot, candles)
    assert (result.counts.stage1, result.counts.stage2, result.counts.selected) == (7, 7, 5)
    zec = result.explain("ZEC/BTC")  # its last 5m bar is missing from the data
    assert [reason.split(":")[0] for reason in zec.reasons] == ["tickerAge", "candleLag"]
    scores = [member.score for member in result.selection]
    assert scores == sorted(scores, reverse=True)
    assert [member.rank for member in result.selection] == [1, 2, 3, 4, 5]
    positions = [result.candidates.index(symbol) for symbol in result.selected_symbols]
    assert np.nanmax(result.correlation[np.ix_(positions, positions)] - np.eye(5)) <= 0.8
    bases = [symbol.split("/")[0] for symbol in result.selected_symbols]
    assert len(set(bases)) == 5
    for member in result.selection:
        breakdown = member.breakdown
        assert sum(breakdown.contributions.values()) == pytest.approx(member.score)
        assert set(breakdown.inputs) >= {"atr_percent", "adx_15m", "rsi_5m", "rsi_15m", "rsi_1h"}
    passed_over = [s for s in result.candidates if s not in result.selected_symbols]
    # stage 3 drops the candidates left out of the top 5, and nothing else drops them
    assert [(d.stage, d.check, d.symbols) for d in result.drops] == [
        (1, "candleLag", 1),
        (1, "tickerAge", 1),
        (3, "selection", len(passed_over)),
    ]
    for symbol in passed_over:
        explanation = result.explain(symbol)
        assert explanation.stages_passed == 2 and explanation.dropped_at == 3
        assert explanation.reasons[0].endswith("the top 5 were filled")
    assert list(result.stages_passed) == [
        {True: 3, False: 2}[s in result.selected_symbols] if s != "ZEC/BTC" else 0
        for s in realdata.SYMBOLS
    ]
    assert set(result.timings) == {
        "stage1",
        "stage2",
        "regime",
        "components",
        "correlation",
        "selection",
        "stage3",
        "total",
    }


def with_copies(snapshot: MarketSnapshot, candles: dict[str, CandleSet], copies: dict[str, str]):
    """The inputs plus copies of existing symbols' data under new names."""
    names = list(snapshot.symbols)
    source_rows = [names.index(original) for original in copies.values()]
    rows = list(range(len(names))) + source_rows
    symbols = names + list(copies)
    new_snapshot = MarketSnapshot.build(
        time_ms=snapshot.time_ms,
        symbols=symbols,
        last=snapshot.last[rows],
        bid=snapshot.bid[rows],
        ask=snapshot.ask[rows],
        quote_volume_24h=snapshot.quote_volume_24h[rows],
        listing_time_ms=snapshot.listing_time_ms[rows],
        ticker_time_ms=snapshot.ticker_time_ms[rows],
        conversion_prices={**snapshot.conversion_prices, "XBT/USDT": realdata.BTC_USDT},
    )
    new_candles = {
        timeframe: CandleSet(
            timeframe,
            c.timestamps,
            c.open[rows],
            c.high[rows],
            c.low[rows],
            c.close[rows],
            c.volume[rows],
        )
        for timeframe, c in candles.items()
    }
    return new_snapshot, new_candles


def test_ties_break_by_symbol_and_the_limits_hold() -> None:
    snapshot, candles = with_copies(
        *realdata.inputs(SURGE_BAR), {"AAA/BTC": "XMR/BTC", "XMR/XBT": "XMR/BTC"}
    )
    result = ScreeningPipeline(LOW_VOLUME).run(snapshot, candles)
    # three identical candidates score alike: AAA/BTC < XMR/BTC < XMR/XBT by name
    assert result.candidates[:3] == ("AAA/BTC", "XMR/BTC", "XMR/XBT")
    # equal to the last bits that vectorised and per-symbol kernel paths may differ in
    assert np.allclose(result.scores[[8, 9]], result.scores[6], rtol=1e-12, atol=0)
    assert result.selected_symbols[0] == "AAA/BTC"
    score = result.scores[6]
    assert result.explain("XMR/BTC").reasons == (
        f"selection: composite score is {score:.4f}, needs selected in the top 5; "
        "correlation 1.000 with AAA/BTC > 0.8",
    )
    loose = {**LOW_VOLUME, "scoring": {"selection": {"maxCorrelation": 1.0}}}
    result = ScreeningPipeline(loose).run(snapshot, candles)
    assert result.selected_symbols[:2] == ("AAA/BTC", "XMR/BTC")
    assert result.explain("XMR/XBT").reasons[0].endswith("base XMR already selected (XMR/BTC)")


def test_precomputed_indicators_are_used_and_agree_with_the_kernels() -> None:
    snapshot, candles = realdata.inputs(SURGE_BAR)
    computed = ScreeningPipeline(LOW_VOLUME).run(snapshot, candles)
    assert "5m natr_14 x8" in computed.computed_indicators

    def indicators(c: CandleSet) -> dict[str, np.ndarray]:
        hlc = (c.high, c.low, c.close)
        return {
            "natr_14": kernels.natr(*hlc, timeperiod=14),
            "adx_14": kernels.adx(*hlc, timeperiod=14),
            "rsi_14": kernels.rsi(c.close, timeperiod=14),
            "bandwidth_20": kernels.bandwidth(c.close, timeperiod=20),
            "volatility_20": kernels.volatility(c.close, timeperiod=20),
        }

    enriched = {name: c.with_indicators(indicators(c)) for name, c in candles.items()}
    given = ScreeningPipeline(LOW_VOLUME).run(snapshot, enriched)
    assert given.computed_indicators == ()
    assert given.selected_symbols == computed.selected_symbols
    # computed Wilder averages settle over 12 periods of history: within ~1e-5 of the
    # full-history series given precomputed
    assert given.scores == pytest.approx(computed.scores, rel=1e-4, nan_ok=True)
    assert given.regime.regime is computed.regime.regime
    assert given.regime.median_adx == pytest.approx(computed.regime.median_adx, rel=1e-4)
    assert given.regime.volatility_percentile == computed.regime.volatility_percentile


def test_inputs_are_not_modified_and_the_result_is_read_only() -> None:
    snapshot, candles = realdata.inputs(SURGE_BAR)
    before = {name: c.close.copy() for name, c in candles.items()}
    volume = snapshot.quote_volume_24h.copy()
    result = screen(snapshot, candles, LOW_VOLUME)
    for name, c in candles.items():
        assert np.array_equal(c.close, before[name], equal_nan=True)
    assert np.array_equal(snapshot.quote_volume_24h, volume)
    for array in (result.stages_passed, result.scores, result.stage2_scores, result.correlation):
        assert not array.flags.writeable
    with pytest.raises(TypeError):
        result.timings["total"] = 0.0  # type: ignore[index]
    with pytest.raises(AttributeError):
        result.regime = None  # type: ignore[misc]


def test_bad_inputs_and_unknown_symbols() -> None:
    snapshot, candles = realdata.inputs(SURGE_BAR)
    pipeline = ScreeningPipeline(LOW_VOLUME)
    with pytest.raises(InvalidMarketData, match="no 1h candles"):
        pipeline.run(snapshot, {"5m": candles["5m"], "15m": candles["15m"]})
    fewer = CandleSet(
        "1h",
        candles["1h"].timestamps,
        *(getattr(candles["1h"], f)[:3] for f in ("open", "high", "low", "close", "volume")),
    )
    with pytest.raises(InvalidMarketData, match="1h candles have 3 rows"):
        pipeline.run(snapshot, {**candles, "1h": fewer})
    result = pipeline.run(snapshot, candles)
    with pytest.raises(UnknownSymbol, match="'BTC/USDT' is not in the screened universe"):
        result.explain("BTC/USDT")
    assert isinstance(UnknownSymbol("x"), KeyError)


def test_a_symbol_cut_by_the_top_k_is_explained_with_its_rank() -> None:
    snapshot, candles = realdata.inputs(SURGE_BAR)
    config = {
        **LOW_VOLUME,
        "volatilityMomentum": {"ranking": {"keepTop": 2}},
        "scoring": {"selection": {"topN": 2}},
    }
    result = ScreeningPipeline(config).run(snapshot, candles)
    assert (result.counts.stage2_checks, result.counts.stage2) == (4, 2)
    dropped = [s for s in realdata.SYMBOLS if result.stages_passed[result.index(s)] == 1]
    ranked = [s for s in dropped if "ranking" in " ".join(result.explain(s).reasons)]
    assert len(ranked) == 2
    cutoff = min(result.stage2_scores[result.index(s)] for s in result.candidates)
    endings = {result.explain(symbol).reasons[0].split("; ", 1)[1] for symbol in ranked}
    assert endings == {
        f"ranked {place} of 4; the last kept scored {cutoff:.4f}" for place in (3, 4)
    }
    assert "selected 2" in result.summary()
    assert "dropped: stage 2 ranking: 2 (e.g. " in result.summary()


def test_an_empty_universe_gives_an_empty_result() -> None:
    steps = {"5m": 300_000, "15m": 900_000, "1h": 3_600_000}
    candles = {
        timeframe: make_candles(np.empty((0, 10)), timeframe=timeframe, step_ms=step)
        for timeframe, step in steps.items()
    }
    result = ScreeningPipeline().run(make_snapshot([]), candles)
    assert result.selection == () and result.candidates == ()
    assert result.counts.universe == 0 and result.regime.population == 0
    assert result.correlation.shape == (0, 0)
