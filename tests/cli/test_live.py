"""The live view's rendering and the local system's service sections (pure)."""

from __future__ import annotations

from rich.console import Console

from tradeplane.cli.live import render_selection, selection_line
from tradeplane.cli.up import ExchangeChoice, local_sections, merged
from tradeplane.config import load_settings
from tradeplane.screening import ScreeningPipeline, resample, snapshot_from_candles
from tradeplane.v1 import screener_service_pb2

from ..screening import realdata


def _response() -> screener_service_pb2.GetSelectionResponse:
    response = screener_service_pb2.GetSelectionResponse(event_id="01EVENT")
    response.selection.regime = "trend"
    for rank, (symbol, score) in enumerate((("ETH/BTC", 0.91), ("LTC/BTC", 0.72)), start=1):
        response.selection.selected.add(symbol=symbol, rank=rank, score=score)
    run = response.run
    run.number, run.regime = 7, "trend"
    run.universe_size, run.stage1, run.stage2, run.selected = 300, 62, 50, 2
    run.timings_ms["total"] = 12.5
    breakdown = response.breakdowns.add(symbol="ETH/BTC", score=0.91, regime="trend")
    breakdown.components["momentum"] = 0.8
    return response


def _text(renderable: object) -> str:
    console = Console(width=160, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def test_render_shows_regime_counts_latency_and_breakdowns() -> None:
    text = _text(render_selection(_response()))
    assert "regime trend" in text
    assert "universe 300 → stage 1 62 → stage 2 50 → selected 2" in text
    assert "total 12.5 ms" in text
    eth_row = next(line for line in text.splitlines() if "ETH/BTC" in line)
    assert "0.910" in eth_row and "0.80" in eth_row
    ltc_row = next(line for line in text.splitlines() if "LTC/BTC" in line)
    assert "0.720" in ltc_row and "-" in ltc_row  # no breakdown for it: dashes


def test_render_says_which_checks_dropped_symbols() -> None:
    response = _response()
    for stage, check, symbols in ((1, "quoteVolume", 230), (2, "volumeSurge", 8)):
        response.run.dropped_by.add(
            stage=stage, check=check, symbols=symbols, example=f"X/BTC: {check}: why"
        )
    text = _text(render_selection(response))
    assert "stage 1 quoteVolume dropped 230, e.g. X/BTC: quoteVolume: why" in text
    assert "stage 2 volumeSurge dropped 8, e.g. X/BTC: volumeSurge: why" in text
    assert "more;" not in text
    for stage, check in ((2, "ranking"), (3, "selection")):
        response.run.dropped_by.add(stage=stage, check=check, symbols=1, example="Y/BTC: no")
    text = _text(render_selection(response))
    assert "stage 2 ranking dropped 1" in text and "stage 3 selection" not in text
    assert "(and 1 more; ScreenerService.ExplainSymbol explains any symbol)" in text


def test_render_before_the_first_run_says_it_is_waiting() -> None:
    text = _text(render_selection(screener_service_pb2.GetSelectionResponse()))
    assert "waiting for the first screening run" in text


def test_selection_line() -> None:
    assert selection_line(_response()) == "selection regime=trend 1:ETH/BTC 2:LTC/BTC"


def test_local_sections_load_as_settings_and_name_one_universe() -> None:
    choice = ExchangeChoice(
        exchange={"exchange_id": "binance", "name": "sim"}, quote_assets=("USDT",)
    )
    sections = local_sections(choice, replay=False)
    settings = load_settings(**{name: section for name, section in sections.items()})
    assert settings.indicators["exchange"] == settings.screener["exchange"] == "sim"
    assert settings.indicators["universe"] == settings.screener["universe"]
    assert settings.marketdata["exchanges"][0]["quote_assets"] == ["USDT"]
    assert settings.screener["stages"]["volatilityMomentum"]["volumeSurge"]["required"] is False


def test_the_replay_sections_screen_real_btc_pairs_without_a_usd_pair() -> None:
    # the replayed files hold BTC-quoted pairs and no BTC/USDT: nothing can be priced in USD
    five = realdata.five_minute()
    snapshot = snapshot_from_candles(five, list(realdata.SYMBOLS))
    candles = {"5m": five, "15m": resample(five, "15m"), "1h": resample(five, "1h")}
    choice = ExchangeChoice(
        exchange={"exchange_id": "binance", "name": "sim"}, quote_assets=("BTC",)
    )
    synthetic = local_sections(choice, replay=False)["screener"]["stages"]
    assert ScreeningPipeline(synthetic).run(snapshot, candles).counts.stage1 == 0
    replayed = local_sections(choice, replay=True)["screener"]["stages"]
    result = ScreeningPipeline(replayed).run(snapshot, candles)
    assert result.counts.stage1 == 7  # ZEC/BTC misses its last bar: stale
    assert len(result.selection) == 5


def test_the_users_sections_override_the_local_defaults() -> None:
    defaults = {"universe": "local", "stages": {"a": {"b": 1, "c": 2}}}
    overrides = {"stages": {"a": {"c": 3}}, "heartbeat_seconds": 5}
    assert merged(defaults, overrides) == {
        "universe": "local",
        "stages": {"a": {"b": 1, "c": 3}},
        "heartbeat_seconds": 5,
    }
