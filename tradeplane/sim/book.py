"""Order books: market-maker liquidity around the last price plus the user's resting orders.

Prices are integer ticks and quantities integer lot steps. The market makers quote
`levels` price levels per side from the market's best bid and ask, with sizes that scale
with the symbol's volume and change every tick (deterministic from the seed). Liquidity
taken by a fill stays gone until the next tick. Books are built on demand, so only the
symbols someone trades or watches cost anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tradeplane.sim.market import Market

BUY, SELL = "BUY", "SELL"
LEVEL_USD_SHARE = 2e-5  # top level holds this share of the 24h USD volume
LEVEL_USD_BOUNDS = (50.0, 2e6)


@dataclass(eq=False)
class RestingOrder:
    """The book's view of a user's limit order (the account keeps the full order)."""

    order_id: int
    side: str
    price: int  # ticks
    remaining: int  # lot steps
    sequence: int  # time priority


@dataclass
class _Taken:
    tick_count: int
    levels: dict[tuple[str, int], int] = field(default_factory=dict)


Levels = list[tuple[int, int]]  # (price ticks, quantity steps), best first
_MASK = (1 << 64) - 1


def hash_uniform(*keys: int | bool | np.ndarray) -> np.ndarray:
    """Deterministic uniforms in [0, 1) from integer keys (splitmix64 over each key)."""
    with np.errstate(over="ignore"):
        state = np.zeros((), dtype=np.uint64)
        for key in keys:
            mixed = np.asarray(key).astype(np.int64).astype(np.uint64) & np.uint64(_MASK)
            state = state ^ mixed
            state = state + np.uint64(0x9E3779B97F4A7C15)
            state = (state ^ (state >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            state = (state ^ (state >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            state = state ^ (state >> np.uint64(31))
    return (state >> np.uint64(11)).astype(np.float64) / float(1 << 53)


class Books:
    """Every symbol's book; market-maker levels are recomputed from the market each tick."""

    def __init__(self, market: Market, *, levels: int, seed: int) -> None:
        self.market = market
        self.levels = levels
        self.seed = seed
        universe = market.universe
        usd = np.clip(universe.usd_volume * LEVEL_USD_SHARE, *LEVEL_USD_BOUNDS)
        self._top_usd = usd
        self.resting: dict[int, list[RestingOrder]] = {}
        self._taken: dict[int, _Taken] = {}
        self._sequence = 0

    # -- market makers ----------------------------------------------------------------------
    def _top_steps(self, indices: np.ndarray) -> np.ndarray:
        u = self.market.universe
        last = self.market.last_ticks()[indices] * u.tick[indices]
        price_usd = np.maximum(last * u.quote_usd[indices], 1e-12)
        return np.maximum(1.0, self._top_usd[indices] / price_usd / u.step[indices])

    def _taken_levels(self, index: int) -> dict[tuple[str, int], int]:
        taken = self._taken.get(index)
        if taken is None or taken.tick_count != self.market.tick_count:
            taken = self._taken[index] = _Taken(self.market.tick_count)
        return taken.levels

    def maker_levels(self, index: int, side: str) -> Levels:
        """Market-maker liquidity still available on `side` (BUY = bids), best first."""
        if not self.market.universe.trading[index]:
            return []
        bid, ask = self.market.quotes()
        last = int(self.market.last_ticks()[index])
        gap = max(1, round(last * float(self.market.universe.spread_frac[index]) / 2))
        levels = np.arange(self.levels)
        sizes = self._sizes(np.array([index]), side, levels)[0]
        direction, best = (-1, bid) if side == BUY else (1, ask)
        prices = int(best[index]) + direction * gap * levels
        taken = self._taken_levels(index)
        out: Levels = []
        for price, size in zip(prices.tolist(), sizes.tolist(), strict=True):
            left = size - taken.get((side, price), 0)
            if price > 0 and left > 0:
                out.append((price, left))
        return out

    def _sizes(self, indices: np.ndarray, side: str, levels: np.ndarray) -> np.ndarray:
        """Level sizes in steps, shape (symbols, levels); they change every tick."""
        top = self._top_steps(indices)
        noise = hash_uniform(
            self.seed, indices[:, None], self.market.tick_count, side == BUY, levels[None, :]
        )
        return np.maximum(1, np.rint(top[:, None] * (1 + 0.2 * levels) * (0.4 + 1.2 * noise)))

    def top_sizes(self) -> tuple[np.ndarray, np.ndarray]:
        """Best bid and ask size of every symbol's market makers, in steps (no fills)."""
        every = np.arange(len(self.market.universe))
        level = np.zeros(1, dtype=np.int64)
        return self._sizes(every, BUY, level)[:, 0], self._sizes(every, SELL, level)[:, 0]

    def touched(self) -> set[int]:
        """Symbols whose best levels may differ from `top_sizes` (fills, resting orders)."""
        tick = self.market.tick_count
        return set(self.resting) | {i for i, t in self._taken.items() if t.tick_count == tick}

    def take(self, index: int, side: str, price: int, qty: int) -> None:
        """A fill removed `qty` steps of market-maker liquidity at `price` until next tick."""
        taken = self._taken_levels(index)
        taken[(side, price)] = taken.get((side, price), 0) + qty

    # -- user orders ------------------------------------------------------------------------
    def add(self, index: int, order_id: int, side: str, price: int, qty: int) -> None:
        self._sequence += 1
        orders = self.resting.setdefault(index, [])
        orders.append(RestingOrder(order_id, side, price, qty, self._sequence))
        orders.sort(key=lambda o: (o.side, -o.price if o.side == BUY else o.price, o.sequence))
        self.market.touch_book(index)

    def remove(self, index: int, order_id: int) -> None:
        orders = self.resting.get(index, [])
        self.resting[index] = [o for o in orders if o.order_id != order_id]
        if not self.resting[index]:
            del self.resting[index]
        self.market.touch_book(index)

    def reduce(self, index: int, order_id: int, qty: int) -> None:
        for order in self.resting.get(index, []):
            if order.order_id == order_id:
                order.remaining -= qty
        self.market.touch_book(index)

    def user_levels(self, index: int, side: str) -> Levels:
        totals: dict[int, int] = {}
        for order in self.resting.get(index, []):
            if order.side == side and order.remaining > 0:
                totals[order.price] = totals.get(order.price, 0) + order.remaining
        return sorted(totals.items(), reverse=side == BUY)

    # -- views ------------------------------------------------------------------------------
    def depth(self, index: int, limit: int | None = None) -> tuple[Levels, Levels]:
        """Bids (best first) and asks (best first): market makers plus resting orders."""
        sides = []
        for side in (BUY, SELL):
            merged: dict[int, int] = dict(self.maker_levels(index, side))
            for price, qty in self.user_levels(index, side):
                merged[price] = merged.get(price, 0) + qty
            levels = sorted(merged.items(), reverse=side == BUY)
            sides.append(levels[:limit] if limit else levels)
        return sides[0], sides[1]

    def best(self, index: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        bids, asks = self.depth(index, 1)
        return (bids[0] if bids else None), (asks[0] if asks else None)

    def update_id(self, index: int) -> int:
        return int(self.market.update_ids[index])
