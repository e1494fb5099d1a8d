"""The listed symbols and their static traits (pure, deterministic from the seed).

Traits are arrays indexed by symbol position so that the market updates every symbol at
once: price and quantity precision, status, listing time, sector, 24h USD volume target
(log-normal, so volume filters keep only some symbols), spread and volatility.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tradeplane.sim.config import SimulatorConfig

TRADING = "TRADING"
# Share of symbols in each non-trading status (the rest trade).
NON_TRADING_SHARES = {"BREAK": 0.04, "HALT": 0.01}
SECTORS = 8
DAY_MS = 86_400_000
LISTING_ANCHORS = {"BTC": (60_000.0, 1.5e9), "ETH": (3_000.0, 8.0e8), "BNB": (600.0, 2.5e8)}
_CONSONANTS = "BCDFGHJKLMNPRSTVWXZ"
_VOWELS = "AEIOUY"


@dataclass(frozen=True, eq=False)
class Universe:
    """Static traits of every listed symbol; arrays are indexed like `symbols`."""

    symbols: list[str]
    bases: list[str]
    quotes: list[str]
    statuses: list[str]
    price_decimals: np.ndarray  # int, tick = 10**-price_decimals
    qty_decimals: np.ndarray  # int, lot step = 10**-qty_decimals
    onboard_ms: np.ndarray  # int64 listing time
    sector: np.ndarray  # int
    quote_usd: np.ndarray  # USD value of one unit of the quote asset
    usd_volume: np.ndarray  # target 24h volume in USD
    spread_frac: np.ndarray  # market-maker spread as a fraction of price
    sigma: np.ndarray  # idiosyncratic log-return volatility per bar
    beta: np.ndarray  # exposure to the market factor
    gamma: np.ndarray  # exposure to the sector factor
    start_price: np.ndarray  # first price, quote units

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {s: i for i, s in enumerate(self.symbols)})
        object.__setattr__(self, "tick", 10.0 ** -self.price_decimals.astype(float))
        object.__setattr__(self, "step", 10.0 ** -self.qty_decimals.astype(float))
        object.__setattr__(
            self, "trading", np.array([s == TRADING for s in self.statuses], dtype=bool)
        )

    # derived in __post_init__
    index: dict[str, int] = field(init=False)
    tick: np.ndarray = field(init=False)  # price tick per symbol
    step: np.ndarray = field(init=False)  # lot step per symbol
    trading: np.ndarray = field(init=False)  # bool: status is TRADING

    def __len__(self) -> int:
        return len(self.symbols)


def price_decimals_for(price: np.ndarray) -> np.ndarray:
    """About six significant digits: the tick is 10**(floor(log10(price)) - 5)."""
    return np.clip(5 - np.floor(np.log10(price)), 0, 8).astype(np.int64)


def qty_decimals_for(usd_price: np.ndarray) -> np.ndarray:
    """A lot step worth roughly 0.1 to 1 USD."""
    return np.clip(np.floor(np.log10(usd_price)) + 1, 0, 8).astype(np.int64)


def spread_for(usd_volume: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Spread narrows with volume: about 2.5 bps at $50M a day, wider for thin books."""
    return np.clip(2.5e-4 * (5.0e7 / usd_volume) ** 0.35 * np.exp(0.5 * noise), 1e-5, 2e-2)


def _base_names(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    seen = set(taken)
    while len(names) < count:
        length = int(rng.integers(3, 6))
        letters = [
            (_CONSONANTS if i % 2 == 0 else _VOWELS)[int(rng.integers(0, 19 if i % 2 == 0 else 6))]
            for i in range(length)
        ]
        name = "".join(letters)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def generate_universe(config: SimulatorConfig, *, now_ms: int) -> Universe:
    """`config.symbols` synthetic symbols; BTC, ETH and BNB first where a quote allows."""
    rng = np.random.default_rng([config.seed, 1])
    n = config.symbols
    quotes_cfg = list(config.quote_assets)
    pairs: list[tuple[str, str]] = []
    usd_price: list[float] = []
    usd_volume: list[float] = []
    for base, (price, volume) in LISTING_ANCHORS.items():
        for quote in quotes_cfg:
            if base != quote and len(pairs) < n and config.quote_usd_prices[quote] < price:
                pairs.append((base, quote))
                usd_price.append(price)
                usd_volume.append(volume / (1 + quotes_cfg.index(quote)))
    anchors = len(pairs)
    synthetic = n - anchors
    weights = np.array([0.7] + [0.3 / max(1, len(quotes_cfg) - 1)] * (len(quotes_cfg) - 1))
    weights /= weights.sum()
    quote_pick = rng.choice(len(quotes_cfg), size=synthetic, p=weights)
    names = _base_names(rng, synthetic, set(quotes_cfg) | set(LISTING_ANCHORS))
    log_usd = rng.uniform(np.log(1e-4), np.log(2e3), size=synthetic)
    vol = np.exp(rng.normal(np.log(6e6), 1.7, size=synthetic))
    for i in range(synthetic):
        quote = quotes_cfg[int(quote_pick[i])]
        # a pair must be worth at least ~100 ticks of 1e-8 in its quote asset
        floor_usd = config.quote_usd_prices[quote] * 1e-6
        pairs.append((names[i], quote))
        usd_price.append(float(max(np.exp(log_usd[i]), floor_usd * 10 ** rng.uniform(0, 2))))
        usd_volume.append(float(np.clip(vol[i], 5e3, 5e9)))
    usd_price_arr = np.array(usd_price)
    quote_usd = np.array([config.quote_usd_prices[q] for _, q in pairs])
    price = usd_price_arr / quote_usd
    price_dec = price_decimals_for(price)
    tick = 10.0 ** -price_dec.astype(float)
    price = np.maximum(np.round(price / tick) * tick, tick * 100)

    statuses = [TRADING] * n
    draw = rng.random(n)
    edge = 0.0
    for status, share in NON_TRADING_SHARES.items():
        for i in range(anchors, n):
            if edge <= draw[i] < edge + share:
                statuses[i] = status
        edge += share

    young = rng.random(n) < 0.15
    age_days = np.where(young, rng.uniform(2, 60, n), rng.uniform(365, 6 * 365, n))
    age_days[:anchors] = 8 * 365
    onboard = (now_ms - age_days * DAY_MS).astype(np.int64) // 60_000 * 60_000

    daily_vol = rng.uniform(0.015, 0.05, n)  # idiosyncratic; the market factor adds ~3 %
    daily_vol[:anchors] = [0.01 if b == "BTC" else 0.015 for b, _ in pairs[:anchors]]
    bars_per_day = DAY_MS / config.interval_ms
    return Universe(
        symbols=[b + q for b, q in pairs],
        bases=[b for b, _ in pairs],
        quotes=[q for _, q in pairs],
        statuses=statuses,
        price_decimals=price_dec,
        qty_decimals=qty_decimals_for(usd_price_arr),
        onboard_ms=onboard,
        sector=rng.integers(0, SECTORS, n),
        quote_usd=quote_usd,
        usd_volume=np.array(usd_volume),
        spread_frac=spread_for(np.array(usd_volume), rng.normal(size=n)),
        sigma=daily_vol / np.sqrt(bars_per_day),
        beta=rng.uniform(0.6, 1.4, n),
        gamma=rng.uniform(0.3, 1.0, n),
        start_price=price,
    )
