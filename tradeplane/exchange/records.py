"""The gateway's typed results: frozen dataclasses, never raw ccxt dictionaries.

Prices and sizes are floats as the exchange's JSON gives them; timestamps are epoch
milliseconds; symbols are ccxt's unified form (`BTC/USDT`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Market:
    symbol: str
    exchange_symbol: str
    base: str
    quote: str
    active: bool
    spot: bool
    tick_size: float | None
    step_size: float | None
    min_amount: float | None
    min_notional: float | None
    maker_fee: float | None
    taker_fee: float | None
    status: str = "trading"
    """The exchange's own status, lower case ("trading", "break", ...); "trading" or
    "inactive" from ccxt's `active` where the exchange gives none."""
    listed_ms: int | None = None
    """Listing time (ccxt's `created`), where the exchange reports it."""


@dataclass(frozen=True, slots=True)
class Ticker:
    """24-hour rolling statistics of one symbol, with the best bid and ask."""

    symbol: str
    timestamp_ms: int
    last: float
    bid: float | None
    ask: float | None
    bid_size: float | None
    ask_size: float | None
    open: float | None
    high: float | None
    low: float | None
    base_volume: float | None
    quote_volume: float | None
    change_percent: float | None
    vwap: float | None

    @property
    def spread_ratio(self) -> float | None:
        """(ask - bid) / mid, or None without both sides."""
        if self.bid is None or self.ask is None or self.bid + self.ask <= 0:
            return None
        return (self.ask - self.bid) / ((self.ask + self.bid) / 2)


@dataclass(frozen=True, slots=True)
class BookTop:
    """Best bid and ask of one symbol."""

    symbol: str
    timestamp_ms: int
    bid: float
    bid_size: float
    ask: float
    ask_size: float

    @property
    def spread_ratio(self) -> float:
        return (self.ask - self.bid) / ((self.ask + self.bid) / 2)


@dataclass(frozen=True, slots=True)
class OrderBook:
    """The top `depth` levels of one symbol's book, best first: (price, size)."""

    symbol: str
    timestamp_ms: int
    nonce: int | None
    bids: tuple[tuple[float, float], ...]
    asks: tuple[tuple[float, float], ...]

    @property
    def top(self) -> BookTop | None:
        if not self.bids or not self.asks:
            return None
        (bid, bid_size), (ask, ask_size) = self.bids[0], self.asks[0]
        return BookTop(self.symbol, self.timestamp_ms, bid, bid_size, ask, ask_size)


@dataclass(frozen=True, slots=True)
class Candle:
    """One OHLCV bar; `timestamp_ms` is its open time."""

    timestamp_ms: int
    open: float
    high: float
    low: float
    close: float
    volume: float


@dataclass(frozen=True, slots=True)
class CandleUpdate:
    """A live candle from the websocket stream; `closed` once the next bar has begun."""

    symbol: str
    timeframe: str
    candle: Candle
    closed: bool


@dataclass(frozen=True, slots=True)
class Balance:
    asset: str
    free: float
    used: float
    total: float


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    client_order_id: str | None
    symbol: str
    side: str  # buy | sell
    type: str  # limit | market | ...
    status: str  # open | closed | canceled | expired | rejected
    price: float | None
    amount: float
    filled: float
    remaining: float | None
    average: float | None
    cost: float | None
    fee_cost: float | None
    fee_currency: str | None
    timestamp_ms: int | None


@dataclass(frozen=True, slots=True)
class Fill:
    """One trade of the account (a full or partial fill of an order)."""

    id: str
    order_id: str | None
    symbol: str
    side: str
    price: float
    amount: float
    cost: float
    fee_cost: float | None
    fee_currency: str | None
    taker_or_maker: str | None
    timestamp_ms: int
