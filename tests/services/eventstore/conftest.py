"""Fixtures for the event store tests: a private nats-server and a fresh database per
test, the service in-process on free ports, or as its own OS process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

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


TRADEPLANE = str(Path(sys.executable).parent / "tradeplane")


class EventStoreProcess:
    """The event store in its own OS process, as deployed: `tradeplane serve eventstore`
    with a config file; its JSON logs go to `log_path`."""

    def __init__(
        self, *, nats_url: str, dsn: str, log_path: Path, config: EventStoreConfig = TEST_CONFIG
    ) -> None:
        self.environment = {
            **os.environ,
            "TRADEPLANE_NATS__URL": nats_url,
            "TRADEPLANE_POSTGRES__DSN": dsn,
            "TRADEPLANE_GRPC__PORT": "0",
            "TRADEPLANE_METRICS__PORT": "0",
        }
        self.config_path = log_path.with_name("eventstore-config.yaml")
        sections = {
            "bus": BusConfig().model_dump(mode="json"),
            "eventstore": config.model_dump(mode="json"),
        }
        self.config_path.write_text(yaml.safe_dump(sections))
        self.log_path = log_path
        self.process: subprocess.Popen[str] | None = None
        self.grpc_port: int | None = None

    def start(self) -> None:
        with self.log_path.open("a") as log:
            start = log.tell()
            self.process = subprocess.Popen(
                [TRADEPLANE, "--config", str(self.config_path), "serve", "eventstore"],
                env=self.environment,
                stdout=log,
                stderr=log,
                text=True,
            )
        self.grpc_port = self._wait_until_started(start)

    def _wait_until_started(self, offset: int, timeout: float = 60) -> int:
        """The gRPC port from the host's "host started" log line written after `offset`."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            with self.log_path.open() as log:
                log.seek(offset)
                for line in log:
                    if '"message": "host started"' in line:
                        return int(json.loads(line)["grpc_port"])
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"event store did not start; see {self.log_path}")

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
