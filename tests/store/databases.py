"""Creating and dropping throwaway databases on a running PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tradeplane.store.database import Database


@asynccontextmanager
async def throwaway_database(server_dsn: str) -> AsyncIterator[str]:
    """Create an empty database next to `server_dsn`'s; yield its DSN; drop it after."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = Database(server_dsn, max_size=2)
    await admin.connect()
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_dsn.rsplit("/", 1)[0] + "/" + name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
