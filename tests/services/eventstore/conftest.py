"""Fixtures for the event store tests: a private nats-server and a fresh database per
test, the service in-process on free ports, or as its own OS process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.store.databases import throwaway_database
from tradeplane.bus.config import BusConfig, ConsumerSettings
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.provisioning import ensure_streams
from tradeplane.infra.nats import NatsServer
from tradeplane.runtime import Host
from tradeplane.services.eventstore import EventStoreService
from tradeplane.services.eventstore.config import EventStoreConfig

# Quick to notice trouble, quick to stop: what the tests run with.
TEST_CONSUMER = ConsumerSettings(
    batch_size=1000,
    fetch_timeout_seconds=0.5,
    ack_wait_seconds=5,
    max_ack_pending=50_000,
    ordered=True,
)
TEST_CONFIG = EventStoreConfig(consumer=TEST_CONSUMER, follow_poll_seconds=0.05)


@pytest.fixture
def private_nats(tmp_path: Path) -> Iterator[NatsServer]:
    """A nats-server of this test alone: its streams hold only this test's events."""
    server = NatsServer(tmp_path / "nats")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def fresh_dsn(postgres) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    async with throwaway_database(postgres.dsn) as dsn:
        yield dsn


@pytest.fixture
async def bus(private_nats: NatsServer) -> AsyncIterator[BusConnection]:
    connection = await BusConnection.connect(private_nats.start().url)
    await ensure_streams(connection.jetstream, BusConfig())
    yield connection
    await connection.close()


@pytest.fixture
def eventstore(run_host, private_nats: NatsServer, fresh_dsn: str) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """`async with eventstore(config=...) as host:` runs the service in this process."""

    @asynccontextmanager
    async def running(config: EventStoreConfig = TEST_CONFIG) -> AsyncIterator[Host]:
        service = EventStoreService.with_config(config=config)
        overrides = {"nats.url": private_nats.start().url, "postgres.dsn": fresh_dsn}
        async with run_host([service], **overrides) as host:
            yield host

    return running


SERVE_EVENTSTORE = """
import asyncio, json, os
from tradeplane.bus.config import BusConfig
from tradeplane.config import load_settings
from tradeplane.logs import configure_logging
from tradeplane.runtime import Host, run_host
from tradeplane.services.eventstore import EventStoreService
from tradeplane.services.eventstore.config import EventStoreConfig

async def main():
    overrides = json.loads(os.environ["EVENTSTORE_CONFIG_JSON"])
    service = EventStoreService.with_config(
        bus=BusConfig.model_validate(overrides["bus"]),
        config=EventStoreConfig.model_validate(overrides["eventstore"]),
    )
    settings = load_settings()
    configure_logging(level=settings.logging.level, json_format=settings.logging.json_format)
    host = Host(settings, [service])
    runner = asyncio.create_task(run_host(host))
    started = asyncio.create_task(host.wait_started())
    await asyncio.wait({runner, started}, return_when=asyncio.FIRST_COMPLETED)
    if runner.done():
        runner.result()
    print(f"READY {host.grpc_port}", flush=True)
    await runner

asyncio.run(main())
"""


class EventStoreProcess:
    """The event store in its own OS process, as deployed (`tradeplane serve eventstore`
    once the entry point exists); logs go to `log_path`."""

    def __init__(
        self, *, nats_url: str, dsn: str, log_path: Path, config: EventStoreConfig = TEST_CONFIG
    ) -> None:
        self.environment = {
            **os.environ,
            "TRADEPLANE_NATS__URL": nats_url,
            "TRADEPLANE_POSTGRES__DSN": dsn,
            "TRADEPLANE_GRPC__PORT": "0",
            "TRADEPLANE_METRICS__PORT": "0",
            "EVENTSTORE_CONFIG_JSON": json.dumps(
                {
                    "bus": BusConfig().model_dump(mode="json"),
                    "eventstore": config.model_dump(mode="json"),
                }
            ),
        }
        self.log_path = log_path
        self.process: subprocess.Popen[str] | None = None
        self.grpc_port: int | None = None

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", SERVE_EVENTSTORE],
                env=self.environment,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("READY "):
            self.kill()
            raise RuntimeError(f"event store did not start; see {self.log_path}")
        self.grpc_port = int(line.split()[1])

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def eventstore_process(tmp_path: Path) -> Iterator[Callable[..., EventStoreProcess]]:
    """Factory of event store processes; every one is stopped after the test."""
    started: list[EventStoreProcess] = []

    def create(**kwargs: Any) -> EventStoreProcess:
        process = EventStoreProcess(log_path=tmp_path / "eventstore.log", **kwargs)
        started.append(process)
        return process

    yield create
    for process in started:
        process.stop()
