"""Stage 1, the universe screen: markets and tickers, one vectorised filter per file.

A symbol passes stage 1 when it passes every filter; all filters run on every symbol so
that an explanation lists every reason a symbol was dropped.
"""

from .candle_lag import CandleLagFilter
from .common import UniverseContext, UniverseFilter
from .conversion import UsdConversion
from .listing_age import ListingAgeFilter
from .price import PriceFilter
from .quote_volume import QuoteVolumeFilter
from .spread import SpreadFilter
from .status import StatusFilter
from .symbol_patterns import SymbolPatternFilter
from .ticker_age import TickerAgeFilter

# configuration order (and the order of the docs)
FILTERS: tuple[type[UniverseFilter], ...] = (
    SymbolPatternFilter,
    StatusFilter,
    QuoteVolumeFilter,
    SpreadFilter,
    PriceFilter,
    ListingAgeFilter,
    TickerAgeFilter,
    CandleLagFilter,
)

__all__ = [
    "FILTERS",
    "CandleLagFilter",
    "ListingAgeFilter",
    "PriceFilter",
    "QuoteVolumeFilter",
    "SpreadFilter",
    "StatusFilter",
    "SymbolPatternFilter",
    "TickerAgeFilter",
    "UniverseContext",
    "UniverseFilter",
    "UsdConversion",
]
