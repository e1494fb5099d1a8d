"""The indicators service on a real nats-server and a real gRPC client."""

from __future__ import annotations

import threading
from typing import Any

import aiohttp
import grpc
import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.bus.helpers import eventually, read_stream
from tests.services.indicators.helpers import (
    FIELDS,
    STEP_MS,
    bars_of,
    candle_frame,
    masked,
    open_time,
    random_candles,
)
from tradeplane.bus import BusConnection, Publisher, subjects
from tradeplane.kernels import Suite, compute
from tradeplane.services.indicators import IndicatorsConfig, IndicatorsService
from tradeplane.services.indicators.frames import column_name
from tradeplane.v1 import indicators_pb2, indicators_service_pb2, indicators_service_pb2_grpc

NAMES = ("AAA/USDT", "BBB/USDT", "CCC/USDT")
BARS = 90


def assert_frame_matches_batch(
    frame: indicators_pb2.IndicatorFrame, candles: dict, held: np.ndarray, suite: Suite
) -> None:
    """Every column equals the kernels' batch compute over the bars held up to the frame's."""
    last = (frame.bar_open_time_ms - open_time(0)) // STEP_MS
    history = {name: values[:, : last + 1] for name, values in masked(candles, held).items()}
    expected = compute(history, suite, backend="cpu")
    assert list(frame.symbols) == list(NAMES)
    columns = {column.name: np.array(column.values) for column in frame.columns}
    assert list(columns) == [column_name(output, suite) for output in suite.outputs]
    for output in suite.outputs:
        np.testing.assert_allclose(
            columns[column_name(output, suite)], expected[output][:, -1], rtol=1e-9, atol=1e-9,
            equal_nan=True, err_msg=output,
        )  # fmt: skip


