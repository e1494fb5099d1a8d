"""The `system` service: `SystemService.GetInfo` answers what this host is and runs."""

from __future__ import annotations

import socket
from collections.abc import Sequence

import grpc

from tradeplane import __version__
from tradeplane.runtime.service import GrpcBinding, HostView, Service
from tradeplane.v1 import system_pb2, system_pb2_grpc


def describe_host(host: HostView, *, started_at_seconds: float) -> system_pb2.GetInfoResponse:
    """Pure mapping from the host's state to the GetInfo answer."""
    response = system_pb2.GetInfoResponse(version=__version__, hostname=socket.gethostname())
    response.started_at.FromSeconds(int(started_at_seconds))
    for name, state in sorted(host.service_states().items()):
        response.services.add(name=name, state=str(state))
    for name, target in sorted(host.backends().items()):
        response.backends.add(name=name, target=target)
    return response


class SystemServicer(system_pb2_grpc.SystemServiceServicer):
    def __init__(self, host: HostView, started_at_seconds: float) -> None:
        self._host = host
        self._started_at_seconds = started_at_seconds

    async def GetInfo(
        self, request: system_pb2.GetInfoRequest, context: grpc.aio.ServicerContext
    ) -> system_pb2.GetInfoResponse:
        return describe_host(self._host, started_at_seconds=self._started_at_seconds)


class SystemInfoService(Service):
    """Serves SystemService; every host runs it so clients can discover what is there."""

    name = "system"

    async def start(self) -> None:
        host = self.context.host
        self._servicer = SystemServicer(host, host.started_at.timestamp())

    async def stop(self) -> None:
        return None

    def grpc_bindings(self) -> Sequence[GrpcBinding]:
        servicer = self._servicer
        return (
            GrpcBinding(
                full_name=system_pb2.DESCRIPTOR.services_by_name["SystemService"].full_name,
                add_to_server=lambda server: system_pb2_grpc.add_SystemServiceServicer_to_server(
                    servicer, server
                ),
            ),
        )
