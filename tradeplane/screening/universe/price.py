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

    The price is converted like the volume (see `usdConversion`); `maxUsd` null means no
    upper bound.
    """

    key = "price"
    measure = "last price"
    min_usd = Parameter(
        0.0, minimum=0.0, unit="USD", description="Lowest last price allowed, in US dollars."
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
        if values["max_usd"] is not None and values["max_usd"] < values["min_usd"]:
            raise FieldError("maxUsd", "maxUsd must be at least minUsd")

    def check(self, context: UniverseContext) -> Check:
        price = context.snapshot.last * context.usd_per_quote
        passed = at_least(price, self.min_usd)
        if self.max_usd is not None:
            passed &= at_most(price, self.max_usd)
        notes = unpriced_notes(context, np.isnan(price), "last price")
        comparison, threshold = (
            (">=", self.min_usd)
            if self.max_usd is None
            else ("between", (self.min_usd, self.max_usd))
        )
        return self.make_check(
            price, passed, comparison=comparison, threshold=threshold, unit="USD", notes=notes
        )
