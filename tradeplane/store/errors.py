"""Maps asyncpg's exceptions onto the store's two errors at the package boundary."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from tradeplane.store.database import StoreError, StoreUnavailable, redact_dsn

# Failures that mean "PostgreSQL is not there right now", as seen while it stops, restarts
# or the network drops: retrying later helps.
UNAVAILABLE = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,  # ConnectionDoesNotExistError, ConnectionFailureError...
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
)


def _is_broken_connection(error: BaseException) -> bool:
    """A connection dropped mid-operation surfaces as a client-side state error
    ("connection is closed", "another operation is in progress" while it rolls back)."""
    return isinstance(error, (asyncpg.InterfaceError, asyncpg.InternalClientError))


@asynccontextmanager
async def mapped_errors(dsn: str, doing: str) -> AsyncIterator[None]:
    """Raise `StoreUnavailable` (retry) or `StoreError` (fix something) for asyncpg errors."""
    try:
        yield
    except StoreError:
        raise
    except Exception as error:
        if isinstance(error, UNAVAILABLE) or _is_broken_connection(error):
            raise StoreUnavailable(
                f"PostgreSQL at {redact_dsn(dsn)} unavailable while trying to {doing}: {error!r}"
            ) from error
        if isinstance(error, asyncpg.PostgresError):
            raise StoreError(f"{doing} failed ({type(error).__name__}): {error}") from error
        raise
