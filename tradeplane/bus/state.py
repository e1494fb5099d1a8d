"""Versioned state per universe and strategy, in the JetStream KV bucket `STATE`.

Each write is a new revision; the bucket keeps the last `buckets.state.history` (at most
64) per key. A rollback never rewrites history: it writes the old document again as a
new revision that records which revision it restored, so the audit trail stays whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import nats.errors
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError, NoKeysError
from nats.js.kv import KeyValue

from tradeplane.bus import subjects
from tradeplane.bus.config import KeyValueSettings
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.errors import BusUnavailable, StateConflict, StateNotFound
from tradeplane.bus.provisioning import ensure_key_value


@dataclass(frozen=True)
class StateVersion:
    scope: str
    name: str
    revision: int
    document: dict[str, Any]
    reason: str
    updated_at: datetime
    restored_revision: int = 0


def encode_version(document: dict[str, Any], *, reason: str, restored_revision: int) -> bytes:
    """The KV value of one version (pure)."""
    if not isinstance(document, dict):
        raise ValueError(f"state must be a JSON object, not {type(document).__name__}")
    return json.dumps(
        {
            "document": document,
            "reason": reason,
            "updated_at": datetime.now(UTC).isoformat(),
            "restored_revision": restored_revision,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def decode_version(scope: str, name: str, revision: int, value: bytes) -> StateVersion:
    data = json.loads(value)
    return StateVersion(
        scope=scope,
        name=name,
        revision=revision,
        document=data["document"],
        reason=data.get("reason", ""),
        updated_at=datetime.fromisoformat(data["updated_at"]),
        restored_revision=int(data.get("restored_revision", 0)),
    )


class StateStore:
    """Reads and writes state versions; `scope` is "universe" or "strategy"."""

    def __init__(self, bucket: KeyValue) -> None:
        self.bucket = bucket

    @classmethod
    async def open(
        cls, connection: BusConnection, settings: KeyValueSettings | None = None
    ) -> StateStore:
        """Provision the STATE bucket (idempotent) and return a store over it."""
        settings = settings or KeyValueSettings(history=64)
        bucket = await ensure_key_value(connection.jetstream, subjects.STATE_BUCKET, settings)
        return cls(bucket)

    async def put(
        self,
        scope: str,
        name: str,
        document: dict[str, Any],
        *,
        reason: str = "",
        expected_revision: int | None = None,
        restored_revision: int = 0,
    ) -> StateVersion:
        """Write a new version; with `expected_revision`, only if it is still the latest."""
        key = subjects.state_key(scope, name)
        value = encode_version(document, reason=reason, restored_revision=restored_revision)
        try:
            with _unavailable(f"write the state of {scope} {name!r}"):
                if expected_revision is None:
                    revision = await self.bucket.put(key, value)
                else:
                    revision = await self.bucket.update(key, value, last=expected_revision)
        except KeyWrongLastSequenceError:
            raise StateConflict(
                f"{scope} {name!r} changed since revision {expected_revision}; "
                "read the latest version and apply the change again"
            ) from None
        return decode_version(scope, name, revision, value)

    async def get(self, scope: str, name: str, revision: int | None = None) -> StateVersion:
        """The latest version, or the one at `revision`."""
        key = subjects.state_key(scope, name)
        try:
            with _unavailable(f"read the state of {scope} {name!r}"):
                entry = await self.bucket.get(key, revision=revision or None)
        except KeyNotFoundError:
            at = f" at revision {revision}" if revision else ""
            raise StateNotFound(
                f"no state for {scope} {name!r}{at}; `tradeplane state history {scope} {name}` "
                "lists the revisions kept"
            ) from None
        assert entry.value is not None and entry.revision is not None
        return decode_version(scope, name, entry.revision, entry.value)

    async def history(self, scope: str, name: str) -> list[StateVersion]:
        """Every kept version, oldest first (deleted markers skipped)."""
        key = subjects.state_key(scope, name)
        try:
            with _unavailable(f"read the state history of {scope} {name!r}"):
                entries = await self.bucket.history(key)
        except NoKeysError:
            raise StateNotFound(f"no state for {scope} {name!r}") from None
        return [
            decode_version(scope, name, entry.revision, entry.value)
            for entry in entries
            if entry.value and entry.revision is not None and entry.operation is None
        ]

    async def rollback(
        self, scope: str, name: str, revision: int, *, reason: str = ""
    ) -> StateVersion:
        """Make the document of `revision` the latest again, as a new version."""
        target = await self.get(scope, name, revision)
        latest = await self.get(scope, name)
        return await self.put(
            scope,
            name,
            target.document,
            reason=reason or f"rollback to revision {revision}",
            expected_revision=latest.revision,
            restored_revision=revision,
        )


@contextmanager
def _unavailable(doing: str) -> Iterator[None]:
    try:
        yield
    except (nats.errors.TimeoutError, nats.errors.NoRespondersError) as error:
        raise BusUnavailable(f"NATS did not answer; could not {doing}: {error!r}") from error
