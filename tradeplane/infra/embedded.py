"""NATS and PostgreSQL together under one data directory: what `tradeplane infra` manages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tradeplane.config import InfraConfig
from tradeplane.infra.nats import NatsServer
from tradeplane.infra.postgres import PostgresServer


@dataclass(frozen=True)
class InfraEndpoints:
    nats_url: str
    postgres_dsn: str


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    running: bool
    endpoint: str | None
    pid: int | None
    data_dir: Path


class EmbeddedInfra:
    def __init__(self, config: InfraConfig) -> None:
        self.config = config
        self.nats = NatsServer(config.data_dir / "nats", port=config.nats_port)
        self.postgres = PostgresServer(config.data_dir / "postgres", port=config.postgres_port)

    def start(self) -> InfraEndpoints:
        """Start both (or find them running); if PostgreSQL fails, NATS is stopped again."""
        timeout = self.config.start_timeout_seconds
        nats_was_running = self.nats.running() is not None
        nats = self.nats.start(timeout=timeout)
        try:
            postgres = self.postgres.start(timeout=timeout)
        except BaseException:
            if not nats_was_running:
                self.nats.stop()
            raise
        return InfraEndpoints(nats_url=nats.url, postgres_dsn=postgres.dsn)

    def stop(self) -> list[str]:
        """Stop both; returns the names of those that were running."""
        stopped = []
        if self.postgres.stop():
            stopped.append("postgres")
        if self.nats.stop():
            stopped.append("nats")
        return stopped

    def status(self) -> list[ComponentStatus]:
        nats = self.nats.running()
        postgres = self.postgres.running()
        return [
            ComponentStatus(
                "nats", nats is not None, nats.url if nats else None,
                nats.pid if nats else None, self.nats.data_dir,
            ),
            ComponentStatus(
                "postgres", postgres is not None, postgres.dsn if postgres else None,
                postgres.pid if postgres else None, self.postgres.data_dir,
            ),
        ]  # fmt: skip
