"""What the screener holds between runs: the latest runs and the announced selection,
and the StreamSelections callers waiting for the next announcement."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np

from tradeplane.screening import ScreeningResult
from tradeplane.services.screener.logic import score_order
from tradeplane.v1 import screening_pb2


@dataclass(frozen=True, eq=False)
class RunRecord:
    """One finished run: its number since start, what it screened, and when it ended."""

    number: int
    universe: str
    exchange: str
    result: ScreeningResult
    bar_open_time_ms: int
    data_time_ms: int
    finished_at: datetime

    @cached_property
    def order(self) -> np.ndarray:
        """Row indices best first (see `logic.score_order`), computed on first use."""
        return score_order(self.result)

    @cached_property
    def ranks(self) -> dict[str, int]:
        return {member.symbol: member.rank for member in self.result.selection}


@dataclass(frozen=True)
class Announcement:
    """A selection as published on screen.<universe>.selection, and the event's id."""

    selection: screening_pb2.SelectionChanged
    event_id: str

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(member.symbol for member in self.selection.selected)


_CLOSED = object()  # tells a subscriber that the board closed


class SelectionBoard:
    """The latest `kept_runs` runs and the current announcement; subscribers get each new
    announcement (a slow one loses the oldest it has not read, never the latest)."""

    def __init__(self, *, kept_runs: int, queue_size: int) -> None:
        self._runs: deque[RunRecord] = deque(maxlen=kept_runs)
        self._queue_size = queue_size
        self._subscribers: set[asyncio.Queue[object]] = set()
        self.announcement: Announcement | None = None
        self.runs = 0

    @property
    def latest(self) -> RunRecord | None:
        return self._runs[-1] if self._runs else None

    def run(self, number: int) -> RunRecord | None:
        """A kept run by its number (None once it is no longer kept)."""
        return next((record for record in self._runs if record.number == number), None)

    def record(self, run: RunRecord) -> None:
        self._runs.append(run)
        self.runs = max(self.runs, run.number)

    def announce(self, announcement: Announcement) -> None:
        self.announcement = announcement
        for queue in self._subscribers:
            _put_latest(queue, announcement)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[AsyncIterator[Announcement]]:
        """`async with board.subscribe() as announcements:` the current one (if any), then
        every new one until the board closes."""
        queue: asyncio.Queue[object] = asyncio.Queue(self._queue_size)
        if self.announcement is not None:
            queue.put_nowait(self.announcement)
        self._subscribers.add(queue)

        async def announcements() -> AsyncIterator[Announcement]:
            while True:
                item = await queue.get()
                if item is _CLOSED:
                    return
                assert isinstance(item, Announcement)
                yield item

        try:
            yield announcements()
        finally:
            self._subscribers.discard(queue)

    def close(self) -> None:
        """End every subscription (the service is stopping)."""
        for queue in self._subscribers:
            _put_latest(queue, _CLOSED)


def _put_latest(queue: asyncio.Queue[object], item: object) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(item)
