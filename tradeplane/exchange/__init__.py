"""Exchange gateway: the only package that imports ccxt.

`ExchangeGateway` gives typed, rate-limited, fault-tolerant access to one exchange account
(ccxt REST and ccxt.pro websockets): one weight budget per account shared by every
consumer in the process, circuit breakers per endpoint, retries for temporary errors only,
validation of every record, and errors sorted by what the caller must do.
`MarketDataCache` / `CachedMarketData` add the two-tier cache (in-process LRU, then a
JetStream KV bucket shared by every pod) with stale-while-revalidate.
"""

from tradeplane.exchange.breaker import BreakerBoard, BreakerSettings, BreakerState
from tradeplane.exchange.cache import Cached, CacheSettings, MarketDataCache, Quality
from tradeplane.exchange.cached import CachedMarketData, Freshness
from tradeplane.exchange.capabilities import Capabilities, capabilities_for
from tradeplane.exchange.config import BreakerConfig, ExchangeConfig, RetryConfig
from tradeplane.exchange.errors import (
    AuthenticationFailed,
    BadSymbol,
    CircuitOpen,
    ExchangeConfigError,
    ExchangeError,
    ExchangeRejected,
    ExchangeTemporaryError,
    ExchangeTimeout,
    ExchangeUnavailable,
    InsufficientFunds,
    InvalidOrder,
    MalformedResponse,
    NotSupported,
    OrderNotFound,
    RateLimited,
)
from tradeplane.exchange.gateway import ExchangeGateway
from tradeplane.exchange.limiter import LIMITERS, LimiterRegistry, WeightLimiter
from tradeplane.exchange.records import (
    Balance,
    BookTop,
    Candle,
    CandleUpdate,
    Fill,
    Market,
    Order,
    OrderBook,
    Ticker,
)

__all__ = [
    "LIMITERS",
    "AuthenticationFailed",
    "BadSymbol",
    "Balance",
    "BookTop",
    "BreakerBoard",
    "BreakerConfig",
    "BreakerSettings",
    "BreakerState",
    "CacheSettings",
    "Cached",
    "CachedMarketData",
    "Candle",
    "CandleUpdate",
    "Capabilities",
    "CircuitOpen",
    "ExchangeConfig",
    "ExchangeConfigError",
    "ExchangeError",
    "ExchangeGateway",
    "ExchangeRejected",
    "ExchangeTemporaryError",
    "ExchangeTimeout",
    "ExchangeUnavailable",
    "Fill",
    "Freshness",
    "InsufficientFunds",
    "InvalidOrder",
    "LimiterRegistry",
    "MalformedResponse",
    "Market",
    "MarketDataCache",
    "NotSupported",
    "Order",
    "OrderBook",
    "OrderNotFound",
    "Quality",
    "RateLimited",
    "RetryConfig",
    "Ticker",
    "WeightLimiter",
    "capabilities_for",
]
