"""Maximum bid/ask spread."""

from __future__ import annotations

import numpy as np

from ..base import Parameter
from ..checks import Check, LazyNotes
from .common import UniverseContext, UniverseFilter, at_most


class SpreadFilter(UniverseFilter):
    """Keeps symbols whose bid/ask spread is at most `maxPercent` of the mid price.

    spread % = (ask - bid) / ((ask + bid) / 2) x 100. Inclusive: exactly `maxPercent`
    passes. A missing, non-positive or crossed (ask < bid) quote fails.
    """

    key = "spread"
    measure = "bid/ask spread"
    max_percent = Parameter(
        0.05,
        minimum=0.0,
        maximum=100.0,
        unit="%",
        description="Widest bid/ask spread allowed, in percent of the mid price.",
    )

    def check(self, context: UniverseContext) -> Check:
        bid, ask = context.snapshot.bid, context.snapshot.ask
        with np.errstate(invalid="ignore", divide="ignore"):
            usable = (bid > 0) & (ask >= bid)
            spread = np.where(usable, (ask - bid) / ((ask + bid) / 2.0) * 100.0, np.nan)
        passed = at_most(spread, self.max_percent)
        notes = LazyNotes(
            np.flatnonzero(~usable),
            lambda index: f"no usable bid/ask (bid {bid[index]:.8g}, ask {ask[index]:.8g})",
        )
        return self.make_check(
            spread, passed, comparison="<=", threshold=self.max_percent, unit="%", notes=notes
        )
