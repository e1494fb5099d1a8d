"""Minimum listing age."""

from __future__ import annotations

import numpy as np

from ..base import Parameter
from ..checks import Check, LazyNotes
from ..inputs import DAY_MS
from .common import UniverseContext, UniverseFilter, at_least


class ListingAgeFilter(UniverseFilter):
    """Keeps symbols listed at least `minDays` days before the snapshot (inclusive).

    Exchanges do not always report listing times; unknown ones pass unless
    `allowUnknown` is false.
    """

    key = "listing_age"
    measure = "listing age"
    min_days = Parameter(
        7.0,
        minimum=0.0,
        unit="days",
        description="Youngest listing allowed: days between listing and the snapshot.",
    )
    allow_unknown = Parameter(
        True, description="Whether symbols with an unknown listing time pass this filter."
    )

    def check(self, context: UniverseContext) -> Check:
        snapshot = context.snapshot
        age = (snapshot.time_ms - snapshot.listing_time_ms) / DAY_MS
        unknown = np.isnan(age)
        passed = at_least(age, self.min_days) | (unknown & self.allow_unknown)
        notes = LazyNotes(np.flatnonzero(unknown), lambda index: "listing time unknown")
        return self.make_check(
            age, passed, comparison=">=", threshold=self.min_days, unit="days", notes=notes
        )
