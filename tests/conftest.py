"""Shared fixtures: real NATS and PostgreSQL from the wheels, and an in-process service host.

Servers are session-scoped, bind free ports on 127.0.0.1, keep their data in pytest's
temporary directory and are stopped when the session ends.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tradeplane.config import Settings, load_settings
from tradeplane.infra.nats import NatsServer
from tradeplane.infra.postgres import PostgresServer
from tradeplane.runtime import Host, Service


@dataclass
class RunningNats:
    server: NatsServer
    url: str


@dataclass
class RunningPostgres:
    server: PostgresServer
    dsn: str


@pytest.fixture(scope="session")
def nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNats]:
    """A real nats-server with JetStream (kill/restart it through `.server`)."""
    server = NatsServer(tmp_path_factory.mktemp("nats"))
    process = server.start()
    yield RunningNats(server=server, url=process.url)
    server.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[RunningPostgres]:
    """A real PostgreSQL with a `tradeplane` database (stop/start it through `.server`).

    Its data lives outside pytest's basetemp: as root the server runs as another user, and
    a concurrent pytest run resetting /tmp/pytest-of-root to mode 0700 would lock it out.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="tradeplane-test-postgres-"))
    server = PostgresServer(data_dir)
    process = server.start()
    yield RunningPostgres(server=server, dsn=process.dsn)
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def private_tmp_path() -> Iterator[Path]:
    """A temporary directory outside pytest's basetemp, removed afterwards.

    For servers that run as another OS user (PostgreSQL under root): a concurrent pytest
    run resets /tmp/pytest-of-root to mode 0700, which would lock such a server out.
    """
    path = Path(tempfile.mkdtemp(prefix="tradeplane-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def host_settings(**overrides: Any) -> Settings:
    """Settings for an in-process host on free ports with plain-text logs."""
    return load_settings(
        **{"grpc.port": 0, "metrics.port": 0, "logging.json_format": False, **overrides}
    )


@pytest.fixture
def run_host() -> Callable[..., Any]:
    """`async with run_host(["system"], **overrides) as host:` runs a host on free ports."""

    @asynccontextmanager
    async def running(
        services: Sequence[str | type[Service]], **overrides: Any
    ) -> AsyncIterator[Host]:
        settings = host_settings(**overrides)
        from tradeplane.runtime.registry import load_service

        types = [load_service(s) if isinstance(s, str) else s for s in services]
        async with Host(settings, types) as host:
            yield host

    return running
