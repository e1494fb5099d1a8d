"""Two-tier market-data cache with stale-while-revalidate.

- L1: in-process LRU with a TTL per entry and a memory bound (bytes of the encoded value).
- L2: a NATS JetStream KV bucket (`CACHE`) shared by every pod; its bucket TTL removes
  what nobody refreshed for `ttl + max_stale` seconds. If NATS is down the cache goes on
  with L1 alone (counted in `tradeplane_marketdata_cache_errors_total`).

`get(key, fetch, codec)` answers a `Cached` record carrying the value, its age and a
quality flag:
- `fresh`: younger than the TTL (from L1, L2 or a fetch just made);
- `stale`: older than the TTL but younger than `max_stale`; served at once while one
  background fetch refreshes it (stale-while-revalidate);
- `degraded`: as stale, but the last refresh of this key failed (exchange down, breaker
  open): the data is the last good one and may be getting old.
Only when nothing usable is cached does the caller wait for the exchange. Concurrent
misses of one key share one fetch.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from tradeplane.exchange import metrics
from tradeplane.exchange.codec import RecordCodec, pack, unpack

if TYPE_CHECKING:
    from nats.js import JetStreamContext
    from nats.js.kv import KeyValue

    from tradeplane.bus.config import KeyValueSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], float]


class Quality(StrEnum):
    FRESH = "fresh"
    STALE = "stale"
    DEGRADED = "degraded"


@dataclass(frozen=True, slots=True)
class Cached(Generic[T]):
    """A cached value with where it came from, when it was fetched and how good it is."""

    value: T
    fetched_at: float
    """Epoch seconds when the exchange answered with this value."""
    age_seconds: float
    quality: Quality
    source: str
    """`exchange` (fetched for this call), `l1` or `l2`."""


@dataclass(frozen=True)
class CacheSettings:
    ttl_seconds: float = 5.0
    """Default freshness; `get(..., ttl=)` overrides it per kind of data."""
    max_stale_seconds: float = 300.0
    """How long past its TTL a value may still be served (stale or degraded)."""
    l1_max_bytes: int = 64 * 1024 * 1024
    l1_max_entries: int = 10_000
    l2_timeout_seconds: float = 1.0

    @property
    def l2_ttl_seconds(self) -> float:
        return self.ttl_seconds + self.max_stale_seconds


@dataclass
class CacheStats:
    """Counts of this cache object (the metrics hold the same across the process)."""

    lookups: int = 0
    l1_hits: int = 0
    l2_hits: int = 0
    stale_served: int = 0
    fetches: int = 0

    @property
    def hit_rate(self) -> float:
        """Share of lookups answered without waiting for the exchange."""
        return 1.0 - self.fetches / self.lookups if self.lookups else 0.0


@dataclass(slots=True)
class _Entry:
    value: Any
    fetched_at: float
    ttl: float
    size: int


class MemoryCache:
    """L1: least-recently-used entries under a byte and an entry bound (pure, no I/O)."""

    def __init__(self, *, name: str, max_bytes: int, max_entries: int) -> None:
        self.name = name
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: _Entry) -> None:
        self.discard(key)
        if entry.size > self.max_bytes:
            logger.warning("value too large for the in-process cache", extra={"key": key})
            return
        self._entries[key] = entry
        self.bytes += entry.size
        while self.bytes > self.max_bytes or len(self._entries) > self.max_entries:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= evicted.size
            metrics.CACHE_EVICTIONS.labels(cache=self.name).inc()
        metrics.CACHE_BYTES.labels(cache=self.name).set(self.bytes)

    def discard(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.bytes -= entry.size


class MarketDataCache:
    """L1 + optional L2 with stale-while-revalidate; see the module docstring."""

    def __init__(
        self,
        *,
        name: str = "marketdata",
        settings: CacheSettings | None = None,
        kv: KeyValue | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.name = name
        self.settings = settings or CacheSettings()
        self.kv = kv
        self.stats = CacheStats()
        self._clock = clock
        self._l1 = MemoryCache(
            name=name,
            max_bytes=self.settings.l1_max_bytes,
            max_entries=self.settings.l1_max_entries,
        )
        self._inflight: dict[str, asyncio.Task[_Entry]] = {}
        self._failing: set[str] = set()

    @classmethod
    async def open(
        cls,
        jetstream: JetStreamContext,
        *,
        name: str = "marketdata",
        settings: CacheSettings | None = None,
        bucket: str | None = None,
        kv_settings: KeyValueSettings | None = None,
        clock: Clock = time.time,
    ) -> MarketDataCache:
        """A cache whose L2 is the KV bucket (created with a TTL when missing)."""
        from tradeplane.bus import subjects
        from tradeplane.bus.config import KeyValueSettings
        from tradeplane.bus.provisioning import ensure_key_value

        settings = settings or CacheSettings()
        kv_settings = kv_settings or KeyValueSettings(
            history=1, ttl_seconds=settings.l2_ttl_seconds
        )
        kv = await ensure_key_value(jetstream, bucket or subjects.CACHE_BUCKET, kv_settings)
        return cls(name=name, settings=settings, kv=kv, clock=clock)

    # -- reading --------------------------------------------------------------------------
    async def get(
        self,
        key: str,
        fetch: Callable[[], Awaitable[T]],
        codec: RecordCodec[Any],
        *,
        ttl: float | None = None,
    ) -> Cached[T]:
        """The value of `key`: cached when usable (refreshing it in the background when
        stale), else fetched now. Raises what `fetch` raises only when nothing is cached."""
        ttl = self.settings.ttl_seconds if ttl is None else ttl
        self.stats.lookups += 1
        entry = await self._lookup(key, codec, ttl)
        if entry is not None:
            age = self._clock() - entry[0].fetched_at
            if age <= ttl:
                return self._served(entry[0], Quality.FRESH, entry[1])
            self._refresh_in_background(key, fetch, codec, ttl)
            self.stats.stale_served += 1
            return self._served(entry[0], self._stale_quality(key), entry[1])
        self.stats.fetches += 1
        fetched = await self._fetch_once(key, fetch, codec, ttl)
        return self._served(fetched, Quality.FRESH, "exchange")

    async def peek(
        self, key: str, codec: RecordCodec[Any], *, ttl: float | None = None
    ) -> Cached[Any] | None:
        """What is cached for `key` (L1, then L2), without ever calling the exchange."""
        ttl = self.settings.ttl_seconds if ttl is None else ttl
        entry = await self._lookup(key, codec, ttl)
        if entry is None:
            return None
        age = self._clock() - entry[0].fetched_at
        quality = Quality.FRESH if age <= ttl else self._stale_quality(key)
        return self._served(entry[0], quality, entry[1])

    def _stale_quality(self, key: str) -> Quality:
        return Quality.DEGRADED if key in self._failing else Quality.STALE

    def _served(self, entry: _Entry, quality: Quality, source: str) -> Cached[Any]:
        metrics.CACHE_SERVED.labels(cache=self.name, quality=quality.value).inc()
        age = max(0.0, self._clock() - entry.fetched_at)
        return Cached(entry.value, entry.fetched_at, age, quality, source)

    async def _lookup(
        self, key: str, codec: RecordCodec[Any], ttl: float
    ) -> tuple[_Entry, str] | None:
        now, usable = self._clock(), ttl + self.settings.max_stale_seconds
        entry = self._l1.get(key)
        if entry is not None and now - entry.fetched_at > usable:
            self._l1.discard(key)
            entry = None
        if entry is not None and now - entry.fetched_at <= ttl:
            self._count("l1", "hit")
            self.stats.l1_hits += 1
            return entry, "l1"
        self._count("l1", "stale" if entry else "miss")
        shared = await self._l2_get(key, codec, ttl)
        if shared is None:
            if self.kv is not None:
                self._count("l2", "miss")
            return (entry, "l1") if entry is not None else None
        fresh = now - shared.fetched_at <= ttl
        self._count("l2", "hit" if fresh else "stale")
        newer = entry is None or shared.fetched_at > entry.fetched_at
        if newer and now - shared.fetched_at <= usable:
            if fresh:
                self.stats.l2_hits += 1
                self._failing.discard(key)  # another pod refreshed it
            self._l1.put(key, shared)
            return shared, "l2"
        return (entry, "l1") if entry is not None else None

    def _count(self, tier: str, result: str) -> None:
        metrics.CACHE_LOOKUPS.labels(cache=self.name, tier=tier, result=result).inc()

    # -- writing --------------------------------------------------------------------------
    async def put(
        self,
        key: str,
        value: Any,
        codec: RecordCodec[Any],
        *,
        fetched_at: float | None = None,
        ttl: float | None = None,
    ) -> Cached[Any]:
        """Store a value fetched elsewhere (e.g. a refresh loop) in both tiers."""
        entry = await self._store(
            key,
            value,
            codec,
            self._clock() if fetched_at is None else fetched_at,
            self.settings.ttl_seconds if ttl is None else ttl,
        )
        self._failing.discard(key)
        age = max(0.0, self._clock() - entry.fetched_at)
        return Cached(entry.value, entry.fetched_at, age, Quality.FRESH, "exchange")

    def mark_failed(self, key: str) -> None:
        """The latest refresh of `key` failed: serve what is cached as degraded."""
        self._failing.add(key)

    async def _store(
        self, key: str, value: Any, codec: RecordCodec[Any], fetched_at: float, ttl: float
    ) -> _Entry:
        payload = codec.to_json(value)
        entry = _Entry(value, fetched_at, ttl, len(payload))
        self._l1.put(key, entry)
        if self.kv is not None:
            blob = pack(f"{fetched_at:.6f}\n".encode() + payload)
            try:
                await asyncio.wait_for(self.kv.put(key, blob), self.settings.l2_timeout_seconds)
            except Exception as error:  # NATS down or slow: L1 still serves
                self._l2_failed("put", key, error)
        return entry

    async def _fetch_once(
        self, key: str, fetch: Callable[[], Awaitable[Any]], codec: RecordCodec[Any], ttl: float
    ) -> _Entry:
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch_and_store(key, fetch, codec, ttl))
            self._inflight[key] = task
            task.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    async def _fetch_and_store(
        self, key: str, fetch: Callable[[], Awaitable[Any]], codec: RecordCodec[Any], ttl: float
    ) -> _Entry:
        try:
            value = await fetch()
        except Exception:
            self._failing.add(key)
            raise
        fetched_at = self._clock()
        entry = await self._store(key, value, codec, fetched_at, ttl)
        self._failing.discard(key)
        return entry

    def _refresh_in_background(
        self, key: str, fetch: Callable[[], Awaitable[Any]], codec: RecordCodec[Any], ttl: float
    ) -> None:
        if key in self._inflight:
            return
        task = asyncio.create_task(self._fetch_and_store(key, fetch, codec, ttl))
        self._inflight[key] = task

        def done(finished: asyncio.Task[_Entry]) -> None:
            self._inflight.pop(key, None)
            if not finished.cancelled() and finished.exception() is not None:
                logger.warning(
                    "background refresh failed; serving cached data as degraded",
                    extra={"cache": self.name, "key": key, "error": repr(finished.exception())},
                )

        task.add_done_callback(done)

    async def wait_refreshes(self) -> None:
        """Wait for background refreshes under way (tests, orderly shutdown)."""
        while self._inflight:
            await asyncio.gather(*list(self._inflight.values()), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
        await asyncio.gather(*list(self._inflight.values()), return_exceptions=True)
        self._inflight.clear()

    # -- L2 -------------------------------------------------------------------------------
    async def _l2_get(self, key: str, codec: RecordCodec[Any], ttl: float) -> _Entry | None:
        if self.kv is None:
            return None
        from nats.js.errors import KeyNotFoundError

        try:
            found = await asyncio.wait_for(self.kv.get(key), self.settings.l2_timeout_seconds)
        except KeyNotFoundError:
            return None
        except Exception as error:
            self._l2_failed("get", key, error)
            return None
        if not found.value:
            return None
        try:
            stamp, _, payload = unpack(found.value).partition(b"\n")
            return _Entry(codec.from_json(payload), float(stamp), ttl, len(payload))
        except (ValueError, KeyError, TypeError) as error:
            self._l2_failed("decode", key, error)
            return None

    def _l2_failed(self, operation: str, key: str, error: BaseException) -> None:
        metrics.CACHE_ERRORS.labels(cache=self.name, operation=operation).inc()
        logger.warning(
            "shared cache tier failed; going on with the in-process tier",
            extra={"cache": self.name, "operation": operation, "key": key, "error": repr(error)},
        )


def cache_key(*parts: str) -> str:
    """A KV-safe key: letters, digits and `-_=/.` kept, anything else becomes `_`."""
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=/")
    return ".".join("".join(c if c in allowed else "_" for c in part) for part in parts)
