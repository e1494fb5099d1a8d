"""Embedded infrastructure: a real nats-server (JetStream) and a real PostgreSQL from wheels.

Both keep their data under one directory, so a restart reuses it; both run as their own
process sessions, so `tradeplane infra up` can leave them running for later commands.
"""

from tradeplane.infra.embedded import EmbeddedInfra, InfraEndpoints
from tradeplane.infra.nats import NatsServer
from tradeplane.infra.postgres import PostgresServer

__all__ = ["EmbeddedInfra", "InfraEndpoints", "NatsServer", "PostgresServer"]
