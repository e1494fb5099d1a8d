"""A running host: gRPC health and reflection, GetInfo, per-RPC metrics, graceful stop."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from tradeplane import __version__
from tradeplane.errors import PortInUseError, UnknownServiceError
from tradeplane.runtime import Host, Service, ServiceState
from tradeplane.runtime.registry import load_service
from tradeplane.v1 import system_pb2, system_pb2_grpc

from ..conftest import host_settings


class RecordingService(Service):
    """A service whose start/stop order and backends the tests can observe."""

    name = "recording"
    events: list[str] = []

    async def start(self) -> None:
        self.events.append("start")

    async def stop(self) -> None:
        self.events.append("stop")

    def backends(self) -> dict[str, str]:
        return {"nats": "nats://example:4222"}


class FailingService(Service):
    name = "failing"

    async def start(self) -> None:
        raise RuntimeError("cannot start")

    async def stop(self) -> None:
        return None


async def test_health_getinfo_and_reflection(run_host) -> None:
    async with (
        run_host(["system", RecordingService]) as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        health = health_pb2_grpc.HealthStub(channel)
        for service_name in ("", "tradeplane.v1.SystemService"):
            answer = await health.Check(health_pb2.HealthCheckRequest(service=service_name))
            assert answer.status == health_pb2.HealthCheckResponse.SERVING

        info = await system_pb2_grpc.SystemServiceStub(channel).GetInfo(system_pb2.GetInfoRequest())
        assert info.version == __version__
        assert {(s.name, s.state) for s in info.services} == {
            ("system", "running"),
            ("recording", "running"),
        }
        assert [(b.name, b.target) for b in info.backends] == [("nats", "nats://example:4222")]
        assert info.started_at.seconds > 0

        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        responses = [r async for r in reflection.ServerReflectionInfo(iter([request]))]
        names = {s.name for s in responses[0].list_services_response.service}
        assert {"tradeplane.v1.SystemService", "grpc.health.v1.Health"} <= names


async def test_metrics_endpoint_counts_rpcs_by_code(run_host) -> None:
    async with (
        run_host(["system"]) as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
        aiohttp.ClientSession() as http,
    ):
        url = f"http://127.0.0.1:{host.metrics_port}/metrics"
        before = _handled(await (await http.get(url)).text(), "GetInfo", "OK")
        stub = system_pb2_grpc.SystemServiceStub(channel)
        for _ in range(3):
            await stub.GetInfo(system_pb2.GetInfoRequest())
        health = health_pb2_grpc.HealthStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"))
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND

        text = await (await http.get(url)).text()
        assert _handled(text, "GetInfo", "OK") == before + 3
        assert _handled(text, "Check", "NOT_FOUND") >= 1
        assert re.search(
            r'grpc_server_handling_seconds_count\{grpc_method="GetInfo",'
            r'grpc_service="tradeplane.v1.SystemService",grpc_type="unary"\} \d',
            text,
        )
        ready = await http.get(f"http://127.0.0.1:{host.metrics_port}/readyz")
        assert ready.status == 200
        assert (await http.get(f"http://127.0.0.1:{host.metrics_port}/healthz")).status == 200


def _handled(metrics_text: str, method: str, code: str) -> float:
    labels = f'grpc_code="{code}",grpc_method="{method}",'
    pattern = r"grpc_server_handled_total\{" + re.escape(labels) + r"[^}]*\} ([0-9.e+]+)"
    match = re.search(pattern, metrics_text)
    return float(match.group(1)) if match else 0.0


async def test_services_start_in_order_and_stop_in_reverse() -> None:
    RecordingService.events = []
    host = Host(host_settings(), [load_service("system"), RecordingService])
    await host.start()
    assert host.service_states() == {"system": ServiceState.RUNNING, "recording": "running"}
    await host.stop()
    assert RecordingService.events == ["start", "stop"]
    assert set(host.service_states().values()) == {ServiceState.STOPPED}
    assert host.grpc_port is not None


async def test_a_failing_service_stops_what_had_started() -> None:
    RecordingService.events = []
    host = Host(host_settings(), [RecordingService, FailingService])
    with pytest.raises(RuntimeError, match="cannot start"):
        await host.start()
    assert RecordingService.events == ["start", "stop"]
    assert host.service_states()["failing"] == ServiceState.FAILED


async def test_grpc_port_in_use_is_a_clear_error(run_host) -> None:
    async with run_host(["system"]) as first:
        host = Host(host_settings(**{"grpc.port": first.grpc_port}), [load_service("system")])
        with pytest.raises(PortInUseError, match=r"grpc\.port"):
            await host.start()


def test_unknown_service_lists_the_available_ones() -> None:
    with pytest.raises(UnknownServiceError, match=r"available: .*system"):
        load_service("no-such-service")


async def test_in_flight_rpc_finishes_during_graceful_stop() -> None:
    """Stopping waits (up to grace) for an RPC that is already running."""
    release = asyncio.Event()

    class SlowSystem(Service):
        name = "slow"

        async def start(self) -> None:
            return None

        async def stop(self) -> None:
            return None

        def grpc_bindings(self):
            from tradeplane.runtime.service import GrpcBinding

            class Servicer(system_pb2_grpc.SystemServiceServicer):
                async def GetInfo(self, request, context):
                    await release.wait()
                    return system_pb2.GetInfoResponse(version="slow")

            servicer = Servicer()
            return (
                GrpcBinding(
                    "tradeplane.v1.SystemService",
                    lambda server: system_pb2_grpc.add_SystemServiceServicer_to_server(
                        servicer, server
                    ),
                ),
            )

    host = Host(host_settings(**{"grpc.grace_seconds": 5}), [SlowSystem])
    await host.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel:
        call = system_pb2_grpc.SystemServiceStub(channel).GetInfo(system_pb2.GetInfoRequest())
        await asyncio.sleep(0.2)
        stopping = asyncio.create_task(host.stop())
        await asyncio.sleep(0.2)
        assert not stopping.done()
        release.set()
        assert (await call).version == "slow"
        await stopping
