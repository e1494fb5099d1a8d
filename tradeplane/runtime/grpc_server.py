"""An asyncio gRPC server with the standard health and reflection services and RPC metrics."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection

from tradeplane.errors import PortInUseError
from tradeplane.runtime.metrics import GRPC_HANDLED, GRPC_HANDLING_SECONDS, GRPC_STARTED
from tradeplane.runtime.service import GrpcBinding

logger = logging.getLogger(__name__)

_OVERALL = ""  # the health service's name for "the server as a whole"


def _split_method(full_method: str) -> tuple[str, str]:
    # "/tradeplane.v1.SystemService/GetInfo" -> ("tradeplane.v1.SystemService", "GetInfo")
    service, _, method = full_method.lstrip("/").partition("/")
    return service, method


def _code_of(context: grpc.aio.ServicerContext, error: BaseException | None) -> grpc.StatusCode:
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return code
    if isinstance(code, int):  # some grpc versions report the raw integer
        return next((c for c in grpc.StatusCode if c.value[0] == code), grpc.StatusCode.UNKNOWN)
    return grpc.StatusCode.OK if error is None else grpc.StatusCode.UNKNOWN


class MetricsInterceptor(grpc.aio.ServerInterceptor):
    """Counts every RPC (started, handled by code) and times it, per service and method."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Any],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        service, method = _split_method(handler_call_details.method)
        if handler.unary_unary:
            kind, behaviour, factory = (
                "unary",
                handler.unary_unary,
                grpc.unary_unary_rpc_method_handler,
            )
        elif handler.unary_stream:
            kind, behaviour = "server_stream", handler.unary_stream
            factory = grpc.unary_stream_rpc_method_handler
        elif handler.stream_unary:
            kind, behaviour = "client_stream", handler.stream_unary
            factory = grpc.stream_unary_rpc_method_handler
        else:
            kind, behaviour = "bidi_stream", handler.stream_stream
            factory = grpc.stream_stream_rpc_method_handler
        labels = (kind, service, method)
        wrapped = (
            _measure_streaming(behaviour, labels)
            if kind in ("server_stream", "bidi_stream")
            else _measure_unary(behaviour, labels)
        )
        return factory(
            wrapped,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


def _measure_unary(behaviour: Callable[..., Any], labels: tuple[str, str, str]) -> Callable:
    async def measured(request: Any, context: grpc.aio.ServicerContext) -> Any:
        GRPC_STARTED.labels(*labels).inc()
        started, error = time.perf_counter(), None
        try:
            return await behaviour(request, context)
        except BaseException as caught:
            error = caught
            raise
        finally:
            _record(labels, _code_of(context, error), started)

    return measured


def _measure_streaming(behaviour: Callable[..., Any], labels: tuple[str, str, str]) -> Callable:
    async def measured(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        GRPC_STARTED.labels(*labels).inc()
        started, error = time.perf_counter(), None
        try:
            result = behaviour(request, context)
            if inspect.isasyncgen(result):
                async for response in result:
                    yield response
            else:  # a coroutine that writes with context.write()
                await result
        except BaseException as caught:
            error = caught
            raise
        finally:
            _record(labels, _code_of(context, error), started)

    return measured


def _record(labels: tuple[str, str, str], code: grpc.StatusCode, started: float) -> None:
    GRPC_HANDLED.labels(*labels, code.name).inc()
    GRPC_HANDLING_SECONDS.labels(*labels).observe(time.perf_counter() - started)


class GrpcServer:
    """Owns the grpc.aio server: binds, registers bindings, health, reflection, and stops."""

    def __init__(self, *, host: str, port: int, bindings: Sequence[GrpcBinding]) -> None:
        self._address = f"{host}:{port}"
        self._bindings = list(bindings)
        self._server: grpc.aio.Server | None = None
        self.health = HealthServicer()
        self.port: int | None = None

    async def start(self) -> None:
        # grpc enables SO_REUSEPORT by default, which lets a second server silently share
        # (and split) a port; a taken port must be an error instead.
        server = grpc.aio.server(
            interceptors=[MetricsInterceptor()], options=[("grpc.so_reuseport", 0)]
        )
        for binding in self._bindings:
            binding.add_to_server(server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        names = [b.full_name for b in self._bindings]
        reflection.enable_server_reflection(
            [
                *names,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ],
            server,
        )
        try:
            self.port = server.add_insecure_port(self._address)
        except RuntimeError as error:  # grpc raises on a taken port (older versions return 0)
            self.port = 0
            reason = str(error)
        else:
            reason = "address in use"
        if not self.port:
            raise PortInUseError(
                f"gRPC cannot bind {self._address} ({reason}); choose another grpc.port "
                "(TRADEPLANE_GRPC__PORT, or 0 for any free port)"
            )
        await server.start()
        self._server = server
        for name in (_OVERALL, *names):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        logger.info("gRPC listening", extra={"address": self._address, "port": self.port})

    async def stop(self, grace_seconds: float) -> None:
        if self._server is None:
            return
        # Clients polling health see NOT_SERVING while in-flight RPCs finish.
        await self.health.enter_graceful_shutdown()
        await self._server.stop(grace_seconds)
        self._server = None
