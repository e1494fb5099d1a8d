"""Versioned migrations: applied once in order, recorded, edits detected, concurrency safe."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tradeplane.store.database import Database, StoreError
from tradeplane.store.migrations import Migration, apply_migrations, load_migrations

FIRST = Migration(1, "widgets", "CREATE TABLE widgets (id integer PRIMARY KEY)")
SECOND = Migration(2, "widget_names", "ALTER TABLE widgets ADD COLUMN name text")


async def test_pending_migrations_are_applied_in_order_and_recorded_once(
    database: Database,
) -> None:
    assert [m.version for m in await apply_migrations(database, "demo", [FIRST])] == [1]
    applied = await apply_migrations(database, "demo", [FIRST, SECOND])
    assert [m.version for m in applied] == [2]
    assert await apply_migrations(database, "demo", [FIRST, SECOND]) == []
    rows = await database.fetch(
        "SELECT version, name, checksum FROM schema_migrations WHERE component = 'demo' "
        "ORDER BY version"
    )
    assert [(r["version"], r["name"], r["checksum"]) for r in rows] == [
        (1, "widgets", FIRST.checksum),
        (2, "widget_names", SECOND.checksum),
    ]
    await database.execute("INSERT INTO widgets (id, name) VALUES (1, 'one')")


async def test_a_migration_edited_after_it_ran_is_refused(database: Database) -> None:
    await apply_migrations(database, "demo", [FIRST])
    edited = Migration(1, "widgets", FIRST.sql + " -- changed")
    with pytest.raises(StoreError, match="was edited after it was applied"):
        await apply_migrations(database, "demo", [edited])


async def test_a_failing_migration_leaves_nothing_half_done(database: Database) -> None:
    broken = Migration(2, "broken", "ALTER TABLE widgets ADD COLUMN ok text; SELECT nope;")
    await apply_migrations(database, "demo", [FIRST])
    with pytest.raises(StoreError):
        await apply_migrations(database, "demo", [FIRST, broken])
    columns = await database.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'widgets'"
    )
    assert [c["column_name"] for c in columns] == ["id"]
    assert await database.fetchval("SELECT max(version) FROM schema_migrations") == 1


async def test_concurrent_starts_apply_each_migration_once(fresh_dsn: str) -> None:
    databases = [Database(fresh_dsn, max_size=2) for _ in range(3)]
    for database in databases:
        await database.connect()
    try:
        results = await asyncio.gather(
            *(apply_migrations(database, "demo", [FIRST, SECOND]) for database in databases)
        )
        assert sorted(len(applied) for applied in results) == [0, 0, 2]
    finally:
        for database in databases:
            await database.close()


def test_files_are_loaded_by_version_and_badly_named_ones_refused(tmp_path: Path) -> None:
    (tmp_path / "0002_second.sql").write_text("SELECT 2")
    (tmp_path / "0001_first.sql").write_text("SELECT 1")
    (tmp_path / "README.md").write_text("not a migration")
    assert [(m.version, m.name) for m in load_migrations(tmp_path)] == [
        (1, "first"),
        (2, "second"),
    ]
    (tmp_path / "3_bad.sql").write_text("SELECT 3")
    with pytest.raises(StoreError, match=r"must be named NNNN_lower_case_name\.sql"):
        load_migrations(tmp_path)
