"""The project's own store code against the session's real PostgreSQL."""

import pytest

from tradeplane.store import Database, StoreError, StoreUnavailable
from tradeplane.store.database import redact_dsn


async def test_query_round_trip(postgres) -> None:
    database = Database(postgres.dsn)
    await database.connect()
    try:
        await database.execute("CREATE TEMP TABLE IF NOT EXISTS probe (n int)")
        await database.executemany("INSERT INTO probe VALUES ($1)", [(1,), (2,), (3,)])
        assert await database.fetchval("SELECT sum(n) FROM probe") == 6
        rows = await database.fetch("SELECT version() AS version")
        assert rows[0]["version"].startswith("PostgreSQL")
        with pytest.raises(StoreError, match="UndefinedTableError"):
            await database.fetch("SELECT * FROM no_such_table")
    finally:
        await database.close()


async def test_unreachable_database_is_temporary_and_redacted() -> None:
    database = Database("postgresql://user:secret@127.0.0.1:1/none", connect_timeout=0.3)
    with pytest.raises(StoreUnavailable) as caught:
        await database.connect()
    assert "secret" not in str(caught.value)
    assert redact_dsn("postgresql://user:secret@host:5432/db") == "postgresql://user@host:5432/db"