async def scrape(port: int) -> dict[tuple[str, frozenset], float]:
    """The /metrics samples by (name, labels)."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        text = await response.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def sample(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((f"tradeplane_indicators_{name}", frozenset(labels.items())))


async def test_candle_frames_become_indicator_frames_equal_to_a_batch_recomputation(
    nats: Any, run_host: Any, bus: BusConnection, config: IndicatorsConfig, read_frames: Any
) -> None:
    candles = random_candles(3, BARS + 1, seed=21)
    held = np.zeros((3, BARS + 1), dtype=bool)
    source = subjects.candles(config.exchange, "5m")
    publisher = Publisher(bus, source="test-marketdata")
    reader = await read_frames(f"ind.{config.universe}.>")
    service = IndicatorsService.with_config(config=config)

    async def publish(cells: list[tuple[int, int]], **options: Any) -> None:
        frame = candle_frame(candles, NAMES, cells, exchange=config.exchange, **options)
        await publisher.publish_payload(frame, subject=source)

    async with run_host([service], **{"nats.url": nats.url}) as host:
        (running,) = host.services
        assert host.backends()["indicators"] == "cpu"
        # backfill: 60 closed bars of AAA and BBB, then the forming bar
        held[:2, :60] = True
        await publish(bars_of([0, 1], range(60)), forming=[(0, 60), (1, 60)])
        await eventually(reader.after(0), what="the backfill's indicator frame")
        # CCC is listed later, with a shorter history
        held[2, 30:60] = True
        await publish(bars_of([2], range(30, 60)))
        await eventually(reader.after(1), what="the frame after CCC joined")
        for frame in reader.frames:
            assert frame.bar_open_time_ms == open_time(59)
        assert_frame_matches_batch(reader.frames[-1], candles, held, config.suite)
        # closed bars, one frame each; a malformed frame in between goes to the DLQ
        for step in range(60, BARS):
            if step == 70:
                broken = candle_frame(
                    candles, NAMES, bars_of([0], [step]), exchange=config.exchange
                )
                del broken.close[:]
                await publisher.publish_payload(broken, subject=source)
            held[:, step] = True
            count = len(reader.frames)
            await publish(bars_of([0, 1, 2], [step]), forming=[(0, step + 1)])
            await eventually(reader.after(count), what=f"the frame of bar {step}")
            assert reader.frames[-1].bar_open_time_ms == open_time(step)
            assert_frame_matches_batch(reader.frames[-1], candles, held, config.suite)
        assert reader.sources == {f"indicators/{config.universe}"}
        assert {frame.backend for frame in reader.frames} == {"cpu"}
        assert {(f.universe, f.exchange, f.timeframe) for f in reader.frames} == {
            (config.universe, config.exchange, "5m")
        }

        (letter,) = await read_stream(bus, "DLQ", f"dlq.MARKET.{config.durable('5m')}")
        assert letter.headers is not None
        reason = letter.headers[subjects.DLQ_REASON_HEADER]
        assert "malformed candle frame: column close has 0 values for 1 symbols" in reason

        samples = await scrape(host.metrics_port)
        ours = {"universe": config.universe, "timeframe": "5m"}
        assert sample(samples, "frames_consumed_total", **ours) == BARS - 60 + 3
        assert sample(samples, "frames_rejected_total", **ours) == 1
        published = len(reader.frames)
        assert sample(samples, "frames_published_total", **ours) == published
        assert sample(samples, "symbols", **ours) == 3
        assert sample(samples, "rebuilds_total", **ours, reason="new_symbols") == 1
        assert sample(samples, "compute_seconds_count", **ours, operation="update") == BARS - 60
        stream = {"universe": config.universe, "path": "stream", "backend": "cpu"}
        assert sample(samples, "backend_info", **stream) == 1
        assert running.feeds["5m"].published == published

    assert not [t for t in threading.enumerate() if t.name.startswith("indicators-kernels")]

    # a restarted service replays the stream into its window and publishes the newest bar
    count = len(reader.frames)
    async with run_host([service], **{"nats.url": nats.url}):
        await eventually(reader.after(count), what="the frame after the replay")
        await eventually(
            lambda: reader.frames[-1].bar_open_time_ms == open_time(BARS - 1),
            what="the replay to reach the newest bar",
        )
    assert_frame_matches_batch(reader.frames[-1], candles, held, config.suite)


async def test_compute_over_grpc_matches_the_kernels(
    nats: Any, run_host: Any, config: IndicatorsConfig
) -> None:
    candles = random_candles(4, 120, seed=31)
    candles["close"][1, :50] = np.nan  # a later listing
    service = IndicatorsService.with_config(config=config)
    async with (
        run_host([service], **{"nats.url": nats.url}) as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        stub = indicators_service_pb2_grpc.IndicatorServiceStub(channel)
        request = indicators_service_pb2.ComputeRequest(
            symbols=["A", "B", "C", "D"],
            bars=120,
            outputs=["rsi", "bandwidth", "adx", "stochrsi_k"],
            parameters={"rsi_period": 10, "bb_nbdevup": 2.5},
            **{name: candles[name].ravel() for name in FIELDS},
        )
        response = await stub.Compute(request)
        suite = Suite(outputs=("rsi", "bandwidth", "adx", "stochrsi_k"), rsi_period=10,
                      bb_nbdevup=2.5)  # fmt: skip
        expected = compute(candles, suite, backend="cpu")
        assert response.backend == "cpu" and response.bars == 120
        assert response.compute_seconds > 0
        assert [array.name for array in response.outputs] == list(suite.outputs)
        for array in response.outputs:
            np.testing.assert_allclose(
                np.array(array.values).reshape(4, 120), expected[array.name], rtol=1e-9,
                atol=1e-9, equal_nan=True, err_msg=array.name,
            )  # fmt: skip

        bad = indicators_service_pb2.ComputeRequest()
        bad.CopyFrom(request)
        del bad.high[-1]
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Compute(bad)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert caught.value.details().startswith("high: has 479 values; expected")
        bad.CopyFrom(request)
        bad.parameters["rsi_period"] = 1
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Compute(bad)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert caught.value.details().startswith("parameters[rsi_period]: must be between 2")

        samples = await scrape(host.metrics_port)
        rpc = {"universe": config.universe, "timeframe": "", "operation": "rpc"}
        assert sample(samples, "compute_seconds_count", **rpc) == 1
        backend = {"universe": config.universe, "path": "rpc", "backend": "cpu"}
        assert sample(samples, "backend_info", **backend) == 1
