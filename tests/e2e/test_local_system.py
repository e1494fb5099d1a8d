"""`tradeplane up` end to end: simulator → marketdata → indicators → screener.

The selection event is read back from JetStream by a real NATS client and compared with
what a real gRPC client gets from `ScreenerService.GetSelection`.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path

import grpc
import nats
import pytest

from tradeplane.bus import decode_envelope, decode_payload, subjects
from tradeplane.infra.process import pid_alive
from tradeplane.v1 import screener_service_pb2, screener_service_pb2_grpc

from ..cli.helpers import (
    ENDPOINTS_LINE,
    SYSTEM_START_SECONDS,
    TRADEPLANE,
    environment,
    kill_and_clean_up,
    server_pids,
    wait_for_line,
)


@pytest.mark.timeout(600)  # the first start compiles the kernels
async def test_up_announces_a_top_5_on_the_bus_and_over_grpc(private_tmp_path: Path) -> None:
    process = subprocess.Popen(
        [TRADEPLANE, "up", "--symbols", "120", "--no-view"],
        env=environment(private_tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        grpc_port = int(wait_for_line(process, ENDPOINTS_LINE, SYSTEM_START_SECONDS).group(1))
        nats_url = wait_for_line(process, r"nats\s+│\s+(nats://\S+)").group(1)
        selection = await _first_selection(f"127.0.0.1:{grpc_port}", timeout=240)
        assert len(selection.selection.selected) == 5
        assert [m.rank for m in selection.selection.selected] == [1, 2, 3, 4, 5]
        assert selection.run.universe_size == 120
        assert selection.selection.regime in {"trend", "range", "high_volatility"}
        # market status travels from the simulator's exchangeInfo to stage 1: the
        # simulator lists some symbols on break or halt, and they are dropped for it
        halted = await _dropped_for_status(f"127.0.0.1:{grpc_port}")
        assert halted and set(halted.values()) <= {"break", "halt"}

        client = await nats.connect(nats_url)
        try:
            message = await client.jetstream().get_last_msg(
                subjects.SCREEN.name, subjects.selection("local")
            )
        finally:
            await client.close()
        envelope = decode_envelope(message.data)
        announced = decode_payload(envelope)
        assert envelope.type == "tradeplane.v1.SelectionChanged"
        latest = await _get_selection(f"127.0.0.1:{grpc_port}")
        assert latest.event_id == envelope.id
        assert latest.selection == announced

        pids = server_pids(private_tmp_path / "data")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        assert not any(pid_alive(pid) for pid in pids)
    finally:
        kill_and_clean_up(process, private_tmp_path / "data")


async def _get_selection(target: str) -> screener_service_pb2.GetSelectionResponse:
    async with grpc.aio.insecure_channel(target) as channel:
        stub = screener_service_pb2_grpc.ScreenerServiceStub(channel)
        return await stub.GetSelection(screener_service_pb2.GetSelectionRequest(), timeout=10)


async def _dropped_for_status(target: str) -> dict[str, str]:
    """{symbol: status} of the latest run's symbols that stage 1 dropped for their status."""
    async with grpc.aio.insecure_channel(target) as channel:
        stub = screener_service_pb2_grpc.ScreenerServiceStub(channel)
        page = await stub.GetScores(screener_service_pb2.GetScoresRequest(page_size=1000))
        dropped = {}
        for score in page.scores:
            if score.stages_passed:
                continue
            request = screener_service_pb2.ExplainSymbolRequest(symbol=score.symbol)
            explained = await stub.ExplainSymbol(request, timeout=10)
            for check in explained.checks:
                if check.name == "status" and not check.passed:
                    dropped[score.symbol] = check.value_text.strip("'")  # shown as repr
        return dropped


async def _first_selection(
    target: str, *, timeout: float
) -> screener_service_pb2.GetSelectionResponse:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        response = await _get_selection(target)
        if response.event_id:
            return response
        await asyncio.sleep(1)
    raise AssertionError(f"no selection announced within {timeout:.0f}s")
