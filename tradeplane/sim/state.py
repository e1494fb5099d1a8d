"""Builds the simulator's parts from its config (no I/O but reading replay files).

`build_state` is the deterministic, CPU-bound part of start-up: the symbol universe, the
price history and the live bar, the books, the account, the weight limiter and the fault
injector. The server runs it in a thread and then serves it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tradeplane.sim.auth import new_credentials
from tradeplane.sim.book import Books
from tradeplane.sim.config import SimulatorConfig
from tradeplane.sim.errors import ReplayDataError
from tradeplane.sim.factors import FactorModel
from tradeplane.sim.faults import FaultInjector
from tradeplane.sim.market import BarStore, Market, align
from tradeplane.sim.matching import Account
from tradeplane.sim.payloads import symbol_info
from tradeplane.sim.replay import ReplaySource
from tradeplane.sim.universe import DAY_MS, Universe, generate_universe
from tradeplane.sim.weights import WeightLimiter


def wall_clock_ms() -> int:
    return int(time.time() * 1000)


@dataclass(eq=False)
class SimState:
    """Everything the REST, websocket and admin handlers work on."""

    config: SimulatorConfig
    universe: Universe
    market: Market
    books: Books
    account: Account
    weights: WeightLimiter
    faults: FaultInjector
    api_key: str
    api_secret: str = field(repr=False)
    wall_ms: Callable[[], int] = wall_clock_ms
    # market time that corresponds to `wall_anchor_ms` for the real-time clock
    market_anchor_ms: int = 0
    wall_anchor_ms: int = 0
    book_listeners: list[Callable[[int], None]] = field(default_factory=list)
    _symbols_json: dict[tuple[int, ...] | None, str] = field(default_factory=dict)

    def symbols_json(self, indices: tuple[int, ...] | None) -> str:
        """Serialised `exchangeInfo` symbols (all when `indices` is None), cached."""
        cached = self._symbols_json.get(indices)
        if cached is None:
            chosen = range(len(self.universe)) if indices is None else indices
            cached = json.dumps(
                [symbol_info(self.universe, i) for i in chosen], separators=(",", ":")
            )
            if indices is None or len(self._symbols_json) < 256:
                self._symbols_json[indices] = cached
        return cached

    def book_changed(self, index: int) -> None:
        for listener in self.book_listeners:
            listener(index)


def _synthetic(config: SimulatorConfig, now_ms: int) -> tuple[Universe, Market, int]:
    start = config.start_time_ms
    live_open = int(align(start if start is not None else now_ms, config.interval_ms))
    universe = generate_universe(config, now_ms=live_open)
    bars = config.history_bars
    day_bars = DAY_MS // config.interval_ms
    store = BarStore(
        len(universe),
        interval_ms=config.interval_ms,
        capacity=bars + 1 + day_bars,
        dtype=np.float32,
    )
    model = FactorModel(universe, config)
    model.fill_history(store, first_open_ms=live_open - bars * config.interval_ms, bars=bars)
    market = Market(universe, model, store, ticks_per_bar=config.ticks_per_bar, seed=config.seed)
    anchor = now_ms if start is None else live_open
    return universe, market, anchor


def _replay(config: SimulatorConfig, now_ms: int) -> tuple[Universe, Market, int]:
    assert config.replay_dir is not None
    source = ReplaySource(config.replay_dir, config)
    if source.interval_ms % config.ticks_per_bar:
        raise ReplayDataError("ticks_per_bar must divide the replayed candles' interval")
    start = source.default_start(config)
    if config.replay_align_to_now:
        source.shift(int(align(now_ms, source.interval_ms)) - int(source.times[start]))
    store = BarStore(
        len(source.universe),
        interval_ms=source.interval_ms,
        capacity=len(source.times) + 1,
        dtype=np.float64,
    )
    source.fill_history(store, start=start)
    market = Market(
        source.universe, source, store, ticks_per_bar=config.ticks_per_bar, seed=config.seed
    )
    anchor = now_ms if config.replay_align_to_now else market.now_ms
    return source.universe, market, anchor


def build_state(config: SimulatorConfig, *, wall_ms: Callable[[], int] = wall_clock_ms) -> SimState:
    """The simulator's parts, deterministic from `config.seed` (credentials aside)."""
    now = wall_ms()
    build = _replay if config.replay_dir is not None else _synthetic
    universe, market, anchor = build(config, now)
    books = Books(market, levels=config.depth_levels, seed=config.seed)
    account = Account(
        market,
        books,
        balances=config.initial_balances,
        maker_fee=config.maker_fee,
        taker_fee=config.taker_fee,
    )
    weights = WeightLimiter(
        limit=config.weight_limit,
        window_seconds=config.weight_window_seconds,
        ban_after=config.ban_after_rejections,
        ban_seconds=config.ban_seconds,
        clock=lambda: wall_ms() / 1000,
    )
    generated_key, generated_secret = new_credentials()
    return SimState(
        config=config,
        universe=universe,
        market=market,
        books=books,
        account=account,
        weights=weights,
        faults=FaultInjector(config.faults, seed=config.seed),
        api_key=config.api_key or generated_key,
        api_secret=config.api_secret or generated_secret,
        wall_ms=wall_ms,
        market_anchor_ms=anchor,
        wall_anchor_ms=now,
    )
