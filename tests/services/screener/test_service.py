"""The screener end to end on a real nats-server and PostgreSQL: frames built from the
real candles in, selection events, results and heartbeats on the bus, symbol_scores rows
and the gRPC answers out."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import grpc
import pytest

from tests.bus.helpers import eventually
from tradeplane import kernels
from tradeplane.bus import subjects
from tradeplane.screening import ScreeningPipeline
from tradeplane.services.screener import ScreenerService
from tradeplane.store.database import Database
from tradeplane.store.symbol_scores import read_symbol_scores
from tradeplane.v1 import indicators_pb2, screening_pb2
from tradeplane.v1 import screener_service_pb2 as pb
from tradeplane.v1 import screener_service_pb2_grpc as pb_grpc

from .conftest import Names
from .realframes import (
    STAGES,
    SYMBOLS,
    candle_frames,
    expected_inputs,
    ticker_frame,
    window,
)


async def publish_window(publish: Any, names: Names, tickers: Any) -> None:
    """Tickers first, then the candles of every timeframe, as marketdata would backfill."""
    data = window()
    await publish(subjects.tickers(names.exchange), tickers)
    for timeframe, candles in data.candles.items():
        subject = subjects.candles(names.exchange, timeframe)
        await publish(subject, *candle_frames(names.exchange, candles))


def natr_frame(names: Names, five: Any, *, scale: float) -> indicators_pb2.IndicatorFrame:
    """The last bar's NATR(14) of every pair, as the indicators service would send it
    (scaled a hair, so the test can tell it from the pipeline's own)."""
    values = kernels.natr(five.high, five.low, five.close, timeperiod=14)[:, -1] * scale
    return indicators_pb2.IndicatorFrame(
        universe=names.universe,
        exchange=names.exchange,
        timeframe="5m",
        bar_open_time_ms=int(five.timestamps[-1]),
        symbols=list(SYMBOLS),
        columns=[indicators_pb2.IndicatorColumn(name="natr_14", values=values.tolist())],
        backend="cpu",
    )


@asynccontextmanager
async def connect(host: Any) -> AsyncIterator[pb_grpc.ScreenerServiceStub]:
    """A real gRPC client of the host's ScreenerService."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel:
        yield pb_grpc.ScreenerServiceStub(channel)


async def rows_by_run(database: Database, universe: str) -> dict[Any, list[Any]]:
    runs: dict[Any, list[Any]] = {}
    for row in await read_symbol_scores(database, universe):
        runs.setdefault(row.scored_at, []).append(row)
    return runs


async def test_a_selection_from_real_candles_is_announced_served_explained_and_recorded(
    screener: Any, publish: Any, subscriber: Any, names: Names, database: Database
) -> None:
    data = window()
    tickers = ticker_frame(names.exchange, data.snapshot)
    snapshot, candles = expected_inputs(tickers, data)
    expected = ScreeningPipeline(STAGES).run(snapshot, candles)
    assert len(expected.selection) >= 2, "the window must select something"

    selections = await subscriber(subjects.selection(names.universe))
    results = await subscriber(subjects.screen_results(names.universe))
    await publish_window(publish, names, tickers)
    async with screener() as host, connect(host) as client:
        await eventually(lambda: len(selections.events) == 1, what="a selection event")
        event, announced = selections.events[0]
        assert isinstance(announced, screening_pb2.SelectionChanged)
        assert [(m.symbol, m.rank) for m in announced.selected] == [
            (m.symbol, m.rank) for m in expected.selection
        ]
        for member, wanted in zip(announced.selected, expected.selection, strict=True):
            assert member.score == pytest.approx(wanted.score, rel=1e-9)
        assert list(announced.added) == list(expected.selected_symbols)
        assert list(announced.removed) == []
        assert announced.regime == expected.regime.regime.value
        assert announced.bar_open_time_ms == int(data.five.timestamps[-1])
        assert (announced.universe, announced.exchange) == (names.universe, names.exchange)

        response = await client.GetSelection(pb.GetSelectionRequest())
        assert response.selection == announced and response.event_id == event.id
        assert response.run.number >= 1 and response.run.universe_size == 9
        assert response.run.stage1 == expected.counts.stage1
        assert {"stage1", "stage2", "stage3", "total"} <= set(response.run.timings_ms)
        assert [(d.stage, d.check, d.symbols, d.example) for d in response.run.dropped_by] == [
            (d.stage, d.check, d.symbols, d.example) for d in expected.drops
        ]
        assert any(d.example.startswith("BTC/USDT: candleLag") for d in response.run.dropped_by)
        assert [b.symbol for b in response.breakdowns] == list(expected.selected_symbols)
        top = response.breakdowns[0]
        assert sum(top.contributions.values()) == pytest.approx(top.score)

        await eventually(lambda: len(results.events) >= 1, what="a results event")
        screened = results.payloads()[-1]
        assert list(screened.symbols) == list(snapshot.symbols)
        assert list(screened.stages_passed) == expected.stages_passed.tolist()

        # a selected symbol: rank and breakdown
        first = expected.selection[0]
        explained = await client.ExplainSymbol(pb.ExplainSymbolRequest(symbol=first.symbol))
        assert (explained.selected, explained.rank, explained.stages_passed) == (True, 1, 3)
        assert explained.dropped_at == 0 and explained.breakdown.symbol == first.symbol
        assert explained.breakdown.score == pytest.approx(first.score, rel=1e-9)
        assert explained.text.startswith(f"{first.symbol}: selected, rank 1; score ")
        # a symbol dropped in stage 1: BTC/USDT has no candles
        dropped = await client.ExplainSymbol(pb.ExplainSymbolRequest(symbol="BTC/USDT"))
        assert (dropped.selected, dropped.stages_passed, dropped.dropped_at) == (False, 0, 1)
        assert [reason.split(":")[0] for reason in dropped.reasons] == ["candleLag"]
        lag = next(check for check in dropped.checks if check.name == "candleLag")
        assert not lag.passed and math.isinf(lag.value) and lag.threshold == "0 bars"
        assert dropped.text == str(expected.explain("BTC/USDT"))
        # and every other dropped symbol says why, as the pipeline does
        for symbol in expected.symbols.tolist():
            if symbol not in expected.selected_symbols:
                answer = await client.ExplainSymbol(pb.ExplainSymbolRequest(symbol=symbol))
                assert list(answer.reasons) == list(expected.explain(symbol).reasons)
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await client.ExplainSymbol(pb.ExplainSymbolRequest(symbol="DOGE/BTC"))
        assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
        assert "'DOGE/BTC' is not in the screened universe" in (unknown.value.details() or "")

        # GetScores, paged: selected by rank first, every symbol once
        pages, token = [], ""
        while True:
            page = await client.GetScores(pb.GetScoresRequest(page_size=4, page_token=token))
            pages.append([score.symbol for score in page.scores])
            assert page.total_size == 9
            token = page.next_page_token
            if not token:
                break
        assert [len(page) for page in pages] == [4, 4, 1]
        listed = [symbol for page in pages for symbol in page]
        assert sorted(listed) == list(snapshot.symbols)
        assert listed[: len(expected.selection)] == list(expected.selected_symbols)
        assert listed[-1] == "BTC/USDT"  # dropped in stage 1, last alphabetically among them
        candidates = await client.GetScores(pb.GetScoresRequest(min_stages_passed=2))
        assert candidates.total_size == expected.counts.stage2
        assert all(score.stages_passed >= 2 for score in candidates.scores)
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await client.GetScores(pb.GetScoresRequest(page_token="not-a-token"))
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT

        # symbol_scores: one row per symbol and stage entered, written once
        expected_rows = 9 + expected.counts.stage1 + expected.counts.stage2

        async def written() -> bool:
            return sum(map(len, (await rows_by_run(database, names.universe)).values())) > 0

        await eventually(written, what="symbol_scores rows")
        runs = await rows_by_run(database, names.universe)
        assert len(runs) == 1
        ((scored_at, rows),) = runs.items()
        assert scored_at.timestamp() * 1000 == data.close_ms
        assert len(rows) == expected_rows
        assert len({(row.symbol, row.stage) for row in rows}) == expected_rows
        chosen = sorted((row.rank, row.symbol) for row in rows if row.selected)
        assert chosen == [(m.rank, m.symbol) for m in expected.selection]
        assert all(row.stage == 3 and row.passed for row in rows if row.selected)


async def test_unchanged_selection_is_not_announced_again_only_heartbeats(
    screener: Any, publish: Any, subscriber: Any, names: Names, database: Database
) -> None:
    data = window()
    tickers = ticker_frame(names.exchange, data.snapshot)
    selections = await subscriber(subjects.selection(names.universe))
    heartbeats = await subscriber(subjects.screener_heartbeat(names.universe))
    await publish_window(publish, names, tickers)
    async with screener() as host, connect(host) as client:
        await eventually(lambda: len(selections.events) == 1, what="the first selection")
        first = await client.GetSelection(pb.GetSelectionRequest())
        # the last bar again, and the same tickers: runs, same selection, no event
        frame = candle_frames(names.exchange, data.five, last=1)
        indicators = natr_frame(names, data.five, scale=1.000001)
        for subject, payload in (
            (subjects.candles(names.exchange, "5m"), frame[0]),
            (subjects.tickers(names.exchange), tickers),
            (subjects.indicators(names.universe, "5m"), indicators),
        ):
            runs = (await client.GetSelection(pb.GetSelectionRequest())).run.number
            await publish(subject, payload)

            async def ran_again(after: int = runs) -> bool:
                response = await client.GetSelection(pb.GetSelectionRequest())
                return response.run.number > after

            await eventually(ran_again, what="another run")
        seen = len(heartbeats.events)
        await eventually(lambda: len(heartbeats.events) >= seen + 2, what="two heartbeats")
        assert len(selections.events) == 1
        # the indicator frame's NATR stood in for the pipeline's own
        leader = first.selection.selected[0].symbol
        explained = await client.ExplainSymbol(pb.ExplainSymbolRequest(symbol=leader))
        column = indicators.columns[0]
        sent = column.values[list(indicators.symbols).index(leader)]
        assert explained.breakdown.inputs["atr_percent"] == sent
        beat = heartbeats.payloads()[-1]
        assert isinstance(beat, pb.ScreenerHeartbeat)
        assert beat.selection_event_id == selections.events[0][0].id
        assert list(beat.selected) == list(first.selection.selected)
        assert beat.runs >= first.run.number + 2 and beat.universe == names.universe
        # the same data time: the reruns added no symbol_scores rows
        runs = await rows_by_run(database, names.universe)
        assert len(runs) == 1

    # a restart restores the announced selection from the bus and does not repeat it
    async with screener() as host, connect(host) as client:
        restored = await client.GetSelection(pb.GetSelectionRequest())
        assert restored.event_id == selections.events[0][0].id
        assert restored.selection == first.selection

        async def screened() -> bool:
            response = await client.GetSelection(pb.GetSelectionRequest())
            return response.run.number >= 1

        await eventually(screened, what="a run after the restart")
        await asyncio.sleep(0.3)
        assert len(selections.events) == 1


async def test_stream_selections_delivers_a_change(
    screener: Any, publish: Any, subscriber: Any, names: Names, database: Database
) -> None:
    data = window()
    tickers = ticker_frame(names.exchange, data.snapshot)
    selections = await subscriber(subjects.selection(names.universe))
    await publish_window(publish, names, tickers)
    async with screener() as host, connect(host) as client:
        await eventually(lambda: len(selections.events) == 1, what="the first selection")
        stream = client.StreamSelections(pb.StreamSelectionsRequest())
        current = await stream.read()
        assert current.event_id == selections.events[0][0].id
        leader = current.selection.selected[0].symbol

        # the leader's spread widens to 1 %: stage 1 drops it
        wider = ticker_frame(
            names.exchange,
            data.snapshot,
            time_ms=data.close_ms + 1000,
            spreads_percent={leader: 1.0},
        )
        await publish(subjects.tickers(names.exchange), wider)
        changed = await asyncio.wait_for(stream.read(), timeout=10)
        stream.cancel()
        assert list(changed.selection.removed) == [leader]
        assert leader not in [member.symbol for member in changed.selection.selected]
        await eventually(lambda: len(selections.events) == 2, what="the change on the bus")
        event, announced = selections.events[1]
        assert changed.selection == announced and changed.event_id == event.id

        explained = await client.ExplainSymbol(pb.ExplainSymbolRequest(symbol=leader))
        assert (explained.dropped_at, explained.stages_passed) == (1, 0)
        assert [reason.split(":")[0] for reason in explained.reasons] == ["spread"]

        # the second run has its own rows
        async def two_runs() -> bool:
            return len(await rows_by_run(database, names.universe)) == 2

        await eventually(two_runs, what="the second run's symbol_scores rows")


async def test_unknown_universe_and_not_yet_screened_answers(screener: Any, names: Names) -> None:
    async with screener() as host, connect(host) as client:
        empty = await client.GetSelection(pb.GetSelectionRequest())
        assert empty.event_id == "" and len(empty.selection.selected) == 0
        assert empty.selection.universe == names.universe
        with pytest.raises(grpc.aio.AioRpcError) as early:
            await client.ExplainSymbol(pb.ExplainSymbolRequest(symbol="ETH/BTC"))
        assert early.value.code() == grpc.StatusCode.UNAVAILABLE
        with pytest.raises(grpc.aio.AioRpcError) as other:
            await client.GetSelection(pb.GetSelectionRequest(universe="elsewhere"))
        assert other.value.code() == grpc.StatusCode.NOT_FOUND
        assert ScreenerService.name == "screener"
