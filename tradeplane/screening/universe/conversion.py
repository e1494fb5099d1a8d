"""USD conversion of quote currencies through the exchange's own conversion pairs."""

from __future__ import annotations

import numpy as np

from ..base import Parameter, Stage
from ..inputs import MarketSnapshot


class UsdConversion(Stage):
    """Expresses quote currencies in USD (used by the volume and price filters).

    A currency listed in `usdCurrencies` is worth 1 USD. Any other currency C is priced by
    the exchange's own pair C/U (or U/C, inverted) with U the first listed USD currency
    found: first among the snapshot's conversion prices, then among the snapshot's own
    symbols (last price). Only direct pairs are used; a currency without one is unpriced,
    and its symbols fail the USD-denominated filters with that reason.
    """

    key = "usd_conversion"
    usd_currencies: Parameter[tuple[str, ...]] = Parameter(
        ("USD", "USDT", "USDC", "FDUSD", "TUSD", "DAI"),
        min_items=1,
        description="Currencies counted as one US dollar each, in order of preference.",
    )

    def rates(self, snapshot: MarketSnapshot) -> dict[str, float]:
        """USD price of each quote currency in the snapshot (NaN where none is found)."""
        return {
            currency: self._rate(currency, snapshot)
            for currency in np.unique(snapshot.quotes).tolist()
        }

    def _rate(self, currency: str, snapshot: MarketSnapshot) -> float:
        if currency in self.usd_currencies:
            return 1.0

        def own_price(symbol: str) -> float | None:
            hits = np.flatnonzero(snapshot.symbols == symbol)
            return float(snapshot.last[hits[0]]) if len(hits) else None

        for lookup in (snapshot.conversion_prices.get, own_price):
            for dollar in self.usd_currencies:
                price = lookup(f"{currency}/{dollar}")
                if price is not None and np.isfinite(price) and price > 0:
                    return float(price)
                price = lookup(f"{dollar}/{currency}")
                if price is not None and np.isfinite(price) and price > 0:
                    return 1.0 / float(price)
        return float("nan")

    def usd_per_quote(self, snapshot: MarketSnapshot) -> tuple[np.ndarray, frozenset[str]]:
        """Per symbol, the USD value of one unit of its quote currency; and the unpriced."""
        currencies, inverse = np.unique(snapshot.quotes, return_inverse=True)
        rates = np.array([self._rate(str(currency), snapshot) for currency in currencies])
        unpriced = frozenset(currencies[np.isnan(rates)].tolist())
        return rates[inverse].reshape(-1), unpriced
