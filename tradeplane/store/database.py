"""A connection pool with retry on connect and errors mapped to the store's hierarchy."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg

from tradeplane.errors import TemporaryError, TradeplaneError

logger = logging.getLogger(__name__)


class StoreError(TradeplaneError):
    """A query failed for a reason retrying will not fix (bad SQL, constraint)."""


class StoreUnavailable(TemporaryError):
    """PostgreSQL cannot be reached right now; retry with backoff."""


def redact_dsn(dsn: str) -> str:
    """The DSN without its password, safe for logs and GetInfo."""
    scheme, sep, rest = dsn.partition("://")
    if not sep or "@" not in rest:
        return dsn
    credentials, _, location = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{location}"


class Database:
    """Owns an asyncpg pool. `connect()` retries until `connect_timeout` elapses."""

    def __init__(
        self, dsn: str, *, min_size: int = 1, max_size: int = 10, connect_timeout: float = 30.0
    ) -> None:
        self.dsn = dsn
        self._min_size = min_size
        self._max_size = max_size
        self._connect_timeout = connect_timeout
        self._pool: asyncpg.Pool | None = None

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._connect_timeout
        delay = 0.1
        while True:
            try:
                self._pool = await asyncpg.create_pool(
                    self.dsn, min_size=self._min_size, max_size=self._max_size
                )
                return
            except (OSError, asyncpg.CannotConnectNowError) as error:
                if loop.time() + delay > deadline:
                    raise StoreUnavailable(
                        f"PostgreSQL at {redact_dsn(self.dsn)} unreachable after "
                        f"{self._connect_timeout:.0f}s: {error}"
                    ) from error
                logger.warning("postgres not reachable yet; retrying", extra={"delay": delay})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StoreError("Database.connect() must be awaited before use")
        return self._pool

    async def fetch(self, query: str, *args: Any) -> list[dict[str, Any]]:
        async with self._mapped_errors(query):
            rows = await self.pool.fetch(query, *args)
        return [dict(row) for row in rows]

    async def fetchval(self, query: str, *args: Any) -> Any:
        async with self._mapped_errors(query):
            return await self.pool.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> str:
        async with self._mapped_errors(query):
            return str(await self.pool.execute(query, *args))

    async def executemany(self, query: str, rows: Sequence[Sequence[Any]]) -> None:
        async with self._mapped_errors(query):
            await self.pool.executemany(query, rows)

    def _mapped_errors(self, query: str) -> _ErrorMapper:
        return _ErrorMapper(query, self.dsn)


class _ErrorMapper:
    def __init__(self, query: str, dsn: str) -> None:
        self._query = query
        self._dsn = dsn

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, exc_type: type | None, error: BaseException | None, _: Any) -> None:
        if error is None:
            return
        if isinstance(
            error,
            (
                OSError,
                asyncpg.ConnectionDoesNotExistError,
                asyncpg.CannotConnectNowError,
                asyncpg.AdminShutdownError,
            ),
        ):
            raise StoreUnavailable(
                f"lost PostgreSQL at {redact_dsn(self._dsn)}: {error}"
            ) from error
        if isinstance(error, asyncpg.PostgresError):
            first_line = self._query.strip().splitlines()[0][:80]
            raise StoreError(
                f"query failed ({error.__class__.__name__}): {error}; in: {first_line}"
            ) from error
