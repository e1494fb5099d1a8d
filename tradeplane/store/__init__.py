"""PostgreSQL access through asyncpg: the only package that imports asyncpg."""

from tradeplane.store.database import Database, StoreError, StoreUnavailable

__all__ = ["Database", "StoreError", "StoreUnavailable"]
