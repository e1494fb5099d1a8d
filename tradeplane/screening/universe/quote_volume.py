"""Minimum 24h quote volume, in USD."""

from __future__ import annotations

import numpy as np

from ..base import Parameter
from ..checks import Check
from .common import UniverseContext, UniverseFilter, at_least, unpriced_notes


class QuoteVolumeFilter(UniverseFilter):
    """Keeps symbols whose 24h quote volume, converted to USD, is at least `minUsd`.

    Volumes quoted in another currency (BTC, ETH...) are converted at the exchange's own
    price of that currency (see `usdConversion`). Inclusive: exactly `minUsd` passes. An
    unknown volume (not reported, or no USD conversion) fails even a minimum of 0; null
    sets no minimum, and every symbol passes.
    """

    key = "quote_volume"
    measure = "24h quote volume"
    min_usd: Parameter[float | None] = Parameter(
        50_000_000.0,
        minimum=0.0,
        unit="USD",
        nullable=True,
        description="Smallest 24h traded volume, in US dollars, that a symbol needs; null "
        "for no minimum (symbols whose volume cannot be priced in USD pass too).",
    )

    def check(self, context: UniverseContext) -> Check:
        volume = context.snapshot.quote_volume_24h * context.usd_per_quote
        notes = unpriced_notes(context, np.isnan(volume), "24h quote volume")
        threshold: float | str
        if self.min_usd is None:
            passed, comparison, threshold = np.ones(len(volume), dtype=bool), "", "no minimum"
        else:
            passed, comparison, threshold = at_least(volume, self.min_usd), ">=", self.min_usd
        return self.make_check(
            volume, passed, comparison=comparison, threshold=threshold, unit="USD", notes=notes
        )
