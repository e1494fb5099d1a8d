"""The contract every service implements, and what a host hands it."""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Protocol

import grpc

if TYPE_CHECKING:
    from tradeplane.config import Settings


class ServiceState(enum.StrEnum):
    CREATED = "created"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True)
class GrpcBinding:
    """One gRPC service a `Service` serves: its full name and how to add it to a server."""

    full_name: str  # e.g. "tradeplane.v1.SystemService", for health and reflection
    add_to_server: Callable[[grpc.aio.Server], None]


class HostView(Protocol):
    """What a service may learn about the host it runs in."""

    @property
    def started_at(self) -> datetime: ...

    def service_states(self) -> Mapping[str, ServiceState]: ...

    def backends(self) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class ServiceContext:
    settings: Settings
    host: HostView


class Service(abc.ABC):
    """A long-running part of tradeplane with async start/stop and optional gRPC servicers.

    Subclasses set `name` (the `tradeplane serve NAME` name) and register themselves as a
    `tradeplane.services` entry point in pyproject.toml.
    """

    name: ClassVar[str]

    def __init__(self, context: ServiceContext) -> None:
        self.context = context

    @abc.abstractmethod
    async def start(self) -> None:
        """Acquire connections and begin work; return once the service can answer."""

    @abc.abstractmethod
    async def stop(self) -> None:
        """Drain in-flight work, ack what was handled, close connections."""

    def grpc_bindings(self) -> Sequence[GrpcBinding]:
        return ()

    def backends(self) -> Mapping[str, str]:
        """What this service talks to, without credentials: {"nats": "nats://..."}."""
        return {}
