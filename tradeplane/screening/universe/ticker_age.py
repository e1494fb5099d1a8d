"""Stale tickers excluded."""

from __future__ import annotations

import numpy as np

from ..base import Parameter
from ..checks import Check, LazyNotes
from .common import UniverseContext, UniverseFilter, at_most


class TickerAgeFilter(UniverseFilter):
    """Drops symbols whose ticker is older than `maxSeconds` at the snapshot (inclusive).

    age = snapshot time - ticker time; an unknown ticker time fails.
    """

    key = "ticker_age"
    measure = "ticker age"
    max_seconds = Parameter(
        120.0,
        minimum=0.0,
        unit="seconds",
        description="Oldest ticker accepted, in seconds before the snapshot time.",
    )

    def check(self, context: UniverseContext) -> Check:
        snapshot = context.snapshot
        age = (snapshot.time_ms - snapshot.ticker_time_ms) / 1000.0
        passed = at_most(age, self.max_seconds)
        notes = LazyNotes(np.flatnonzero(np.isnan(age)), lambda index: "ticker time unknown")
        return self.make_check(
            age, passed, comparison="<=", threshold=self.max_seconds, unit="seconds", notes=notes
        )
