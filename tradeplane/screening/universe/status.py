"""Market status."""

from __future__ import annotations

import numpy as np

from ..base import Parameter
from ..checks import Check
from .common import UniverseContext, UniverseFilter


class StatusFilter(UniverseFilter):
    """Keeps symbols whose market status is one of `statuses` (exact, case-sensitive)."""

    key = "status"
    measure = "status"
    statuses: Parameter[tuple[str, ...]] = Parameter(
        ("trading",),
        min_items=1,
        description="Market statuses that may be traded (the exchange's status, lower case).",
    )

    def check(self, context: UniverseContext) -> Check:
        statuses = context.snapshot.statuses
        passed = np.isin(statuses, np.asarray(self.statuses, dtype=str))
        return self.make_check(
            statuses, passed, comparison="one of", threshold=str(list(self.statuses))
        )
