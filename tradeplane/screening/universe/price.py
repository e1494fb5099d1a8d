"""Price bounds, in USD."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..base import FieldError, Parameter
from ..checks import Check
from .common import UniverseContext, UniverseFilter, at_least, at_most, unpriced_notes


class PriceFilter(UniverseFilter):
    """Keeps symbols whose last price, in USD, lies within [`minUsd`, `maxUsd`] (inclusive).

    The price is converted like the volume (see `usdConversion`); an unknown price fails
    any bound. `maxUsd` null means no upper bound, `minUsd` null no lower one; with both
    null every symbol passes, priced or not.
    """

    key = "price"
    measure = "last price"
    min_usd: Parameter[float | None] = Parameter(
        0.0,
        minimum=0.0,
        unit="USD",
        nullable=True,
        description="Lowest last price allowed, in US dollars; null for no lower bound.",
    )
    max_usd: Parameter[float | None] = Parameter(
        None,
        kind=float,
        minimum=0.0,
        unit="USD",
        description="Highest last price allowed, in US dollars; null for no upper bound.",
    )

    @classmethod
    def cross_check(cls, values: Mapping[str, Any]) -> None:
        low, high = values["min_usd"], values["max_usd"]
        if low is not None and high is not None and high < low:
            raise FieldError("maxUsd", "maxUsd must be at least minUsd")

    def check(self, context: UniverseContext) -> Check:
        price = context.snapshot.last * context.usd_per_quote
        notes = unpriced_notes(context, np.isnan(price), "last price")
        low, high = self.min_usd, self.max_usd
        passed = np.ones(len(price), dtype=bool)
        if low is not None:
            passed &= at_least(price, low)
        if high is not None:
            passed &= at_most(price, high)
        comparison, threshold = {
            (True, True): ("", "no bounds"),
            (False, True): (">=", low),
            (True, False): ("<=", high),
            (False, False): ("between", (low, high)),
        }[(low is None, high is None)]
        return self.make_check(
            price, passed, comparison=comparison, threshold=threshold, unit="USD", notes=notes
        )
