"""Fixtures for the store tests: a fresh database per test on the session's PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.store.databases import throwaway_database
from tradeplane.store.database import Database


@pytest.fixture
async def fresh_dsn(postgres) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """The DSN of an empty database created for this test and dropped after it."""
    async with throwaway_database(postgres.dsn) as dsn:
        yield dsn


@pytest.fixture
async def database(fresh_dsn: str) -> AsyncIterator[Database]:
    connected = Database(fresh_dsn, max_size=4)
    await connected.connect()
    yield connected
    await connected.close()
