"""Versioned SQL migrations: `NNNN_name.sql` files applied in order, once, recorded.

Each component (e.g. "eventstore") keeps its files beside its code and calls
`apply_migrations` at start. A PostgreSQL advisory lock makes concurrent starts (several
replicas) apply each migration once; a checksum catches a file edited after it ran.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

from tradeplane.store.database import Database, StoreError
from tradeplane.store.errors import mapped_errors

logger = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x7472_6164  # "trad": one advisory lock for every component's migrations

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    component  text        NOT NULL,
    version    integer     NOT NULL,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (component, version)
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(directory: Traversable | Path) -> list[Migration]:
    """Every `NNNN_name.sql` in `directory`, by version; other names are an error."""
    migrations = []
    for entry in directory.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE_NAME.match(entry.name)
        if match is None:
            raise StoreError(
                f"migration file {entry.name!r} must be named NNNN_lower_case_name.sql"
            )
        migrations.append(Migration(int(match[1]), match[2], entry.read_text()))
    migrations.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in migrations]
    duplicates = sorted({version for version in versions if versions.count(version) > 1})
    if duplicates:
        raise StoreError(f"migration versions used twice in {directory}: {duplicates}")
    return migrations


async def apply_migrations(
    database: Database, component: str, migrations: Iterable[Migration]
) -> list[Migration]:
    """Apply the migrations of `component` not yet recorded; returns those applied now."""
    wanted = list(migrations)
    applied_now: list[Migration] = []
    async with (
        mapped_errors(database.dsn, "apply migrations"),
        database.pool.acquire() as connection,
    ):
        await connection.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        try:
            await connection.execute(_CREATE_TABLE)
            rows = await connection.fetch(
                "SELECT version, name, checksum FROM schema_migrations WHERE component = $1",
                component,
            )
            recorded = {row["version"]: row for row in rows}
            for migration in wanted:
                row = recorded.get(migration.version)
                if row is not None:
                    if row["checksum"] != migration.checksum:
                        raise StoreError(
                            f"migration {component} {migration.version:04d}_{row['name']} "
                            "was edited after it was applied; revert the file and add "
                            "a new migration for the change"
                        )
                    continue
                async with connection.transaction():
                    await connection.execute(migration.sql)
                    await connection.execute(
                        "INSERT INTO schema_migrations (component, version, name, checksum)"
                        " VALUES ($1, $2, $3, $4)",
                        component, migration.version, migration.name, migration.checksum,
                    )  # fmt: skip
                applied_now.append(migration)
                logger.info(
                    "migration applied",
                    extra={"component": component, "version": migration.version,
                           "migration": migration.name},
                )  # fmt: skip
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    return applied_now
